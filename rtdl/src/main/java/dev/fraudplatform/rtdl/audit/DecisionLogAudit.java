package dev.fraudplatform.rtdl.audit;

import dev.fraudplatform.core.bus.BatchHandler;
import dev.fraudplatform.core.bus.DeadLetters;
import dev.fraudplatform.core.bus.InboundRecord;
import dev.fraudplatform.core.bus.OutboundRecord;
import dev.fraudplatform.core.bus.SegmentRoll;
import dev.fraudplatform.core.bus.Topics;
import dev.fraudplatform.core.decision.AuditRecord;
import dev.fraudplatform.core.decision.Decision;
import dev.fraudplatform.core.ingress.BusCoordinates;
import dev.fraudplatform.core.store.ObjectStore;
import dev.fraudplatform.core.telemetry.Telemetry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
 *
 * <p>A {@link BatchHandler} of a transactional consuming role in group {@link #GROUP} on {@link #TOPICS}, whose
 * transactions may stay open {@link #transactionTimeout()}: the wiring composes the two. The role's transaction is the
 * one above ({@link Session#send} the audit records, {@link Session#commit} after the segments).
 *
 * <p>Shadow scoring: {@link #shadow} is the same role over {@code fp.decisions.shadow} (group {@link #SHADOW_GROUP}):
 * its audit records carry {@code "shadow":true} (and, on {@code fp.audit}, the header {@code Topics.HEADER_SHADOW}),
 * and its segments are under {@code audit/<run>/shadow/}, sealed with the run ({@link AuditLog#sealShadow}). The
 * active audit is untouched by it.
 */
public final class DecisionLogAudit implements BatchHandler {
    private static final io.micrometer.core.instrument.Counter EVENTS_IN = Telemetry.planeEvents("dla", "in");
    private static final io.micrometer.core.instrument.Counter EVENTS_OUT = Telemetry.planeEvents("dla", "out");
    public static final String GROUP = "fp-dla";

    /**
     * 10,000 records (a few MiB of Parquet), 32 MiB of audit lines, or 30 s: segments of useful size at any rate, and a
     * Kafka transaction that stays well within its timeout ({@link SegmentRoll.Policy#transactionTimeout}).
     */
    static final SegmentRoll.Policy DEFAULT_POLICY = new SegmentRoll.Policy(10_000, 32L << 20, Duration.ofSeconds(30));
    /** The role's name (its thread and client ids derive from it). */
    public static final String NAME = "decision-log-audit";

    public static final List<String> TOPICS = List.of(Topics.DECISIONS);

    /** The shadow audit's group, name and topics ({@link #shadow}). */
    public static final String SHADOW_GROUP = "fp-dla-shadow";

    public static final String SHADOW_NAME = "decision-log-audit-shadow";
    public static final List<String> SHADOW_TOPICS = List.of(Topics.SHADOW_DECISIONS);

    private final ObjectStore store;
    /** Whether this instance audits the shadow decisions ({@link #shadow}) rather than the active ones. */
    private final boolean shadow;
    /** The topic this instance reads: {@code fp.decisions}, or {@code fp.decisions.shadow}. */
    private final String topic;
    /** Per (run, partition) segment prefix: the last decision offset already in a segment. */
    private final Map<String, Long> highWaterMarks = new HashMap<>();

    public DecisionLogAudit(ObjectStore store) {
        this(store, DEFAULT_POLICY, System::currentTimeMillis);
    }

    /**
     * The audit of shadow decisions: reads {@code fp.decisions.shadow} (compose it with {@link #SHADOW_NAME},
     * {@link #SHADOW_GROUP}, {@link #SHADOW_TOPICS}) and writes segments under {@link #shadowSegmentPrefix}.
     */
    public static DecisionLogAudit shadow(ObjectStore store) {
        return new DecisionLogAudit(store, DEFAULT_POLICY, System::currentTimeMillis, true);
    }

    DecisionLogAudit(ObjectStore store, SegmentRoll.Policy policy, java.util.function.LongSupplier clockMillis) {
        this(store, policy, clockMillis, false);
    }

    DecisionLogAudit(
            ObjectStore store, SegmentRoll.Policy policy, java.util.function.LongSupplier clockMillis, boolean shadow) {
        this.store = store;
        this.shadow = shadow;
        this.topic = shadow ? Topics.SHADOW_DECISIONS : Topics.DECISIONS;
        this.policy = policy;
        this.roll = new SegmentRoll(policy, clockMillis);
    }

    /** How long the role's transaction must be allowed to stay open: it spans what is held, up to the roll's age. */
    public java.time.Duration transactionTimeout() {
        return policy.transactionTimeout();
    }

    public static String segmentPrefix(String runId) {
        return "audit/" + runId + "/decisions/";
    }

    /** Where the shadow decisions' audit segments of a run are. */
    public static String shadowSegmentPrefix(String runId) {
        return "audit/" + runId + "/shadow/";
    }

    /** The topic this instance reads: {@code fp.decisions}, or {@code fp.decisions.shadow} for {@link #shadow}. */
    public String topic() {
        return topic;
    }

    private String prefixOf(String runId) {
        return shadow ? shadowSegmentPrefix(runId) : segmentPrefix(runId);
    }

    @Override
    public void onStop(Session session) {
        try {
            if (session.pending()) commit(session);
            for (FlushRequest f : flushes) f.done().complete(null);
        } catch (Exception e) {
            // the records are redelivered to the next owner: nothing is lost, and segments are written at most once
            for (FlushRequest f : flushes) f.done().completeExceptionally(e);
        } finally {
            flushes.clear();
            for (FlushRequest f; (f = flushRequests.poll()) != null; ) {
                f.done().completeExceptionally(new IllegalStateException("the decision log and audit stopped"));
            }
        }
    }

    private final SegmentRoll.Policy policy;
    private final SegmentRoll roll;

    /** Asked by another thread: write everything below these offsets now. */
    private record FlushRequest(Map<Integer, Long> throughOffsets, java.util.concurrent.CompletableFuture<Void> done) {}

    private final java.util.Queue<FlushRequest> flushRequests = new java.util.concurrent.ConcurrentLinkedQueue<>();
    /** Requests taken by the consumer thread, not read through yet. */
    private final List<FlushRequest> flushes = new ArrayList<>();

    /**
     * The end of a run: asks the audit to put every decision below {@code decisionOffsets} (partition of
     * {@link #topic()} to offset; for a run whose decisions are all applied, the topic's end offsets) into
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

    /** (run, partition) → audit lines in offset order (the role's transaction holds their offsets). */
    private final Map<String, List<Line>> segments = new LinkedHashMap<>();

    @Override
    public void handle(List<InboundRecord> records, Session session) throws Exception {
        long now = System.currentTimeMillis();
        EVENTS_IN.increment(records.size());
        try {
            for (InboundRecord r : records) {
                Decision.Summary d;
                try {
                    d = Decision.summarize(r.value());
                } catch (RuntimeException e) {
                    // Never a decision the fabric wrote: dead-lettered in the same transaction, so neither lost nor
                    // blocking.
                    session.send(
                            DeadLetters.of("decision-log-audit", r, "unreadable decision: " + e.getMessage(), now));
                    continue;
                }
                byte[] line = AuditRecord.canonicalLine(
                        r.value(),
                        new BusCoordinates(r.topic(), r.partition(), r.offset()),
                        r.admittedAtMillis(),
                        now,
                        shadow);
                session.send(new OutboundRecord(
                        Topics.AUDIT,
                        r.key(),
                        line,
                        r.timestampMillis(),
                        shadow ? Map.of(Topics.HEADER_SHADOW, shadowBundle(r)) : Map.of()));
                segments.computeIfAbsent(d.platformRunId() + "\u0000" + r.partition(), k -> new ArrayList<>())
                        .add(new Line(d, r.partition(), r.offset(), line));
                roll.hold(line.length);
                Telemetry.startStage("dla.record", r.headers(), d.platformRunId(), d.eventId(), now)
                        .end();
            }
        } catch (Exception e) {
            abort(session);
            throw e;
        }
        if (roll.due() != null) commit(session);
    }

    @Override
    public void onPoll(Session session) throws Exception {
        for (FlushRequest f; (f = flushRequests.poll()) != null; ) flushes.add(f);
        List<FlushRequest> readThrough = new ArrayList<>();
        for (FlushRequest f : flushes)
            if (SegmentRoll.readThrough(Map.of(topic, f.throughOffsets()), session::position)) readThrough.add(f);
        if (session.pending() && (roll.due(!readThrough.isEmpty()) != null || roll.records() == 0)) commit(session);
        // Everything read through a request is in segments now (committed above, or nothing was held).
        for (FlushRequest f : readThrough) f.done().complete(null);
        flushes.removeAll(readThrough);
    }

    /** The shadow bundle a shadow decision names in its header (what the loop writes), or "shadow" without one. */
    private static String shadowBundle(InboundRecord r) {
        String b = r.header(Topics.HEADER_SHADOW);
        return b == null || b.isEmpty() ? "shadow" : b;
    }

    /** Writes the buffered segments, then commits the audit records and the consumed offsets in one transaction. */
    private void commit(Session session) throws Exception {
        try {
            for (List<Line> segment : segments.values()) writeSegment(segment);
            session.commit();
        } catch (Exception e) {
            abort(session);
            throw e;
        }
        EVENTS_OUT.increment(segments.values().stream().mapToLong(List::size).sum());
        clear();
    }

    private void abort(Session session) {
        try {
            session.abort();
        } finally {
            clear();
        }
    }

    private void clear() {
        roll.rolled();
        segments.clear();
    }

    /** One audit record, already serialised, with where its decision sat on the bus. */
    private record Line(Decision.Summary decision, int partition, long offset, byte[] bytes) {}

    private void writeSegment(List<Line> records) {
        String runId = records.get(0).decision().platformRunId();
        int partition = records.get(0).partition();
        String partitionPrefix = prefixOf(runId) + String.format(java.util.Locale.ROOT, "p%03d-", partition);
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
    public void onPartitionsLost(Session session) {
        // Another instance owns them now: nothing held may be committed; it is redelivered to the new owner.
        try {
            if (session.pending()) abort(session);
        } catch (RuntimeException e) {
            clear(); // fenced already: the broker aborts the transaction
        }
        highWaterMarks.clear();
    }

    @Override
    public void onPartitionsChanged(Session session) {
        // Ownership moves: commit what this instance holds while it still owns its partitions (after this, another
        // instance may write), then re-read marks from the store.
        if (session.pending()) {
            try {
                commit(session);
            } catch (Exception e) {
                throw new IllegalStateException("audit commit at rebalance: " + e.getMessage(), e);
            }
        }
        highWaterMarks.clear();
    }
}
