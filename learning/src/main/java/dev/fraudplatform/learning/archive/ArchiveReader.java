package dev.fraudplatform.learning.archive;

import dev.fraudplatform.core.bus.Topics;
import dev.fraudplatform.core.store.ObjectStore;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Reads a run's archive back: its records in bus order, byte for byte, and its counts from the segment names.
 *
 * <p>Order: by topic (as asked), then partition, then offset; within one (topic, partition) the records of all event
 * classes and days merge back into the partition's log order, so a replay of {@code fp.traffic} sees each account's
 * transactions, context events and labels in the order the decision loop read them. Memory: one (topic, partition)'s
 * records of the run at a time.
 */
public final class ArchiveReader {
    private ArchiveReader() {}

    /**
     * Calls {@code action} with every archived record of {@code runId} on {@code topic}, ordered by partition, then
     * offset.
     *
     * @throws IllegalStateException when two segments hold one offset (an archive that is not exactly once)
     */
    public static void forEachRecord(ObjectStore store, String runId, String topic, Consumer<ArchivedRecord> action) {
        Map<Integer, List<ArchiveSegment.Name>> byPartition = new TreeMap<>();
        for (ArchiveSegment.Name n : segments(store, runId))
            if (n.topic().equals(topic))
                byPartition
                        .computeIfAbsent(n.partition(), p -> new ArrayList<>())
                        .add(n);
        for (Map.Entry<Integer, List<ArchiveSegment.Name>> e : byPartition.entrySet()) {
            List<ArchiveSegment.Row> rows = new ArrayList<>();
            for (ArchiveSegment.Name n : e.getValue()) read(store, n, rows::add);
            rows.sort(Comparator.comparingLong(ArchiveSegment.Row::offset));
            long previous = -1;
            for (ArchiveSegment.Row r : rows) {
                if (r.offset() == previous)
                    throw new IllegalStateException("run " + runId + ": " + topic + " partition " + e.getKey()
                            + " offset " + r.offset() + " is archived twice");
                previous = r.offset();
                action.accept(record(r));
            }
        }
    }

    /** As {@link #forEachRecord(ObjectStore, String, String, Consumer)} for each of {@code topics}, in their order. */
    public static void forEachRecord(
            ObjectStore store, String runId, List<String> topics, Consumer<ArchivedRecord> action) {
        for (String topic : topics) forEachRecord(store, runId, topic, action);
    }

    /** Rows archived for a run by topic, from the segment names alone (cheap enough to poll). */
    public static Map<String, Long> rowsByTopic(ObjectStore store, String runId) {
        Map<String, Long> out = new TreeMap<>();
        for (ArchiveSegment.Name n : segments(store, runId)) out.merge(n.topic(), n.rows(), Long::sum);
        return out;
    }

    /** The keys of a run's segments, in key order. */
    public static List<String> segmentKeys(ObjectStore store, String runId) {
        return segments(store, runId).stream().map(ArchiveSegment.Name::key).toList();
    }

    static List<ArchiveSegment.Name> segments(ObjectStore store, String runId) {
        List<ArchiveSegment.Name> out = new ArrayList<>();
        for (String key : store.list(ArchiveSegment.runFolder(runId) + "/")) {
            ArchiveSegment.Name n = ArchiveSegment.parse(key);
            if (n != null && n.runId().equals(runId)) out.add(n);
        }
        return out;
    }

    private static void read(ObjectStore store, ArchiveSegment.Name n, Consumer<ArchiveSegment.Row> action) {
        long[] rows = {0};
        ArchiveSegment.read(store, n.key(), r -> {
            rows[0]++;
            action.accept(r);
        });
        if (rows[0] != n.rows())
            throw new IllegalStateException(
                    "archive segment " + n.key() + " holds " + rows[0] + " rows, its name says " + n.rows());
    }

    private static ArchivedRecord record(ArchiveSegment.Row r) {
        return new ArchivedRecord(
                r.topic(),
                r.partition(),
                r.offset(),
                r.key(),
                r.eventTimeMillis(),
                r.value(),
                r.admittedAtMillis() == null
                        ? Map.of()
                        : Map.of(Topics.HEADER_ADMITTED_AT, Long.toString(r.admittedAtMillis())),
                r.eventClass(),
                r.eventId());
    }
}
