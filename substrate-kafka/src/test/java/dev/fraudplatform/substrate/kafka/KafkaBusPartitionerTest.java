package dev.fraudplatform.substrate.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;

class KafkaBusPartitionerTest {
    private static final List<String> KEYS =
            List.of("", "a", "acct-000017", "run-7f3c#0", "run-7f3c#1", "run-7f3c#12", "éèê", "x".repeat(200));

    private final KafkaBusPartitioner partitioner = new KafkaBusPartitioner();

    @Test
    void landsWhereMurmur2OfTheUtf8KeyPointsForEveryPartitionCount() {
        for (String key : KEYS) {
            int hash = Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8)));
            for (int partitions : new int[] {1, 2, 3, 6, 12, 100}) {
                assertThat(partitioner.partitionOf(key, partitions))
                        .as("%s over %d partitions", key, partitions)
                        .isEqualTo(hash % partitions);
            }
        }
    }

    @Test
    void agreesWithTheProducersBuiltInPartitioner() {
        for (String key : KEYS) {
            for (int partitions : new int[] {1, 3, 6}) {
                assertThat(partitioner.partitionOf(key, partitions))
                        .isEqualTo(
                                BuiltInPartitioner.partitionForKey(key.getBytes(StandardCharsets.UTF_8), partitions));
            }
        }
    }

    @Test
    void pinsAFewKeysOverSixPartitions() {
        // Written down once from Kafka 4.4's murmur2 (-1563381124, -1563126857, -1635283857, -553399495): a change of
        // hash shows up here even if it came with a Kafka upgrade, when records already on the bus were cut the old
        // way.
        assertThat(partitioner.partitionOf("a", 6)).isEqualTo(4);
        assertThat(partitioner.partitionOf("acct-000017", 6)).isEqualTo(3);
        assertThat(partitioner.partitionOf("run-7f3c#0", 6)).isEqualTo(5);
        assertThat(partitioner.partitionOf("run-7f3c#1", 6)).isEqualTo(1);
    }

    @Test
    void refusesNoPartitions() {
        assertThatThrownBy(() -> partitioner.partitionOf("a", 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
