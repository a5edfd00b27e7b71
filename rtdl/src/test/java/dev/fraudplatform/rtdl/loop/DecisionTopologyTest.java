package dev.fraudplatform.rtdl.loop;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fraudplatform.core.json.Json;
import dev.fraudplatform.core.json.Sha256;
import dev.fraudplatform.decision.bundle.DecisionBundle;
import dev.fraudplatform.decision.bundle.TestBundles;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The decision loop on TopologyTestDriver: decisions once per event, the join of a transaction with its entities'
 * features and its flow's context, and each step of the degrade ladder forced.
 */
class DecisionTopologyTest {
    private static final Instant T = Instant.parse("2026-03-01T10:00:00.000Z");

    @Test
    void aCardTestingBurstIsSeenByTheFourthSmallAuthorisation() {
        try (LoopDriver d = new LoopDriver(DecisionBundle.builtIn("rules-v1"))) {
            d.send(d.txn("e1", "acct-1", T, 5_000).set("device_id", "dev-home"));
            d.send(d.txn("e2", "acct-1", T.plusSeconds(60), 120).set("device_id", "dev-new"));
            d.send(d.txn("e3", "acct-1", T.plusSeconds(90), 130).set("device_id", "dev-new"));
            d.send(d.txn("e4", "acct-1", T.plusSeconds(120), 140).set("device_id", "dev-new"));
            List<JsonNode> out = d.decisions();
            assertThat(out).extracting(n -> n.path("event_id").asText()).containsExactly("e1", "e2", "e3", "e4");
            assertThat(out.get(2).path("features").path("small_txn_count_10m").asLong())
                    .isEqualTo(2);
            assertThat(out.get(3).path("features").path("small_txn_count_10m").asLong())
                    .isEqualTo(3);
            assertThat(out.get(3).path("reasons").get(0).asText()).isEqualTo("small_amount_burst");
            assertThat(out.get(3).path("action").asText()).isNotEqualTo("APPROVE");
            assertThat(out).allSatisfy(n -> {
                assertThat(n.path("degrade_mode").asText()).isEqualTo("RULES_ONLY");
                assertThat(n.path("degrade_reason").asText()).isEqualTo("bundle rules-v1 has no model");
                assertThat(n.path("decision_id").asText())
                        .isEqualTo("dec-txn.authorization-" + n.path("event_id").asText());
                assertThat(n.path("missing_context")).isEmpty();
            });
        }
    }

    @Test
    void aCompleteFrameWithAUsableModelIsFull() {
        try (LoopDriver d = new LoopDriver(TestBundles.withModel())) {
            d.send(d.txn("e1", "acct-1", T, 1_000));
            JsonNode n = d.decision();
            assertThat(n.path("degrade_mode").asText()).isEqualTo("FULL");
            // the frame holds the account's, card's, merchant's, device's and IP's features
            assertThat(n.path("features").has("card_txn_count_1h")).isTrue();
            assertThat(n.path("features").has("merchant_txn_count_1h")).isTrue();
            assertThat(n.path("features").has("device_distinct_accounts_24h")).isTrue();
            assertThat(n.path("features").has("ip_distinct_cards_1h")).isTrue();
            assertThat(n.path("feature_digest").asText()).hasSize(64);
        }
    }

    @Test
    void aTransactionWaitsForItsFlowsContextAndIsBoundToIt() {
        try (LoopDriver d = new LoopDriver(TestBundles.withModel())) {
            d.send(d.txn("e1", "acct-1", T, 1_000).set("flow_id", "flow-1"));
            assertThat(d.decisions())
                    .as("waiting for the 3-D Secure result of flow-1")
                    .isEmpty();
            d.context(
                    "ctx.three_ds",
                    "acct-1",
                    T.minusSeconds(20),
                    Json.MAPPER
                            .createObjectNode()
                            .put("flow_id", "flow-1")
                            .put("card_id", "card-acct-1")
                            .put("merchant_id", "m-1")
                            .put("challenge", "CHALLENGE")
                            .put("result", "FAILED"));
            JsonNode n = d.decision();
            assertThat(n.path("degrade_mode").asText()).isEqualTo("FULL");
            assertThat(n.path("features").path("flow_three_ds").asInt()).isEqualTo(1);
            assertThat(n.path("features").path("three_ds_not_authenticated").asInt())
                    .isEqualTo(1);
            assertThat(n.path("features").path("three_ds_challenged").asInt()).isEqualTo(1);
        }
    }

    @Test
    void missingContextDegradesToPartialContextNamingTheFlowAfterTheBoundedWait() {
        try (LoopDriver d = new LoopDriver(
                TestBundles.withModel(), DecisionTopology.Settings.defaults().withJoinWait(Duration.ofMillis(500)))) {
            d.send(d.txn("e1", "acct-1", T, 1_000).set("flow_id", "flow-lost"));
            d.advanceWallClock(Duration.ofMillis(200));
            assertThat(d.decisions()).as("still inside the bounded wait").isEmpty();
            d.advanceWallClock(Duration.ofMillis(400));
            JsonNode n = d.decision();
            assertThat(n.path("degrade_mode").asText()).isEqualTo("PARTIAL_CONTEXT");
            assertThat(n.path("degrade_reason").asText())
                    .isEqualTo("missing context: context of flow flow-lost: none at or before the transaction");
            assertThat(n.path("missing_context")).hasSize(1);
            assertThat(n.path("features").path("flow_three_ds").asInt()).isZero();
        }
    }

    @Test
    void theRunsEndOfStreamEndsTheWaitForContextThatCanNoLongerCome() {
        try (LoopDriver d = new LoopDriver(
                TestBundles.withModel(), DecisionTopology.Settings.defaults().withJoinWait(Duration.ofSeconds(5)))) {
            d.send(d.txn("e1", "acct-1", T, 1_000).set("flow_id", "flow-lost"));
            d.advanceWallClock(Duration.ofMillis(200));
            assertThat(d.decisions()).as("waits for its flow's context").isEmpty();
            d.endOfStream(LoopDriver.RUN);
            JsonNode n = d.decision(); // at the next tick, well inside the 5 s wait
            assertThat(n.path("event_id").asText()).isEqualTo("e1");
            assertThat(n.path("degrade_reason").asText())
                    .isEqualTo("missing context: context of flow flow-lost: none at or before the transaction");

            // a transaction that still comes after the end is past it: it waits for its context as ever
            d.send(d.txn("e2", "acct-1", T.plusSeconds(1), 1_000).set("flow_id", "flow-late"));
            d.advanceWallClock(Duration.ofMillis(200));
            assertThat(d.decisions()).as("waits for its flow's context").isEmpty();
        }
    }

    @Test
    void contextAfterTheTransactionsTimeIsNotPartOfItsFrameAndEndsItsWait() {
        try (LoopDriver d = new LoopDriver(
                TestBundles.withModel(), DecisionTopology.Settings.defaults().withJoinWait(Duration.ofSeconds(5)))) {
            d.context(
                    "ctx.login",
                    "acct-1",
                    T.plusSeconds(5),
                    Json.MAPPER
                            .createObjectNode()
                            .put("flow_id", "flow-1")
                            .put("device_id", "d")
                            .put("device_os", "ios")
                            .put("ip", "1.1.1.1")
                            .put("ip_country", "GB")
                            .put("method", "PASSWORD")
                            .put("outcome", "FAILURE"));
            d.send(d.txn("e1", "acct-1", T, 1_000).set("flow_id", "flow-1"));
            // context is read in event-time order: one later than the transaction means none earlier can still come,
            // so the frame is decided at the next tick, long before the 5 s wait
            d.advanceWallClock(Duration.ofMillis(150));
            JsonNode n = d.decision();
            assertThat(n.path("degrade_mode").asText()).isEqualTo("PARTIAL_CONTEXT");
            assertThat(n.path("features").path("flow_login").asInt()).isZero();
        }
    }

    @Test
    void aCorruptModelDegradesToRulesOnlyNamingWhy() throws Exception {
        byte[] m = TestBundles.model(11);
        DecisionBundle corrupt = TestBundles.rulesV1WithModel(
                Sha256.hex(m), Map.of("model.json", "{}".getBytes(StandardCharsets.UTF_8)));
        try (LoopDriver d = new LoopDriver(corrupt)) {
            d.send(d.txn("e1", "acct-1", T, 1_000));
            JsonNode n = d.decision();
            assertThat(n.path("degrade_mode").asText()).isEqualTo("RULES_ONLY");
            assertThat(n.path("degrade_reason").asText()).contains("model.json has SHA-256");
        }
    }

    @Test
    void aMissingModelFileAndMissingContextNameBothCauses() throws Exception {
        DecisionBundle missing = TestBundles.rulesV1WithModel("00", Map.of());
        try (LoopDriver d =
                new LoopDriver(missing, DecisionTopology.Settings.defaults().withJoinWait(Duration.ofMillis(100)))) {
            d.send(d.txn("e1", "acct-1", T, 1_000).set("flow_id", "flow-x"));
            d.advanceWallClock(Duration.ofMillis(200));
            JsonNode n = d.decision();
            assertThat(n.path("degrade_mode").asText()).isEqualTo("RULES_ONLY");
            assertThat(n.path("degrade_reason").asText())
                    .contains("model file model.json cannot be read")
                    .contains("context of flow flow-x");
        }
    }

    @Test
    void runsNeverSeeEachOthersHistory() {
        try (LoopDriver d = new LoopDriver(DecisionBundle.builtIn("rules-v1"))) {
            for (int i = 0; i < 4; i++) d.send(d.txn("a" + i, "acct-1", T.plusSeconds(i), 1_000));
            d.send(d.txn("b0", "acct-1", T.plusSeconds(10), 1_000).run("run-b"));
            List<JsonNode> out = d.decisions();
            assertThat(out.get(3).path("features").path("txn_count_1h").asLong())
                    .isEqualTo(4);
            assertThat(out.get(3).path("features").path("merchant_txn_count_1h").asLong())
                    .isEqualTo(4);
            assertThat(out.get(4).path("features").path("txn_count_1h").asLong())
                    .isEqualTo(1);
            assertThat(out.get(4).path("features").path("merchant_txn_count_1h").asLong())
                    .isEqualTo(1);
            assertThat(out.get(4).path("features").path("seconds_since_last").asLong())
                    .isEqualTo(-1);
        }
    }

    @Test
    void anEventThatReachesTheBusTwiceIsDecidedOnce() {
        try (LoopDriver d = new LoopDriver(DecisionBundle.builtIn("rules-v1"))) {
            d.send(d.txn("e1", "acct-1", T, 1_000));
            d.send(d.txn("e1", "acct-1", T, 1_000));
            d.send(d.txn("e2", "acct-1", T.plusSeconds(5), 1_000));
            d.send(d.txn("e1", "acct-1", T, 1_000).run("run-b")); // another run's event of the same id is its own
            List<JsonNode> out = d.decisions();
            assertThat(out)
                    .extracting(n -> n.path("platform_run_id").asText() + "/"
                            + n.path("event_id").asText())
                    .containsExactly("run-a/e1", "run-a/e2", "run-b/e1");
            assertThat(out.get(1).path("features").path("txn_count_1h").asLong())
                    .as("the copy was not counted")
                    .isEqualTo(2);
            assertThat(out.get(1).path("features").path("merchant_txn_count_1h").asLong())
                    .isEqualTo(2);
        }
    }

    @Test
    void anUnreadableRecordIsSkippedAndTheNextOneIsDecided() {
        try (LoopDriver d = new LoopDriver(DecisionBundle.builtIn("rules-v1"))) {
            d.pipeRaw("acct-1", "{not json".getBytes(StandardCharsets.UTF_8));
            d.send(d.txn("ok", "acct-1", T, 1_000));
            assertThat(d.decisions())
                    .extracting(n -> n.path("event_id").asText())
                    .containsExactly("ok");
        }
    }

    @Test
    void oneRunsContextProgressNeverEndsAnotherRunsWait() {
        try (LoopDriver d = new LoopDriver(
                TestBundles.withModel(), DecisionTopology.Settings.defaults().withJoinWait(Duration.ofSeconds(5)))) {
            // run-a's context has reached T + 1 h ...
            d.context(
                    "ctx.login",
                    "acct-1",
                    T.plusSeconds(3_600),
                    Json.MAPPER
                            .createObjectNode()
                            .put("flow_id", "flow-a")
                            .put("device_id", "d")
                            .put("device_os", "ios")
                            .put("ip", "1.1.1.1")
                            .put("ip_country", "GB")
                            .put("method", "PASSWORD")
                            .put("outcome", "SUCCESS"));
            // ... which says nothing about run-b, replaying the same world: its frame still waits for its own context
            d.send(d.txn("e1", "acct-1", T, 1_000).set("flow_id", "flow-b").run("run-b"));
            assertThat(d.decisions()).isEmpty();
            d.context(
                    "run-b",
                    "ctx.three_ds",
                    "acct-1",
                    T.minusSeconds(20),
                    Json.MAPPER
                            .createObjectNode()
                            .put("flow_id", "flow-b")
                            .put("card_id", "card-acct-1")
                            .put("merchant_id", "m-1")
                            .put("challenge", "FRICTIONLESS")
                            .put("result", "AUTHENTICATED"));
            JsonNode n = d.decision();
            assertThat(n.path("degrade_mode").asText()).isEqualTo("FULL");
            assertThat(n.path("features").path("flow_three_ds").asInt()).isEqualTo(1);
        }
    }
}
