package dev.fraudplatform.app;

import dev.fraudplatform.substrate.kafka.EmbeddedKafkaBroker;
import dev.fraudplatform.substrate.postgres.EmbeddedPostgresServer;
import dev.fraudplatform.substrate.postgres.PostgresDatabase;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The wiring that runs its servers in process: an embedded KRaft broker (under the work directory, removed with it)
 * unless {@code FP_KAFKA_BOOTSTRAP} names one, and embedded PostgreSQL (under {@code $FP_HOME/pg}, kept across runs)
 * unless {@code FP_PG_URL} names one; the object store is the home's. Closing stops the servers it started, after
 * the adapters.
 */
final class EmbeddedWiring extends Substrate {
    private final EmbeddedKafkaBroker broker;
    private final EmbeddedPostgresServer pg;

    private EmbeddedWiring(
            PlatformConfig config,
            EmbeddedKafkaBroker broker,
            EmbeddedPostgresServer pg,
            String bootstrap,
            String jdbcUrl,
            PostgresDatabase db) {
        super(config, bootstrap, jdbcUrl, db);
        this.broker = broker;
        this.pg = pg;
    }

    static EmbeddedWiring start(PlatformConfig config, Path workDir) {
        // The broker and PostgreSQL start side by side: start-up time is the slower of the two, not their sum.
        CompletableFuture<EmbeddedKafkaBroker> brokerStart = config.kafkaBootstrap() == null
                ? CompletableFuture.supplyAsync(
                        () -> EmbeddedKafkaBroker.start(workDir.resolve("kafka")),
                        task -> new Thread(task, "fp-broker-start").start())
                : null;
        EmbeddedPostgresServer pg = null;
        EmbeddedKafkaBroker broker = null;
        try {
            String jdbc = config.pgUrl();
            if (jdbc == null) {
                pg = EmbeddedPostgresServer.start(config.home().resolve("pg").resolve("data"), pgBinaries(config));
                jdbc = pg.jdbcUrl();
            }
            PostgresDatabase db = PostgresDatabase.open(jdbc, 16);
            String bootstrap = config.kafkaBootstrap();
            try {
                if (brokerStart != null) {
                    CompletableFuture<EmbeddedKafkaBroker> starting = brokerStart;
                    brokerStart = null; // from here on, a failure is the broker's own: nothing more to wait for
                    broker = awaitStart(starting);
                    bootstrap = broker.bootstrapServers();
                }
            } catch (RuntimeException e) {
                db.close();
                throw e;
            }
            return new EmbeddedWiring(config, broker, pg, bootstrap, jdbc, db);
        } catch (RuntimeException e) {
            if (brokerStart != null) {
                // PostgreSQL failed while the broker was starting: wait for it, so that it can be stopped too.
                try {
                    broker = awaitStart(brokerStart);
                } catch (RuntimeException alsoFailed) {
                    e.addSuppressed(alsoFailed);
                }
            }
            stop(broker, pg);
            throw e;
        }
    }

    private static EmbeddedKafkaBroker awaitStart(CompletableFuture<EmbeddedKafkaBroker> start) {
        try {
            return start.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            throw e;
        }
    }

    @Override
    public void restartBroker(Duration down) throws InterruptedException {
        if (broker == null) super.restartBroker(down);
        else broker.restart(down);
    }

    @Override
    public void close() {
        try {
            super.close();
        } finally {
            stop(broker, pg);
        }
    }

    /** Stops the embedded servers that were started (either may be null); PostgreSQL stops even if the broker fails. */
    private static void stop(EmbeddedKafkaBroker broker, EmbeddedPostgresServer pg) {
        try {
            if (broker != null) broker.close();
        } finally {
            if (pg != null) pg.close();
        }
    }

    /**
     * Where the embedded PostgreSQL's binaries are unpacked: the directory {@code fp} shares across homes when it names
     * one, else the home's {@code pg/binaries}.
     */
    static java.nio.file.Path pgBinaries(PlatformConfig config) {
        return EmbeddedPostgresServer.binaries(config.home().resolve("pg").resolve("binaries"));
    }
}
