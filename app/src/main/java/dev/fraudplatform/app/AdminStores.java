package dev.fraudplatform.app;

import dev.fraudplatform.core.cases.Investigators;
import dev.fraudplatform.core.ingress.ProducerKeys;
import dev.fraudplatform.core.ingress.QuarantineIndex;
import dev.fraudplatform.core.ingress.ReceiptStore;
import dev.fraudplatform.core.run.RunEvidence;
import dev.fraudplatform.core.run.RunRegistry;
import dev.fraudplatform.substrate.postgres.EmbeddedPostgresServer;
import dev.fraudplatform.substrate.postgres.PostgresDatabase;
import dev.fraudplatform.substrate.postgres.PostgresInvestigators;
import dev.fraudplatform.substrate.postgres.PostgresProducerKeys;
import dev.fraudplatform.substrate.postgres.PostgresQuarantineIndex;
import dev.fraudplatform.substrate.postgres.PostgresReceiptStore;
import dev.fraudplatform.substrate.postgres.PostgresRunEvidence;
import dev.fraudplatform.substrate.postgres.PostgresRunRegistry;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The platform's stores for an administrative command, behind their ports, on the platform database: the external
 * server of {@code FP_PG_URL}; else the embedded server of {@code $FP_HOME/pg} that a running platform process owns
 * (so commands work while {@code fp serve} or {@code fp ingress serve} runs); else an embedded server started for the
 * command and stopped after it. Migrations run as they do for the platform. The adapters are chosen here, as
 * {@link Wiring} chooses a platform process's.
 *
 * <p>Lifecycle: the caller of {@link #open} closes it, after its last use of the ports; closing gives the connections
 * back and stops the server it started, if any. The ports are the same objects on every call.
 */
public final class AdminStores implements AutoCloseable {
    private final EmbeddedPostgresServer server;
    private final PostgresDatabase db;
    private final PostgresRunRegistry runs;
    private final ProducerKeys producerKeys;
    private final QuarantineIndex quarantine;
    private final ReceiptStore receipts;
    private final RunEvidence evidence;
    private final Investigators investigators;

    private AdminStores(EmbeddedPostgresServer server, PostgresDatabase db) {
        this.server = server;
        this.db = db;
        runs = new PostgresRunRegistry(db.dataSource());
        producerKeys = new PostgresProducerKeys(db.dataSource());
        quarantine = new PostgresQuarantineIndex(db.dataSource());
        receipts = new PostgresReceiptStore(db.dataSource());
        evidence = new PostgresRunEvidence(db.dataSource());
        investigators = new PostgresInvestigators(db.dataSource());
    }

    public static AdminStores open(PlatformConfig config) {
        if (config.pgUrl() != null) return new AdminStores(null, PostgresDatabase.open(config.pgUrl(), 2));
        Path data = config.home().resolve("pg").resolve("data");
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
        while (true) {
            Optional<String> running = EmbeddedPostgresServer.attach(data);
            if (running.isPresent()) return new AdminStores(null, PostgresDatabase.open(running.get(), 2));
            EmbeddedPostgresServer pg;
            try {
                pg = EmbeddedPostgresServer.start(
                        data, config.home().resolve("pg").resolve("binaries"));
            } catch (EmbeddedPostgresServer.InUseException starting) {
                // A platform owns the server but it does not answer yet (starting, or reclaiming one left behind):
                // wait.
                if (System.nanoTime() > deadline) throw starting;
                try {
                    Thread.sleep(250);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw starting;
                }
                continue;
            }
            try {
                return new AdminStores(pg, PostgresDatabase.open(pg.jdbcUrl(), 2));
            } catch (RuntimeException e) {
                pg.close();
                throw e;
            }
        }
    }

    public RunRegistry runs() {
        return runs;
    }

    public ProducerKeys producerKeys() {
        return producerKeys;
    }

    public QuarantineIndex quarantine() {
        return quarantine;
    }

    public ReceiptStore receipts() {
        return receipts;
    }

    /** What the stores can prove about a run (the run report's reads). */
    public RunEvidence evidence() {
        return evidence;
    }

    /** The investigator console's accounts and sessions. */
    public Investigators investigators() {
        return investigators;
    }

    @Override
    public void close() {
        try {
            runs.close();
            db.close();
        } finally {
            if (server != null) server.close();
        }
    }
}
