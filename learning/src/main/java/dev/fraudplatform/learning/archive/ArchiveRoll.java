package dev.fraudplatform.learning.archive;

import java.time.Duration;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.LongSupplier;

/**
 * When the {@link Archive} turns the records it holds into Parquet segments (and only then commits their offsets):
 * <pre>
 *   roll = held > 0 AND (held >= maxRecords OR heldBytes >= maxBytes OR now - heldSince(oldest) >= maxAge OR endOfRun)
 * </pre>
 * {@code endOfRun}: the orchestrator asked for everything up to given offsets of the archived topics (a run that has
 * drained) and the archive has read that far. A low rate thus gives one segment per {@code maxAge} and segment folder,
 * and a short run one segment per folder, rather than one per poll.
 *
 * <p>The archive's own, not the audit's: the audit rolls over one topic, the archive over several, so "read through"
 * is per (topic, partition). Not thread-safe: owned by the archive's consumer thread. The clock is injected (epoch
 * millis) so that the age rule is tested without waiting.
 */
final class ArchiveRoll {

    /** The limits of what the archive holds before it writes segments. */
    record Policy(int maxRecords, long maxBytes, Duration maxAge) {
        /**
         * 20,000 records, 32 MiB of record values, or 30 s: segments of useful size at any rate, and a Kafka
         * transaction that stays well within its timeout ({@link #transactionTimeout}).
         */
        static final Policy DEFAULT = new Policy(20_000, 32L << 20, Duration.ofSeconds(30));

        Policy {
            if (maxRecords < 1 || maxBytes < 1 || maxAge.isNegative() || maxAge.isZero()) {
                throw new IllegalArgumentException(
                        "an archive roll needs positive limits: " + maxRecords + ", " + maxBytes + ", " + maxAge);
            }
        }

        /** The archive's Kafka transaction spans what it holds: its timeout leaves a minute beyond the oldest's age. */
        Duration transactionTimeout() {
            return maxAge.plusSeconds(60);
        }
    }

    /** Why held records roll. */
    enum Reason {
        RECORDS,
        BYTES,
        AGE,
        END_OF_RUN
    }

    private final Policy policy;
    private final LongSupplier clockMillis;
    private int records;
    private long bytes;
    private long oldestAt;

    ArchiveRoll(Policy policy, LongSupplier clockMillis) {
        this.policy = policy;
        this.clockMillis = clockMillis;
    }

    /** One more record held, of {@code size} bytes; the first one held starts the age. */
    void hold(long size) {
        if (records == 0) oldestAt = clockMillis.getAsLong();
        records++;
        bytes += size;
    }

    int records() {
        return records;
    }

    long bytes() {
        return bytes;
    }

    /** Why what is held must roll now by size or age, or null while it may wait (always null when nothing is held). */
    Reason due() {
        return due(false);
    }

    /** As {@link #due()}, and {@link Reason#END_OF_RUN} when the end of a run has been read through. */
    Reason due(boolean endOfRunReadThrough) {
        if (records == 0) return null;
        if (records >= policy.maxRecords()) return Reason.RECORDS;
        if (bytes >= policy.maxBytes()) return Reason.BYTES;
        if (clockMillis.getAsLong() - oldestAt >= policy.maxAge().toMillis()) return Reason.AGE;
        return endOfRunReadThrough ? Reason.END_OF_RUN : null;
    }

    /** What was held is in segments now: start again from nothing. */
    void rolled() {
        records = 0;
        bytes = 0;
        oldestAt = 0;
    }

    /**
     * Whether the archive has read through {@code targets} (topic to partition to the offset every record of the run
     * lies below): its position on each partition it owns is at or past the target. {@code position} answers null for
     * a partition it does not own, which another instance answers for.
     */
    static boolean readThrough(Map<String, Map<Integer, Long>> targets, BiFunction<String, Integer, Long> position) {
        for (Map.Entry<String, Map<Integer, Long>> topic : targets.entrySet()) {
            for (Map.Entry<Integer, Long> t : topic.getValue().entrySet()) {
                Long at = position.apply(topic.getKey(), t.getKey());
                if (at != null && at < t.getValue()) return false;
            }
        }
        return true;
    }
}
