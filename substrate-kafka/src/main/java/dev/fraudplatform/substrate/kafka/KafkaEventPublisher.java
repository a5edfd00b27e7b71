package dev.fraudplatform.substrate.kafka;

import dev.fraudplatform.core.bus.EventPublisher;
import dev.fraudplatform.core.bus.OutboundRecord;
import dev.fraudplatform.core.ingress.BusCoordinates;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
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

    public KafkaEventPublisher(String bootstrap, String clientId) {
        this.producer = new KafkaProducer<>(
                producerConfig(bootstrap, clientId), new StringSerializer(), new ByteArraySerializer());
    }

    /** The platform's producer settings (shared by every role that produces outside Kafka Streams). */
    public static Properties producerConfig(String bootstrap, String clientId) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "2");
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, String.valueOf(256 * 1024));
        p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "5");
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "120000");
        return p;
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
