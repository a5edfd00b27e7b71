package dev.fraudplatform.substrate.kafka;

import dev.fraudplatform.core.bus.AtomicPublisher;
import dev.fraudplatform.core.bus.OutboundRecord;
import dev.fraudplatform.core.bus.Topics;
import dev.fraudplatform.core.ingress.BusCoordinates;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * {@link AtomicPublisher} on Kafka: each group is one transaction holding the records and a marker record on
 * {@link Topics#INGRESS_RELAY} whose value lists {@code outbox_seq topic partition offset} per record. Starting an
 * instance calls {@code initTransactions}, which fences an earlier instance with the same transactional id and aborts
 * its open transaction, so a group is either wholly visible to {@code read_committed} readers or not at all.
 */
public final class KafkaAtomicPublisher implements AtomicPublisher {
    private final KafkaSettings kafka;
    private final String name;
    private final String transactionalId;
    private final KafkaProducer<String, byte[]> producer;

    /**
     * @param name the relay's name: its transactional id and client id are {@link KafkaSettings#clientId} of it (an
     *             instance with the same name fences this one). The client-id prefix is part of the transactional id,
     *             so every process that may run the relay must use the same prefix, or they will not fence each
     *             other.
     */
    public KafkaAtomicPublisher(KafkaSettings kafka, String name) {
        this.kafka = kafka;
        this.name = name;
        this.transactionalId = kafka.clientId(name);
        this.producer = new KafkaProducer<>(
                kafka.transactionalProducer(name, transactionalId, Duration.ofSeconds(60)),
                new org.apache.kafka.common.serialization.StringSerializer(),
                new org.apache.kafka.common.serialization.ByteArraySerializer());
        producer.initTransactions();
    }

    @Override
    public Published publish(List<OutboundRecord> records, List<Long> outboxSeqs) throws Exception {
        if (records.size() != outboxSeqs.size()) throw new IllegalArgumentException("one outbox sequence per record");
        try {
            producer.beginTransaction();
            List<Future<RecordMetadata>> futures = new ArrayList<>(records.size());
            for (OutboundRecord r : records) futures.add(producer.send(KafkaEventPublisher.toProducerRecord(r)));
            producer.flush();
            List<BusCoordinates> coordinates = new ArrayList<>(records.size());
            StringBuilder marker = new StringBuilder(records.size() * 32);
            for (int i = 0; i < futures.size(); i++) {
                RecordMetadata m = futures.get(i).get();
                BusCoordinates at = new BusCoordinates(m.topic(), m.partition(), m.offset());
                coordinates.add(at);
                marker.append(outboxSeqs.get(i))
                        .append(' ')
                        .append(at.topic())
                        .append(' ')
                        .append(at.partition())
                        .append(' ')
                        .append(at.offset())
                        .append('\n');
            }
            RecordMetadata markerAt = producer.send(new ProducerRecord<>(
                            Topics.INGRESS_RELAY,
                            0,
                            System.currentTimeMillis(),
                            transactionalId,
                            marker.toString().getBytes(StandardCharsets.UTF_8)))
                    .get();
            producer.commitTransaction();
            return new Published(coordinates, markerAt.offset());
        } catch (Exception | Error e) {
            if (fenced(e)) throw new FencedException("relay " + transactionalId + " was fenced by a newer instance", e);
            try {
                producer.abortTransaction();
            } catch (KafkaException abortFailed) {
                e.addSuppressed(abortFailed);
            }
            throw e;
        }
    }

    private static boolean fenced(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ProducerFencedException
                    || t instanceof org.apache.kafka.common.errors.InvalidProducerEpochException) return true;
        }
        return false;
    }

    @Override
    public List<Marker> markersAfter(long offset) {
        Properties p = kafka.consumer(
                null,
                name + "-recovery",
                Map.of(
                        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                        // a seek below the log's start reads what is there
                        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"));
        List<Marker> out = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> c =
                new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
            TopicPartition tp = new TopicPartition(Topics.INGRESS_RELAY, 0);
            c.assign(List.of(tp));
            long end = c.endOffsets(List.of(tp)).get(tp); // read_committed: the last stable offset
            // A marker log shorter than the recorded progress belongs to a new bus (an embedded broker starts a new
            // log with each process): every marker on it is news.
            c.seek(tp, end <= offset ? 0 : Math.max(0, offset + 1));
            while (c.position(tp) < end) {
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(500))) {
                    if (!transactionalId.equals(r.key())) continue;
                    Map<Long, BusCoordinates> bySeq = new LinkedHashMap<>();
                    for (String line : new String(r.value(), StandardCharsets.UTF_8).split("\n")) {
                        if (line.isEmpty()) continue;
                        String[] f = line.split(" ");
                        bySeq.put(
                                Long.parseLong(f[0]),
                                new BusCoordinates(f[1], Integer.parseInt(f[2]), Long.parseLong(f[3])));
                    }
                    out.add(new Marker(r.offset(), bySeq));
                }
            }
        }
        return out;
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
