package dev.fraudplatform.rtdl.audit;

import dev.fraudplatform.core.bus.Topics;
import dev.fraudplatform.core.decision.AuditRecord;
import dev.fraudplatform.core.decision.Decision;
import dev.fraudplatform.core.ingress.BusCoordinates;
import dev.fraudplatform.core.store.ObjectStore;
import dev.fraudplatform.core.telemetry.Telemetry;
import dev.fraudplatform.rtdl.roles.ConsumerRole;
import dev.fraudplatform.rtdl.roles.DeadLetters;
import dev.fraudplatform.substrate.kafka.KafkaEventPublisher;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The Decision Log and Audit: one append-only audit record per decision, on {@code fp.audit} and in the object
 * store as Parquet segments under {@code audit/<run>/decisions/} (sealed with a manifest of digests when the run
 * ends, {@link AuditLog#seal}).
 *
 * <p>Segments roll by size or time, not per poll ({@link SegmentRoll}): the audit holds records until they are
 * 10,000, or 32 MiB of audit lines, or the oldest is 30 s old, or the end of a run has been read
 * ({@link #flushThrough}, which the orchestrator calls once a run's decisions are all applied, before it seals the
 * run's segments). Then it writes one segment per (run, partition) held.
 *
 * <p>Exactly once on the bus, and nothing lost on a kill: audit records and the consumed offsets commit in one Kafka
 * transaction, which spans polls while the records are held and commits only after their segments are written, so
 * a record held in memory only is never committed as consumed and is read again after a crash. Idempotent
 * in the store: segments are create-if-absent and named by their first and last decision offsets and record count
 * ({@code p<partition>-o<first>-l<last>-n<count>.parquet}); records at or below the highest offset already written
 * for their (run, partition) are skipped, so a batch redelivered after a crash, whatever its boundaries, writes
 * nothing twice.
 */
public final class DecisionLogAudit extends ConsumerRole {
    private static final io.micrometer.core.instrument.Counter EVENTS_IN = Telemetry.planeEvents("dla", "in");
    private static final io.micrometer.core.instrument.Counter EVENTS_OUT = Telemetry.planeEvents("dla", "out");
    public static final String GROUP = "fp-dla";
    private final ObjectStore store;
    private final KafkaProducer<String, byte[]> producer;
    /** Per (run, partition) segment prefix: the last decision offset already in a segment. */
    private final Map<String, Long> highWaterMarks = new HashMap<>();

    public DecisionLogAudit(String bootstrap, ObjectStore store) {
        this(bootstrap, store, SegmentRoll.Policy.DEFAULT, System::currentTimeMillis);
    }

    DecisionLogAudit(
            String bootstrap,
            ObjectStore store,
            SegmentRoll.Policy policy,
            java.util.function.LongSupplier clockMillis) {
        super(bootstrap, GROUP, List.of(Topics.DECISIONS), "fp-decision-log-audit");
        this.store = store;
        this.roll = new SegmentRoll(policy, clockMillis);
        Properties p = dev.fraudplatform.substrate.kafka.KafkaEventPublisher.producerConfig(bootstrap, "fp-dla");
        // The transaction spans what is held, up to the roll's age: its timeout must outlast that.
        p.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, (int)
                policy.transactionTimeout().toMillis());
        // One id per instance: fencing of zombies comes from the consumer group metadata (KIP-447), and two
        // processes on one cluster must not fence each other.
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "fp-dla-" + java.util.UUID.randomUUID());
        this.producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
    }

    public static String segmentPrefix(String runId) {
        return "audit/" + runId + "/decisions/";
    }

    @Override
    protected void onStart() {
        producer.initTransactions();
    }

    @Override
    protected void onStop() {
        try {
            if (inTransaction) commit();
            for (FlushRequest f : flushes) f.done().complete(null);
        } catch (Exception e) {
            // the records are redelivered to the next owner: nothing is lost, and segments are written at most once
            for (FlushRequest f : flushes) f.done().completeExceptionally(e);
        } finally {
            flushes.clear();
            for (FlushRequest f; (f = flushRequests.poll()) != null; ) {
                f.done().completeExceptionally(new IllegalStateException("the decision log and audit stopped"));
            }
            producer.close();
        }
    }

    private final SegmentRoll roll;
    private boolean inTransaction;

    /** Asked by another thread: write everything below these offsets now. */
    private record FlushRequest(Map<Integer, Long> throughOffsets, java.util.concurrent.CompletableFuture<Void> done) {}

    private final java.util.Queue<FlushRequest> flushRequests = new java.util.concurrent.ConcurrentLinkedQueue<>();
    /** Requests taken by the consumer thread, not read through yet. */
    private final List<FlushRequest> flushes = new ArrayList<>();

    /**
     * The end of a run: asks the audit to put every decision below {@code decisionOffsets} (partition of
     * {@code fp.decisions} to offset; for a run whose decisions are all applied, the topic's end offsets) into
     * segments as soon as it has read that far, without waiting for the roll's size or age. Thread-safe.
     *
     * @return completes once those decisions of the partitions this instance owns are in segments and committed;
     *         exceptionally if the audit stops first
     */
    public java.util.concurrent.CompletableFuture<Void> flushThrough(Map<Integer, Long> decisionOffsets) {
        FlushRequest request =
                new FlushRequest(Map.copyOf(decisionOffsets), new java.util.concurrent.CompletableFuture<>());
        flushRequests.add(request);
        return request.done();
    }

    /** (run, partition) → audit lines in offset order, and the offsets to commit with them. */
    private final Map<String, List<Line>> segments = new LinkedHashMap<>();

    private final Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();

    @Override
    protected void handle(ConsumerRecords<String, byte[]> records) throws Exception {
        long now = System.currentTimeMillis();
        if (!inTransaction) {
            producer.beginTransaction();
            inTransaction = true;
        }
        EVENTS_IN.increment(records.count());
        try {
            for (ConsumerRecord<String, byte[]> r : records) {
                offsets.put(new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1));
                Decision.Summary d;
                try {
                    d = Decision.summarize(r.value());
                } catch (RuntimeException e) {
                    // Never a decision the fabric wrote: dead-lettered in the same transaction, so neither lost nor
                    // blocking.
                    producer.send(KafkaEventPublisher.toProducerRecord(
                            DeadLetters.of("decision-log-audit", r, "unreadable decision: " + e.getMessage(), now)));
                    continue;
                }
                byte[] line = AuditRecord.canonicalLine(
                        r.value(), new BusCoordinates(r.topic(), r.partition(), r.offset()), admittedAt(r), now);
                producer.send(new ProducerRecord<>(Topics.AUDIT, null, r.timestamp(), r.key(), line));
                segments.computeIfAbsent(d.platformRunId() + "\u0000" + r.partition(), k -> new ArrayList<>())
                        .add(new Line(d, r.partition(), r.offset(), line));
                roll.hold(line.length);
                Telemetry.startStage("dla.record", header(r), d.platformRunId(), d.eventId(), now)
                        .end();
            }
        } catch (Exception e) {
            abort();
            throw e;
        }
        if (roll.due() != null) commit();
    }

    @Override
    protected void onPoll() throws Exception {
        for (FlushRequest f; (f = flushRequests.poll()) != null; ) flushes.add(f);
        List<FlushRequest> readThrough = new ArrayList<>();
        for (FlushRequest f : flushes)
            if (SegmentRoll.readThrough(f.throughOffsets(), this::position)) readThrough.add(f);
        if (inTransaction && (roll.due(!readThrough.isEmpty()) != null || roll.records() == 0)) commit();
        // Everything read through a request is in segments now (committed above, or nothing was held).
        for (FlushRequest f : readThrough) f.done().complete(null);
        flushes.removeAll(readThrough);
    }

    /** The next offset this instance reads on a partition of the decisions it owns; null when it does not own it. */
    private Long position(int partition) {
        TopicPartition tp = new TopicPartition(Topics.DECISIONS, partition);
        if (!consumer.assignment().contains(tp)) return null;
        try {
            return consumer.position(tp, java.time.Duration.ofMillis(500));
        } catch (org.apache.kafka.common.errors.TimeoutException e) {
            return -1L; // not known yet: not read through
        }
    }

    /** Writes the buffered segments, then commits the audit records and the consumed offsets in one transaction. */
    private void commit() throws Exception {
        try {
            for (List<Line> segment : segments.values()) writeSegment(segment);
            producer.sendOffsetsToTransaction(offsets, consumer.groupMetadata());
            producer.commitTransaction();
        } catch (Exception e) {
            abort();
            throw e;
        }
        EVENTS_OUT.increment(segments.values().stream().mapToLong(List::size).sum());
        clear();
    }

    private void abort() {
        try {
            producer.abortTransaction();
        } finally {
            clear();
        }
    }

    private void clear() {
        inTransaction = false;
        roll.rolled();
        segments.clear();
        offsets.clear();
    }

    /** One audit record, already serialised, with where its decision sat on the bus. */
    private record Line(Decision.Summary decision, int partition, long offset, byte[] bytes) {}

    private void writeSegment(List<Line> records) {
        String runId = records.get(0).decision().platformRunId();
        int partition = records.get(0).partition();
        String partitionPrefix = segmentPrefix(runId) + String.format(java.util.Locale.ROOT, "p%03d-", partition);
        // Everything at or below the high-water mark is already in a segment (written before a crash, and
        // redelivered because the transaction never committed): write only what is past it.
        long highWater = highWaterMarks.computeIfAbsent(partitionPrefix, k -> AuditLog.lastOffsetWritten(store, k));
        List<Line> pending = new ArrayList<>(records.size());
        for (Line l : records) if (l.offset() > highWater) pending.add(l);
        if (pending.isEmpty()) return;
        long first = pending.get(0).offset();
        long last = pending.get(pending.size() - 1).offset();
        String key = partitionPrefix
                + String.format(
                        java.util.Locale.ROOT,
                        "o%020d-l%020d-n%06d" + AuditLog.SEGMENT_SUFFIX,
                        first,
                        last,
                        pending.size());
        List<AuditSegment.Row> rows = new ArrayList<>(pending.size());
        for (Line l : pending) {
            Decision.Summary d = l.decision();
            rows.add(new AuditSegment.Row(
                    l.partition(),
                    l.offset(),
                    d.decisionId(),
                    d.eventId(),
                    d.action().name(),
                    d.degradeMode().name(),
                    d.score(),
                    new String(l.bytes(), java.nio.charset.StandardCharsets.UTF_8)));
        }
        store.create(key, out -> AuditSegment.write(rows, out));
        highWaterMarks.put(partitionPrefix, last);
    }

    @Override
    protected void onPartitionsLostHook() {
        // Another instance owns them now: nothing held may be committed; it is redelivered to the new owner.
        try {
            if (inTransaction) abort();
        } catch (org.apache.kafka.common.KafkaException e) {
            clear(); // fenced already: the broker aborts the transaction
        }
        highWaterMarks.clear();
    }

    @Override
    protected void onPartitionsChanged() {
        // Ownership moves: commit what this instance holds while it still owns its partitions (after this, another
        // instance may write), then re-read marks from the store.
        if (inTransaction) {
            try {
                commit();
            } catch (Exception e) {
                throw new IllegalStateException("audit commit at rebalance: " + e.getMessage(), e);
            }
        }
        highWaterMarks.clear();
    }
}
