package dev.fraudplatform.core.bus;

import java.time.Duration;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.LongSupplier;

/**
 * When a role that sinks records from the bus into segments of the object store (the Decision Log and Audit, the
 * archive) turns what it holds into segments, and only then commits the offsets it consumed:
 * <pre>
 *   roll = held > 0 AND (held >= maxRecords OR heldBytes >= maxBytes OR now - heldSince(oldest) >= maxAge OR endOfRun)
 * </pre>
 * {@code endOfRun}: the orchestrator asked for everything up to given offsets (a run that has drained) and the role
 * has read that far ({@link #readThrough}). A low rate thus gives one segment per {@code maxAge} and segment folder,
 * and a run shorter than that one per folder, rather than one per poll.
 *
 * <p>Not thread-safe: owned by the role's consumer thread. The clock is injected (epoch millis) so that the age rule
 * is tested without waiting.
 */
public final class SegmentRoll {

    /** The limits of what a role holds before it writes segments; each role names its own default. */
    public record Policy(int maxRecords, long maxBytes, Duration maxAge) {

        public Policy {
            if (maxRecords < 1 || maxBytes < 1 || maxAge.isNegative() || maxAge.isZero()) {
                throw new IllegalArgumentException(
                        "a segment roll needs positive limits: " + maxRecords + ", " + maxBytes + ", " + maxAge);
            }
        }

        /** The role's Kafka transaction spans what it holds: its timeout leaves a minute beyond the oldest record's age. */
        public Duration transactionTimeout() {
            return maxAge.plusSeconds(60);
        }
    }

    /** Why held records roll. */
    public enum Reason {
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

    public SegmentRoll(Policy policy, LongSupplier clockMillis) {
        this.policy = policy;
        this.clockMillis = clockMillis;
    }

    /** One more record held, of {@code size} bytes; the first one held starts the age. */
    public void hold(long size) {
        if (records == 0) oldestAt = clockMillis.getAsLong();
        records++;
        bytes += size;
    }

    public int records() {
        return records;
    }

    public long bytes() {
        return bytes;
    }

    /** Why what is held must roll now by size or age, or null while it may wait (always null when nothing is held). */
    public Reason due() {
        return due(false);
    }

    /** As {@link #due()}, and {@link Reason#END_OF_RUN} when the end of a run has been read through. */
    public Reason due(boolean endOfRunReadThrough) {
        if (records == 0) return null;
        if (records >= policy.maxRecords()) return Reason.RECORDS;
        if (bytes >= policy.maxBytes()) return Reason.BYTES;
        if (clockMillis.getAsLong() - oldestAt >= policy.maxAge().toMillis()) return Reason.AGE;
        return endOfRunReadThrough ? Reason.END_OF_RUN : null;
    }

    /** What was held is in segments now: start again from nothing. */
    public void rolled() {
        records = 0;
        bytes = 0;
        oldestAt = 0;
    }

    /**
     * Whether the role has read through {@code targets} (topic to partition to the offset every record of the run lies
     * below): its position on each partition it owns is at or past the target. {@code position} answers null for a
     * partition it does not own, which another instance answers for.
     */
    public static boolean readThrough(
            Map<String, Map<Integer, Long>> targets, BiFunction<String, Integer, Long> position) {
        for (Map.Entry<String, Map<Integer, Long>> topic : targets.entrySet()) {
            for (Map.Entry<Integer, Long> t : topic.getValue().entrySet()) {
                Long at = position.apply(topic.getKey(), t.getKey());
                if (at != null && at < t.getValue()) return false;
            }
        }
        return true;
    }
}
