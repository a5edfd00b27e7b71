package dev.fraudplatform.rtdl.loop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fraudplatform.core.bus.Topics;
import dev.fraudplatform.testkit.servers.EmbeddedServers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.Record;
import org.junit.jupiter.api.Test;

/**
 * {@link TrafficReadToEnd} against a real broker and a real Kafka Streams client: a traffic partition whose records the
 * consumer has not all fetched is not read to its end; once the client has read everything, it is.
 */
class TrafficReadToEndIT {

    @Test
    void aPartitionIsReadToItsEndOnlyOnceTheConsumerHasFetchedEverythingOnIt() throws Exception {
        EmbeddedServers.ensureTopics(List.of(Topics.TRAFFIC), 2);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
                EmbeddedServers.kafka().producer("it-traffic", Map.of()),
                new StringSerializer(),
                new ByteArraySerializer())) {
            for (int i = 0; i < 20; i++)
                for (int partition = 0; partition < 2; partition++)
                    producer.send(new ProducerRecord<>(Topics.TRAFFIC, partition, "k" + i, new byte[] {1}));
            producer.flush();
        }
        // A task that holds its thread on its first record, as a long batch of another task's would
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger handled = new AtomicInteger();
        Topology topology = new Topology();
        topology.addSource("traffic", new StringDeserializer(), new ByteArrayDeserializer(), Topics.TRAFFIC);
        topology.addProcessor(
                "hold",
                () -> new Processor<String, byte[], Void, Void>() {
                    @Override
                    public void process(Record<String, byte[]> record) {
                        try {
                            if (!release.await(60, TimeUnit.SECONDS)) throw new IllegalStateException("not released");
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        handled.incrementAndGet();
                    }
                },
                "traffic");
        Path state = Files.createTempDirectory("read-to-end");
        Properties p = new Properties();
        p.putAll(EmbeddedServers.kafka().streams("it-read-to-end-" + UUID.randomUUID(), "it-read-to-end", Map.of()));
        p.put(StreamsConfig.STATE_DIR_CONFIG, state.toString());
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.MAX_POLL_RECORDS_CONFIG), 1);
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
        TrafficReadToEnd readToEnd = new TrafficReadToEnd();
        assertThat(readToEnd.test(0)).as("no client yet").isFalse();
        try (KafkaStreams streams = new KafkaStreams(topology, p)) {
            readToEnd.of(streams);
            streams.start();
            // Given the thread held on a record, with the rest of both partitions still on the broker
            await().atMost(Duration.ofSeconds(60)).until(() -> streams.state() == KafkaStreams.State.RUNNING);
            Thread.sleep(1_000);
            // Then neither partition is read to its end
            assertThat(readToEnd.test(0)).isFalse();
            assertThat(readToEnd.test(1)).isFalse();
            // When the thread goes on and reads everything
            release.countDown();
            await().atMost(Duration.ofSeconds(60)).until(() -> handled.get() >= 40);
            // Then both are, and a partition the client does not read is not
            await().atMost(Duration.ofSeconds(30)).until(() -> readToEnd.test(0) && readToEnd.test(1));
            assertThat(readToEnd.test(7)).isFalse();
        }
    }
}
