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

    public KafkaBusConsumers(KafkaSettings kafka) {
        this.kafka = kafka;
    }

    @Override
    public Role atLeastOnce(String name, String group, List<String> topics, BatchHandler handler) {
        return started(new ConsumerRole(kafka, name, group, topics, handler));
    }

    @Override
    public Role transactional(
            String name, String group, List<String> topics, Duration transactionTimeout, BatchHandler handler) {
        return started(ConsumerRole.transactional(kafka, name, group, topics, transactionTimeout, handler));
    }

    @Override
    public Role everyRecord(String name, List<String> topics, BatchHandler handler) {
        return started(ConsumerRole.everyRecord(kafka, name, topics, handler));
    }

    @Override
    public Role fromNow(String name, List<String> topics, BatchHandler handler) {
        return started(ConsumerRole.fromNow(kafka, name, topics, handler));
    }

    private static ConsumerRole started(ConsumerRole role) {
        role.start();
        return role;
    }
}
