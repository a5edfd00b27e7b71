package dev.fraudplatform.casework.labels;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fraudplatform.core.bus.BatchHandler;
import dev.fraudplatform.core.bus.InboundRecord;
import dev.fraudplatform.core.bus.OutboundRecord;
import dev.fraudplatform.core.bus.Topics;
import dev.fraudplatform.core.envelope.Envelope;
import dev.fraudplatform.core.json.Json;
import dev.fraudplatform.core.labels.LabelAssertion;
import dev.fraudplatform.core.labels.LabelSource;
import dev.fraudplatform.core.labels.LabelSubject;
import dev.fraudplatform.core.labels.LabelValue;
import dev.fraudplatform.substrate.kafka.KafkaEventPublisher;
import dev.fraudplatform.substrate.postgres.PostgresAccountActivity;
import dev.fraudplatform.substrate.postgres.PostgresDatabase;
import dev.fraudplatform.substrate.postgres.PostgresLabelStore;
import dev.fraudplatform.testkit.servers.EmbeddedServers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link LabelIntake} on the real PostgreSQL Label Store and activity projection, announcing on a real embedded broker:
 * every admitted label event ends in exactly one assertion or one rejection, a redelivered batch writes nothing new
 * (and announces again), and the counts reconcile.
 */
class LabelIntakeIT {
    private static final Instant T0 = Instant.parse("2026-03-02T14:00:00.000Z");

    static PostgresDatabase db;
    static PostgresLabelStore labels;
    static PostgresAccountActivity activity;
    static KafkaEventPublisher publisher;

    private final AtomicLong offsets = new AtomicLong();
    private String run;
    private LabelIntake intake;
    private CountingSession session;

    @BeforeAll
    static void start() {
        db = EmbeddedServers.freshPostgresDatabase();
        labels = new PostgresLabelStore(db.dataSource());
        activity = new PostgresAccountActivity(db.dataSource());
        EmbeddedServers.ensureTopics(List.of(Topics.LABELS, Topics.DEAD_LETTERS), 1);
        publisher = new KafkaEventPublisher(EmbeddedServers.kafka(), "it-label-store");
    }

    @AfterAll
    static void stop() {
        if (publisher != null) publisher.close();
        if (db != null) db.close();
    }

    @BeforeEach
    void newRun() {
        run = "run-ls-" + UUID.randomUUID();
        intake = new LabelIntake(labels, activity, publisher);
        session = new CountingSession();
    }

    /** The loop's side as the handler sees it: counts commits (an at-least-once loop publishes elsewhere). */
    static final class CountingSession implements BatchHandler.Session {
        int commits;

        @Override
        public void commit() {
            commits++;
        }

        @Override
        public void send(OutboundRecord record) {
            throw new UnsupportedOperationException("at-least-once");
        }

        @Override
        public void abort() {}

        @Override
        public boolean pending() {
            return false;
        }

        @Override
        public Long position(String topic, int partition) {
            return null;
        }
    }

    private InboundRecord record(String key, byte[] value, Map<String, String> headers) {
        return new InboundRecord(
                Topics.TRAFFIC, 0, offsets.getAndIncrement(), T0.toEpochMilli(), key, value, headers::get);
    }

    private InboundRecord envelope(String eventClass, String eventId, String account, Instant t, ObjectNode payload) {
        return record(
                account,
                Envelope.of(run, eventClass, eventId, 1, t, t, account, payload).toBytes(),
                Map.of(Topics.HEADER_ADMITTED_AT, "1234"));
    }

    private InboundRecord txn(String txnId, String account) {
        ObjectNode p = Json.MAPPER
                .createObjectNode()
                .put("txn_id", txnId)
                .put("account_id", account)
                .put("card_id", "card-" + account)
                .put("merchant_id", "m-1")
                .put("amount_minor", 12999)
                .put("device_id", "dev-1")
                .put("ip", "203.0.113.7");
        return envelope("txn.authorization", "w-" + txnId, account, T0, p);
    }

    private static ObjectNode labelPayload(String txnId, String type, String reason, String source) {
        return Json.MAPPER
                .createObjectNode()
                .put("account_id", "acct-1")
                .put("amount_minor", 12999)
                .put("card_id", "card-acct-1")
                .put("effective_time", "2026-03-02T14:00:00.000Z")
                .put("label_id", "l-" + txnId)
                .put("label_type", type)
                .put("observed_time", "2026-04-01T09:30:00.000Z")
                .put("reason_code", reason)
                .put("source", source)
                .put("txn_id", txnId);
    }

    private InboundRecord label(String eventId, ObjectNode payload) {
        return envelope("label.assertion", eventId, "acct-1", Instant.parse("2026-04-01T09:30:00Z"), payload);
    }

    private InboundRecord streamEnd() {
        return record(
                "end#0",
                ("{\"stream_end\":\"" + run + "\"}").getBytes(StandardCharsets.UTF_8),
                Map.of(Topics.HEADER_STREAM_END, run));
    }

    @Test
    void everyLabelEventEndsInOneOutcomeAndARedeliveredBatchWritesNothingNew() throws Exception {
        ObjectNode noObserved = labelPayload("t1", "FRAUD_REPORT", "CUSTOMER_REPORTED_FRAUD", "CUSTOMER");
        noObserved.remove("observed_time");
        List<InboundRecord> batch = List.of(
                txn("t1", "acct-1"),
                label("l-1", labelPayload("t1", "CHARGEBACK", "10.4", "ISSUER_CHARGEBACK")),
                label("l-2", labelPayload("t404", "CHARGEBACK", "10.4", "ISSUER_CHARGEBACK")),
                label("l-3", noObserved),
                label("l-4", labelPayload("t1", "FRAUD_REPORT", "CUSTOMER_REPORTED_FRAUD", "THE_NEIGHBOUR")),
                streamEnd());

        intake.handle(batch, session);

        // Given four label events: one assertion (its transaction came in the same batch), three rejections.
        assertThat(labels.countsByProvenance(run)).containsOnly(Map.entry("event", 1L));
        assertThat(labels.rejectionsByReason(run))
                .containsOnly(Map.entry("UNKNOWN_SUBJECT", 1L), Map.entry("UNREADABLE", 2L));
        long events = 4;
        assertThat(labels.countsByProvenance(run).get("event")
                        + labels.rejectionsByReason(run).values().stream()
                                .mapToLong(Long::longValue)
                                .sum())
                .isEqualTo(events);
        assertThat(session.commits).isEqualTo(1);
        LabelAssertion stored = labels.asOf(run, LabelSubject.transaction("t1"), Instant.parse("2026-05-01T00:00:00Z"))
                .orElseThrow();
        assertThat(stored.assertionId()).isEqualTo("ev:l-1");
        assertThat(stored.value()).isEqualTo(LabelValue.FRAUD);
        assertThat(stored.source()).isEqualTo(LabelSource.ISSUER_CHARGEBACK);
        assertThat(stored.provenance()).isEqualTo("event:l-1");
        assertThat(stored.eventId()).isEqualTo("l-1");
        assertThat(stored.accountId()).isEqualTo("acct-1");
        assertThat(stored.amountMinor()).isEqualTo(12999L);
        assertThat(stored.effectiveTime()).isEqualTo(T0);
        assertThat(stored.observedTime()).isEqualTo(Instant.parse("2026-04-01T09:30:00Z"));
        assertThat(labels.asOf(run, LabelSubject.transaction("t1"), Instant.parse("2026-04-01T09:29:59.999Z")))
                .isEmpty();

        // When the same batch is delivered again (a crash before the commit).
        intake.handle(batch, session);

        // Then nothing new is written, and the assertion is announced again, as stored.
        assertThat(labels.countsByProvenance(run)).containsOnly(Map.entry("event", 1L));
        assertThat(labels.rejectionsByReason(run))
                .containsOnly(Map.entry("UNKNOWN_SUBJECT", 1L), Map.entry("UNREADABLE", 2L));
        assertThat(labels.history(run, LabelSubject.transaction("t1"))).containsExactly(stored);
        assertThat(session.commits).isEqualTo(2);
        List<LabelAssertion> announced = announcedOf(run);
        assertThat(announced).containsExactly(stored, stored);
    }

    @Test
    void aServiceDisputeIsLegitimateAndALaterFraudCodeChargebackSupersedesIt() throws Exception {
        intake.handle(List.of(txn("t7", "acct-1")), session);
        ObjectNode dispute = labelPayload("t7", "CHARGEBACK", "13.1", "ISSUER_CHARGEBACK");
        ObjectNode later = labelPayload("t7", "CHARGEBACK", "4837", "ISSUER_CHARGEBACK")
                .put("observed_time", "2026-04-20T00:00:00.000Z");
        ObjectNode customer = labelPayload("t7", "FRAUD_REPORT", "CUSTOMER_REPORTED_FRAUD", "CUSTOMER")
                .put("observed_time", "2026-04-25T00:00:00.000Z");
        intake.handle(List.of(label("l-7a", dispute)), session);
        intake.handle(List.of(label("l-7b", later), label("l-7c", customer)), session);

        LabelSubject t7 = LabelSubject.transaction("t7");
        assertThat(labels.asOf(run, t7, Instant.parse("2026-04-10T00:00:00Z")))
                .map(LabelAssertion::value)
                .contains(LabelValue.LEGITIMATE);
        assertThat(labels.asOf(run, t7, Instant.parse("2026-04-30T00:00:00Z")))
                .map(LabelAssertion::assertionId)
                .contains("ev:l-7b");
        assertThat(labels.history(run, t7))
                .extracting(LabelAssertion::assertionId)
                .containsExactly("ev:l-7a", "ev:l-7b", "ev:l-7c");
        assertThat(announcedOf(run))
                .extracting(LabelAssertion::assertionId)
                .containsExactly("ev:l-7a", "ev:l-7b", "ev:l-7c");
        assertThat(labels.rejectionsByReason(run)).isEmpty();
        assertThat(session.commits).isEqualTo(3);
    }

    @Test
    void aLabelForAnUnknownTransactionIsRejectedOnceAndNotAnnounced() throws Exception {
        List<InboundRecord> batch =
                List.of(label("l-9", labelPayload("t999", "CHARGE_OFF", "CREDIT_LOSS", "COLLECTIONS")));
        intake.handle(batch, session);
        intake.handle(batch, session);
        assertThat(labels.rejectionsByReason(run)).containsOnly(Map.entry("UNKNOWN_SUBJECT", 1L));
        assertThat(labels.countsByProvenance(run)).isEmpty();
        assertThat(announcedOf(run)).isEmpty();
        assertThat(session.commits).isEqualTo(2);
        // The same transaction in another run does not make it known here.
        assertThat(activity.knownTransactions(run, List.of("t999"))).isEmpty();
    }

    /** The assertions of {@code run} announced on fp.labels so far, in order. */
    private static List<LabelAssertion> announcedOf(String run) throws Exception {
        Properties p = EmbeddedServers.kafka()
                .consumer(null, "it-labels-reader", Map.of(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"));
        List<LabelAssertion> out = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> c =
                new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = c.partitionsFor(Topics.LABELS).stream()
                    .map(i -> new TopicPartition(Topics.LABELS, i.partition()))
                    .toList();
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> end = c.endOffsets(parts);
            while (parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
                for (var r : c.poll(Duration.ofMillis(200))) {
                    LabelAssertion a = LabelAssertionJson.fromJson(r.value());
                    if (a.platformRunId().equals(run)) {
                        assertThat(r.key()).isEqualTo(a.accountId());
                        out.add(a);
                    }
                }
            }
        }
        return out;
    }
}
