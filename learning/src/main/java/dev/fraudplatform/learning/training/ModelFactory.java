package dev.fraudplatform.learning.training;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fraudplatform.core.decision.DegradeMode;
import dev.fraudplatform.core.json.CanonicalJson;
import dev.fraudplatform.core.json.Json;
import dev.fraudplatform.core.json.Sha256;
import dev.fraudplatform.decision.bundle.DecisionBundle;
import dev.fraudplatform.learning.bundle.BundleBuilder;
import dev.fraudplatform.learning.dataset.Dataset;
import dev.fraudplatform.learning.dataset.DatasetFile;
import dev.fraudplatform.learning.evaluation.EvaluationHtml;
import dev.fraudplatform.learning.evaluation.EvaluationReport;
import dev.fraudplatform.learning.evaluation.ThresholdPolicy;
import dev.fraudplatform.learning.evaluation.WindowEvaluation;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Model Factory (ARCHITECTURE.md §2, issue 15 §3): split, train, evaluate and build a bundle, for one dataset and
 * one {@link TrainingConfig}, into an output directory:
 *
 * <pre>
 *   dataset.parquet     the dataset (when the caller gives no digest), whose SHA-256 is the dataset digest
 *   model.json          XGBoost JSON, trained on the train window
 *   training.json       {dataset_digest, training_config, model_sha256}: what model.json is a function of
 *   evaluation.json     {@link EvaluationReport#toJson()}
 *   evaluation.html     {@link EvaluationHtml#render}
 *   bundle/             bundle.json + model.json ({@link BundleBuilder})
 * </pre>
 *
 * <p><b>Steps.</b> (1) {@link OutOfTimeSplit#of}: train, validation, test windows. (2) {@link ModelTrainer#train} on
 * the train window; resumable: when {@code training.json} names the same dataset digest and config and {@code
 * model.json} has the SHA-256 it records, the model is reused, not retrained. (3) The pure-Java evaluator scores the
 * validation and test rows ({@code p}), checked against XGBoost to {@link ModelTrainer#EVALUATOR_TOLERANCE}. (4)
 * Thresholds per {@link ThresholdPolicy} on validation, on the score the fabric will compute: {@code s =
 * round6(w * p + (1 - w) * rules_score)}; choosing them on {@code p} alone would be wrong, since the fabric compares
 * {@code s}, not {@code p}, with them, and {@code s} is capped below 1 and lifted by every rule that fires. (5) The
 * evaluation of both windows, with the rules-only baseline at the base bundle's RULES_ONLY thresholds. (6) The bundle.
 *
 * <p>Refusals ({@link IllegalArgumentException}, nothing written for the refused step): a dataset without positive
 * labels, a window with no rows or one class, a base bundle whose rules use features the dataset lacks (feature
 * schema mismatch), a PARTIAL_CONTEXT feature the dataset lacks. An evaluator that disagrees with XGBoost is an
 * {@link IllegalStateException}: such a model must not ship.
 */
public final class ModelFactory {
    public static final String DATASET_FILE = "dataset.parquet";
    public static final String MODEL_FILE = "model.json";
    public static final String TRAINING_FILE = "training.json";
    public static final String EVALUATION_JSON = "evaluation.json";
    public static final String EVALUATION_HTML = "evaluation.html";
    public static final String BUNDLE_DIR = "bundle";

    private ModelFactory() {}

    /**
     * What a run produced.
     *
     * @param trained false when the model was reused from an earlier run (step 2 resumed)
     * @param trainMillis XGBoost's wall time this run (0 when reused)
     */
    public record Result(
            String bundleId,
            Path bundleDir,
            String datasetDigest,
            OutOfTimeSplit split,
            EvaluationReport evaluation,
            boolean trained,
            long trainMillis) {}

    /** Writes the dataset to {@code outputDir/dataset.parquet} for its digest, then runs as {@link #run(Dataset, String, TrainingConfig, byte[], JsonNode, String, Path)}. */
    public static Result run(
            Dataset dataset, TrainingConfig config, byte[] baseBundleJson, JsonNode parity, Path outputDir) {
        refuseMismatch(dataset, config, baseBundleJson);
        String digest = DatasetFile.write(dataset, outputDir.resolve(DATASET_FILE));
        return run(dataset, digest, config, baseBundleJson, parity, null, outputDir);
    }

    /**
     * Runs every step for a dataset whose file digest the caller already has.
     *
     * @param baseBundleJson the base bundle's {@code bundle.json}: its rules, RULES_ONLY and FAIL_SAFE carry over
     * @param parity the OFS parity report's summary for the bundle's evidence, or null
     * @param bundleId the new bundle's id, or null for the content-derived one
     */
    public static Result run(
            Dataset dataset,
            String datasetDigest,
            TrainingConfig config,
            byte[] baseBundleJson,
            JsonNode parity,
            String bundleId,
            Path outputDir) {
        refuseMismatch(dataset, config, baseBundleJson);
        DecisionBundle base = DecisionBundle.parse(baseBundleJson);
        OutOfTimeSplit split = OutOfTimeSplit.of(dataset, config.split());
        try {
            Files.createDirectories(outputDir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }

        // Step 2: train, or reuse the model an earlier run trained from the same dataset and config.
        ObjectNode training = Json.MAPPER.createObjectNode();
        training.put("dataset_digest", datasetDigest);
        training.set("training_config", config.toJson());
        byte[] modelJson = reusableModel(outputDir, training);
        boolean trained = modelJson == null;
        long trainMillis = 0;
        if (trained) {
            ModelTrainer.TrainedModel model = ModelTrainer.train(dataset, split.train(), config);
            modelJson = model.json();
            trainMillis = model.trainMillis();
            write(outputDir.resolve(MODEL_FILE), modelJson);
            training.put("model_sha256", Sha256.hex(modelJson));
            write(outputDir.resolve(TRAINING_FILE), CanonicalJson.bytes(training));
        }
        ModelTrainer.TrainedModel model = new ModelTrainer.TrainedModel(
                modelJson, dev.fraudplatform.decision.xgboost.XGBoostModel.read(modelJson), trainMillis);

        // Step 3: the fabric's evaluator scores validation and test; XGBoost must agree with it.
        OutOfTimeSplit.Window v = split.validation();
        OutOfTimeSplit.Window t = split.test();
        double difference = Math.max(
                ModelTrainer.evaluatorDifference(model, dataset, v.fromRow(), v.toRow()),
                ModelTrainer.evaluatorDifference(model, dataset, t.fromRow(), t.toRow()));
        if (difference > ModelTrainer.EVALUATOR_TOLERANCE)
            throw new IllegalStateException("the platform's evaluator differs from XGBoost by " + difference
                    + " on a row, more than " + ModelTrainer.EVALUATOR_TOLERANCE + ": the model cannot ship");

        // Step 4: thresholds on validation, on the fabric's combined score.
        double w = config.modelWeight();
        double[] pValidation = model.predict(dataset, v.fromRow(), v.toRow());
        double[] rulesValidation = rules(dataset, v);
        int[] labelsValidation = labels(dataset, v);
        double[] sValidation = combined(w, pValidation, rulesValidation);
        DecisionBundle.Thresholds full = choose(config.thresholds().full(), sValidation, labelsValidation);
        double[] sPartial = sValidation;
        if (!config.thresholds().partialContextMissing().isEmpty()) {
            int[] masked = config.thresholds().partialContextMissing().stream()
                    .mapToInt(dataset.featureNames()::indexOf)
                    .toArray();
            sPartial = combined(
                    w,
                    ModelTrainer.predictMasked(model.evaluator(), dataset, v.fromRow(), v.toRow(), masked),
                    rulesValidation);
        }
        DecisionBundle.Thresholds partial = choose(config.thresholds().partialContext(), sPartial, labelsValidation);
        Map<String, DecisionBundle.Thresholds> thresholds = new LinkedHashMap<>();
        thresholds.put(DegradeMode.FULL.name(), full);
        thresholds.put(DegradeMode.PARTIAL_CONTEXT.name(), partial);
        thresholds.put(DegradeMode.RULES_ONLY.name(), base.thresholds(DegradeMode.RULES_ONLY));

        // Step 5: evaluate both windows.
        WindowEvaluation validation = evaluate(dataset, v, pValidation, sValidation, rulesValidation, thresholds);
        double[] pTest = model.predict(dataset, t.fromRow(), t.toRow());
        double[] rulesTest = rules(dataset, t);
        WindowEvaluation test = evaluate(dataset, t, pTest, combined(w, pTest, rulesTest), rulesTest, thresholds);
        EvaluationReport provisional = new EvaluationReport(
                datasetDigest,
                null,
                config.toJson(),
                split.toJson(),
                thresholds,
                difference,
                trainMillis,
                validation,
                test);

        // Step 6: the bundle; then the evaluation, naming it.
        BundleBuilder.BuiltBundle bundle = BundleBuilder.build(
                baseBundleJson,
                dataset.featureNames(),
                modelJson,
                w,
                full,
                partial,
                new BundleBuilder.Evidence(
                        datasetDigest, config.toJson(), split.toJson(), provisional.summaryJson(), parity),
                bundleId);
        Path bundleDir = outputDir.resolve(BUNDLE_DIR);
        bundle.writeTo(bundleDir);
        EvaluationReport report = new EvaluationReport(
                datasetDigest,
                bundle.bundleId(),
                config.toJson(),
                split.toJson(),
                thresholds,
                difference,
                trainMillis,
                validation,
                test);
        try {
            write(
                    outputDir.resolve(EVALUATION_JSON),
                    (Json.MAPPER.writeValueAsString(report.toJson()) + "\n").getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        write(outputDir.resolve(EVALUATION_HTML), EvaluationHtml.render(report).getBytes(StandardCharsets.UTF_8));
        return new Result(bundle.bundleId(), bundleDir, datasetDigest, split, report, trained, trainMillis);
    }

    /** The refusals that need no training: the base's rules and the PARTIAL_CONTEXT features must be in the dataset. */
    private static void refuseMismatch(Dataset dataset, TrainingConfig config, byte[] baseBundleJson) {
        DecisionBundle base = DecisionBundle.parse(baseBundleJson);
        List<String> ruleFeatures = new ArrayList<>();
        for (DecisionBundle.Rule r : base.rules())
            if (!ruleFeatures.contains(r.feature())) ruleFeatures.add(r.feature());
        List<String> missing = dataset.missingFeatures(ruleFeatures);
        if (!missing.isEmpty())
            throw new IllegalArgumentException("feature schema mismatch: base bundle " + base.id() + "'s rules use "
                    + missing + ", which the dataset's features do not include");
        List<String> missingPartial =
                dataset.missingFeatures(config.thresholds().partialContextMissing());
        if (!missingPartial.isEmpty())
            throw new IllegalArgumentException(
                    "feature schema mismatch: PARTIAL_CONTEXT features " + missingPartial + " are not in the dataset");
    }

    /** The model of an earlier run, when its {@code training.json} matches and its bytes are the ones recorded. */
    private static byte[] reusableModel(Path dir, ObjectNode training) {
        Path recordFile = dir.resolve(TRAINING_FILE);
        Path modelFile = dir.resolve(MODEL_FILE);
        if (!Files.isRegularFile(recordFile) || !Files.isRegularFile(modelFile)) return null;
        try {
            JsonNode record = Json.MAPPER.readTree(Files.readAllBytes(recordFile));
            byte[] model = Files.readAllBytes(modelFile);
            ObjectNode expected = training.deepCopy();
            expected.put("model_sha256", Sha256.hex(model));
            return CanonicalJson.string(record).equals(CanonicalJson.string(expected)) ? model : null;
        } catch (IOException e) {
            return null; // unreadable: train again
        }
    }

    private static DecisionBundle.Thresholds choose(ThresholdPolicy.Targets targets, double[] scores, int[] labels) {
        double min = Double.POSITIVE_INFINITY;
        for (double s : scores) min = Math.min(min, s);
        return targets.choose(dev.fraudplatform.learning.evaluation.Metrics.legitimate(scores, labels), min);
    }

    private static WindowEvaluation evaluate(
            Dataset d,
            OutOfTimeSplit.Window window,
            double[] p,
            double[] s,
            double[] rules,
            Map<String, DecisionBundle.Thresholds> thresholds) {
        Map<String, double[]> scores = new LinkedHashMap<>();
        scores.put(EvaluationReport.BUNDLE, s);
        scores.put(EvaluationReport.MODEL, p);
        scores.put(EvaluationReport.RULES, rules);
        Map<String, Map.Entry<String, DecisionBundle.Thresholds>> sets = new LinkedHashMap<>();
        sets.put(
                DegradeMode.FULL.name(),
                new AbstractMap.SimpleImmutableEntry<>(EvaluationReport.BUNDLE, thresholds.get("FULL")));
        sets.put(
                DegradeMode.PARTIAL_CONTEXT.name(),
                new AbstractMap.SimpleImmutableEntry<>(EvaluationReport.BUNDLE, thresholds.get("PARTIAL_CONTEXT")));
        sets.put(
                DegradeMode.RULES_ONLY.name(),
                new AbstractMap.SimpleImmutableEntry<>(EvaluationReport.RULES, thresholds.get("RULES_ONLY")));
        String[] typologies = new String[window.rows()];
        for (int i = 0; i < typologies.length; i++) typologies[i] = d.typology(window.fromRow() + i);
        return WindowEvaluation.evaluate(window.name(), scores, sets, labels(d, window), typologies);
    }

    private static double[] combined(double w, double[] p, double[] rules) {
        double[] s = new double[p.length];
        for (int i = 0; i < s.length; i++) s[i] = ThresholdPolicy.combined(w, p[i], rules[i]);
        return s;
    }

    private static double[] rules(Dataset d, OutOfTimeSplit.Window w) {
        double[] out = new double[w.rows()];
        for (int i = 0; i < out.length; i++) out[i] = d.rulesScore(w.fromRow() + i);
        return out;
    }

    private static int[] labels(Dataset d, OutOfTimeSplit.Window w) {
        int[] out = new int[w.rows()];
        for (int i = 0; i < out.length; i++) out[i] = d.label(w.fromRow() + i);
        return out;
    }

    private static void write(Path file, byte[] bytes) {
        try {
            Path tmp = Files.createTempFile(
                    file.toAbsolutePath().getParent(), file.getFileName().toString(), ".tmp");
            try {
                Files.write(tmp, bytes);
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
