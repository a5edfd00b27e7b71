package dev.fraudplatform.substrate.kafka;

import dev.fraudplatform.core.bus.Topics;
import dev.fraudplatform.core.ingress.IngressPort;
import dev.fraudplatform.core.ingress.Receipt;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gate's bus ingress: consumes raw envelopes from {@link Topics#INGRESS} (one per record, the record key is the
 * producer's), puts each polled batch through the same {@link IngressPort} as the HTTP API, publishes one receipt per
 * record on {@link Topics#INGRESS_RECEIPTS} (same key, header {@code fp.ingress.offset} naming the input), and only
 * then commits the input offsets. A crash before the commit makes the batch come round again: its events get
 * DUPLICATE receipts the second time, never a second admission. Producers on the bus are authenticated by the
 * broker (SASL / ACLs on {@code fp.ingress}), not by API keys.
 */
public final class KafkaIngressListener implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaIngressListener.class);
    public static final String GROUP = "fp-ig-bus";

    private final KafkaConsumer<String, byte[]> consumer;
    private final KafkaProducer<String, byte[]> producer;
    private final IngressPort gate;
    private final Function<Receipt, byte[]> receiptBytes;
    private final Thread thread;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private volatile boolean closed;

    public KafkaIngressListener(KafkaSettings kafka, IngressPort gate, Function<Receipt, byte[]> receiptBytes) {
        this.gate = gate;
        this.receiptBytes = receiptBytes;
        Properties c = kafka.consumer(
                GROUP,
                "ig-bus",
                Map.of(
                        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                        false,
                        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                        "earliest",
                        ConsumerConfig.MAX_POLL_RECORDS_CONFIG,
                        1000,
                        // A batch waits for the gate as long as the gate cannot answer; the group must not drop the
                        // listener meanwhile.
                        ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG,
                        900_000,
                        ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                        "read_committed"));
        this.consumer = new KafkaConsumer<>(c, new StringDeserializer(), new ByteArrayDeserializer());
        this.producer = new KafkaProducer<>(
                kafka.idempotentProducer("ig-bus-receipts"), new StringSerializer(), new ByteArraySerializer());
        this.thread = new Thread(this::loop, "ig-bus-ingress");
        thread.setDaemon(true);
    }

    public KafkaIngressListener start() {
        consumer.subscribe(List.of(Topics.INGRESS));
        thread.start();
        return this;
    }

    public Throwable failure() {
        return failure.get();
    }

    private void loop() {
        try {
            while (!closed) {
                ConsumerRecords<String, byte[]> records = consumer.poll(Duration.ofMillis(200));
                if (records.isEmpty()) continue;
                List<ConsumerRecord<String, byte[]>> batch = new ArrayList<>();
                records.forEach(batch::add);
                List<byte[]> inputs = new ArrayList<>(batch.size());
                for (ConsumerRecord<String, byte[]> r : batch) inputs.add(r.value() == null ? new byte[0] : r.value());
                List<Receipt> receipts = submitUntilAnswered(inputs);
                List<java.util.concurrent.Future<?>> sent = new ArrayList<>();
                for (int i = 0; i < batch.size(); i++) {
                    ConsumerRecord<String, byte[]> in = batch.get(i);
                    ProducerRecord<String, byte[]> out = new ProducerRecord<>(
                            Topics.INGRESS_RECEIPTS, in.key(), receiptBytes.apply(receipts.get(i)));
                    out.headers()
                            .add(
                                    "fp.ingress.offset",
                                    (in.topic() + "-" + in.partition() + "@" + in.offset())
                                            .getBytes(StandardCharsets.UTF_8));
                    sent.add(producer.send(out));
                }
                for (java.util.concurrent.Future<?> f : sent) f.get();
                Map<TopicPartition, OffsetAndMetadata> commit = new HashMap<>();
                for (ConsumerRecord<String, byte[]> r : batch)
                    commit.put(new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1));
                consumer.commitSync(commit);
            }
        } catch (WakeupException e) {
            if (!closed) failure.compareAndSet(null, e);
        } catch (Throwable e) {
            LOG.error("bus ingress stopped: {}", e.toString(), e);
            failure.compareAndSet(null, e);
        }
    }

    /** The gate answers every input; while it cannot (its relay is down), the same batch is offered again. */
    private List<Receipt> submitUntilAnswered(List<byte[]> inputs) throws InterruptedException {
        long backoff = 200;
        while (true) {
            try {
                return gate.submit(inputs);
            } catch (RuntimeException e) {
                if (closed) throw e;
                LOG.warn(
                        "the gate could not answer a bus batch ({}); offering it again in {} ms",
                        e.getMessage(),
                        backoff);
                Thread.sleep(backoff);
                backoff = Math.min(backoff * 2, 10_000);
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        consumer.wakeup();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        consumer.close(Duration.ofSeconds(5));
        producer.close(Duration.ofSeconds(5));
    }
}
