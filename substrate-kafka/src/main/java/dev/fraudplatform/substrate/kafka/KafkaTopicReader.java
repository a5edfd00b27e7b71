package dev.fraudplatform.substrate.kafka;

import dev.fraudplatform.core.bus.TopicReader;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** {@link TopicReader} on a Kafka consumer of its own per read (read_committed, assigned partitions, no group). */
public final class KafkaTopicReader implements TopicReader {
    private final KafkaSettings kafka;

    public KafkaTopicReader(KafkaSettings kafka) {
        this.kafka = kafka;
    }

    @Override
    public void readCommitted(
            String topic, Map<Integer, Long> from, Map<Integer, Long> to, long timeoutMillis, Consumer<byte[]> each) {
        Properties p = kafka.consumer(
                null,
                "topic-reader",
                Map.of(
                        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
                        ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000"));
        try (KafkaConsumer<String, byte[]> c =
                new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> tps = to.keySet().stream()
                    .map(partition -> new TopicPartition(topic, partition))
                    .toList();
            c.assign(tps);
            Map<TopicPartition, Long> remaining = new HashMap<>();
            for (TopicPartition tp : tps) {
                long start = from.getOrDefault(tp.partition(), 0L);
                c.seek(tp, start);
                if (to.get(tp.partition()) > start) remaining.put(tp, to.get(tp.partition()));
            }
            // The deadline moves with progress: a long stretch read steadily is read whole, a stalled one (a
            // transaction left open below the end) is given up after timeoutMillis without a step forward.
            long deadline = System.currentTimeMillis() + timeoutMillis;
            long positions = -1;
            while (!remaining.isEmpty() && System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) each.accept(r.value());
                long now = 0;
                for (TopicPartition tp : remaining.keySet()) now += c.position(tp);
                remaining.entrySet().removeIf(e -> c.position(e.getKey()) >= e.getValue());
                if (now != positions) {
                    positions = now;
                    deadline = System.currentTimeMillis() + timeoutMillis;
                }
            }
        }
    }
}
