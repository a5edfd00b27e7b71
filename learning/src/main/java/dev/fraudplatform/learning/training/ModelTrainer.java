package dev.fraudplatform.learning.training;

import dev.fraudplatform.decision.xgboost.XGBoostModel;
import dev.fraudplatform.learning.dataset.Dataset;
import java.util.HashMap;
import java.util.stream.IntStream;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
import ml.dmlc.xgboost4j.java.XGBoostError;

/**
 * Trains a model with XGBoost4J (native) on a window of a dataset, and checks that the platform's pure-Java evaluator
 * ({@link XGBoostModel}, what the Decision Fabric scores with) agrees with XGBoost's own predictions.
 *
 * <p>Reproducible: the model file ({@code binary:logistic}, {@code hist}, the config's seed) is a function of the
 * training rows and the config; the rows are the dataset's window in event-time order, so the same dataset and config
 * give the same bytes. Missing values are NaN, as in the fabric's vectors.
 */
public final class ModelTrainer {
    /** The most the pure-Java evaluator may differ from XGBoost's prediction on any row checked. */
    public static final double EVALUATOR_TOLERANCE = 1e-6;

    private ModelTrainer() {}

    /** A trained model: its XGBoost JSON file, the evaluator over it, and how long training took. */
    public record TrainedModel(byte[] json, XGBoostModel evaluator, long trainMillis) {
        /** The model's probabilities for rows {@code [from, to)} of {@code d}, as the Decision Fabric computes them. */
        public double[] predict(Dataset d, int from, int to) {
            return ModelTrainer.predict(evaluator, d, from, to, null);
        }
    }

    /**
     * Trains on rows {@code [window.fromRow, window.toRow)} of {@code d}.
     *
     * @throws IllegalArgumentException for a window with no rows or one class
     */
    public static TrainedModel train(Dataset d, OutOfTimeSplit.Window window, TrainingConfig config) {
        if (window.rows() == 0 || window.positives() == 0 || window.negatives() == 0)
            throw new IllegalArgumentException("the " + window.name() + " window has " + window.rows() + " rows, "
                    + window.positives() + " of them fraud: training needs both classes");
        long start = System.nanoTime();
        DMatrix matrix = null;
        Booster booster = null;
        try {
            matrix = new DMatrix(d.features(window.fromRow(), window.toRow()), window.rows(), d.width(), Float.NaN);
            matrix.setLabel(d.labels(window.fromRow(), window.toRow()));
            booster = XGBoost.train(matrix, config.boosterParams(), config.rounds(), new HashMap<>(), null, null);
            byte[] json = booster.toByteArray("json");
            long millis = (System.nanoTime() - start) / 1_000_000;
            return new TrainedModel(json, XGBoostModel.read(json), millis);
        } catch (XGBoostError e) {
            throw new IllegalStateException("XGBoost failed to train: " + e.getMessage(), e);
        } finally {
            if (booster != null) booster.dispose();
            if (matrix != null) matrix.dispose();
        }
    }

    /**
     * The largest difference, over rows {@code [from, to)} of {@code d}, between XGBoost's prediction from the model
     * file and the pure-Java evaluator's; {@link #EVALUATOR_TOLERANCE} at most for a model the platform may ship.
     */
    public static double evaluatorDifference(TrainedModel model, Dataset d, int from, int to) {
        if (to <= from) return 0;
        Booster booster = null;
        DMatrix matrix = null;
        try {
            booster = XGBoost.loadModel(model.json());
            matrix = new DMatrix(d.features(from, to), to - from, d.width(), Float.NaN);
            float[][] expected = booster.predict(matrix);
            double[] actual = model.predict(d, from, to);
            double max = 0;
            for (int i = 0; i < actual.length; i++) max = Math.max(max, Math.abs(actual[i] - expected[i][0]));
            return max;
        } catch (XGBoostError | java.io.IOException e) {
            throw new IllegalStateException("XGBoost failed to predict: " + e.getMessage(), e);
        } finally {
            if (booster != null) booster.dispose();
            if (matrix != null) matrix.dispose();
        }
    }

    /**
     * The evaluator's probabilities for rows {@code [from, to)}, with the features at {@code masked} positions (may be
     * null) set missing. Rows are scored in parallel; each result depends on its row only.
     */
    static double[] predict(XGBoostModel model, Dataset d, int from, int to, int[] masked) {
        double[] out = new double[to - from];
        IntStream.range(from, to).parallel().forEach(i -> {
            float[] x = d.row(i);
            if (masked != null) for (int m : masked) x[m] = Float.NaN;
            out[i - from] = model.predict(x);
        });
        return out;
    }

    /** {@link #predict} with features masked, for the PARTIAL_CONTEXT thresholds. */
    public static double[] predictMasked(XGBoostModel model, Dataset d, int from, int to, int[] masked) {
        return predict(model, d, from, to, masked);
    }
}
