package dev.fraudplatform.ingress.gate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fraudplatform.core.bus.AtomicPublisher;
import dev.fraudplatform.core.bus.OutboundRecord;
import dev.fraudplatform.core.bus.Topics;
import dev.fraudplatform.core.ingress.DedupeTuple;
import dev.fraudplatform.core.ingress.ReceiptStore;
import dev.fraudplatform.substrate.kafka.KafkaAtomicPublisher;
import dev.fraudplatform.substrate.kafka.KafkaSettings;
import dev.fraudplatform.substrate.postgres.PostgresDatabase;
import dev.fraudplatform.substrate.postgres.PostgresReceiptStore;
import dev.fraudplatform.testkit.servers.EmbeddedServers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The admission relay's crash recovery on a real broker and PostgreSQL: a relay that died after claiming, or after
 * publishing but before receipting, leaves work that the next relay finishes with exactly one record on the bus and
 * exactly one ADMITTED receipt per event.
 */
class AdmissionRelayIT {
    static PostgresDatabase db;
    static ReceiptStore store;
    static String bootstrap;

    @BeforeAll
    static void start() {
        // These tests play the relay themselves: no other relay uses the store (one relay per store at a time).
        db = EmbeddedServers.freshPostgresDatabase();
        store = new PostgresReceiptStore(db.dataSource());
        bootstrap = EmbeddedServers.kafkaBootstrap();
        EmbeddedServers.ensureTopics(List.of(Topics.TRAFFIC), 3);
        EmbeddedServers.ensureTopics(List.of(Topics.INGRESS_RELAY), 1);
    }

    @AfterAll
    static void stop() {
        if (db != null) db.close();
    }

    private static List<ReceiptStore.Candidate> candidates(String run, String... ids) {
        List<ReceiptStore.Candidate> out = new ArrayList<>();
        for (int i = 0; i < ids.length; i++) {
            byte[] value = ("{\"event_id\":\"" + ids[i] + "\",\"platform_run_id\":\"" + run + "\"}")
                    .getBytes(StandardCharsets.UTF_8);
            out.add(new ReceiptStore.Candidate(
                    i,
                    new DedupeTuple(run, "txn.authorization", ids[i]),
                    "sha256:" + ids[i],
                    new OutboundRecord(
                            Topics.TRAFFIC,
                            "acct-" + i,
                            value,
                            1_772_409_600_000L,
                            Map.of(Topics.HEADER_ADMITTED_AT, "1"))));
        }
        return out;
    }

    /** How many committed records on fp.traffic carry each of {@code ids} of {@code run}. */
    private static Map<String, Integer> copiesOnTheBus(String run, String... ids) {
        Properties p = KafkaSettings.of(bootstrap)
                .consumer(null, "it-traffic-reader", Map.of(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"));
        Map<String, Integer> copies = new HashMap<>();
        for (String id : ids) copies.put(id, 0);
        try (KafkaConsumer<String, byte[]> c =
                new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = c.partitionsFor(Topics.TRAFFIC).stream()
                    .map(i -> new TopicPartition(i.topic(), i.partition()))
                    .toList();
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> end = c.endOffsets(parts);
            while (parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(500))) {
                    String v = new String(r.value(), StandardCharsets.UTF_8);
                    for (String id : ids)
                        if (v.contains("\"event_id\":\"" + id + "\"") && v.contains(run))
                            copies.merge(id, 1, Integer::sum);
                }
            }
        }
        return copies;
    }

    @Test
    void claimsOfARelayThatDiedBeforePublishingArePublishedOnceByTheNext() {
        // Given a relay that committed its claims and died before its bus transaction committed
        ReceiptStore.Claim claim = store.claim(candidates("run-died-claimed", "a1", "a2"), Map.of());
        assertThat(claim.pending()).hasSize(2);
        assertThat(store.unpublished()).hasSize(2);

        // When the next relay starts
        try (KafkaAtomicPublisher p = new KafkaAtomicPublisher(KafkaSettings.of(bootstrap), "ig-relay-it-1");
                AdmissionRelay ignored = new AdmissionRelay(store, p)) {
            // Then the claims are published and receipted, once
            assertThat(store.unpublished()).isEmpty();
        }
        assertThat(store.countsByOutcome("run-died-claimed")).containsExactly(Map.entry("ADMITTED", 2L));
        assertThat(copiesOnTheBus("run-died-claimed", "a1", "a2"))
                .containsExactlyInAnyOrderEntriesOf(Map.of("a1", 1, "a2", 1));
    }

    @Test
    void aGroupPublishedButNotReceiptedIsReceiptedFromItsMarkerWithoutPublishingAgain() throws Exception {
        ReceiptStore.Claim claim = store.claim(candidates("run-died-published", "b1", "b2", "b3"), Map.of());
        AtomicPublisher.Published published;
        // Given a relay that committed its bus transaction (records and marker) and died before recording receipts
        try (KafkaAtomicPublisher dying = new KafkaAtomicPublisher(KafkaSettings.of(bootstrap), "ig-relay-it-2")) {
            published = dying.publish(
                    claim.pending().stream().map(ReceiptStore.Pending::record).toList(),
                    claim.pending().stream()
                            .map(ReceiptStore.Pending::outboxSeq)
                            .toList());
        }
        assertThat(store.unpublished()).hasSize(3);

        // When its successor (same transactional id) starts
        try (KafkaAtomicPublisher p = new KafkaAtomicPublisher(KafkaSettings.of(bootstrap), "ig-relay-it-2");
                AdmissionRelay ignored = new AdmissionRelay(store, p)) {
            assertThat(store.unpublished()).isEmpty();
        }
        // Then the receipts carry the coordinates of the first publication, and the bus has one copy of each
        assertThat(store.countsByOutcome("run-died-published")).containsExactly(Map.entry("ADMITTED", 3L));
        assertThat(store.lastMarkerOffset()).isGreaterThanOrEqualTo(published.markerOffset());
        assertThat(copiesOnTheBus("run-died-published", "b1", "b2", "b3"))
                .containsExactlyInAnyOrderEntriesOf(Map.of("b1", 1, "b2", 1, "b3", 1));
    }

    @Test
    void aSecondRelayWaitsForTheFirstToLetGoOfTheStore() throws Exception {
        try (KafkaAtomicPublisher p = new KafkaAtomicPublisher(KafkaSettings.of(bootstrap), "ig-relay-it-4");
                AdmissionRelay first = new AdmissionRelay(store, p);
                KafkaAtomicPublisher p2 = new KafkaAtomicPublisher(KafkaSettings.of(bootstrap), "ig-relay-it-5")) {
            var second = java.util.concurrent.CompletableFuture.supplyAsync(() -> new AdmissionRelay(store, p2));
            Thread.sleep(1_000);
            assertThat(second).isNotDone(); // fenced out of the store while the first relay lives
            first.close();
            second.get(30, java.util.concurrent.TimeUnit.SECONDS).close();
        }
    }

    @Test
    void aLiveRelayAdmitsABatchAndAnswersDuplicatesForItsRetry() throws Exception {
        try (KafkaAtomicPublisher p = new KafkaAtomicPublisher(KafkaSettings.of(bootstrap), "ig-relay-it-3");
                AdmissionRelay relay = new AdmissionRelay(store, p)) {
            var first =
                    relay.submit(candidates("run-live", "c1", "c2"), Map.of()).get();
            assertThat(first.values())
                    .allSatisfy(r -> assertThat(r.coordinates()).isNotNull());
            var retry =
                    relay.submit(candidates("run-live", "c1", "c2"), Map.of()).get();
            assertThat(retry.values())
                    .allSatisfy(r -> assertThat(r.outcome().name()).isEqualTo("DUPLICATE"));
        }
        assertThat(copiesOnTheBus("run-live", "c1", "c2")).containsExactlyInAnyOrderEntriesOf(Map.of("c1", 1, "c2", 1));
    }
}
