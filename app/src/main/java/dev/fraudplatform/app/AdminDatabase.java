package dev.fraudplatform.app;

import dev.fraudplatform.substrate.postgres.EmbeddedPostgresServer;
import dev.fraudplatform.substrate.postgres.PostgresDatabase;
import java.nio.file.Path;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The platform database for an administrative command: the external server of {@code FP_PG_URL}; else the embedded
 * server of {@code $FP_HOME/pg} that a running platform process owns (so commands work while {@code fp serve} or
 * {@code fp ingress serve} runs); else an embedded server started for the command and stopped after it. Migrations
 * run as they do for the platform.
 */
public final class AdminDatabase implements AutoCloseable {
    private final EmbeddedPostgresServer server;
    private final PostgresDatabase db;

    private AdminDatabase(EmbeddedPostgresServer server, PostgresDatabase db) {
        this.server = server;
        this.db = db;
    }

    public static AdminDatabase open(PlatformConfig config) {
        if (config.pgUrl() != null) return new AdminDatabase(null, PostgresDatabase.open(config.pgUrl(), 2));
        Path data = config.home().resolve("pg").resolve("data");
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
        while (true) {
            Optional<String> running = EmbeddedPostgresServer.attach(data);
            if (running.isPresent()) return new AdminDatabase(null, PostgresDatabase.open(running.get(), 2));
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
                return new AdminDatabase(pg, PostgresDatabase.open(pg.jdbcUrl(), 2));
            } catch (RuntimeException e) {
                pg.close();
                throw e;
            }
        }
    }

    public DataSource dataSource() {
        return db.dataSource();
    }

    @Override
    public void close() {
        db.close();
        if (server != null) server.close();
    }
}
