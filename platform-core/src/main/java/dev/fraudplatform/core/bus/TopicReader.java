package dev.fraudplatform.core.bus;

import java.util.Map;
import java.util.function.Consumer;

/**
 * Port: reads a stretch of a topic's committed records (records of aborted or open transactions are skipped).
 * Each call opens and closes its own reader; the implementation is thread-safe.
 */
public interface TopicReader {
    /**
     * Hands the value of every committed record of {@code topic} from {@code from} (by partition; a partition not
     * named starts at 0) up to {@code to} (by partition, exclusive; only the partitions named are read) to
     * {@code each}, in offset order within each partition, giving up once {@code timeoutMillis} pass without a step
     * forward (a stretch however long is read whole while it is read steadily).
     */
    void readCommitted(
            String topic, Map<Integer, Long> from, Map<Integer, Long> to, long timeoutMillis, Consumer<byte[]> each)
            throws Exception;
}
