package dev.fraudplatform.learning.registry;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The promotion gates a bundle passes before it becomes active (issue 15 §4), judged on the evidence its
 * {@code bundle.json} carries, never by hand. Each gate names itself in what it says:
 *
 * <ol>
 *   <li>{@value #EVALUATION}: the out-of-time evaluation passes its thresholds: {@code
 *       evidence.metrics.test.recall_at_1pct_fpr >= minRecallAt1pctFpr}, and {@code evidence.metrics.test.pr_auc} is a
 *       number.
 *   <li>{@value #BEATS_ACTIVE}: when a bundle is active, the candidate beats it on the same out-of-time window: both
 *       name their window ({@code evidence.metrics.window.digest}, else {@code .id}) and the names are equal; and
 *       {@code recall_at_1pct_fpr(candidate) > recall_at_1pct_fpr(active)} and {@code pr_auc(candidate) >=
 *       pr_auc(active)}. With no active bundle it passes (the built-in rules decide, and have no evaluation to beat).
 *   <li>{@value #PARITY}: the Offline Feature Shadow's parity passes: {@code evidence.parity.pass == true}, or
 *       {@code evidence.parity.match_rate >= minParityMatchRate}.
 *   <li>{@value #REPLAY_PROOF}: a replay proof with the candidate reconciles: {@code
 *       evidence.replay_proof.reconciled == true}.
 * </ol>
 *
 * <p>Evidence is read defensively: a missing or mistyped field fails its gate, saying which field. Pure: no I/O.
 */
public final class PromotionGates {
    public static final String EVALUATION = "evaluation";
    public static final String BEATS_ACTIVE = "beats-active";
    public static final String PARITY = "parity";
    public static final String REPLAY_PROOF = "replay-proof";

    /**
     * What the gates require.
     *
     * @param minRecallAt1pctFpr the least recall at 1% false-positive rate on the test window (issue 15 §7: 0.6)
     * @param minParityMatchRate the least parity match rate, when the parity report does not say pass itself
     */
    public record Thresholds(double minRecallAt1pctFpr, double minParityMatchRate) {
        public Thresholds {
            if (!(minRecallAt1pctFpr >= 0 && minRecallAt1pctFpr <= 1))
                throw new IllegalArgumentException("minRecallAt1pctFpr is from 0 to 1, was " + minRecallAt1pctFpr);
            if (!(minParityMatchRate >= 0 && minParityMatchRate <= 1))
                throw new IllegalArgumentException("minParityMatchRate is from 0 to 1, was " + minParityMatchRate);
        }
    }

    /** The platform's gates: recall at 1% FPR at least 0.6 (issue 15 §7), parity at least 99.9% (§2, scaled mode). */
    public static final Thresholds DEFAULTS = new Thresholds(0.6, 0.999);

    /** One gate's verdict. */
    public record Gate(String name, boolean passed, String detail) {
        @Override
        public String toString() {
            return name + " " + (passed ? "passed" : "FAILED") + ": " + detail;
        }
    }

    /** Every gate's verdict, in order. */
    public record Verdict(List<Gate> gates) {
        public boolean passed() {
            return gates.stream().allMatch(Gate::passed);
        }

        public List<Gate> failed() {
            return gates.stream().filter(g -> !g.passed()).toList();
        }

        /** One line: every gate and what it found. */
        public String summary() {
            return String.join("; ", gates.stream().map(Gate::toString).toList());
        }
    }

    private final Thresholds thresholds;

    public PromotionGates(Thresholds thresholds) {
        this.thresholds = thresholds;
    }

    public Thresholds thresholds() {
        return thresholds;
    }

    /**
     * Judges {@code candidate} (its {@code bundle.json}) for promotion to active over {@code active} (the active
     * bundle's {@code bundle.json}, with {@code activeId}; both null when nothing is active).
     */
    public Verdict check(JsonNode candidate, String activeId, JsonNode active) {
        JsonNode evidence = candidate == null ? null : candidate.get("evidence");
        List<Gate> gates = new ArrayList<>();
        gates.add(evaluation(evidence));
        gates.add(beatsActive(evidence, activeId, active));
        gates.add(parity(evidence));
        gates.add(replayProof(evidence));
        return new Verdict(List.copyOf(gates));
    }

    private Gate evaluation(JsonNode evidence) {
        if (!isObject(evidence)) return new Gate(EVALUATION, false, "the bundle carries no evidence");
        JsonNode test = testMetrics(evidence);
        if (!test.isObject()) return new Gate(EVALUATION, false, "evidence.metrics.test is missing");
        Double recall = number(test, "recall_at_1pct_fpr");
        Double prAuc = number(test, "pr_auc");
        List<String> problems = new ArrayList<>();
        if (recall == null) problems.add("evidence.metrics.test.recall_at_1pct_fpr is missing or not a number");
        else if (recall < thresholds.minRecallAt1pctFpr())
            problems.add("recall_at_1pct_fpr " + fmt(recall) + " is below the minimum "
                    + fmt(thresholds.minRecallAt1pctFpr()));
        if (prAuc == null) problems.add("evidence.metrics.test.pr_auc is missing or not a number");
        if (!problems.isEmpty()) return new Gate(EVALUATION, false, String.join(", ", problems));
        return new Gate(
                EVALUATION,
                true,
                "recall_at_1pct_fpr " + fmt(recall) + " >= " + fmt(thresholds.minRecallAt1pctFpr()) + ", pr_auc "
                        + fmt(prAuc));
    }

    private static Gate beatsActive(JsonNode evidence, String activeId, JsonNode active) {
        if (activeId == null) {
            // Nothing active in the registry: runs decide with the platform's shipped default, and a candidate whose
            // evidence judged that default on its window must beat it too.
            JsonNode judged = isObject(evidence) ? evidence.path("metrics").path("active_on_window") : null;
            String defaultId = text(judged, "bundle_id");
            if (defaultId == null) return new Gate(BEATS_ACTIVE, true, "no bundle is active: nothing to beat");
            return beatsOnItsOwnWindow(evidence, defaultId, judged);
        }
        JsonNode theirs = active == null ? null : active.get("evidence");
        if (!isObject(evidence)) return new Gate(BEATS_ACTIVE, false, "the bundle carries no evidence");
        if (!isObject(theirs))
            return new Gate(
                    BEATS_ACTIVE,
                    false,
                    "the active bundle " + activeId + " carries no evidence: there is nothing to compare with");
        JsonNode judged = evidence.path("metrics").path("active_on_window");
        if (activeId.equals(text(judged, "bundle_id"))) return beatsOnItsOwnWindow(evidence, activeId, judged);
        JsonNode ourWindow = evidence.path("metrics").path("window");
        JsonNode theirWindow = theirs.path("metrics").path("window");
        String sameWindow = null;
        for (String key : List.of("digest", "id")) {
            String a = text(ourWindow, key);
            String b = text(theirWindow, key);
            if (a != null && b != null) {
                if (!a.equals(b))
                    return new Gate(
                            BEATS_ACTIVE,
                            false,
                            "not the same out-of-time window: the candidate's window " + key + " is " + a
                                    + ", the active bundle " + activeId + "'s is " + b);
                sameWindow = key + " " + a;
                break;
            }
        }
        if (sameWindow == null)
            return new Gate(
                    BEATS_ACTIVE,
                    false,
                    "cannot tell whether the candidate and the active bundle " + activeId
                            + " were evaluated on the same window: evidence.metrics.window needs a digest or an id"
                            + " in both");
        JsonNode ours = testMetrics(evidence);
        JsonNode their = testMetrics(theirs);
        Double r1 = number(ours, "recall_at_1pct_fpr");
        Double r0 = number(their, "recall_at_1pct_fpr");
        Double p1 = number(ours, "pr_auc");
        Double p0 = number(their, "pr_auc");
        if (r1 == null || r0 == null || p1 == null || p0 == null)
            return new Gate(
                    BEATS_ACTIVE,
                    false,
                    "recall_at_1pct_fpr and pr_auc are needed in both evidence.metrics.test (candidate "
                            + (r1 == null || p1 == null ? "lacks them" : "has them") + ", active bundle " + activeId
                            + (r0 == null || p0 == null ? " lacks them" : " has them") + ")");
        String comparison = "on window " + sameWindow + ": recall_at_1pct_fpr " + fmt(r1) + " vs " + fmt(r0)
                + ", pr_auc " + fmt(p1) + " vs " + fmt(p0) + " (active " + activeId + ")";
        if (!(r1 > r0)) return new Gate(BEATS_ACTIVE, false, "does not beat the active bundle " + comparison);
        if (!(p1 >= p0)) return new Gate(BEATS_ACTIVE, false, "pr_auc is lower than the active bundle's " + comparison);
        return new Gate(BEATS_ACTIVE, true, "beats the active bundle " + comparison);
    }

    /**
     * The test window's metrics of the bundle as it decides: {@code metrics.test.bundle} (the Model Factory's evidence:
     * the fabric's combined score), else {@code metrics.test} itself.
     */
    private static JsonNode testMetrics(JsonNode evidence) {
        JsonNode test = evidence.path("metrics").path("test");
        JsonNode bundle = test.path("bundle");
        return bundle.isObject() ? bundle : test;
    }

    /**
     * The candidate against the active bundle as the candidate's own evidence judged it: the active bundle's fabric
     * scoring the candidate's test window ({@code metrics.active_on_window}, which names the bundle and its digest).
     */
    private static Gate beatsOnItsOwnWindow(JsonNode evidence, String activeId, JsonNode judged) {
        JsonNode ours = testMetrics(evidence);
        Double r1 = number(ours, "recall_at_1pct_fpr");
        Double p1 = number(ours, "pr_auc");
        Double r0 = number(judged, "recall_at_1pct_fpr");
        Double p0 = number(judged, "pr_auc");
        if (r1 == null || p1 == null || r0 == null || p0 == null)
            return new Gate(
                    BEATS_ACTIVE,
                    false,
                    "recall_at_1pct_fpr and pr_auc are needed for the candidate and for the active bundle " + activeId
                            + " on its window (evidence.metrics.active_on_window)");
        String comparison = "on the candidate's test window: recall_at_1pct_fpr " + fmt(r1) + " vs " + fmt(r0)
                + ", pr_auc " + fmt(p1) + " vs " + fmt(p0) + " (active " + activeId + ")";
        if (!(r1 > r0)) return new Gate(BEATS_ACTIVE, false, "does not beat the active bundle " + comparison);
        if (!(p1 >= p0)) return new Gate(BEATS_ACTIVE, false, "pr_auc is lower than the active bundle's " + comparison);
        return new Gate(BEATS_ACTIVE, true, "beats the active bundle " + comparison);
    }

    private Gate parity(JsonNode evidence) {
        if (!isObject(evidence)) return new Gate(PARITY, false, "the bundle carries no evidence");
        JsonNode parity = evidence.get("parity");
        if (!isObject(parity)) return new Gate(PARITY, false, "evidence.parity is missing: no parity report");
        JsonNode pass = parity.get("pass");
        if (pass != null && pass.isBoolean() && pass.booleanValue())
            return new Gate(PARITY, true, "the parity report passes");
        Double rate = number(parity, "match_rate");
        if (rate != null && rate >= thresholds.minParityMatchRate())
            return new Gate(PARITY, true, "match rate " + fmt(rate) + " >= " + fmt(thresholds.minParityMatchRate()));
        if (rate != null)
            return new Gate(
                    PARITY,
                    false,
                    "match rate " + fmt(rate) + " is below the minimum " + fmt(thresholds.minParityMatchRate()));
        return new Gate(
                PARITY,
                false,
                pass != null && pass.isBoolean()
                        ? "the parity report does not pass (evidence.parity.pass is false)"
                        : "evidence.parity has neither pass nor match_rate");
    }

    private static Gate replayProof(JsonNode evidence) {
        if (!isObject(evidence)) return new Gate(REPLAY_PROOF, false, "the bundle carries no evidence");
        JsonNode proof = evidence.get("replay_proof");
        if (!isObject(proof)) return new Gate(REPLAY_PROOF, false, "evidence.replay_proof is missing: no replay proof");
        JsonNode reconciled = proof.get("reconciled");
        String run = text(proof, "run_id");
        String of = run == null ? "" : " (run " + run + ")";
        if (reconciled == null || !reconciled.isBoolean())
            return new Gate(REPLAY_PROOF, false, "evidence.replay_proof.reconciled is missing or not true/false");
        return reconciled.booleanValue()
                ? new Gate(REPLAY_PROOF, true, "the replay proof reconciles" + of)
                : new Gate(REPLAY_PROOF, false, "the replay proof does not reconcile" + of);
    }

    private static boolean isObject(JsonNode n) {
        return n != null && n.isObject();
    }

    /** A finite number at {@code field}, or null. */
    private static Double number(JsonNode n, String field) {
        JsonNode v = n == null ? null : n.get(field);
        if (v == null || !v.isNumber() || !Double.isFinite(v.doubleValue())) return null;
        return v.doubleValue();
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n == null ? null : n.get(field);
        return v != null && v.isTextual() && !v.asText().isBlank() ? v.asText() : null;
    }

    private static String fmt(double x) {
        return String.format(Locale.ROOT, "%.4f", x);
    }
}
