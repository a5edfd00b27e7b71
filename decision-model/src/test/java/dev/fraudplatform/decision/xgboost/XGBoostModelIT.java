package dev.fraudplatform.decision.xgboost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
import org.junit.jupiter.api.Test;

/**
 * The pure-Java evaluator against XGBoost's own predictions (XGBoost4J, native) on models trained here, with missing
 * values, to 1e-6. An IT because XGBoost4J loads a native library.
 */
class XGBoostModelIT {
    private static final int FEATURES = 8;

    /** Rows with about 10% missing values and a label that depends on several features and on missingness. */
    private static float[] rows(int n, long seed) {
        Random r = new Random(seed);
        float[] x = new float[n * FEATURES];
        for (int i = 0; i < x.length; i++)
            x[i] = r.nextInt(10) == 0 ? Float.NaN : (float) (r.nextGaussian() * (1 + i % FEATURES));
        return x;
    }

    private static float[] labels(float[] x, int n) {
        float[] y = new float[n];
        for (int i = 0; i < n; i++) {
            float a = x[i * FEATURES];
            float b = x[i * FEATURES + 1];
            float c = x[i * FEATURES + 5];
            double s = (Float.isNaN(a) ? 0.7 : a) + 0.5 * (Float.isNaN(b) ? -1 : b) - 0.2 * (Float.isNaN(c) ? 0 : c);
            y[i] = s > 0.3 ? 1 : 0;
        }
        return y;
    }

    private static Booster train(Map<String, Object> params, int rounds) throws Exception {
        int n = 4_000;
        float[] x = rows(n, 11);
        DMatrix d = new DMatrix(x, n, FEATURES, Float.NaN);
        d.setLabel(labels(x, n));
        Map<String, Object> p = new HashMap<>(Map.of("max_depth", 5, "eta", 0.2, "nthread", 1, "seed", 3));
        p.putAll(params);
        return XGBoost.train(d, p, rounds, new HashMap<>(), null, null);
    }

    private static byte[] json(Booster b) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        b.saveModel(out, "json");
        return out.toByteArray();
    }

    private static void assertSamePredictions(Booster booster, XGBoostModel model) throws Exception {
        int n = 2_000;
        float[] x = rows(n, 99);
        float[][] expected = booster.predict(new DMatrix(x, n, FEATURES, Float.NaN));
        for (int i = 0; i < n; i++) {
            float[] row = java.util.Arrays.copyOfRange(x, i * FEATURES, (i + 1) * FEATURES);
            assertThat(model.predict(row)).as("row %d", i).isCloseTo(expected[i][0], within(1e-6));
        }
    }

    @Test
    void binaryLogisticPredictionsMatchXGBoostToOneMillionth() throws Exception {
        Booster booster = train(Map.of("objective", "binary:logistic"), 60);
        XGBoostModel model = XGBoostModel.read(json(booster));
        assertThat(model.numTrees()).isEqualTo(60);
        assertThat(model.numFeatures()).isEqualTo(FEATURES);
        assertSamePredictions(booster, model);
    }

    @Test
    void regressionPredictionsMatchToo() throws Exception {
        Booster booster = train(Map.of("objective", "reg:squarederror"), 30);
        assertSamePredictions(booster, XGBoostModel.read(json(booster)));
    }

    @Test
    void whatTheEvaluatorCannotScoreExactlyIsRefusedWithAReason() throws Exception {
        Booster multi = train(Map.of("objective", "multi:softprob", "num_class", 3), 3);
        assertThatThrownBy(() -> XGBoostModel.read(json(multi))).hasMessageContaining("not supported");
        assertThatThrownBy(() -> XGBoostModel.read("{\"learner\":".getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("not an XGBoost JSON model");
        XGBoostModel model = XGBoostModel.read(json(train(Map.of("objective", "binary:logistic"), 2)));
        assertThatThrownBy(() -> model.predict(new float[3])).hasMessageContaining("takes 8 features");
    }
}
