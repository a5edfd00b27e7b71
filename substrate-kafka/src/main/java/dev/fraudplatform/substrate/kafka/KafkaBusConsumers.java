package dev.fraudplatform.substrate.kafka;

import dev.fraudplatform.core.bus.BatchHandler;
import dev.fraudplatform.core.bus.BusConsumers;
import java.time.Duration;
import java.util.List;

/**
 * {@link BusConsumers} on Kafka: each role is a {@link ConsumerRole} built from {@code kafka}, started before it is
 * returned. Stateless and thread-safe; the caller closes the roles.
 */
public final class KafkaBusConsumers implements BusConsumers {
    private final KafkaSettings kafka;
    /** How long a role's fetch may wait to fill a batch ({@link #batching}); null: answered as soon as records are there. */
    private final Duration batchWait;

    public KafkaBusConsumers(KafkaSettings kafka) {
        this(kafka, null);
    }

    private KafkaBusConsumers(KafkaSettings kafka, Duration batchWait) {
        this.kafka = kafka;
        this.batchWait = batchWait;
    }

    @Override
    public BusConsumers batching(Duration maxWait) {
        if (maxWait == null || maxWait.isNegative() || maxWait.isZero() || maxWait.toMillis() > 1_000)
            throw new IllegalArgumentException("a batch wait is 1 to 1000 ms, not " + maxWait);
        return new KafkaBusConsumers(kafka, maxWait);
    }

    @Override
    public Role atLeastOnce(String name, String group, List<String> topics, BatchHandler handler) {
        return started(ConsumerRole.atLeastOnce(kafka, name, group, topics, handler, batchWait));
    }

    @Override
    public Role transactional(
            String name, String group, List<String> topics, Duration transactionTimeout, BatchHandler handler) {
        return started(ConsumerRole.transactional(kafka, name, group, topics, transactionTimeout, handler, batchWait));
    }

    @Override
    public Role everyRecord(String name, List<String> topics, BatchHandler handler) {
        return started(ConsumerRole.everyRecord(kafka, name, topics, handler, batchWait));
    }

    @Override
    public Role fromNow(String name, List<String> topics, BatchHandler handler) {
        return started(ConsumerRole.fromNow(kafka, name, topics, handler, batchWait));
    }

    private static ConsumerRole started(ConsumerRole role) {
        role.start();
        return role;
    }
}
