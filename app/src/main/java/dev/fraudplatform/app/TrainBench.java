package dev.fraudplatform.app;

import dev.fraudplatform.decision.bundle.DecisionBundle;
import dev.fraudplatform.learning.dataset.Dataset;
import dev.fraudplatform.learning.dataset.DatasetFile;
import dev.fraudplatform.learning.dataset.SyntheticDataset;
import dev.fraudplatform.learning.training.ModelFactory;
import dev.fraudplatform.learning.training.ModelTrainer;
import dev.fraudplatform.learning.training.OutOfTimeSplit;
import dev.fraudplatform.learning.training.TrainingConfig;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * {@code fp bench train}: the Model Factory's training at scale on a deterministic synthetic dataset ({@link
 * SyntheticDataset}, rules-v1's rules for the baseline): XGBoost4J on every row ({@code binary:logistic}, {@code
 * hist}), timed from the dense matrix's construction to the model file; then the pure-Java evaluator's scoring rate
 * over the rows. With {@code --factory}, the whole Model Factory (dataset file and digest, split, training,
 * evaluation, bundle) into a scratch directory under {@code $FP_HOME/bench}, timed per run.
 */
public final class TrainBench {
    private TrainBench() {}

    public static int run(int rows, int features, int rounds, int threads, int days, long seed, boolean factory)
            throws Exception {
        byte[] base;
        try (InputStream in = DecisionBundle.class.getResourceAsStream("/bundles/rules-v1/bundle.json")) {
            base = in.readAllBytes();
        }
        long t0 = System.nanoTime();
        Dataset d = SyntheticDataset.generate(
                rows, features, days, seed, DecisionBundle.parse(base).rules());
        double synthSeconds = seconds(t0);
        System.out.printf(
                Locale.ROOT,
                "bench train: %,d rows x %d features (%,d fraud), synthesised in %.1f s; %d rounds, depth %d, %d threads%n",
                d.size(),
                d.width(),
                d.positives(),
                synthSeconds,
                rounds,
                TrainingConfig.defaults().maxDepth(),
                threads);
        TrainingConfig config = TrainingConfig.defaults()
                .withRounds(rounds)
                .withNthread(threads)
                .withSeed(seed);

        OutOfTimeSplit.Window all = new OutOfTimeSplit.Window("all", 0, d.size(), 0, Long.MAX_VALUE, d.positives());
        long t1 = System.nanoTime();
        ModelTrainer.TrainedModel model = ModelTrainer.train(d, all, config);
        double trainSeconds = seconds(t1);
        System.out.printf(
                Locale.ROOT,
                "train: %.1f s for %,d rows (%,.0f rows/s; matrix + %d rounds), model %,d bytes, %d trees%n",
                trainSeconds,
                d.size(),
                d.size() / trainSeconds,
                rounds,
                model.json().length,
                model.evaluator().numTrees());

        int scored = Math.min(d.size(), 200_000);
        long t2 = System.nanoTime();
        model.predict(d, 0, scored);
        double scoreSeconds = seconds(t2);
        System.out.printf(
                Locale.ROOT,
                "pure-Java evaluator: %,d rows in %.2f s (%.1f us a row on %d cores)%n",
                scored,
                scoreSeconds,
                scoreSeconds * 1e6 / scored,
                Runtime.getRuntime().availableProcessors());

        if (factory) {
            Path dir = PlatformConfig.fromEnvironment()
                    .home()
                    .resolve("bench")
                    .resolve("train-" + System.currentTimeMillis());
            long t3 = System.nanoTime();
            String digest = DatasetFile.write(d, dir.resolve(ModelFactory.DATASET_FILE));
            double writeSeconds = seconds(t3);
            long size = Files.size(dir.resolve(ModelFactory.DATASET_FILE));
            long t4 = System.nanoTime();
            Dataset back = DatasetFile.read(dir.resolve(ModelFactory.DATASET_FILE));
            double readSeconds = seconds(t4);
            System.out.printf(
                    Locale.ROOT,
                    "dataset file: written in %.1f s (%,d bytes, digest %s), read back in %.1f s (%,d rows)%n",
                    writeSeconds,
                    size,
                    digest.substring(0, 12),
                    readSeconds,
                    back.size());
            long t5 = System.nanoTime();
            ModelFactory.Result r = ModelFactory.run(d, digest, config, base, null, null, dir);
            System.out.printf(
                    Locale.ROOT,
                    "model factory (split, train %.1f s, evaluate, bundle): %.1f s; bundle %s in %s%n",
                    r.trainMillis() / 1000.0,
                    seconds(t5),
                    r.bundleId(),
                    r.bundleDir());
            var test = r.evaluation().test();
            System.out.printf(
                    Locale.ROOT,
                    "test window %,d rows: ROC-AUC bundle %.4f / rules %.4f; recall at 1%% FPR model %.3f / rules %.3f%n",
                    test.rows(),
                    test.series("bundle").rocAuc(),
                    test.series("rules").rocAuc(),
                    test.series("model").atOnePercentFpr().recall(),
                    test.series("rules").atOnePercentFpr().recall());
        }
        return 0;
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }
}
