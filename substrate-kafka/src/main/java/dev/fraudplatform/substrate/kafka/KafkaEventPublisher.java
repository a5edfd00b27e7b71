package dev.fraudplatform.substrate.kafka;

import dev.fraudplatform.core.bus.EventPublisher;
import dev.fraudplatform.core.bus.OutboundRecord;
import dev.fraudplatform.core.ingress.BusCoordinates;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * {@link EventPublisher} on a Kafka producer: idempotent, {@code acks=all}, lz4, small linger so that the
 * gate's batches travel as few requests. Thread-safe (the producer is).
 */
public final class KafkaEventPublisher implements EventPublisher {
    private final KafkaProducer<String, byte[]> producer;

    /** A publisher whose producer is {@link KafkaSettings#idempotentProducer} named {@code clientName}. */
    public KafkaEventPublisher(KafkaSettings kafka, String clientName) {
        this.producer = new KafkaProducer<>(
                kafka.idempotentProducer(clientName), new StringSerializer(), new ByteArraySerializer());
    }

    @Override
    public List<BusCoordinates> publish(List<OutboundRecord> records) throws Exception {
        List<Future<RecordMetadata>> futures = new ArrayList<>(records.size());
        for (OutboundRecord r : records) futures.add(producer.send(toProducerRecord(r)));
        List<BusCoordinates> out = new ArrayList<>(records.size());
        for (Future<RecordMetadata> f : futures) {
            RecordMetadata m = f.get();
            out.add(new BusCoordinates(m.topic(), m.partition(), m.offset()));
        }
        return out;
    }

    public static ProducerRecord<String, byte[]> toProducerRecord(OutboundRecord r) {
        ProducerRecord<String, byte[]> pr =
                new ProducerRecord<>(r.topic(), null, r.timestampMillis(), r.key(), r.value());
        for (Map.Entry<String, String> h : r.headers().entrySet()) {
            pr.headers().add(h.getKey(), h.getValue().getBytes(StandardCharsets.UTF_8));
        }
        return pr;
    }

    @Override
    public void close() {
        producer.close();
    }
}
