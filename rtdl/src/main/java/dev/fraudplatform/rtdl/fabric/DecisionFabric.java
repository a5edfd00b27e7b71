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
 * {@code rules = min(1, sum of fired weights)}. With a usable model, {@code score = w * p + (1 - w) * rules} where
 * {@code p} is the model's probability over the feature schema in order (absent features are missing values) and
 * {@code w} the bundle's model weight, and the mode is FULL; without one (none named, unreadable, failing) the score is
 * {@code rules}, the mode RULES_ONLY and the reason says why. With no features at all the mode is FAIL_SAFE and the
 * bundle's default action applies. The score is rounded to 6 decimals; the mode's thresholds map it to an action.
 * Reasons are the fired rules, heaviest first (ties by id), at most five; a model's share adds {@code model_score}.
 */
public final class DecisionFabric {
    private static final int MAX_REASONS = 5;
    private final DecisionBundle bundle;

    public DecisionFabric(DecisionBundle bundle) {
        this.bundle = bundle;
    }

    /** The features in the bundle's schema order; an absent or non-numeric feature is a missing value (NaN). */
    private float[] vector(ObjectNode features) {
        List<String> names = bundle.featureNames();
        float[] x = new float[names.size()];
        for (int i = 0; i < x.length; i++) {
            var v = features.get(names.get(i));
            x[i] = v != null && v.isNumber() ? (float) v.doubleValue() : Float.NaN;
        }
        return x;
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
        double rules = Math.min(1.0, sum);
        fired.sort(Comparator.comparingDouble(DecisionBundle.Rule::weight).reversed().thenComparing(DecisionBundle.Rule::id));
        List<String> reasons = new ArrayList<>(fired.stream().limit(MAX_REASONS).map(DecisionBundle.Rule::id).toList());
        DegradeMode mode;
        String modeReason;
        double raw = rules;
        if (!bundle.hasModel()) {
            mode = DegradeMode.RULES_ONLY;
            modeReason = "bundle " + bundle.id() + " has no model";
        } else if (bundle.model().isEmpty()) {
            mode = DegradeMode.RULES_ONLY;
            modeReason = bundle.modelProblem();
        } else {
            double p = Double.NaN;
            String failure = "model gave no score";
            try {
                p = bundle.model().get().predict(vector(features));
            } catch (RuntimeException e) {
                failure = "model failed: " + e.getMessage();
            }
            if (Double.isNaN(p)) {
                mode = DegradeMode.RULES_ONLY;
                modeReason = failure;
            } else {
                mode = DegradeMode.FULL;
                modeReason = "model and rules scored";
                raw = bundle.modelWeight() * p + (1 - bundle.modelWeight()) * rules;
                if (p >= 0.5) reasons.add(0, "model_score");
                if (reasons.size() > MAX_REASONS) reasons.remove(reasons.size() - 1);
            }
        }
        double score = Math.round(raw * 1_000_000.0) / 1_000_000.0;
        DecisionAction action = bundle.thresholds(mode).actionFor(score);
        String featureDigest = Sha256.hex(CanonicalJson.bytes(features));
        return new Decision(decisionId, eventId, runId, partitionKey, eventTime, action, score, reasons, bundle.id(), mode,
                modeReason, featureDigest, features);
    }
}
