package dev.fraudplatform.substrate.postgres;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.util.Map;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationInfoService;

/**
 * A pooled connection to the platform's PostgreSQL database. The caller owns it and must {@link #close()} it.
 *
 * <p>Two roles: the URL the caller gives is the administrator's (the owner of the platform's schemas), used only to
 * migrate the schema with Flyway; the pool itself logs in as {@value #APP_ROLE}, a role with no superuser power that
 * may read and append but owns nothing. So the platform's own connections cannot update or delete evidence, switch
 * the append-only triggers off ({@code ALTER TABLE ... DISABLE TRIGGER} needs the owner) or set
 * {@code session_replication_role} (needs a superuser). The migration's {@code afterMigrate} callback creates the role
 * when it is missing and grants it what it needs on every platform schema, so new schemas are covered too. The role
 * logs in with {@code FP_PG_APP_PASSWORD} when the server asks for a password (none for the embedded server and a
 * local one with trust authentication); the administrator sets it on the role at every open. The administrator logs
 * in as the user of the JDBC URL with {@code FP_PG_PASSWORD}.
 */
public final class PostgresDatabase implements AutoCloseable {
    /** The role the platform's connections use. */
    public static final String APP_ROLE = "fp_app";

    private final HikariDataSource dataSource;
    private final String adminJdbcUrl;

    private PostgresDatabase(HikariDataSource dataSource, String adminJdbcUrl) {
        this.dataSource = dataSource;
        this.adminJdbcUrl = adminJdbcUrl;
    }

    /**
     * Applies pending migrations from {@code db/migration} as the administrator of {@code adminJdbcUrl}, then opens a
     * pool as {@value #APP_ROLE} on the same database.
     */
    public static PostgresDatabase open(String adminJdbcUrl, int maxPoolSize) {
        migrate(adminJdbcUrl);
        HikariConfig cfg = new HikariConfig();
        cfg.setJdbcUrl(withoutCredentials(adminJdbcUrl));
        cfg.setUsername(APP_ROLE);
        String password = System.getenv("FP_PG_APP_PASSWORD");
        if (password != null && !password.isEmpty()) cfg.setPassword(password);
        cfg.setMaximumPoolSize(maxPoolSize);
        cfg.setMinimumIdle(1);
        cfg.setPoolName("fp-postgres");
        cfg.addDataSourceProperty("reWriteBatchedInserts", "true");
        return new PostgresDatabase(new HikariDataSource(cfg), adminJdbcUrl);
    }

    /** Applies pending migrations as the administrator of {@code adminJdbcUrl} (and sets the role's password). */
    static void migrate(String adminJdbcUrl) {
        HikariConfig cfg = admin(adminJdbcUrl);
        cfg.setMaximumPoolSize(3); // Flyway holds more than one connection at a time
        cfg.setMinimumIdle(0);
        cfg.setPoolName("fp-postgres-migrate");
        try (HikariDataSource admin = new HikariDataSource(cfg)) {
            flyway().dataSource(admin).load().migrate();
            String appPassword = System.getenv("FP_PG_APP_PASSWORD");
            // On a server that asks for passwords (RDS), the platform's role logs in with its own, set here by the
            // administrator on every open, so a rotated secret takes effect at the next start.
            if (appPassword != null && !appPassword.isEmpty()) {
                try (java.sql.Connection c = admin.getConnection();
                        java.sql.Statement st = c.createStatement()) {
                    st.execute("ALTER ROLE " + APP_ROLE + " PASSWORD "
                            + org.postgresql.core.Utils.escapeLiteral(null, appPassword, true)
                                    .insert(0, "'")
                                    .append("'"));
                } catch (java.sql.SQLException e) {
                    throw new IllegalStateException(
                            "cannot set the password of " + APP_ROLE + ": " + e.getSQLState(), e);
                }
            }
        }
    }

    /** The platform's migrations, with their placeholders; the caller names the administrator's data source. */
    static org.flywaydb.core.api.configuration.FluentConfiguration flyway() {
        return Flyway.configure().locations("classpath:db/migration").placeholders(Map.of("app_role", APP_ROLE));
    }

    /**
     * A pool configuration for the administrator of {@code adminJdbcUrl}: the user the URL names, with the password in
     * {@code FP_PG_PASSWORD} when it is set (a URL never carries one: profiles refuse it).
     */
    private static HikariConfig admin(String adminJdbcUrl) {
        HikariConfig cfg = new HikariConfig();
        cfg.setJdbcUrl(adminJdbcUrl);
        String password = System.getenv("FP_PG_PASSWORD");
        if (password != null && !password.isEmpty()) cfg.setPassword(password);
        return cfg;
    }

    /**
     * What {@code fp doctor} says of the database at {@code adminJdbcUrl}, in one line: reachable, and whether every
     * migration the platform ships is applied ("schema migrated to V11") or how many are pending. Changes nothing.
     *
     * @throws IllegalStateException in one line, without the URL's credentials, when the server does not answer or
     *                               refuses the login
     */
    public static String describeSchema(String adminJdbcUrl) {
        HikariConfig cfg = admin(adminJdbcUrl);
        cfg.setMaximumPoolSize(2);
        cfg.setMinimumIdle(0);
        cfg.setConnectionTimeout(5_000);
        cfg.setInitializationFailTimeout(5_000);
        cfg.setPoolName("fp-postgres-doctor");
        try (HikariDataSource admin = new HikariDataSource(cfg)) {
            MigrationInfoService info = flyway().dataSource(admin).load().info();
            int pending = info.pending().length;
            MigrationInfo current = info.current();
            String version = current == null ? "none" : "V" + current.getVersion();
            if (pending > 0)
                throw new IllegalStateException(
                        "schema at " + version + ", " + pending + " migration(s) pending: the first command on this "
                                + "profile (or fp infra up) applies them");
            return "schema migrated to " + version;
        } catch (IllegalStateException e) {
            throw e;
        } catch (RuntimeException e) {
            String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            for (Throwable c = e.getCause(); c != null; c = c.getCause())
                if (c.getMessage() != null) why = c.getMessage();
            throw new IllegalStateException("cannot reach " + withoutCredentials(adminJdbcUrl) + ": "
                    + why.replaceAll("\\s+", " ").trim());
        }
    }

    /** {@code url} without its {@code user} and {@code password} parameters: safe to show. */
    public static String withoutCredentialsOf(String url) {
        return withoutCredentials(url);
    }

    /** {@code url} with its {@code user} and {@code password} parameters taken out (in pgjdbc they beat the pool's). */
    static String withoutCredentials(String url) {
        int q = url.indexOf('?');
        if (q < 0) return url;
        StringBuilder kept = new StringBuilder();
        for (String param : url.substring(q + 1).split("&")) {
            String name = param.contains("=") ? param.substring(0, param.indexOf('=')) : param;
            if (name.equalsIgnoreCase("user") || name.equalsIgnoreCase("password") || param.isEmpty()) continue;
            kept.append(kept.length() == 0 ? "" : "&").append(param);
        }
        return url.substring(0, q) + (kept.length() == 0 ? "" : "?" + kept);
    }

    /** The platform's pool, as {@value #APP_ROLE}. */
    public DataSource dataSource() {
        return dataSource;
    }

    /** The administrator's URL this database was migrated with (tests that play a rogue administrator use it). */
    public String adminJdbcUrl() {
        return adminJdbcUrl;
    }

    @Override
    public void close() {
        dataSource.close();
    }
}
