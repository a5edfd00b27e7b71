package dev.fraudplatform.substrate.kafka;

import dev.fraudplatform.core.bus.BusAdmin;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * {@link BusAdmin} on a Kafka {@link Admin} client: topics through {@link KafkaTopics}, lag from the group's committed
 * offsets and the partitions' log ends. Owns the client it is given: {@link #close()} closes it.
 */
public final class KafkaBusAdmin implements BusAdmin {
    private final Admin admin;

    /** Takes ownership of {@code admin}. */
    public KafkaBusAdmin(Admin admin) {
        this.admin = admin;
    }

    @Override
    public void ensureTopics(Collection<String> topics, int partitions) {
        KafkaTopics.ensure(admin, topics, partitions);
    }

    @Override
    public int partitionCount(String topic) throws Exception {
        return KafkaTopics.partitions(admin, topic).size();
    }

    @Override
    public Map<Integer, Long> endOffsets(String topic) throws Exception {
        Map<Integer, Long> out = new TreeMap<>();
        KafkaTopics.endOffsets(admin, topic).forEach((tp, offset) -> out.put(tp.partition(), offset));
        return out;
    }

    /** A transactional topic's commit marker can keep an idle group one record behind per partition. */
    @Override
    public Map<Integer, Long> committedOffsets(String group, String topic) throws Exception {
        Map<Integer, Long> out = new java.util.TreeMap<>();
        admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata()
                .get(5, TimeUnit.SECONDS)
                .forEach((tp, om) -> {
                    if (tp.topic().equals(topic) && om != null) out.put(tp.partition(), om.offset());
                });
        return out;
    }

    @Override
    public long consumerLag(String group, String topic) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata()
                .get(5, TimeUnit.SECONDS);
        List<TopicPartition> partitions = admin
                .describeTopics(List.of(topic))
                .allTopicNames()
                .get(5, TimeUnit.SECONDS)
                .get(topic)
                .partitions()
                .stream()
                .map(p -> new TopicPartition(topic, p.partition()))
                .toList();
        var ends = admin.listOffsets(partitions.stream().collect(Collectors.toMap(tp -> tp, tp -> OffsetSpec.latest())))
                .all()
                .get(5, TimeUnit.SECONDS);
        var starts = admin.listOffsets(
                        partitions.stream().collect(Collectors.toMap(tp -> tp, tp -> OffsetSpec.earliest())))
                .all()
                .get(5, TimeUnit.SECONDS);
        long total = 0;
        for (TopicPartition tp : partitions) {
            OffsetAndMetadata c = committed.get(tp);
            long from = c != null ? c.offset() : starts.get(tp).offset();
            total += Math.max(0, ends.get(tp).offset() - from);
        }
        return total;
    }

    @Override
    public void close() {
        admin.close();
    }
}
