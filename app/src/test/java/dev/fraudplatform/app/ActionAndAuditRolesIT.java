package dev.fraudplatform.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fraudplatform.core.bus.OutboundRecord;
import dev.fraudplatform.core.bus.Topics;
import dev.fraudplatform.core.decision.Decision;
import dev.fraudplatform.core.decision.DecisionAction;
import dev.fraudplatform.core.decision.DegradeMode;
import dev.fraudplatform.core.json.CanonicalJson;
import dev.fraudplatform.core.json.Json;
import dev.fraudplatform.decision.bundle.DecisionBundle;
import dev.fraudplatform.rtdl.audit.AuditLog;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Action Layer and the Decision Log and Audit on a real broker and PostgreSQL, fed decisions directly: a decision
 * the bus carries twice applies one effect; decisions that cannot be read go to {@code fp.dead-letters} with their
 * reason while the rest of their partition is processed.
 */
class ActionAndAuditRolesIT {
    static Platform platform;

    @BeforeAll
    static void start() throws Exception {
        platform = Platform.start(PlatformConfig.from(
                        Map.of("FP_HOME", Files.createTempDirectory("fp-al-").toString()))
                .withTopology(1, 1));
        platform.startRoles(DecisionBundle.builtIn("rules-v1"));
    }

    @AfterAll
    static void stop() {
        if (platform != null) platform.close();
    }

    private static byte[] decision(String run, String eventId, DecisionAction action) {
        Decision d = new Decision(
                Decision.idFor("txn.authorization", eventId),
                eventId,
                run,
                "acct-1",
                "2026-03-02T10:00:00.000Z",
                action,
                0.5,
                List.of("velocity_1h"),
                "rules-v1",
                DegradeMode.RULES_ONLY,
                "bundle rules-v1 has no model",
                "ab",
                Json.MAPPER.createObjectNode());
        return CanonicalJson.bytes(d.toJson());
    }

    private static OutboundRecord onDecisions(byte[] value) {
        return new OutboundRecord(Topics.DECISIONS, "acct-1", value, System.currentTimeMillis(), Map.of());
    }

    static List<JsonNode> readAll(String topic) throws Exception {
        return BusReader.readAll(platform.bootstrap(), topic);
    }

    @Test
    void aDecisionCarriedTwiceAppliesOnceAndUnreadableDecisionsAreDeadLetteredWithoutBlocking() throws Exception {
        String run = "run-al-" + UUID.randomUUID();
        ObjectNode unknownAction = (ObjectNode) Json.MAPPER.readTree(decision(run, "t3", DecisionAction.DECLINE));
        unknownAction.put("action", "EXPLODE");
        // Given a partition holding a decision twice, an unreadable record and a decision with an unknown action
        // between good ones
        platform.publisher()
                .publish(List.of(
                        onDecisions(decision(run, "t1", DecisionAction.DECLINE)),
                        onDecisions(decision(run, "t1", DecisionAction.DECLINE)),
                        onDecisions("{not a decision".getBytes(StandardCharsets.UTF_8)),
                        onDecisions(CanonicalJson.bytes(unknownAction)),
                        onDecisions(decision(run, "t2", DecisionAction.APPROVE))));

        // Then both readable decisions apply exactly one effect each, and the partition moved past the bad records
        await().atMost(Duration.ofSeconds(60))
                .until(() -> platform.ledger().count(run) == 2
                        && readAll(Topics.ACTIONS).stream()
                                        .filter(a -> run.equals(
                                                a.path("platform_run_id").asText()))
                                        .count()
                                == 3);
        List<JsonNode> outcomes = readAll(Topics.ACTIONS).stream()
                .filter(a -> run.equals(a.path("platform_run_id").asText()))
                .toList();
        assertThat(outcomes)
                .extracting(a ->
                        a.path("event_id").asText() + " " + a.path("outcome").asText())
                .containsExactlyInAnyOrder("t1 APPLIED", "t1 ALREADY_APPLIED", "t2 APPLIED");
        assertThat(platform.ledger().countsByEffect(run))
                .containsEntry("BLOCK_TRANSACTION", 1L)
                .containsEntry("AUTHORISE", 1L)
                .hasSize(2);

        // And each role dead-lettered the two records it could not read, naming itself and why (the audit's dead
        // letters are in its transaction, which commits when its segment rolls by age, 30 s after the first record
        // held); Case Management reads the decision topic too, and dead-letters them as well. The archive keeps the
        // bytes of whatever it can place in a run, the decision with an unknown action included, and dead-letters the
        // record it cannot place.
        await().atMost(Duration.ofSeconds(60))
                .until(() -> readAll(Topics.DEAD_LETTERS).size() >= 7);
        List<JsonNode> all = readAll(Topics.DEAD_LETTERS);
        assertThat(all)
                .filteredOn(n -> n.path("role").asText().equals(dev.fraudplatform.learning.archive.Archive.NAME))
                .singleElement()
                .satisfies(n -> assertThat(n.path("reason").asText()).startsWith("not archivable: "));
        List<JsonNode> dead = all.stream()
                .filter(n -> !n.path("role").asText().equals(dev.fraudplatform.learning.archive.Archive.NAME))
                .toList();
        assertThat(dead)
                .extracting(n -> n.path("role").asText())
                .containsExactlyInAnyOrder(
                        "action-layer",
                        "action-layer",
                        "decision-log-audit",
                        "decision-log-audit",
                        "case-management",
                        "case-management");
        assertThat(dead).allSatisfy(n -> {
            assertThat(n.path("reason").asText()).startsWith("unreadable decision: ");
            assertThat(n.path("topic").asText()).isEqualTo(Topics.DECISIONS);
        });
        assertThat(dead).anySatisfy(n -> assertThat(n.path("reason").asText()).contains("EXPLODE"));

        // And once the run ends, the audit holds the three readable decision records in one segment (the copy of t1 is
        // audited as what the bus carried), written at the end rather than per poll
        platform.flushAudit().get(30, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(AuditLog.count(platform.store(), run)).isEqualTo(3);
        assertThat(AuditLog.segments(platform.store(), run)).hasSize(1);

        // When the bus carries t1 once more, later (a redelivery): no effect is applied again
        platform.publisher().publish(List.of(onDecisions(decision(run, "t1", DecisionAction.DECLINE))));
        await().atMost(Duration.ofSeconds(30))
                .until(() -> readAll(Topics.ACTIONS).stream()
                                .filter(a ->
                                        run.equals(a.path("platform_run_id").asText()))
                                .count()
                        == 4);
        assertThat(platform.ledger().count(run)).isEqualTo(2);
        assertThat(platform.roleFailures()).isEmpty();
    }
}
