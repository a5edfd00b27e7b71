package dev.fraudplatform.substrate.postgres;

import dev.fraudplatform.testkit.PerJvm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * This module's ITs share one embedded PostgreSQL per JVM; each IT class takes a fresh, migrated database on it.
 *
 * <p>(Other modules use {@code testkit-servers}' fixture; this module cannot, since that module depends on it.)
 */
final class TestDatabases {
    private static final PerJvm<EmbeddedPostgresServer> SERVER = PerJvm.of("embedded PostgreSQL", () -> {
        Path home = Files.createTempDirectory("fp-pg-it-");
        return EmbeddedPostgresServer.start(
                home.resolve("pg"), Path.of("target", "pg-binaries").toAbsolutePath());
    });
    private static final AtomicInteger NEXT = new AtomicInteger();

    private TestDatabases() {}

    /** A new database on the shared server, migrated, with the platform's pool open; the caller closes it. */
    static PostgresDatabase fresh() throws Exception {
        return PostgresDatabase.open(empty(), 8);
    }

    /**
     * The administrator's URL of a new database on the shared server migrated up to and including {@code version}
     * only, as an older build left it: {@link PostgresDatabase#open} on it then migrates the rest.
     */
    static String migratedTo(String version) throws Exception {
        String url = empty();
        PostgresDatabase.flyway()
                .dataSource(url, null, null)
                .target(version)
                .load()
                .migrate();
        return url;
    }

    private static String empty() throws Exception {
        String admin = SERVER.get().jdbcUrl();
        String name = "fp_it_" + NEXT.incrementAndGet();
        try (Connection c = DriverManager.getConnection(admin);
                Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        }
        return admin.replaceFirst("/postgres(\\?|$)", "/" + name + "$1");
    }
}
