package dev.fraudplatform.decision.scoring;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fraudplatform.core.decision.Decision;
import dev.fraudplatform.core.decision.DecisionAction;
import dev.fraudplatform.core.decision.DegradeMode;
import dev.fraudplatform.core.decision.JoinFrame;
import dev.fraudplatform.core.json.CanonicalJson;
import dev.fraudplatform.core.json.Sha256;
import dev.fraudplatform.decision.bundle.DecisionBundle;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The Decision Fabric's scoring: a pure function of (feature snapshot, bundle). Rules that fire add their weight;
 * {@code rules = min(1, sum of fired weights)}. With a usable model, {@code score = w * p + (1 - w) * rules} where
 * {@code p} is the model's probability over the feature schema in order (absent features are missing values) and
 * {@code w} the bundle's model weight, and the mode is FULL; without one (none named, unreadable, failing) the score is
 * {@code rules}, the mode RULES_ONLY and the reason says why. A frame missing context scores with what it has, in
 * PARTIAL_CONTEXT; with no features at all the mode is FAIL_SAFE and the bundle's default action applies. The score is rounded to 6 decimals; the mode's thresholds map it to an action.
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

    /** Decides about one event from a frame with nothing missing, or none at all ({@code features} null). */
    public Decision decide(
            String runId,
            String eventClass,
            String eventId,
            String partitionKey,
            String eventTime,
            ObjectNode features,
            String failureReason) {
        return decide(new JoinFrame(
                runId,
                eventClass,
                eventId,
                partitionKey,
                eventTime,
                features,
                List.of(),
                features == null ? (failureReason == null ? "no features" : failureReason) : null));
    }

    /**
     * Decides about one event. The degrade mode is the lowest that applies, FULL &gt; PARTIAL_CONTEXT &gt; RULES_ONLY
     * &gt; FAIL_SAFE: no frame at all is FAIL_SAFE (the bundle's default action, score 0); a model that cannot score is
     * RULES_ONLY; a frame missing context is PARTIAL_CONTEXT (scored with what it has, with that mode's thresholds);
     * otherwise FULL. The reason names every cause, the missing fragments included.
     */
    public Decision decide(JoinFrame frame) {
        String decisionId = Decision.idFor(frame.eventClass(), frame.eventId());
        ObjectNode features = frame.features();
        if (features == null) {
            return new Decision(
                    decisionId,
                    frame.eventId(),
                    frame.runId(),
                    frame.partitionKey(),
                    frame.eventTime(),
                    bundle.failSafeAction(),
                    0.0,
                    List.of(),
                    bundle.id(),
                    DegradeMode.FAIL_SAFE,
                    frame.unavailable(),
                    null,
                    null,
                    frame.eventClass(),
                    frame.missingContext());
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
        fired.sort(Comparator.comparingDouble(DecisionBundle.Rule::weight)
                .reversed()
                .thenComparing(DecisionBundle.Rule::id));
        List<String> reasons = new ArrayList<>(
                fired.stream().limit(MAX_REASONS).map(DecisionBundle.Rule::id).toList());
        String modelProblem = null;
        double raw = rules;
        if (!bundle.hasModel()) {
            modelProblem = "bundle " + bundle.id() + " has no model";
        } else if (bundle.model().isEmpty()) {
            modelProblem = bundle.modelProblem();
        } else {
            double p = Double.NaN;
            modelProblem = "model gave no score";
            try {
                p = bundle.model().get().predict(vector(features));
            } catch (RuntimeException e) {
                modelProblem = "model failed: " + e.getMessage();
            }
            if (!Double.isNaN(p)) {
                modelProblem = null;
                raw = bundle.modelWeight() * p + (1 - bundle.modelWeight()) * rules;
                if (p >= 0.5) reasons.add(0, "model_score");
                if (reasons.size() > MAX_REASONS) reasons.remove(reasons.size() - 1);
            }
        }
        String missing = frame.missingContext().isEmpty()
                ? null
                : "missing context: " + String.join("; ", frame.missingContext());
        DegradeMode mode;
        String modeReason;
        if (modelProblem != null) {
            mode = DegradeMode.RULES_ONLY;
            modeReason = missing == null ? modelProblem : modelProblem + "; " + missing;
        } else if (missing != null) {
            mode = DegradeMode.PARTIAL_CONTEXT;
            modeReason = missing;
        } else {
            mode = DegradeMode.FULL;
            modeReason = "model and rules scored";
        }
        double score = Math.round(raw * 1_000_000.0) / 1_000_000.0;
        DecisionAction action = bundle.thresholds(mode).actionFor(score);
        String featureDigest = Sha256.hex(CanonicalJson.bytes(features));
        return new Decision(
                decisionId,
                frame.eventId(),
                frame.runId(),
                frame.partitionKey(),
                frame.eventTime(),
                action,
                score,
                reasons,
                bundle.id(),
                mode,
                modeReason,
                featureDigest,
                features,
                frame.eventClass(),
                frame.missingContext());
    }
}
