package dev.fraudplatform.core.decision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fraudplatform.core.json.CanonicalJson;
import dev.fraudplatform.core.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A decision's summary is read from its JSON without its feature snapshot, and refuses what is not a decision. */
class DecisionSummaryTest {
    @Test
    void theSummaryHasTheDecisionsScalarsWhateverTheFeaturesHold() {
        var features = Json.MAPPER.createObjectNode();
        features.put("decision_id", "inside-features-not-the-id")
                .putObject("nested")
                .put("action", "APPROVE");
        Decision d = new Decision(
                "dec-1",
                "e-1",
                "run-1",
                "acct-1",
                "2026-03-02T10:00:00.000Z",
                DecisionAction.REVIEW,
                0.61,
                List.of("velocity_1h"),
                "rules-v1",
                DegradeMode.PARTIAL_CONTEXT,
                "missing context: x",
                "ab",
                features,
                "txn.authorization",
                List.of("x"));
        Decision.Summary s = Decision.summarize(CanonicalJson.bytes(d.toJson()));
        assertThat(s)
                .isEqualTo(new Decision.Summary(
                        "dec-1",
                        "e-1",
                        "run-1",
                        DecisionAction.REVIEW,
                        DegradeMode.PARTIAL_CONTEXT,
                        0.61,
                        List.of("velocity_1h"),
                        "rules-v1",
                        "missing context: x"));
        assertThat(s.toJson().toString())
                .isEqualTo("{\"decision_id\":\"dec-1\",\"event_id\":\"e-1\",\"platform_run_id\":\"run-1\","
                        + "\"action\":\"REVIEW\",\"score\":0.61,\"reasons\":[\"velocity_1h\"],"
                        + "\"degrade_mode\":\"PARTIAL_CONTEXT\",\"degrade_reason\":\"missing context: x\","
                        + "\"bundle_id\":\"rules-v1\"}");
    }

    @Test
    void whatIsNotADecisionIsRefusedWithAReason() {
        assertThatThrownBy(() -> Decision.summarize("{not json".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Decision.summarize("[1]".getBytes(StandardCharsets.UTF_8)))
                .hasMessage("not a JSON object");
        assertThatThrownBy(() -> Decision.summarize(
                        "{\"decision_id\":\"d\",\"platform_run_id\":\"r\",\"action\":\"EXPLODE\",\"degrade_mode\":\"FULL\"}"
                                .getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("EXPLODE");
        assertThatThrownBy(() -> Decision.summarize("{\"action\":\"APPROVE\"}".getBytes(StandardCharsets.UTF_8)))
                .hasMessage("no decision_id or platform_run_id");
    }
}
