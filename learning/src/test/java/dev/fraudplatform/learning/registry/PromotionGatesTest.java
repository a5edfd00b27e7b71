package dev.fraudplatform.learning.registry;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fraudplatform.core.json.Json;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** Each promotion gate passes on good evidence and fails, naming itself and the field, on bad or missing evidence. */
class PromotionGatesTest {
    private final PromotionGates gates = new PromotionGates(new PromotionGates.Thresholds(0.6, 0.999));

    /** A bundle.json with evidence that passes every gate against {@link #active()}. */
    static ObjectNode good() {
        return bundle(0.72, 0.55, "win-digest-1", true, 1.0, true);
    }

    static ObjectNode active() {
        return bundle(0.65, 0.50, "win-digest-1", true, 1.0, true);
    }

    static ObjectNode bundle(
            double recall,
            double prAuc,
            String windowDigest,
            boolean parityPass,
            double matchRate,
            boolean reconciled) {
        ObjectNode b = Json.MAPPER.createObjectNode();
        b.put("bundle_id", "m-1");
        ObjectNode e = b.putObject("evidence");
        e.put("dataset_digest", "ds");
        e.putObject("training_config").put("seed", 7);
        ObjectNode metrics = e.putObject("metrics");
        ObjectNode test = metrics.putObject("test");
        test.put("roc_auc", 0.95);
        test.put("pr_auc", prAuc);
        test.put("recall_at_1pct_fpr", recall);
        test.put("recall_at_01pct_fpr", recall / 2);
        metrics.putObject("window").put("digest", windowDigest).put("id", "days-25-30");
        e.putObject("parity").put("pass", parityPass).put("match_rate", matchRate);
        e.putObject("replay_proof").put("reconciled", reconciled).put("run_id", "run-1");
        return b;
    }

    private static ObjectNode with(Consumer<ObjectNode> change) {
        ObjectNode b = good();
        change.accept((ObjectNode) b.get("evidence"));
        return b;
    }

    private PromotionGates.Gate gate(PromotionGates.Verdict v, String name) {
        return v.gates().stream().filter(g -> g.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void goodEvidencePassesEveryGateWithAndWithoutAnActiveBundle() {
        PromotionGates.Verdict v = gates.check(good(), "m-0", active());
        assertThat(v.passed()).as(v.summary()).isTrue();
        assertThat(v.gates())
                .extracting(PromotionGates.Gate::name)
                .containsExactly("evaluation", "beats-active", "parity", "replay-proof");
        assertThat(gate(v, "beats-active").detail()).contains("0.7200 vs 0.6500");
        PromotionGates.Verdict first = gates.check(good(), null, null);
        assertThat(first.passed()).isTrue();
        assertThat(gate(first, "beats-active").detail()).contains("nothing to beat");
    }

    @Test
    void evaluationFailsBelowTheMinimumRecallOrWithoutPrAuc() {
        PromotionGates.Verdict low = gates.check(bundle(0.59, 0.5, "w", true, 1, true), null, null);
        assertThat(low.failed()).singleElement().satisfies(g -> {
            assertThat(g.name()).isEqualTo("evaluation");
            assertThat(g.detail()).contains("recall_at_1pct_fpr 0.5900 is below the minimum 0.6000");
        });
        PromotionGates.Verdict noPr =
                gates.check(with(e -> ((ObjectNode) e.path("metrics").path("test")).remove("pr_auc")), null, null);
        assertThat(noPr.failed())
                .singleElement()
                .satisfies(g -> assertThat(g.detail()).contains("evidence.metrics.test.pr_auc is missing"));
        PromotionGates.Verdict textual = gates.check(
                with(e -> ((ObjectNode) e.path("metrics").path("test")).put("recall_at_1pct_fpr", "0.9")), null, null);
        assertThat(gate(textual, "evaluation").passed()).isFalse();
    }

    @Test
    void beatsActiveFailsWhenNotBetterOrOnAnotherWindowOrWithoutAWindow() {
        PromotionGates.Verdict worse = gates.check(bundle(0.64, 0.6, "win-digest-1", true, 1, true), "m-0", active());
        assertThat(worse.failed()).singleElement().satisfies(g -> {
            assertThat(g.name()).isEqualTo("beats-active");
            assertThat(g.detail()).contains("does not beat the active bundle").contains("0.6400 vs 0.6500");
        });
        PromotionGates.Verdict equal = gates.check(active(), "m-0", active());
        assertThat(gate(equal, "beats-active").passed())
                .as("equal is not better")
                .isFalse();
        PromotionGates.Verdict lowerPr = gates.check(bundle(0.9, 0.4, "win-digest-1", true, 1, true), "m-0", active());
        assertThat(gate(lowerPr, "beats-active").detail()).contains("pr_auc is lower");
        PromotionGates.Verdict otherWindow =
                gates.check(bundle(0.9, 0.9, "win-digest-2", true, 1, true), "m-0", active());
        assertThat(gate(otherWindow, "beats-active").detail())
                .contains("not the same out-of-time window")
                .contains("win-digest-2")
                .contains("win-digest-1");
        ObjectNode noWindow = with(e -> ((ObjectNode) e.get("metrics")).remove("window"));
        assertThat(gate(gates.check(noWindow, "m-0", active()), "beats-active").detail())
                .contains("evidence.metrics.window needs a digest or an id");
        ObjectNode bare = Json.MAPPER.createObjectNode().put("bundle_id", "rules");
        assertThat(gate(gates.check(good(), "rules", bare), "beats-active").detail())
                .contains("the active bundle rules carries no evidence");
    }

    @Test
    void aWindowIdServesWhenNoDigestIsGivenOnBothSides() {
        ObjectNode candidate = with(e -> ((ObjectNode) e.path("metrics").path("window")).remove("digest"));
        assertThat(gate(gates.check(candidate, "m-0", active()), "beats-active").passed())
                .isTrue();
        ObjectNode otherId = with(e -> ((ObjectNode) e.path("metrics").path("window"))
                .put("id", "days-20-25")
                .remove("digest"));
        assertThat(gate(gates.check(otherId, "m-0", active()), "beats-active").detail())
                .contains("window id is days-20-25");
    }

    @Test
    void parityFailsWhenItDoesNotPassAndTheMatchRateIsLow() {
        PromotionGates.Verdict low = gates.check(bundle(0.7, 0.6, "win-digest-1", false, 0.99, true), null, null);
        assertThat(low.failed()).singleElement().satisfies(g -> {
            assertThat(g.name()).isEqualTo("parity");
            assertThat(g.detail()).contains("match rate 0.9900 is below the minimum 0.9990");
        });
        PromotionGates.Verdict rateOnly =
                gates.check(bundle(0.7, 0.6, "win-digest-1", false, 0.9995, true), null, null);
        assertThat(gate(rateOnly, "parity").passed()).isTrue();
        ObjectNode none = with(e -> e.remove("parity"));
        assertThat(gate(gates.check(none, null, null), "parity").detail()).contains("no parity report");
        ObjectNode falseOnly =
                with(e -> ((ObjectNode) e.get("parity")).put("pass", false).remove("match_rate"));
        assertThat(gate(gates.check(falseOnly, null, null), "parity").detail()).contains("does not pass");
    }

    @Test
    void replayProofFailsWhenItDoesNotReconcileOrIsMissing() {
        PromotionGates.Verdict no = gates.check(bundle(0.7, 0.6, "w", true, 1, false), null, null);
        assertThat(no.failed()).singleElement().satisfies(g -> {
            assertThat(g.name()).isEqualTo("replay-proof");
            assertThat(g.detail()).contains("does not reconcile (run run-1)");
        });
        ObjectNode none = with(e -> e.remove("replay_proof"));
        assertThat(gate(gates.check(none, null, null), "replay-proof").detail()).contains("no replay proof");
        ObjectNode text = with(e -> ((ObjectNode) e.get("replay_proof")).put("reconciled", "yes"));
        assertThat(gate(gates.check(text, null, null), "replay-proof").passed()).isFalse();
    }

    @Test
    void aBundleWithoutEvidenceFailsEveryGateItNeedsEvidenceFor() {
        JsonNode bare = Json.MAPPER.createObjectNode().put("bundle_id", "m-9");
        PromotionGates.Verdict v = gates.check(bare, null, null);
        assertThat(v.passed()).isFalse();
        assertThat(v.failed())
                .extracting(PromotionGates.Gate::name)
                .containsExactly("evaluation", "parity", "replay-proof");
        assertThat(v.failed()).allSatisfy(g -> assertThat(g.detail()).contains("no evidence"));
        assertThat(gate(gates.check(bare, "m-0", active()), "beats-active").passed())
                .isFalse();
    }

    @Test
    void theModelFactorysEvidenceIsReadAsTheFabricScoresAndTheActiveBundleJudgedOnTheCandidatesOwnWindow() {
        // Given the Model Factory's shape: per-series metrics under test.bundle, and the active bundle judged on the
        // candidate's window (a different window from the active's own evidence)
        ObjectNode candidate = with(e -> {
            ObjectNode metrics = (ObjectNode) e.get("metrics");
            ObjectNode flat = (ObjectNode) metrics.get("test");
            metrics.putObject("test").set("bundle", flat);
            metrics.putObject("window").put("digest", "win-candidate");
            metrics.putObject("active_on_window")
                    .put("bundle_id", "m-0")
                    .put("recall_at_1pct_fpr", 0.30)
                    .put("pr_auc", 0.20);
        });
        PromotionGates.Verdict v = gates.check(candidate, "m-0", active());
        assertThat(v.passed()).as(v.summary()).isTrue();
        assertThat(gate(v, PromotionGates.BEATS_ACTIVE).detail())
                .contains("on the candidate's test window")
                .contains("0.72")
                .contains("0.3");

        // When the active bundle did better on that window, the gate fails and says so
        ((ObjectNode) candidate.path("evidence").path("metrics").path("active_on_window"))
                .put("recall_at_1pct_fpr", 0.80);
        PromotionGates.Gate beats = gate(gates.check(candidate, "m-0", active()), PromotionGates.BEATS_ACTIVE);
        assertThat(beats.passed()).isFalse();
        assertThat(beats.detail()).startsWith("does not beat the active bundle");

        // With nothing active in the registry, the default the candidate was judged against must be beaten
        PromotionGates.Gate none = gate(gates.check(candidate, null, null), PromotionGates.BEATS_ACTIVE);
        assertThat(none.passed()).isFalse();
        assertThat(none.detail()).contains("(active m-0)");

        // And a judgement of another bundle than the active one is not taken: the windows must then match
        ((ObjectNode) candidate.path("evidence").path("metrics").path("active_on_window")).put("bundle_id", "m-9");
        PromotionGates.Gate other = gate(gates.check(candidate, "m-0", active()), PromotionGates.BEATS_ACTIVE);
        assertThat(other.passed()).isFalse();
        assertThat(other.detail()).contains("not the same out-of-time window");
    }
}
