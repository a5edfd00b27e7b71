package dev.fraudplatform.app;

import dev.fraudplatform.substrate.postgres.EmbeddedPostgresServer;
import dev.fraudplatform.substrate.postgres.PostgresDatabase;
import javax.sql.DataSource;

/**
 * The platform database for an administrative command: the external server of {@code FP_PG_URL}, or the embedded one
 * under {@code $FP_HOME/pg} (started for the command, stopped after it). Migrations run as they do for the platform.
 */
final class AdminDatabase implements AutoCloseable {
    private final EmbeddedPostgresServer server;
    private final PostgresDatabase db;

    private AdminDatabase(EmbeddedPostgresServer server, PostgresDatabase db) {
        this.server = server;
        this.db = db;
    }

    static AdminDatabase open(PlatformConfig config) {
        if (config.pgUrl() != null) return new AdminDatabase(null, PostgresDatabase.open(config.pgUrl(), 2));
        EmbeddedPostgresServer pg = EmbeddedPostgresServer.start(config.home().resolve("pg").resolve("data"), config.home().resolve("pg").resolve("binaries"));
        try {
            return new AdminDatabase(pg, PostgresDatabase.open(pg.jdbcUrl(), 2));
        } catch (RuntimeException e) {
            pg.close();
            throw e;
        }
    }

    DataSource dataSource() {
        return db.dataSource();
    }

    @Override
    public void close() {
        db.close();
        if (server != null) server.close();
    }
}
