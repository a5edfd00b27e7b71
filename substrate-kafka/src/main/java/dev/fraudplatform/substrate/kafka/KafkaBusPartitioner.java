package dev.fraudplatform.substrate.kafka;

import dev.fraudplatform.core.bus.BusPartitioner;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.utils.Utils;

/**
 * {@link BusPartitioner} as Kafka's producer chooses for a keyed record with no partition given (its built-in
 * partitioner): {@code toPositive(murmur2(utf8(key))) % partitions}. It must stay the producer's: a sender that cuts
 * its work by partition with it would otherwise feed partitions it did not mean to.
 */
public final class KafkaBusPartitioner implements BusPartitioner {
    @Override
    public int partitionOf(String key, int partitions) {
        if (partitions < 1) throw new IllegalArgumentException("partitions must be positive, was " + partitions);
        return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % partitions;
    }
}
