package dev.fraudplatform.core.bus;

import java.util.Collection;
import java.util.Map;

/**
 * Port: what the platform asks of the bus about its topics rather than their records: that they exist, how many
 * partitions they have, where each partition's log ends, and how far a consumer group is behind. Partitions are
 * numbered from 0. Thread-safe; the wiring that made it closes it.
 */
public interface BusAdmin extends AutoCloseable {
    /**
     * Creates each of {@code topics} that is missing, with {@code partitions} partitions and no time-based retention,
     * and returns once every one of them answers reads.
     *
     * @throws IllegalStateException when they cannot be created or do not become readable
     */
    void ensureTopics(Collection<String> topics, int partitions);

    /** The number of partitions {@code topic} has on the bus now. */
    int partitionCount(String topic) throws Exception;

    /** The end offset (the offset the next record will take) of every partition of {@code topic}, by partition. */
    Map<Integer, Long> endOffsets(String topic) throws Exception;

    /**
     * How far {@code group} is behind on {@code topic}: for each partition, the log end less the group's committed
     * offset, or less the log start when it has committed nothing there; summed over the partitions.
     */
    long consumerLag(String group, String topic) throws Exception;

    /**
     * The offsets consumer group {@code group} has committed on {@code topic}, by partition: for a transactional role,
     * how far its effects are durable. A partition the group never committed on is absent.
     */
    Map<Integer, Long> committedOffsets(String group, String topic) throws Exception;

    @Override
    void close();
}
