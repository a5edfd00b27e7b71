package dev.fraudplatform.substrate.kafka;

import dev.fraudplatform.core.bus.BatchHandler;
import dev.fraudplatform.core.bus.BusConsumers;
import dev.fraudplatform.core.bus.InboundRecord;
import dev.fraudplatform.core.bus.OutboundRecord;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A consuming role: a consumer group member on its own thread that polls committed records ({@code read_committed})
 * and hands each batch to a plane's {@link BatchHandler}, which commits through its {@link BatchHandler.Session} after
 * its effects. Two kinds:
 *
 * <ul>
 *   <li>at least once ({@link #atLeastOnce}): {@code commit} commits the group's offsets; the
 *       handler publishes through a port of its own and absorbs redelivery;
 *   <li>{@link #transactional}: the loop owns a transactional producer; a transaction opens when records are handed,
 *       holds what the handler {@code send}s and the consumed offsets (fenced by the group's metadata, KIP-447), and
 *       commits on {@code commit}, so output and consumption are visible together or not at all;
 *   <li>{@link #everyRecord}: no group; the loop assigns itself every partition of its topics and reads them from the
 *       beginning; {@code commit} keeps nothing; {@link #fromNow} alike, from the end of each partition.
 * </ul>
 *
 * <p>The Kafka adapter of {@link BusConsumers}' roles ({@link KafkaBusConsumers} starts them). The thread and the
 * consumer's client id are {@link KafkaSettings#clientId} of the role's name. Lifecycle:
 * {@link #start()} once, {@link #close()} once; {@link #failure()} tells whether the loop died.
 */
public final class ConsumerRole implements BusConsumers.Role {
    private static final Logger LOG = LoggerFactory.getLogger(ConsumerRole.class);

    /**
     * A batching role's fetch waits for this many bytes of records (compressed, as they lie on the broker), or its
     * batch wait: tens of records at the platform's sizes, so that a trickle of traffic is taken in batches while a
     * backlog is read as fast as without.
     */
    static final int BATCH_MIN_BYTES = 64 * 1024;

    private final KafkaConsumer<String, byte[]> consumer;
    /** The transactional producer; null in an at-least-once role. */
    private final KafkaProducer<String, byte[]> producer;

    private final BatchHandler handler;
    private final List<String> topics;
    /** Whether the role is a member of a consumer group (false: {@link #everyRecord}). */
    private final boolean grouped;
    /** In no group: whether the role reads from the end of each partition (else from the beginning). */
    private boolean fromEnd;

    private final Thread thread;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final CountDownLatch assigned = new CountDownLatch(1);
    private final LoopSession session = new LoopSession();
    private volatile boolean running = true;

    /**
     * An at-least-once role, which fetches in batches when {@code batchWait} is set ({@link BusConsumers#batching}): the
     * broker answers its fetch once {@value #BATCH_MIN_BYTES} bytes of records are ready or {@code batchWait} has
     * passed. Null: every fetch is answered as soon as anything is there (20 ms at most).
     *
     * @param name    the role's name: its thread and client id are {@code kafka.clientId(name)}
     * @param groupId the consumer group (offsets are committed there)
     */
    static ConsumerRole atLeastOnce(
            KafkaSettings kafka,
            String name,
            String groupId,
            List<String> topics,
            BatchHandler handler,
            Duration batchWait) {
        return new ConsumerRole(kafka, name, groupId, topics, handler, null, batchWait);
    }

    /**
     * A transactional role: its producer is {@link KafkaSettings#transactionalProducer} named {@code name}, with a
     * transactional id of its own per instance ({@code <groupId>-<uuid>}: fencing of zombies comes from the
     * consumer group's metadata, and two processes on one cluster must not fence each other).
     *
     * @param transactionTimeout how long a transaction may stay open: it must outlast what the handler holds
     * @param batchWait          as {@link #atLeastOnce}: null, or how long a fetch may wait to fill a batch
     */
    public static ConsumerRole transactional(
            KafkaSettings kafka,
            String name,
            String groupId,
            List<String> topics,
            Duration transactionTimeout,
            BatchHandler handler,
            Duration batchWait) {
        return new ConsumerRole(kafka, name, groupId, topics, handler, transactionTimeout, batchWait);
    }

    /**
     * A role in no consumer group: it reads every partition of {@code topics}, as they are when it starts, from the
     * beginning; {@code commit} keeps nothing, and nothing of it stays on the cluster once it stops.
     */
    public static ConsumerRole everyRecord(
            KafkaSettings kafka, String name, List<String> topics, BatchHandler handler, Duration batchWait) {
        return new ConsumerRole(kafka, name, null, topics, handler, null, batchWait);
    }

    /**
     * A role in no consumer group that reads every partition of {@code topics}, as they are when it starts, from their
     * end: what is committed after it starts; {@code commit} keeps nothing.
     */
    public static ConsumerRole fromNow(
            KafkaSettings kafka, String name, List<String> topics, BatchHandler handler, Duration batchWait) {
        ConsumerRole role = new ConsumerRole(kafka, name, null, topics, handler, null, batchWait);
        role.fromEnd = true;
        return role;
    }

    private ConsumerRole(
            KafkaSettings kafka,
            String name,
            String groupId,
            List<String> topics,
            BatchHandler handler,
            Duration transactionTimeout,
            Duration batchWait) {
        Map<String, Object> specific = new HashMap<>(Map.of(
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "2000",
                ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "20",
                // A member that dies is noticed in 10 s, not Kafka's default 45 s: its partitions
                // (and the decisions, effects and audit behind them) wait that long for a new owner.
                ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "10000",
                ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, "3000"));
        if (batchWait != null) {
            specific.put(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, Integer.toString(BATCH_MIN_BYTES));
            specific.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, Long.toString(batchWait.toMillis()));
        }
        this.consumer = new KafkaConsumer<>(
                kafka.consumer(groupId, name, specific), new StringDeserializer(), new ByteArrayDeserializer());
        this.producer = transactionTimeout == null
                ? null
                : new KafkaProducer<>(
                        kafka.transactionalProducer(name, groupId + "-" + UUID.randomUUID(), transactionTimeout),
                        new StringSerializer(),
                        new ByteArraySerializer());
        this.handler = handler;
        this.grouped = groupId != null;
        this.topics = List.copyOf(topics);
        this.thread = new Thread(this::loop, kafka.clientId(name));
    }

    public void start() {
        thread.start();
    }

    private void loop() {
        try {
            if (producer != null) producer.initTransactions();
            if (!grouped) {
                List<TopicPartition> all = new ArrayList<>();
                for (String topic : topics)
                    consumer.partitionsFor(topic).forEach(p -> all.add(new TopicPartition(topic, p.partition())));
                consumer.assign(all);
                if (fromEnd) {
                    consumer.seekToEnd(all);
                    // Resolves the end now: what is committed from here on is read, whenever the first poll runs.
                    for (TopicPartition tp : all) consumer.position(tp);
                } else consumer.seekToBeginning(all);
                LOG.info("{} reads {} from the {}", thread.getName(), all, fromEnd ? "end" : "beginning");
                if (!all.isEmpty()) assigned.countDown();
            } else
                consumer.subscribe(topics, new ConsumerRebalanceListener() {
                    @Override
                    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                        LOG.info("{} revoked {}", thread.getName(), partitions);
                        handler.onPartitionsChanged(session);
                    }

                    @Override
                    public void onPartitionsLost(Collection<TopicPartition> partitions) {
                        LOG.warn("{} lost {}", thread.getName(), partitions);
                        handler.onPartitionsLost(session);
                    }

                    @Override
                    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                        LOG.info("{} assigned {}", thread.getName(), partitions);
                        handler.onPartitionsChanged(session);
                        if (!partitions.isEmpty()) assigned.countDown();
                    }
                });
            while (running) {
                ConsumerRecords<String, byte[]> records = consumer.poll(Duration.ofMillis(100));
                if (!records.isEmpty()) {
                    LOG.debug("{} polled {}", thread.getName(), records.count());
                    handler.handle(session.handed(records), session);
                }
                handler.onPoll(session);
            }
        } catch (WakeupException e) {
            if (running) failure.compareAndSet(null, e);
        } catch (Throwable e) {
            failure.compareAndSet(null, e);
            LOG.error("{} stopped: {}", thread.getName(), e.toString(), e);
            // The whole batch's offsets are staged when it is handed: a handler that failed part-way must not have
            // them committed by its onStop. Aborting redelivers the batch to the next owner.
            if (producer != null && session.pending()) {
                try {
                    session.abort();
                } catch (RuntimeException abortFailed) {
                    e.addSuppressed(abortFailed);
                }
            }
        } finally {
            try {
                try {
                    handler.onStop(session);
                } finally {
                    if (producer != null) producer.close();
                }
            } finally {
                consumer.close(Duration.ofSeconds(5));
            }
        }
    }

    /** The loop's side of the handler's calls; touched only on the loop's thread. */
    private final class LoopSession implements BatchHandler.Session {
        /** Transactional: the offsets after the records handed since the last commit or abort. */
        private final Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();

        private boolean pending;

        List<InboundRecord> handed(ConsumerRecords<String, byte[]> records) {
            if (producer != null && !pending) producer.beginTransaction();
            pending = true;
            List<InboundRecord> batch = new ArrayList<>(records.count());
            for (ConsumerRecord<String, byte[]> r : records) {
                if (producer != null)
                    offsets.put(new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1));
                batch.add(new InboundRecord(
                        r.topic(), r.partition(), r.offset(), r.timestamp(), r.key(), r.value(), name -> {
                            Header h = r.headers().lastHeader(name);
                            return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
                        }));
            }
            return batch;
        }

        @Override
        public void commit() {
            if (producer == null) {
                if (grouped) consumer.commitSync();
                pending = false;
                return;
            }
            if (!pending) return;
            producer.sendOffsetsToTransaction(offsets, consumer.groupMetadata());
            producer.commitTransaction();
            forget();
        }

        @Override
        public void send(OutboundRecord record) {
            if (producer == null)
                throw new UnsupportedOperationException("an at-least-once role sends nothing in a transaction");
            if (!pending) throw new IllegalStateException("no open transaction: no records were handed");
            producer.send(KafkaEventPublisher.toProducerRecord(record));
        }

        @Override
        public void abort() {
            if (producer == null) throw new UnsupportedOperationException("an at-least-once role has no transaction");
            try {
                if (pending) producer.abortTransaction();
            } finally {
                forget();
            }
        }

        private void forget() {
            pending = false;
            offsets.clear();
        }

        @Override
        public boolean pending() {
            return pending;
        }

        @Override
        public Long position(String topic, int partition) {
            TopicPartition tp = new TopicPartition(topic, partition);
            if (!consumer.assignment().contains(tp)) return null;
            try {
                return consumer.position(tp, Duration.ofMillis(500));
            } catch (TimeoutException e) {
                return -1L;
            }
        }
    }

    /** Waits until the role has partitions to consume; false on timeout or if the role died. */
    @Override
    public boolean awaitAssignment(Duration timeout) throws InterruptedException {
        return assigned.await(timeout.toMillis(), TimeUnit.MILLISECONDS) && failure.get() == null;
    }

    /** Why the loop stopped, or null while it runs (or after a clean {@link #close()}). */
    @Override
    public Throwable failure() {
        return failure.get();
    }

    /** Stops the loop (the handler's {@link BatchHandler#onStop} runs on it) and waits up to 30 s for it to end. */
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
}
