package dev.fraudplatform.rtdl.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fraudplatform.core.bus.Topics;
import dev.fraudplatform.core.decision.AuditRecord;
import dev.fraudplatform.core.decision.Decision;
import dev.fraudplatform.core.decision.DecisionAction;
import dev.fraudplatform.core.decision.DegradeMode;
import dev.fraudplatform.core.ingress.BusCoordinates;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The shadow report's arithmetic: the join by decision id, agreement, the confusion table and the two label counts. */
class ShadowComparisonTest {

    private static Decision decision(String event, DecisionAction action, String bundle) {
        return new Decision(
                Decision.idFor("txn.authorization", event),
                event,
                "run-a",
                "acct-1",
                "2026-03-01T10:00:00Z",
                action,
                0.5,
                List.of(),
                bundle,
                DegradeMode.RULES_ONLY,
                "bundle " + bundle + " has no model",
                "digest",
                null);
    }

    private static AuditRecord shadow(String event, DecisionAction action) {
        return new AuditRecord(
                decision(event, action, "strict"), new BusCoordinates(Topics.SHADOW_DECISIONS, 0, 0), 0, 0, true);
    }

    @Test
    void joinsByDecisionIdAndCountsWhatTheShadowWouldHaveCaughtAndDeclinedWrongly() {
        Map<String, Decision> active = new LinkedHashMap<>();
        for (Object[] a : new Object[][] {
            {"e1", DecisionAction.APPROVE}, // fraud; shadow declines: caught
            {"e2", DecisionAction.APPROVE}, // fraud; shadow reviews: caught
            {"e3", DecisionAction.STEP_UP}, // fraud; shadow declines, but the active did not approve: not "caught"
            {"e4", DecisionAction.APPROVE}, // legitimate; shadow declines: declined wrongly
            {"e5", DecisionAction.DECLINE}, // legitimate; both decline: not wrongly "by the shadow"
            {"e6", DecisionAction.APPROVE}, // legitimate; both approve
            {"e7", DecisionAction.APPROVE}, // no shadow decision
        }) {
            Decision d = decision((String) a[0], (DecisionAction) a[1], "rules-v1");
            active.put(d.decisionId(), d);
        }
        List<AuditRecord> shadow = List.of(
                shadow("e1", DecisionAction.DECLINE),
                shadow("e2", DecisionAction.REVIEW),
                shadow("e3", DecisionAction.DECLINE),
                shadow("e4", DecisionAction.DECLINE),
                shadow("e4", DecisionAction.DECLINE), // redelivered to the audit: counted once
                shadow("e5", DecisionAction.DECLINE),
                shadow("e6", DecisionAction.APPROVE),
                shadow("e9", DecisionAction.APPROVE)); // no active decision
        Set<String> fraud = Set.of("e1", "e2", "e3");

        ShadowComparison c = ShadowComparison.of(active, shadow, d -> fraud.contains(d.eventId()));

        assertThat(c.shadowBundles()).containsExactly("strict");
        assertThat(c.activeBundles()).containsExactly("rules-v1");
        assertThat(c.compared()).isEqualTo(6);
        assertThat(c.activeOnly()).isEqualTo(1);
        assertThat(c.shadowOnly()).isEqualTo(1);
        assertThat(c.agreed()).isEqualTo(2); // e5, e6
        assertThat(c.agreement()).isEqualTo(2.0 / 6);
        assertThat(c.confusion().get(DecisionAction.APPROVE).get(DecisionAction.DECLINE))
                .isEqualTo(2);
        assertThat(c.confusion().get(DecisionAction.APPROVE).get(DecisionAction.REVIEW))
                .isEqualTo(1);
        assertThat(c.confusion().get(DecisionAction.STEP_UP).get(DecisionAction.DECLINE))
                .isEqualTo(1);
        assertThat(c.confusion().values().stream()
                        .flatMap(r -> r.values().stream())
                        .mapToLong(Long::longValue)
                        .sum())
                .isEqualTo(c.compared());
        assertThat(c.fraudLabelled()).isEqualTo(3);
        assertThat(c.wouldHaveCaught()).isEqualTo(2);
        assertThat(c.caughtSample()).containsExactly("e1", "e2");
        assertThat(c.wouldHaveDeclinedWrongly()).isEqualTo(1);
        assertThat(c.wronglyDeclinedSample()).containsExactly("e4");

        assertThat(c.toJson().path("agreement_rate").asDouble()).isEqualTo(2.0 / 6);
        assertThat(c.toJson().path("confusion").path("APPROVE").path("DECLINE").asLong())
                .isEqualTo(2);
        assertThat(c.toText())
                .contains("shadow bundle strict beside active rules-v1")
                .contains("agreement 33.33%")
                .contains("would have caught 2")
                .contains("would have declined wrongly 1");
    }
}
