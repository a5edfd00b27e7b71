package dev.fraudplatform.testkit.servers;

import dev.fraudplatform.substrate.kafka.EmbeddedKafkaBroker;
import dev.fraudplatform.substrate.kafka.KafkaSettings;
import dev.fraudplatform.substrate.kafka.KafkaTopics;
import dev.fraudplatform.substrate.postgres.EmbeddedPostgresServer;
import dev.fraudplatform.substrate.postgres.PostgresDatabase;
import dev.fraudplatform.testkit.PerJvm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Collection;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;

/**
 * The servers a module's integration tests run on, started as the platform starts them: one embedded KRaft broker and
 * one embedded PostgreSQL per test JVM, each started on first use and stopped when the JVM exits. Failsafe runs a
 * module's ITs in one JVM, so they share the servers: tests use topics, run ids or databases of their own.
 *
 * <p>Redis is not embedded: {@link #redisUrl()} names the one the environment provides.
 */
public final class EmbeddedServers {
    private static final PerJvm<EmbeddedKafkaBroker> KAFKA = PerJvm.of(
            "embedded Kafka broker",
            () -> EmbeddedKafkaBroker.start(
                    Files.createTempDirectory("fp-it-kafka-").resolve("kafka")));
    private static final PerJvm<EmbeddedPostgresServer> POSTGRES = PerJvm.of(
            "embedded PostgreSQL",
            () -> EmbeddedPostgresServer.start(
                    Files.createTempDirectory("fp-it-pg-").resolve("pg"),
                    Path.of("target", "pg-binaries").toAbsolutePath()));
    private static final AtomicInteger DATABASES = new AtomicInteger();

    private EmbeddedServers() {}

    /** The bootstrap servers of this JVM's broker (started now if need be). Topics are not auto-created. */
    public static String kafkaBootstrap() {
        return KAFKA.get().bootstrapServers();
    }

    /**
     * The Kafka client configuration of this JVM's broker (started now if need be), as the platform builds its clients:
     * for a test's adapters, roles and raw clients.
     */
    public static KafkaSettings kafka() {
        return KafkaSettings.of(kafkaBootstrap());
    }

    /** Creates {@code topics} on this JVM's broker with {@code partitions} partitions, unless they exist. */
    public static void ensureTopics(Collection<String> topics, int partitions) {
        try (Admin admin = KafkaTopics.admin(kafka(), "test-admin")) {
            KafkaTopics.ensure(admin, topics, partitions);
        }
    }

    /**
     * A new database on this JVM's PostgreSQL (started now if need be), migrated, with the platform's pool open. The
     * caller closes it; the database itself goes with the server.
     */
    public static PostgresDatabase freshPostgresDatabase() {
        String admin = POSTGRES.get().jdbcUrl();
        String name = "fp_it_" + DATABASES.incrementAndGet();
        try (Connection c = DriverManager.getConnection(admin);
                Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException("creating test database " + name + ": " + e.getMessage(), e);
        }
        return PostgresDatabase.open(admin.replaceFirst("/postgres(\\?|$)", "/" + name + "$1"), 8);
    }

    /** The Redis the environment provides: {@code FP_TEST_REDIS_URL}, by default {@code redis://127.0.0.1:6379}. */
    public static String redisUrl() {
        return System.getenv().getOrDefault("FP_TEST_REDIS_URL", "redis://127.0.0.1:6379");
    }
}
