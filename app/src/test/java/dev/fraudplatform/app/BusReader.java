package dev.fraudplatform.app;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fraudplatform.core.json.Json;
import dev.fraudplatform.substrate.kafka.KafkaSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Reads a topic's committed records for assertions in ITs. */
final class BusReader {
    private BusReader() {}

    /** Every committed record of a topic, as JSON, from the beginning to its end now. */
    static List<JsonNode> readAll(String bootstrap, String topic) throws Exception {
        Properties p = KafkaSettings.of(bootstrap)
                .consumer(null, "it-bus-reader", Map.of(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"));
        List<JsonNode> out = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> c =
                new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = c.partitionsFor(topic).stream()
                    .map(i -> new TopicPartition(topic, i.partition()))
                    .toList();
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> end = c.endOffsets(parts);
            while (parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
                for (var r : c.poll(Duration.ofMillis(200))) out.add(Json.MAPPER.readTree(r.value()));
            }
        }
        return out;
    }
}
