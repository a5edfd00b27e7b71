package dev.fraudplatform.learning.evaluation;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fraudplatform.core.decision.DegradeMode;
import dev.fraudplatform.core.json.Json;
import dev.fraudplatform.decision.bundle.DecisionBundle;
import java.util.Arrays;
import java.util.List;

/**
 * How the Model Factory chooses a bundle's thresholds: per degrade mode, a false-positive-rate target per action, met
 * on the validation window's legitimate rows, on the score the Decision Fabric will compute.
 *
 * <p><b>The rule.</b> Let {@code s_i = round6(w * p_i + (1 - w) * rules_i)} be the fabric's score of validation row
 * {@code i} ({@code p} the model's probability, {@code rules} the rules' score, {@code w} the model weight, {@code
 * round6} rounding to 6 decimals as the fabric does). Let {@code l_1 >= l_2 >= ... >= l_N} be the scores of the
 * {@code N} legitimate rows and {@code k = floor(f * N)} for a target false-positive rate {@code f}. Then
 *
 * <pre>
 *   threshold(f) = l_(k+1) + 0.000001            if k &lt; N   (the next score on the 6-decimal grid above l_(k+1))
 *   threshold(f) = min_i s_i                     if k &gt;= N
 * </pre>
 *
 * so at most {@code k} legitimate rows reach it: its false-positive rate on validation is at most {@code f}, and it is
 * the lowest threshold that is (the one catching most fraud). Ties at {@code l_(k+1)} all fall below it. Each action's
 * threshold is {@code threshold(f_action)}: {@code decline = threshold(f_decline)}, {@code review =
 * threshold(f_review)}, {@code step_up = threshold(f_step_up)}, with {@code f_decline <= f_review <= f_step_up} so that
 * {@code decline >= review >= step_up}.
 *
 * <p><b>Degrade modes.</b> FULL uses {@link #full()}. PARTIAL_CONTEXT uses {@link #partialContext()}, on validation
 * scores recomputed with the {@link #partialContextMissing()} features set missing (NaN): the scores a frame lacking
 * that context gets, so its thresholds hold their false-positive rates when context is missing. RULES_ONLY scores
 * {@code rules} alone and keeps the base bundle's thresholds (the model plays no part there); FAIL_SAFE has no score.
 *
 * @param full targets for FULL
 * @param partialContext targets for PARTIAL_CONTEXT (by default more cautious about declining)
 * @param partialContextMissing features absent in a PARTIAL_CONTEXT frame; empty = score as FULL does
 */
public record ThresholdPolicy(Targets full, Targets partialContext, List<String> partialContextMissing) {

    /** False-positive-rate targets of one mode's actions, each in [0, 1], decline &lt;= review &lt;= step-up. */
    public record Targets(double declineFpr, double reviewFpr, double stepUpFpr) {
        public Targets {
            for (double f : new double[] {declineFpr, reviewFpr, stepUpFpr})
                if (!(f >= 0 && f <= 1))
                    throw new IllegalArgumentException("a false-positive-rate target is in [0, 1]");
            if (declineFpr > reviewFpr || reviewFpr > stepUpFpr)
                throw new IllegalArgumentException("targets must be decline <= review <= step-up, got " + declineFpr
                        + ", " + reviewFpr + ", " + stepUpFpr);
        }

        /** Thresholds meeting these targets on the legitimate rows' scores (any order; not modified). */
        public DecisionBundle.Thresholds choose(double[] legitimateScores, double minScore) {
            double[] sorted = legitimateScores.clone();
            Arrays.sort(sorted);
            return new DecisionBundle.Thresholds(
                    threshold(sorted, declineFpr, minScore),
                    threshold(sorted, reviewFpr, minScore),
                    threshold(sorted, stepUpFpr, minScore));
        }

        ObjectNode toJson() {
            ObjectNode n = Json.MAPPER.createObjectNode();
            n.put("decline_fpr", declineFpr);
            n.put("review_fpr", reviewFpr);
            n.put("step_up_fpr", stepUpFpr);
            return n;
        }
    }

    public ThresholdPolicy {
        if (full == null || partialContext == null) throw new IllegalArgumentException("targets are required");
        partialContextMissing = List.copyOf(partialContextMissing);
    }

    /**
     * FULL: decline at 0.1% FPR, review at 1%, step-up at 3%. PARTIAL_CONTEXT: decline at 0.05%, review at 1%, step-up
     * at 3%, no features masked (the loop's frames carry every feature, zero when a context fragment is absent).
     */
    public static ThresholdPolicy defaults() {
        return new ThresholdPolicy(new Targets(0.001, 0.01, 0.03), new Targets(0.0005, 0.01, 0.03), List.of());
    }

    /**
     * {@code threshold(f)} of the type's rule over legitimate scores sorted ascending: {@code l_(k+1)} is
     * {@code sorted[N - 1 - k]}.
     */
    static double threshold(double[] sortedAscending, double f, double minScore) {
        int n = sortedAscending.length;
        if (n == 0) throw new IllegalArgumentException("no legitimate rows to choose a threshold on");
        long k = (long) Math.floor(f * n);
        if (k >= n) return minScore;
        return round6(sortedAscending[(int) (n - 1 - k)] + 0.000001);
    }

    /** Rounds to 6 decimals, as the Decision Fabric rounds its scores. */
    public static double round6(double x) {
        return Math.round(x * 1_000_000.0) / 1_000_000.0;
    }

    /** The fabric's score: {@code round6(w * p + (1 - w) * rules)}. */
    public static double combined(double w, double p, double rules) {
        return round6(w * p + (1 - w) * rules);
    }

    /** The thresholds for {@code mode} as JSON ({@code decline}, {@code review}, {@code step_up}). */
    public static ObjectNode toJson(DecisionBundle.Thresholds t) {
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.put("decline", t.decline());
        n.put("review", t.review());
        n.put("step_up", t.stepUp());
        return n;
    }

    /** The targets of a mode the Model Factory chooses thresholds for (FULL, PARTIAL_CONTEXT). */
    public Targets targets(DegradeMode mode) {
        return switch (mode) {
            case FULL -> full;
            case PARTIAL_CONTEXT -> partialContext;
            default -> throw new IllegalArgumentException(mode + " keeps the base bundle's thresholds");
        };
    }

    public ObjectNode toJson() {
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.set("FULL", full.toJson());
        n.set("PARTIAL_CONTEXT", partialContext.toJson());
        var missing = n.putArray("partial_context_missing");
        partialContextMissing.forEach(missing::add);
        return n;
    }
}
