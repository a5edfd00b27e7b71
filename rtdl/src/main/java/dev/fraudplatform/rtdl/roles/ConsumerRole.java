package dev.fraudplatform.rtdl.roles;

import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A role that consumes topics in a consumer group on its own thread: poll, {@link #handle} the batch, commit
 * (inside {@code handle}, after its effects). Reads only committed records. Lifecycle: {@link #start()} once,
 * {@link #close()} once; {@link #failure()} tells whether the loop died.
 */
public abstract class ConsumerRole implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ConsumerRole.class);

    protected final KafkaConsumer<String, byte[]> consumer;
    private final List<String> topics;
    private final Thread thread;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private volatile boolean running = true;
    private final java.util.concurrent.CountDownLatch assigned = new java.util.concurrent.CountDownLatch(1);

    protected ConsumerRole(String bootstrap, String groupId, List<String> topics, String threadName) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "2000");
        p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "20");
        this.consumer = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
        this.topics = topics;
        this.thread = new Thread(this::loop, threadName);
    }

    public final void start() {
        thread.start();
    }

    /** Processes one polled batch; must commit what it has durably handled. */
    protected abstract void handle(ConsumerRecords<String, byte[]> records) throws Exception;

    /** Called on the role's thread before the first poll. */
    protected void onStart() {}

    /** Called on the role's thread whenever partitions are assigned or revoked: forget per-partition caches. */
    protected void onPartitionsChanged() {}

    /** Called when partitions were lost (not revoked): their work can no longer be committed. Default: as a change. */
    protected void onPartitionsLostHook() {
        onPartitionsChanged();
    }

    /** Called on the role's thread after every poll, records or not (a role that batches across polls flushes here). */
    protected void onPoll() throws Exception {}

    /** Called on the role's thread after the last poll, before the consumer closes. */
    protected void onStop() {}

    private void loop() {
        try {
            onStart();
            consumer.subscribe(topics, new org.apache.kafka.clients.consumer.ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(
                        java.util.Collection<org.apache.kafka.common.TopicPartition> partitions) {
                    LOG.info("{} revoked {}", thread.getName(), partitions);
                    onPartitionsChanged();
                }

                @Override
                public void onPartitionsLost(java.util.Collection<org.apache.kafka.common.TopicPartition> partitions) {
                    LOG.warn("{} lost {}", thread.getName(), partitions);
                    onPartitionsLostHook();
                }

                @Override
                public void onPartitionsAssigned(
                        java.util.Collection<org.apache.kafka.common.TopicPartition> partitions) {
                    LOG.info("{} assigned {}", thread.getName(), partitions);
                    onPartitionsChanged();
                    if (!partitions.isEmpty()) assigned.countDown();
                }
            });
            while (running) {
                ConsumerRecords<String, byte[]> records = consumer.poll(Duration.ofMillis(100));
                if (!records.isEmpty()) {
                    LOG.debug("{} polled {}", thread.getName(), records.count());
                    handle(records);
                }
                onPoll();
            }
        } catch (WakeupException e) {
            if (running) failure.compareAndSet(null, e);
        } catch (Throwable e) {
            failure.compareAndSet(null, e);
            LOG.error("{} stopped: {}", thread.getName(), e.toString(), e);
        } finally {
            try {
                onStop();
            } finally {
                consumer.close(Duration.ofSeconds(5));
            }
        }
    }

    /** Waits until the role has partitions to consume; false on timeout or if the role died. */
    public boolean awaitAssignment(java.time.Duration timeout) throws InterruptedException {
        return assigned.await(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS) && failure.get() == null;
    }

    public Throwable failure() {
        return failure.get();
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(30_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The IG admission time (epoch millis) carried in the record's header, or 0 when absent. */
    /** A record's header by name, as text (null when absent): how a stage reads the trace context it carries. */
    protected static java.util.function.Function<String, String> header(
            org.apache.kafka.clients.consumer.ConsumerRecord<String, byte[]> r) {
        return name -> {
            org.apache.kafka.common.header.Header h = r.headers().lastHeader(name);
            return h == null ? null : new String(h.value(), java.nio.charset.StandardCharsets.UTF_8);
        };
    }

    protected static long admittedAt(org.apache.kafka.clients.consumer.ConsumerRecord<String, byte[]> r) {
        org.apache.kafka.common.header.Header h =
                r.headers().lastHeader(dev.fraudplatform.core.bus.Topics.HEADER_ADMITTED_AT);
        if (h == null) return 0;
        try {
            return Long.parseLong(new String(h.value(), java.nio.charset.StandardCharsets.UTF_8));
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
