package dev.fraudplatform.core.bus;

/**
 * Port: the partition a record key lands on when the bus's producer chooses it (no explicit partition). A pure
 * function of the key and the partition count, so that a sender can cut its work by partition before it publishes.
 */
public interface BusPartitioner {
    /** The partition, from 0 to {@code partitions - 1}, that a record keyed {@code key} lands on. */
    int partitionOf(String key, int partitions);
}
