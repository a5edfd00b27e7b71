package dev.fraudplatform.app;

import dev.fraudplatform.substrate.postgres.PostgresDatabase;

/**
 * The wiring on servers outside the process: the Kafka cluster of {@code FP_KAFKA_BOOTSTRAP} and the PostgreSQL of
 * {@code FP_PG_URL}; the object store is the home's. Closing leaves the servers running.
 */
final class LocalWiring extends Substrate {
    private LocalWiring(PlatformConfig config, PostgresDatabase db) {
        super(config, config.kafkaBootstrap(), config.pgUrl(), db);
    }

    /** Requires both {@code FP_KAFKA_BOOTSTRAP} and {@code FP_PG_URL}. */
    static LocalWiring start(PlatformConfig config) {
        if (config.kafkaBootstrap() == null || config.pgUrl() == null)
            throw new IllegalArgumentException("the local wiring needs FP_KAFKA_BOOTSTRAP and FP_PG_URL");
        return new LocalWiring(config, PostgresDatabase.open(config.pgUrl(), 16));
    }
}
