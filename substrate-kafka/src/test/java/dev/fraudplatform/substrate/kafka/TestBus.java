package dev.fraudplatform.substrate.kafka;

import dev.fraudplatform.core.bus.OutboundRecord;
import dev.fraudplatform.core.bus.Topics;
import dev.fraudplatform.core.ingress.BusCoordinates;
import dev.fraudplatform.testkit.PerJvm;
import dev.fraudplatform.testkit.ReadRecord;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * This module's ITs share one embedded KRaft broker per JVM, and read it back as a {@code read_committed} consumer.
 *
 * <p>(Other modules use {@code testkit-servers}' fixture; this module cannot, since that module depends on it.)
 */
final class TestBus {
    private static final PerJvm<EmbeddedKafkaBroker> BROKER = PerJvm.of("embedded Kafka broker", () -> {
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(
                Files.createTempDirectory("fp-kafka-it-").resolve("kafka"));
        try (Admin admin = KafkaTopics.admin(KafkaSettings.of(broker.bootstrapServers()), "it-admin")) {
            KafkaTopics.ensure(admin, List.of(Topics.INGRESS_RELAY), 1);
        }
        return broker;
    });

    private TestBus() {}

    static String bootstrap() {
        return BROKER.get().bootstrapServers();
    }

    /** A new topic with {@code partitions} partitions. */
    static String newTopic(int partitions) {
        String topic = "it." + UUID.randomUUID();
        try (Admin admin = KafkaTopics.admin(KafkaSettings.of(bootstrap()), "it-admin")) {
            KafkaTopics.ensure(admin, List.of(topic), partitions);
        }
        return topic;
    }

    /** Every committed record of {@code topic} up to its last stable offsets, by partition then offset. */
    static List<ReadRecord> readCommitted(String topic) throws Exception {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        List<ReadRecord> out = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> c =
                new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = c.partitionsFor(topic).stream()
                    .map(i -> new TopicPartition(i.topic(), i.partition()))
                    .sorted(java.util.Comparator.comparingInt(TopicPartition::partition))
                    .toList();
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> end = settledEnd(c, parts);
            while (parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
                    Map<String, String> headers = new LinkedHashMap<>();
                    for (Header h : r.headers()) headers.put(h.key(), new String(h.value(), StandardCharsets.UTF_8));
                    out.add(new ReadRecord(
                            new BusCoordinates(r.topic(), r.partition(), r.offset()),
                            new OutboundRecord(r.topic(), r.key(), r.value(), r.timestamp(), headers)));
                }
            }
        }
        out.sort(java.util.Comparator.comparingInt((ReadRecord r) -> r.at().partition())
                .thenComparingLong(r -> r.at().offset()));
        return out;
    }

    /**
     * The committed end of each partition once the transaction markers of finished transactions are written:
     * {@code commitTransaction} returns before the markers reach the partitions, so a committed reader's end (the last
     * stable offset) can briefly lag a just-committed transaction. Waits up to 10 s for it to reach the high
     * watermark; a transaction still open after that is read as not committed.
     */
    private static Map<TopicPartition, Long> settledEnd(
            KafkaConsumer<String, byte[]> committed, List<TopicPartition> parts) throws InterruptedException {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted");
        try (KafkaConsumer<String, byte[]> any =
                new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
            Map<TopicPartition, Long> highWatermarks = any.endOffsets(parts);
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            Map<TopicPartition, Long> stable = committed.endOffsets(parts);
            while (!stable.equals(highWatermarks) && System.nanoTime() < deadline) {
                Thread.sleep(20);
                stable = committed.endOffsets(parts);
            }
            return stable;
        }
    }

    /** A record larger than the producer sends (its {@code max.request.size}, 1 MiB by default). */
    static OutboundRecord tooLarge(String topic) {
        return new OutboundRecord(topic, "acct-too-large", new byte[2 * 1024 * 1024], 1L, Map.of());
    }
}
