package dev.fraudplatform.rtdl.actions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fraudplatform.core.actions.Effect;
import dev.fraudplatform.core.actions.EffectLedger;
import dev.fraudplatform.core.bus.BusConsumers;
import dev.fraudplatform.core.bus.OutboundRecord;
import dev.fraudplatform.core.bus.Topics;
import dev.fraudplatform.core.decision.Decision;
import dev.fraudplatform.core.decision.DecisionAction;
import dev.fraudplatform.core.decision.DegradeMode;
import dev.fraudplatform.core.json.CanonicalJson;
import dev.fraudplatform.core.json.Json;
import dev.fraudplatform.substrate.kafka.KafkaBusConsumers;
import dev.fraudplatform.substrate.kafka.KafkaEventPublisher;
import dev.fraudplatform.substrate.postgres.PostgresDatabase;
import dev.fraudplatform.substrate.postgres.PostgresEffectLedger;
import dev.fraudplatform.testkit.servers.EmbeddedServers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Action Layer against the real PostgreSQL effect ledger when that ledger fails: a ledger that fails twice and
 * then recovers is retried with backoff and applies everything once; a decision the ledger always refuses is tried on
 * its own, dead-lettered with the ledger's reason, and does not hold back the rest of its batch. Faults are injected
 * in front of the real ledger. The role runs on the Kafka adapter of {@link BusConsumers}, on the embedded servers
 * of {@link EmbeddedServers}; no other Action Layer runs there.
 */
class ActionLayerRetryIT {
    static PostgresDatabase db;
    static EffectLedger realLedger;
    static KafkaEventPublisher publisher;

    @BeforeAll
    static void start() {
        db = EmbeddedServers.freshPostgresDatabase();
        realLedger = new PostgresEffectLedger(db.dataSource());
        EmbeddedServers.ensureTopics(List.of(Topics.DECISIONS, Topics.ACTIONS, Topics.DEAD_LETTERS), 3);
        publisher = new KafkaEventPublisher(EmbeddedServers.kafka(), "it-publisher");
    }

    @AfterAll
    static void stop() {
        if (publisher != null) publisher.close();
        if (db != null) db.close();
    }

    /** Every committed record of {@code topic}, as JSON, from the beginning to its end now. */
    private static List<JsonNode> readAll(String topic) throws Exception {
        Properties p = EmbeddedServers.kafka()
                .consumer(null, "it-bus-reader", Map.of(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"));
        List<JsonNode> out = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> c =
                new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = c.partitionsFor(topic).stream()
                    .map(i -> new TopicPartition(topic, i.partition()))
                    .toList();
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> end = c.endOffsets(parts);
            while (parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
                for (var r : c.poll(Duration.ofMillis(200))) out.add(Json.MAPPER.readTree(r.value()));
            }
        }
        return out;
    }

    /** The real ledger behind injected faults: the first {@code failures} calls fail, and any call holding {@code refused}. */
    static final class FaultyLedger implements EffectLedger {
        final EffectLedger real;
        final AtomicInteger failuresLeft;
        final String refused;
        final AtomicInteger calls = new AtomicInteger();

        FaultyLedger(EffectLedger real, int failures, String refused) {
            this.real = real;
            this.failuresLeft = new AtomicInteger(failures);
            this.refused = refused;
        }

        @Override
        public List<Effect> apply(List<Effect> effects) {
            calls.incrementAndGet();
            if (failuresLeft.getAndDecrement() > 0) throw new IllegalStateException("connection reset (injected)");
            if (effects.stream().anyMatch(e -> e.decisionId().equals(refused))) {
                throw new IllegalStateException("value too long for type character varying (injected)");
            }
            return real.apply(effects);
        }

        @Override
        public long count(String platformRunId) {
            return real.count(platformRunId);
        }

        @Override
        public java.util.Optional<Effect> find(String platformRunId, String decisionId) {
            return real.find(platformRunId, decisionId);
        }

        @Override
        public Map<String, Long> countsByEffect(String platformRunId) {
            return real.countsByEffect(platformRunId);
        }
    }

    private static OutboundRecord decision(String run, String eventId) {
        Decision d = new Decision(
                Decision.idFor("txn.authorization", eventId),
                eventId,
                run,
                "acct-1",
                "2026-03-02T10:00:00.000Z",
                DecisionAction.APPROVE,
                0.1,
                List.of(),
                "rules-v1",
                DegradeMode.RULES_ONLY,
                "bundle rules-v1 has no model",
                "ab",
                Json.MAPPER.createObjectNode());
        return new OutboundRecord(
                Topics.DECISIONS, "acct-1", CanonicalJson.bytes(d.toJson()), System.currentTimeMillis(), Map.of());
    }

    @Test
    void aFailingLedgerIsRetriedAndARefusedDecisionIsDeadLetteredAlone() throws Exception {
        String run = "run-retry-" + UUID.randomUUID();
        String refused = Decision.idFor("txn.authorization", "t2");
        FaultyLedger ledger = new FaultyLedger(realLedger, 2, refused);
        BusConsumers consumers = new KafkaBusConsumers(EmbeddedServers.kafka());
        try (BusConsumers.Role al = consumers.atLeastOnce(
                ActionLayer.NAME,
                ActionLayer.GROUP,
                ActionLayer.TOPICS,
                new ActionLayer(ledger, publisher, 4, Duration.ofMillis(20)))) {
            assertThat(al.awaitAssignment(Duration.ofSeconds(30))).isTrue();
            publisher.publish(List.of(decision(run, "t1"), decision(run, "t2"), decision(run, "t3")));

            await().atMost(Duration.ofSeconds(60)).until(() -> realLedger.count(run) == 2);
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> readAll(Topics.DEAD_LETTERS).stream()
                            .anyMatch(n -> n.path("value").asText().contains(run)));
            List<JsonNode> dead = readAll(Topics.DEAD_LETTERS).stream()
                    .filter(n -> n.path("value").asText().contains(run))
                    .toList();
            assertThat(dead).hasSize(1);
            assertThat(dead.get(0).path("role").asText()).isEqualTo("action-layer");
            assertThat(dead.get(0).path("reason").asText())
                    .contains("value too long")
                    .contains("after 4 batch attempts");
            assertThat(dead.get(0).path("value").asText()).contains(refused);
            List<JsonNode> outcomes = readAll(Topics.ACTIONS).stream()
                    .filter(a -> run.equals(a.path("platform_run_id").asText()))
                    .toList();
            assertThat(outcomes)
                    .extracting(a -> a.path("event_id").asText() + " "
                            + a.path("outcome").asText())
                    .containsExactlyInAnyOrder("t1 APPLIED", "t3 APPLIED");
            // at least: 2 injected failures, 2 batch attempts refused, then t1, t2 and t3 one by one
            assertThat(ledger.calls.get()).isGreaterThanOrEqualTo(7);
            assertThat(al.failure()).isNull();
        }
    }

    @Test
    void aShadowDecisionIsNeverApplied() throws Exception {
        String run = "run-shadow-" + UUID.randomUUID();
        BusConsumers consumers = new KafkaBusConsumers(EmbeddedServers.kafka());
        try (BusConsumers.Role al = consumers.atLeastOnce(
                ActionLayer.NAME,
                ActionLayer.GROUP,
                ActionLayer.TOPICS,
                new ActionLayer(realLedger, publisher, 4, Duration.ofMillis(20)))) {
            assertThat(al.awaitAssignment(Duration.ofSeconds(30))).isTrue();
            assertThat(ActionLayer.TOPICS).doesNotContain(Topics.SHADOW_DECISIONS);
            OutboundRecord active = decision(run, "t1");
            OutboundRecord shadow = decision(run, "t2");
            // A shadow decision misrouted onto fp.decisions: marked as the loop marks it.
            shadow = new OutboundRecord(
                    shadow.topic(),
                    shadow.key(),
                    shadow.value(),
                    shadow.timestampMillis(),
                    Map.of(Topics.HEADER_SHADOW, "rules-v1-strict"));
            publisher.publish(List.of(shadow, active));

            await().atMost(Duration.ofSeconds(60)).until(() -> realLedger.count(run) == 1);
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> readAll(Topics.DEAD_LETTERS).stream()
                            .anyMatch(n -> n.path("value").asText().contains(run)));
            List<JsonNode> outcomes = readAll(Topics.ACTIONS).stream()
                    .filter(a -> run.equals(a.path("platform_run_id").asText()))
                    .toList();
            assertThat(outcomes).extracting(a -> a.path("event_id").asText()).containsExactly("t1");
            List<JsonNode> dead = readAll(Topics.DEAD_LETTERS).stream()
                    .filter(n -> n.path("value").asText().contains(run))
                    .toList();
            assertThat(dead).hasSize(1);
            assertThat(dead.get(0).path("reason").asText()).contains("shadow decision");
            assertThat(realLedger.count(run)).isEqualTo(1);
        }
    }
}
