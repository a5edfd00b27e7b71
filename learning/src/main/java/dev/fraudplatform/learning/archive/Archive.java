package dev.fraudplatform.learning.archive;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.fraudplatform.core.bus.BatchHandler;
import dev.fraudplatform.core.bus.DeadLetters;
import dev.fraudplatform.core.bus.InboundRecord;
import dev.fraudplatform.core.bus.SegmentRoll;
import dev.fraudplatform.core.bus.Topics;
import dev.fraudplatform.core.json.Json;
import dev.fraudplatform.core.store.ObjectStore;
import dev.fraudplatform.core.telemetry.Telemetry;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;

/**
 * The archive: every record of the admitted traffic, the decisions, the actions and the label assertions, from Kafka
 * to Parquet segments in the object store, partitioned by run, event class and day ({@link ArchiveSegment} gives the
 * layout), each run sealed at its end with a manifest of the segments' SHA-256 digests and the Kafka offsets they
 * cover ({@link ArchiveSeal}). {@link ArchiveReader} reads a run back in bus order, byte for byte.
 *
 * <p>Event class: a traffic record's is its envelope's {@code event_class} ({@code txn.*}, {@code ctx.*},
 * {@code label.*}); a decision's is {@code decision}, an action outcome's {@code action} and a Label Store
 * assertion's {@code label_assertion}. Event id: the envelope's or decision's {@code event_id}, or an assertion's
 * {@code assertion_id}. Event time: the record's timestamp (for traffic the event's own time, which the gate writes;
 * for the others the time their role gave the record); the day is its UTC date. The run's end-of-stream markers on
 * {@code fp.traffic} ({@link Topics#HEADER_STREAM_END}) are control records, not traffic, and are not archived. A
 * record without a run id, or whose run id or event class cannot name a folder, is dead-lettered in the same
 * transaction: never lost silently, never blocking its partition.
 *
 * <p>Exactly once, also across a SIGKILL: the records held and their consumed offsets commit in one Kafka transaction,
 * which spans polls while the records are held and commits only after their segments are written ({@link SegmentRoll}
 * says when), so a record held in memory only is never committed as consumed and is read again after a crash.
 * Segments are create-if-absent and named by the offsets they cover; a roll writes one segment per (run, event
 * class, day, topic, partition) held, and records at or below the highest offset already written in their folder for
 * their (topic, partition), the high-water mark re-read from the store after a restart or rebalance, are skipped. A
 * batch redelivered after a crash, whatever its boundaries and however many of a roll's segments were written before
 * it, thus writes each record exactly once: within a folder a (topic, partition)'s records are written in offset
 * order, a roll's records of a folder all at once.
 *
 * <p>A {@link BatchHandler} of a transactional consuming role in group {@link #GROUP} on {@link #TOPICS}, whose
 * transactions may stay open {@link #transactionTimeout()}: the wiring composes the two. At a run's end the orchestrator
 * calls {@link #flushThrough} with the topics' end offsets, then seals the run.
 */
public final class Archive implements BatchHandler {
    private static final io.micrometer.core.instrument.Counter EVENTS_IN = Telemetry.planeEvents("archive", "in");
    private static final io.micrometer.core.instrument.Counter EVENTS_OUT = Telemetry.planeEvents("archive", "out");

    public static final String GROUP = "fp-archive";

    /**
     * 20,000 records, 32 MiB of record values, or 30 s: segments of useful size at any rate, and a Kafka transaction
     * that stays well within its timeout ({@link SegmentRoll.Policy#transactionTimeout}).
     */
    static final SegmentRoll.Policy DEFAULT_POLICY = new SegmentRoll.Policy(20_000, 32L << 20, Duration.ofSeconds(30));
    /** The role's name (its thread and client ids derive from it). */
    public static final String NAME = "archive";
    /** The topics archived: admitted traffic (with context and label events), decisions, actions, label assertions. */
    public static final List<String> TOPICS = List.of(Topics.TRAFFIC, Topics.DECISIONS, Topics.ACTIONS, Topics.LABELS);

    /** The event class of every record of the topics that carry one kind of record. */
    static final Map<String, String> CLASS_OF_TOPIC =
            Map.of(Topics.DECISIONS, "decision", Topics.ACTIONS, "action", Topics.LABELS, "label_assertion");

    /** A run id or event class that may name a folder of the object store. */
    private static final Pattern FOLDER_NAME = Pattern.compile("[A-Za-z0-9_=.-]{1,200}");
    /** A name of dots only ("." or ".."), which names no folder of its own. */
    private static final Pattern ONLY_DOTS = Pattern.compile("\\.+");

    private final ObjectStore store;
    private final SegmentRoll.Policy policy;
    private final SegmentRoll roll;
    private final LongSupplier clockMillis;
    private final Consumer<String> segmentWritten;
    /** Per (folder, topic, partition) key prefix: the last offset already in a segment. */
    private final Map<String, Long> highWaterMarks = new HashMap<>();
    /** Per (folder, topic, partition) key prefix: the rows held, in offset order (the transaction holds their offsets). */
    private final Map<String, List<ArchiveSegment.Row>> held = new LinkedHashMap<>();

    /** Asked by another thread: write everything below these offsets now. */
    private record FlushRequest(Map<String, Map<Integer, Long>> throughOffsets, CompletableFuture<Void> done) {}

    private final Queue<FlushRequest> flushRequests = new ConcurrentLinkedQueue<>();
    /** Requests taken by the consumer thread, not read through yet. */
    private final List<FlushRequest> flushes = new ArrayList<>();

    public Archive(ObjectStore store) {
        this(store, DEFAULT_POLICY, System::currentTimeMillis, key -> {});
    }

    /**
     * @param segmentWritten told each segment's key once it is in the store and before its offsets commit (tests
     *                       kill the process there: the worst moment for a duplicate)
     */
    Archive(ObjectStore store, SegmentRoll.Policy policy, LongSupplier clockMillis, Consumer<String> segmentWritten) {
        this.store = store;
        this.policy = policy;
        this.clockMillis = clockMillis;
        this.roll = new SegmentRoll(policy, clockMillis);
        this.segmentWritten = segmentWritten;
    }

    /** How long the role's transaction must be allowed to stay open: it spans what is held, up to the roll's age. */
    public Duration transactionTimeout() {
        return policy.transactionTimeout();
    }

    /**
     * The end of a run: asks the archive to put every record below {@code endOffsets} (topic to partition to offset;
     * for a run that has drained, the archived topics' end offsets) into segments as soon as it has read that far,
     * without waiting for the roll's size or age. Thread-safe.
     *
     * @return completes once those records of the partitions this instance owns are in segments and committed;
     *         exceptionally if the archive stops first
     */
    public CompletableFuture<Void> flushThrough(Map<String, Map<Integer, Long>> endOffsets) {
        Map<String, Map<Integer, Long>> copy = new LinkedHashMap<>();
        endOffsets.forEach((t, p) -> copy.put(t, Map.copyOf(p)));
        FlushRequest request = new FlushRequest(copy, new CompletableFuture<>());
        flushRequests.add(request);
        return request.done();
    }

    @Override
    public void handle(List<InboundRecord> records, Session session) throws Exception {
        long now = clockMillis.getAsLong();
        EVENTS_IN.increment(records.size());
        try {
            for (InboundRecord r : records) {
                if (r.header(Topics.HEADER_STREAM_END) != null) continue; // a control record, not traffic
                ArchiveSegment.Row row;
                String runId;
                try {
                    Fields f = Fields.of(r.value());
                    runId = f.runId();
                    String eventClass = CLASS_OF_TOPIC.getOrDefault(r.topic(), f.eventClass());
                    if (runId == null
                            || !FOLDER_NAME.matcher(runId).matches()
                            || ONLY_DOTS.matcher(runId).matches())
                        throw new IllegalArgumentException("no run id that can name a folder: " + runId);
                    if (eventClass == null
                            || !FOLDER_NAME.matcher(eventClass).matches()
                            || ONLY_DOTS.matcher(eventClass).matches())
                        throw new IllegalArgumentException("no event class that can name a folder: " + eventClass);
                    if (f.eventId() == null) throw new IllegalArgumentException("no event id");
                    String admitted = r.header(Topics.HEADER_ADMITTED_AT);
                    row = new ArchiveSegment.Row(
                            r.topic(),
                            r.partition(),
                            r.offset(),
                            r.key(),
                            eventClass,
                            f.eventId(),
                            r.timestampMillis(),
                            admitted == null ? null : r.admittedAtMillis(),
                            r.value());
                } catch (IllegalArgumentException e) {
                    session.send(DeadLetters.of(NAME, r, "not archivable: " + e.getMessage(), now));
                    continue;
                }
                String prefix = ArchiveSegment.partitionPrefix(
                        ArchiveSegment.folder(runId, row.eventClass(), row.eventTimeMillis()),
                        row.topic(),
                        row.partition());
                held.computeIfAbsent(prefix, k -> new ArrayList<>()).add(row);
                roll.hold(r.value() == null ? 0 : r.value().length);
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
            if (SegmentRoll.readThrough(f.throughOffsets(), session::position)) readThrough.add(f);
        if (session.pending() && (roll.due(!readThrough.isEmpty()) != null || roll.records() == 0)) commit(session);
        // Everything read through a request is in segments now (committed above, or nothing was held).
        for (FlushRequest f : readThrough) f.done().complete(null);
        flushes.removeAll(readThrough);
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
                f.done().completeExceptionally(new IllegalStateException("the archive stopped"));
            }
        }
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
                throw new IllegalStateException("archive commit at rebalance: " + e.getMessage(), e);
            }
        }
        highWaterMarks.clear();
    }

    /** Writes the held segments, then commits the consumed offsets (and any dead letters) in one transaction. */
    private void commit(Session session) throws Exception {
        long written = 0;
        try {
            for (Map.Entry<String, List<ArchiveSegment.Row>> e : held.entrySet())
                written += writeSegment(e.getKey(), e.getValue());
            session.commit();
        } catch (Exception e) {
            abort(session);
            throw e;
        }
        EVENTS_OUT.increment(written);
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
        held.clear();
    }

    /** Writes the rows past the folder's high-water mark as one segment; returns how many it wrote. */
    private int writeSegment(String partitionPrefix, List<ArchiveSegment.Row> rows) {
        // Everything at or below the high-water mark is already in a segment (written before a crash, and
        // redelivered because the transaction never committed): write only what is past it.
        long highWater =
                highWaterMarks.computeIfAbsent(partitionPrefix, k -> ArchiveSegment.lastOffsetWritten(store, k));
        List<ArchiveSegment.Row> pending = new ArrayList<>(rows.size());
        for (ArchiveSegment.Row r : rows) if (r.offset() > highWater) pending.add(r);
        if (pending.isEmpty()) return 0;
        long first = pending.get(0).offset();
        long last = pending.get(pending.size() - 1).offset();
        String key = ArchiveSegment.key(partitionPrefix, first, last, pending.size());
        store.create(key, out -> ArchiveSegment.write(pending, out));
        highWaterMarks.put(partitionPrefix, last);
        segmentWritten.accept(key);
        return pending.size();
    }

    /** The top-level fields the archive reads from a record's JSON value. */
    record Fields(String runId, String eventClass, String eventId) {
        /** Reads them without building a tree; throws {@link IllegalArgumentException} for a value that is no JSON object. */
        static Fields of(byte[] value) {
            if (value == null) throw new IllegalArgumentException("a tombstone");
            String run = null, eventClass = null, eventId = null, assertionId = null;
            try (JsonParser p = Json.MAPPER.getFactory().createParser(value)) {
                if (p.nextToken() != JsonToken.START_OBJECT) throw new IllegalArgumentException("not a JSON object");
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String field = p.currentName();
                    JsonToken t = p.nextToken();
                    if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
                        p.skipChildren();
                        continue;
                    }
                    if (t != JsonToken.VALUE_STRING) continue;
                    switch (field) {
                        case "platform_run_id" -> run = p.getText();
                        case "event_class" -> eventClass = p.getText();
                        case "event_id" -> eventId = p.getText();
                        case "assertion_id" -> assertionId = p.getText();
                        default -> {}
                    }
                }
            } catch (IOException e) {
                throw new IllegalArgumentException("not JSON: " + e.getMessage());
            }
            return new Fields(run, eventClass, eventId != null ? eventId : assertionId);
        }
    }
}
