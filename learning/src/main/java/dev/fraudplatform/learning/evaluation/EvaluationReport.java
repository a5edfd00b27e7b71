package dev.fraudplatform.learning.evaluation;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fraudplatform.core.json.Json;
import dev.fraudplatform.decision.bundle.DecisionBundle;
import java.util.Map;

/**
 * A Model Factory evaluation: what was trained on what, the thresholds chosen on validation, and how the bundle's
 * score, the model alone and the rules-only baseline do on the validation and the test window. Written as {@code
 * evaluation.json} ({@link #toJson()}) and {@code evaluation.html} ({@link EvaluationHtml#render}).
 *
 * <p>Series names: {@value #BUNDLE} (the fabric's FULL score {@code round6(w * p + (1 - w) * rules)}), {@value #MODEL}
 * ({@code p}), {@value #RULES} (the rules-only bundle's score). Threshold sets: {@code FULL} and {@code
 * PARTIAL_CONTEXT} (chosen on validation, applied to {@value #BUNDLE}) and {@code RULES_ONLY} (the base bundle's,
 * applied to {@value #RULES}: what the platform does today).
 *
 * @param datasetDigest SHA-256 of the dataset file
 * @param bundleId the bundle built from this evaluation, or null
 * @param trainingConfig the config, as {@code TrainingConfig.toJson()}
 * @param split the windows, as {@code OutOfTimeSplit.toJson()}
 * @param thresholds by degrade mode name
 * @param evaluatorDifference the largest |pure-Java - XGBoost| prediction difference over validation and test rows
 * @param trainMillis wall time of XGBoost training (not written: the files are functions of data and config)
 */
public record EvaluationReport(
        String datasetDigest,
        String bundleId,
        ObjectNode trainingConfig,
        ObjectNode split,
        Map<String, DecisionBundle.Thresholds> thresholds,
        double evaluatorDifference,
        long trainMillis,
        WindowEvaluation validation,
        WindowEvaluation test) {

    public static final String BUNDLE = "bundle";
    public static final String MODEL = "model";
    public static final String RULES = "rules";

    /** Everything, deterministically ordered: the content of {@code evaluation.json}. */
    public ObjectNode toJson() {
        ObjectNode n = head();
        n.set("validation", validation.toJson());
        n.set("test", test.toJson());
        return n;
    }

    /** The headline numbers, for the bundle's evidence: the head plus each window's {@code summaryJson}. */
    public ObjectNode summaryJson() {
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.set("validation", validation.summaryJson());
        n.set("test", test.summaryJson());
        WindowEvaluation.number(n, "evaluator_max_difference", evaluatorDifference);
        return n;
    }

    private ObjectNode head() {
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.put("dataset_digest", datasetDigest);
        if (bundleId != null) n.put("bundle_id", bundleId);
        n.set("training_config", trainingConfig);
        n.set("split", split);
        ObjectNode t = n.putObject("thresholds");
        thresholds.forEach((mode, th) -> t.set(mode, ThresholdPolicy.toJson(th)));
        WindowEvaluation.number(n, "evaluator_max_difference", evaluatorDifference);
        return n;
    }
}
