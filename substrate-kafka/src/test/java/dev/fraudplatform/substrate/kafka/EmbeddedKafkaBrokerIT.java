package dev.fraudplatform.substrate.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fraudplatform.core.bus.OutboundRecord;
import dev.fraudplatform.core.ingress.BusCoordinates;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

/** A real KRaft broker in this JVM: topics, idempotent publish with coordinates, consume, clean shutdown. */
class EmbeddedKafkaBrokerIT {

    @Test
    void publishesWhereItSaysAndShutsDownWithoutLeavingThreads() throws Exception {
        Set<Thread> before = Thread.getAllStackTraces().keySet();
        Path dir = Files.createTempDirectory("fp-kafka-it-");
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dir.resolve("kafka"))) {
            try (Admin admin = KafkaTopics.admin(KafkaSettings.of(broker.bootstrapServers()), "it-admin")) {
                KafkaTopics.ensure(admin, List.of("t.one"), 3);
                KafkaTopics.ensure(admin, List.of("t.one"), 3); // idempotent
                assertThat(KafkaTopics.partitions(admin, "t.one")).hasSize(3);
            }
            List<OutboundRecord> records = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                records.add(new OutboundRecord(
                        "t.one", "acct-" + (i % 7), ("v" + i).getBytes(), 1_000L + i, Map.of("h", "x")));
            }
            List<BusCoordinates> coords;
            try (KafkaEventPublisher pub = new KafkaEventPublisher(KafkaSettings.of(broker.bootstrapServers()), "it")) {
                coords = pub.publish(records);
            }
            assertThat(coords).hasSize(100);
            // same key, same partition, increasing offsets
            Map<Integer, List<BusCoordinates>> byPartitionForKey0 = new java.util.HashMap<>();
            for (int i = 0; i < 100; i += 7)
                byPartitionForKey0
                        .computeIfAbsent(coords.get(i).partition(), k -> new ArrayList<>())
                        .add(coords.get(i));
            assertThat(byPartitionForKey0).hasSize(1);
            List<BusCoordinates> sameKey =
                    byPartitionForKey0.values().iterator().next();
            for (int i = 1; i < sameKey.size(); i++) {
                assertThat(sameKey.get(i).offset())
                        .as("one key keeps its order")
                        .isGreaterThan(sameKey.get(i - 1).offset());
            }

            Properties p = new Properties();
            p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
            p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            try (KafkaConsumer<String, byte[]> c =
                    new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
                List<TopicPartition> tps = List.of(
                        new TopicPartition("t.one", 0), new TopicPartition("t.one", 1), new TopicPartition("t.one", 2));
                c.assign(tps);
                c.seekToBeginning(tps);
                List<ConsumerRecord<String, byte[]>> got = new ArrayList<>();
                long deadline = System.currentTimeMillis() + 20_000;
                while (got.size() < 100 && System.currentTimeMillis() < deadline) {
                    c.poll(Duration.ofMillis(200)).forEach(got::add);
                }
                assertThat(got).hasSize(100);
                ConsumerRecord<String, byte[]> r = got.stream()
                        .filter(x -> new String(x.value()).equals("v42"))
                        .findFirst()
                        .orElseThrow();
                assertThat(new BusCoordinates(r.topic(), r.partition(), r.offset()))
                        .isEqualTo(coords.get(42));
                assertThat(r.timestamp()).isEqualTo(1_042L);
            }
        }
        // Kafka's threads are not daemons: after close none may remain (those still ending are given ten seconds).
        Set<String> leftover = Set.of("?");
        long deadline = System.currentTimeMillis() + 10_000;
        while (!leftover.isEmpty() && System.currentTimeMillis() < deadline) {
            Thread.sleep(100);
            leftover = Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> !before.contains(t) && t.isAlive() && !t.isDaemon())
                    .map(Thread::getName)
                    .collect(Collectors.toSet());
        }
        assertThat(leftover).isEmpty();
    }
}
