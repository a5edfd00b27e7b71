package dev.fraudplatform.rtdl.fabric;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fraudplatform.core.decision.Decision;
import dev.fraudplatform.core.decision.DecisionAction;
import dev.fraudplatform.core.decision.DegradeMode;
import dev.fraudplatform.core.json.CanonicalJson;
import dev.fraudplatform.core.json.Sha256;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The Decision Fabric's scoring: a pure function of (feature snapshot, bundle). Rules that fire add their weight;
 * the score is their sum capped at 1, rounded to 6 decimals; the degrade mode's thresholds map it to an action.
 * With no model in the bundle the mode is RULES_ONLY; with no features at all it is FAIL_SAFE and the bundle's
 * default action applies. Reasons are the fired rules, heaviest first (ties by id), at most five.
 */
public final class DecisionFabric {
    private static final int MAX_REASONS = 5;
    private final DecisionBundle bundle;

    public DecisionFabric(DecisionBundle bundle) {
        this.bundle = bundle;
    }

    public DecisionBundle bundle() {
        return bundle;
    }

    /**
     * Decides about one event.
     *
     * @param features the feature snapshot, or null when none could be assembled ({@code failureReason} says why)
     */
    public Decision decide(String runId, String eventClass, String eventId, String partitionKey, String eventTime,
                           ObjectNode features, String failureReason) {
        String decisionId = Decision.idFor(eventClass, eventId);
        if (features == null) {
            return new Decision(decisionId, eventId, runId, partitionKey, eventTime, bundle.failSafeAction(), 0.0, List.of(),
                    bundle.id(), DegradeMode.FAIL_SAFE, failureReason == null ? "no features" : failureReason, null, null);
        }
        List<DecisionBundle.Rule> fired = new ArrayList<>();
        double sum = 0;
        for (DecisionBundle.Rule r : bundle.rules()) {
            if (r.fires(features)) {
                fired.add(r);
                sum += r.weight();
            }
        }
        double score = Math.round(Math.min(1.0, sum) * 1_000_000.0) / 1_000_000.0;
        fired.sort(Comparator.comparingDouble(DecisionBundle.Rule::weight).reversed().thenComparing(DecisionBundle.Rule::id));
        List<String> reasons = fired.stream().limit(MAX_REASONS).map(DecisionBundle.Rule::id).toList();
        DegradeMode mode;
        String modeReason;
        if (!bundle.hasModel()) {
            mode = DegradeMode.RULES_ONLY;
            modeReason = "bundle " + bundle.id() + " has no model";
        } else {
            // Model scoring arrives with the model evaluator; until then a bundle with a model degrades honestly.
            mode = DegradeMode.RULES_ONLY;
            modeReason = "model scoring is not available in this build";
        }
        DecisionAction action = bundle.thresholds(mode).actionFor(score);
        String featureDigest = Sha256.hex(CanonicalJson.bytes(features));
        return new Decision(decisionId, eventId, runId, partitionKey, eventTime, action, score, reasons, bundle.id(), mode,
                modeReason, featureDigest, features);
    }
}
