package dev.fraudplatform.rtdl.audit;

import java.time.Duration;
import java.util.Map;
import java.util.function.IntFunction;
import java.util.function.LongSupplier;

/**
 * When the Decision Log and Audit turns the audit records it holds into Parquet segments (and only then commits
 * their decisions' offsets):
 * <pre>
 *   roll = held > 0 AND (held >= maxRecords OR heldBytes >= maxBytes OR now - heldSince(oldest) >= maxAge OR endOfRun)
 * </pre>
 * {@code endOfRun}: the orchestrator asked for everything up to given decision offsets (every decision of a run that
 * has drained) and the audit has read that far. A low rate thus gives one segment per {@code maxAge} and partition,
 * and a run shorter than that one segment per partition, rather than one per poll.
 *
 * <p>Not thread-safe: owned by the audit's consumer thread. The clock is injected (epoch millis) so that the age rule
 * is tested without waiting.
 */
final class SegmentRoll {

    /** The limits of what the audit holds before it writes a segment. */
    record Policy(int maxRecords, long maxBytes, Duration maxAge) {
        /**
         * 10,000 records (a few MiB of Parquet), 32 MiB of audit lines, or 30 s: segments of useful size at any rate,
         * and a Kafka transaction that stays well within its timeout ({@link #transactionTimeout}).
         */
        static final Policy DEFAULT = new Policy(10_000, 32L << 20, Duration.ofSeconds(30));

        Policy {
            if (maxRecords < 1 || maxBytes < 1 || maxAge.isNegative() || maxAge.isZero()) {
                throw new IllegalArgumentException(
                        "a segment roll needs positive limits: " + maxRecords + ", " + maxBytes + ", " + maxAge);
            }
        }

        /** The audit's Kafka transaction spans what it holds: its timeout leaves a minute beyond the oldest record's age. */
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

    SegmentRoll(Policy policy, LongSupplier clockMillis) {
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
     * Whether the audit has read through {@code targets} (partition to the offset every decision of the run lies
     * below): its position on each partition it owns is at or past the target. {@code position} is null for a
     * partition it does not own, which another instance answers for.
     */
    static boolean readThrough(Map<Integer, Long> targets, IntFunction<Long> position) {
        for (Map.Entry<Integer, Long> t : targets.entrySet()) {
            Long at = position.apply(t.getKey());
            if (at != null && at < t.getValue()) return false;
        }
        return true;
    }
}
