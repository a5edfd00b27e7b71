package dev.fraudplatform.substrate.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fraudplatform.core.bus.BatchHandler;
import dev.fraudplatform.core.bus.BusConsumers;
import dev.fraudplatform.core.bus.InboundRecord;
import dev.fraudplatform.core.bus.OutboundRecord;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * The consuming roles on a real broker: what a transactional role's handler sends and the offsets it consumed become
 * visible together, or not at all, even when the handler dies part-way through a batch with an {@link Error}; roles in
 * no group read from the start or from now; a batching role takes a trickle of records in few batches.
 */
class KafkaBusConsumersIT {

    @Test
    void aHandlerThatDiesPartWayCommitsNothingAndItsBatchIsRedelivered() throws Exception {
        // Given five records on an input topic
        String in = TestBus.newTopic(1);
        String out = TestBus.newTopic(1);
        String group = "it-role-" + UUID.randomUUID();
        try (KafkaEventPublisher publisher = new KafkaEventPublisher(KafkaSettings.of(TestBus.bootstrap()), "it-in")) {
            List<OutboundRecord> records = new ArrayList<>();
            for (int i = 0; i < 5; i++) records.add(new OutboundRecord(in, "k", bytes("r" + i), i, Map.of()));
            publisher.publish(records);
        }
        BusConsumers consumers = new KafkaBusConsumers(KafkaSettings.of(TestBus.bootstrap()));

        // When a transactional role's handler sends for the first records, then dies with an Error on the third,
        // and its onStop commits whatever the session still holds (as the audit's does)
        List<String> seen = new CopyOnWriteArrayList<>();
        BatchHandler dying = new BatchHandler() {
            @Override
            public void handle(List<InboundRecord> batch, Session session) throws Exception {
                for (InboundRecord r : batch) {
                    String v = new String(r.value(), StandardCharsets.UTF_8);
                    seen.add(v);
                    if (v.equals("r2")) throw new AssertionError("the handler dies part-way");
                    session.send(new OutboundRecord(out, r.key(), bytes("out-" + v), r.timestampMillis(), Map.of()));
                }
                session.commit();
            }

            @Override
            public void onStop(Session session) {
                try {
                    if (session.pending()) session.commit();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
        };
        BusConsumers.Role first =
                consumers.transactional("it-dying", group, List.of(in), Duration.ofSeconds(30), dying);
        try {
            awaitUntil(() -> first.failure() != null, Duration.ofSeconds(30));
        } finally {
            first.close();
        }

        // Then the role reports the failure, nothing it sent is visible, and no offset of the batch was committed:
        assertThat(first.failure()).isInstanceOf(AssertionError.class);
        assertThat(seen).contains("r0", "r1", "r2");
        assertThat(TestBus.readCommitted(out))
                .as("sent before the failure, never committed")
                .isEmpty();

        // a healthy member of the same group is handed the whole batch again, from the first record
        List<String> redelivered = new CopyOnWriteArrayList<>();
        BatchHandler healthy = new BatchHandler() {
            @Override
            public void handle(List<InboundRecord> batch, Session session) throws Exception {
                for (InboundRecord r : batch) {
                    String v = new String(r.value(), StandardCharsets.UTF_8);
                    redelivered.add(v);
                    session.send(new OutboundRecord(out, r.key(), bytes("out-" + v), r.timestampMillis(), Map.of()));
                }
                session.commit();
            }
        };
        try (BusConsumers.Role second =
                consumers.transactional("it-healthy", group, List.of(in), Duration.ofSeconds(30), healthy)) {
            awaitUntil(() -> redelivered.size() >= 5, Duration.ofSeconds(30));
        }
        assertThat(redelivered).containsExactly("r0", "r1", "r2", "r3", "r4");
        // the commit markers reach the partition after commitTransaction returns: read until the batch is visible.
        // Had the dying role's transaction committed, out-r0 and out-r1 would be there twice.
        List<String> visible = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (visible.size() < 5 && System.nanoTime() < deadline) {
            visible = TestBus.readCommitted(out).stream()
                    .map(r -> new String(r.record().value(), StandardCharsets.UTF_8))
                    .toList();
            if (visible.size() < 5) Thread.sleep(50);
        }
        assertThat(visible).containsExactly("out-r0", "out-r1", "out-r2", "out-r3", "out-r4");
    }

    @Test
    void everyInstanceOfAnEveryRecordRoleReadsEveryRecordFromTheStartAndLeavesNoGroupBehind() throws Exception {
        // Given records on both partitions of a topic, and the consumer groups the cluster knows
        String topic = TestBus.newTopic(2);
        try (KafkaEventPublisher publisher = new KafkaEventPublisher(KafkaSettings.of(TestBus.bootstrap()), "it-in")) {
            List<OutboundRecord> records = new ArrayList<>();
            for (int i = 0; i < 6; i++) records.add(new OutboundRecord(topic, "k" + i, bytes("r" + i), i, Map.of()));
            publisher.publish(records);
        }
        java.util.Set<String> groupsBefore = groups();
        BusConsumers consumers = new KafkaBusConsumers(KafkaSettings.of(TestBus.bootstrap()));
        List<String> first = new CopyOnWriteArrayList<>();
        List<String> second = new CopyOnWriteArrayList<>();
        // When two followers read it, each committing what it handled, and a third starts after they stopped
        try (BusConsumers.Role a = consumers.everyRecord("it-follow-a", List.of(topic), collecting(first));
                BusConsumers.Role b = consumers.everyRecord("it-follow-b", List.of(topic), collecting(second))) {
            assertThat(a.awaitAssignment(Duration.ofSeconds(30))).isTrue();
            awaitUntil(() -> first.size() >= 6 && second.size() >= 6, Duration.ofSeconds(30));
        }
        List<String> third = new CopyOnWriteArrayList<>();
        try (BusConsumers.Role c = consumers.everyRecord("it-follow-c", List.of(topic), collecting(third))) {
            awaitUntil(() -> third.size() >= 6, Duration.ofSeconds(30));
        }
        // Then each saw every record of both partitions, the third from the start again, and no group was made
        for (List<String> seen : List.of(first, second, third))
            assertThat(seen).containsExactlyInAnyOrder("r0", "r1", "r2", "r3", "r4", "r5");
        assertThat(groups()).isEqualTo(groupsBefore);
    }

    @Test
    void aFromNowRoleReadsOnlyWhatIsCommittedAfterItStartsOnEveryPartition() throws Exception {
        // Given records already on both partitions of a topic
        String topic = TestBus.newTopic(2);
        BusConsumers consumers = new KafkaBusConsumers(KafkaSettings.of(TestBus.bootstrap()));
        java.util.Set<String> groupsBefore = groups();
        try (KafkaEventPublisher publisher = new KafkaEventPublisher(KafkaSettings.of(TestBus.bootstrap()), "it-in")) {
            List<OutboundRecord> old = new ArrayList<>();
            for (int i = 0; i < 4; i++) old.add(new OutboundRecord(topic, "k" + i, bytes("old" + i), i, Map.of()));
            publisher.publish(old);
            List<String> seen = new CopyOnWriteArrayList<>();
            // When a from-now role starts, and once it is assigned more records are published
            try (BusConsumers.Role waiter = consumers.fromNow("it-from-now", List.of(topic), collecting(seen))) {
                assertThat(waiter.awaitAssignment(Duration.ofSeconds(30))).isTrue();
                List<OutboundRecord> fresh = new ArrayList<>();
                for (int i = 0; i < 4; i++)
                    fresh.add(new OutboundRecord(topic, "k" + i, bytes("new" + i), i, Map.of()));
                publisher.publish(fresh);
                awaitUntil(() -> seen.size() >= 4, Duration.ofSeconds(30));
                Thread.sleep(300); // nothing older arrives late
            }
            // Then it saw exactly the new records, of both partitions, and left no group behind
            assertThat(seen).containsExactlyInAnyOrder("new0", "new1", "new2", "new3");
        }
        assertThat(groups()).isEqualTo(groupsBefore);
    }

    @Test
    void aBatchingRoleTakesATrickleOfRecordsInFewBatchesAndMissesNone() throws Exception {
        // Given a prompt role and a batching one (a fetch waits up to 1 s for its batch), each in a group of its own
        String topic = TestBus.newTopic(1);
        BusConsumers prompt = new KafkaBusConsumers(KafkaSettings.of(TestBus.bootstrap()));
        BusConsumers batching = prompt.batching(Duration.ofSeconds(1));
        List<String> promptSeen = new CopyOnWriteArrayList<>(), batchedSeen = new CopyOnWriteArrayList<>();
        java.util.concurrent.atomic.AtomicInteger promptBatches = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger batchedBatches = new java.util.concurrent.atomic.AtomicInteger();
        try (BusConsumers.Role a = prompt.atLeastOnce(
                        "it-prompt",
                        "it-prompt-" + UUID.randomUUID(),
                        List.of(topic),
                        counting(promptSeen, promptBatches));
                BusConsumers.Role b = batching.atLeastOnce(
                        "it-batching",
                        "it-batching-" + UUID.randomUUID(),
                        List.of(topic),
                        counting(batchedSeen, batchedBatches));
                KafkaEventPublisher publisher =
                        new KafkaEventPublisher(KafkaSettings.of(TestBus.bootstrap()), "it-in")) {
            assertThat(a.awaitAssignment(Duration.ofSeconds(30))).isTrue();
            assertThat(b.awaitAssignment(Duration.ofSeconds(30))).isTrue();
            // When twenty small records trickle in, one publication each, 10 ms apart
            List<String> sent = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                publisher.publish(List.of(new OutboundRecord(topic, "k", bytes("t" + i), i, Map.of())));
                sent.add("t" + i);
                Thread.sleep(10);
            }
            awaitUntil(() -> promptSeen.size() >= 20 && batchedSeen.size() >= 20, Duration.ofSeconds(30));

            // Then both roles saw every record, in order; the prompt one fetched them a few at a time, the batching
            // one in a handful of batches (each fetch waited for its second or for 64 KiB)
            assertThat(promptSeen).containsExactlyElementsOf(sent);
            assertThat(batchedSeen).containsExactlyElementsOf(sent);
            assertThat(batchedBatches.get()).isLessThanOrEqualTo(4).isLessThan(promptBatches.get());
        }
        // and a batch wait outside 1 to 1000 ms is refused
        for (Duration bad : new Duration[] {Duration.ZERO, Duration.ofMillis(-5), Duration.ofMillis(1001), null})
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> prompt.batching(bad))
                    .isInstanceOf(IllegalArgumentException.class);
    }

    private static BatchHandler counting(List<String> seen, java.util.concurrent.atomic.AtomicInteger batches) {
        return (batch, session) -> {
            batches.incrementAndGet();
            for (InboundRecord r : batch) seen.add(new String(r.value(), StandardCharsets.UTF_8));
            session.commit();
        };
    }

    private static BatchHandler collecting(List<String> seen) {
        return (batch, session) -> {
            for (InboundRecord r : batch) seen.add(new String(r.value(), StandardCharsets.UTF_8));
            session.commit();
        };
    }

    private static java.util.Set<String> groups() throws Exception {
        try (org.apache.kafka.clients.admin.Admin admin =
                org.apache.kafka.clients.admin.Admin.create(Map.of("bootstrap.servers", TestBus.bootstrap()))) {
            java.util.Set<String> ids = new java.util.TreeSet<>();
            admin.listGroups().all().get().forEach(g -> ids.add(g.groupId()));
            return ids;
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static void awaitUntil(java.util.function.BooleanSupplier condition, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("timed out after " + timeout);
            Thread.sleep(50);
        }
    }
}
