package dev.fraudplatform.substrate.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/** {@link KafkaTopicReader} on a real broker: a long stretch is read whole, a stalled one is given up. */
class KafkaTopicReaderIT {
    private static final int RECORDS = 4_000;

    private static KafkaProducer<String, byte[]> producer(String transactionalId) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestBus.bootstrap());
        if (transactionalId != null) p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        return new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
    }

    private static Map<Integer, Long> end(String topic) {
        try (var c = new org.apache.kafka.clients.consumer.KafkaConsumer<>(
                Map.<String, Object>of("bootstrap.servers", TestBus.bootstrap()),
                new org.apache.kafka.common.serialization.StringDeserializer(),
                new org.apache.kafka.common.serialization.ByteArrayDeserializer())) {
            return Map.of(
                    0,
                    c.endOffsets(java.util.List.of(new TopicPartition(topic, 0)))
                            .get(new TopicPartition(topic, 0)));
        }
    }

    @Test
    void aStretchReadForLongerThanTheTimeoutIsReadWholeWhileItMoves() throws Exception {
        String topic = TestBus.newTopic(1);
        try (KafkaProducer<String, byte[]> p = producer(null)) {
            // 1 KiB records: a fetch brings about a thousand (max.partition.fetch.bytes, 1 MiB), so several polls.
            for (int i = 0; i < RECORDS; i++) p.send(new ProducerRecord<>(topic, "k", new byte[1024]));
        }
        AtomicLong read = new AtomicLong();
        // Each record takes 1 ms to handle: the read lasts seconds, far past its 300 ms, but never stands still.
        new KafkaTopicReader(KafkaSettings.of(TestBus.bootstrap()))
                .readCommitted(topic, Map.of(), end(topic), 300, v -> {
                    read.incrementAndGet();
                    try {
                        Thread.sleep(1);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
        assertThat(read.get()).isEqualTo(RECORDS);
    }

    @Test
    void aStretchHeldBackByAnOpenTransactionIsGivenUpWithWhatWasCommitted() throws Exception {
        String topic = TestBus.newTopic(1);
        try (KafkaProducer<String, byte[]> committed = producer(null);
                KafkaProducer<String, byte[]> open = producer("reader-it-" + topic)) {
            for (int i = 0; i < 10; i++)
                committed.send(new ProducerRecord<>(topic, "k", new byte[8])).get();
            open.initTransactions();
            open.beginTransaction();
            open.send(new ProducerRecord<>(topic, "k", new byte[8])).get();
            open.flush();
            AtomicLong read = new AtomicLong();
            // The end offset is past the open transaction's record: the committed reader cannot reach it, and returns.
            new KafkaTopicReader(KafkaSettings.of(TestBus.bootstrap()))
                    .readCommitted(topic, Map.of(), end(topic), 1_000, v -> read.incrementAndGet());
            assertThat(read.get()).isEqualTo(10);
            open.abortTransaction();
        }
    }
}
