package dev.fraudplatform.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fraudplatform.decision.bundle.DecisionBundle;
import dev.fraudplatform.ops.RunReport;
import dev.fraudplatform.substrate.kafka.EmbeddedKafkaBroker;
import dev.fraudplatform.world.WorldBuilder;
import dev.fraudplatform.world.WorldConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Same laws, different wiring: one world, run once on the embedded wiring and once on the local wiring (an external
 * PostgreSQL server, by {@code FP_PG_URL}, a Kafka broker outside the platform, by {@code FP_KAFKA_BOOTSTRAP}, and the
 * join plane on Redis, by {@code FP_REDIS_URL}, instead of Kafka Streams stores), must reconcile on both and give the
 * same decision-log digest.
 *
 * <p>The external server is {@code FP_TEST_PG_URL}, by default the machine's PostgreSQL on 127.0.0.1:5432 (user
 * postgres, trust); the test works in a database of its own that it creates and drops.
 */
class WiringConformanceIT {
    private static final String ADMIN_URL =
            System.getenv().getOrDefault("FP_TEST_PG_URL", "jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres");

    private static RunReport runOnce(PlatformConfig config, WorldConfig world) throws Exception {
        try (Platform platform = Platform.start(config)) {
            String worldId = new WorldBuilder(platform.store())
                    .build(world, WorldBuilder.Progress.NONE)
                    .worldId();
            PlatformRun run = PlatformRun.start(platform, worldId, DecisionBundle.builtIn("rules-v1"), s -> {});
            run.stream();
            assertThat(run.awaitDrain(Duration.ofSeconds(90)))
                    .as("drained on " + config.wiring())
                    .isTrue();
            return run.finish().run();
        }
    }

    @Test
    void embeddedAndLocalWiringsGiveTheSameDecisionLogDigest() throws Exception {
        WorldConfig world = WorldConfig.defaults(21, 2_000);
        Path embeddedHome = Files.createTempDirectory("fp-wiring-embedded-");
        RunReport embedded = runOnce(
                PlatformConfig.from(Map.of("FP_HOME", embeddedHome.toString())).withTopology(3, 1), world);
        assertThat(embedded.reconciled()).as(embedded.toText()).isTrue();

        String database =
                "fp_it_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try (Connection c = DriverManager.getConnection(ADMIN_URL);
                Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + database);
        }
        Path localHome = Files.createTempDirectory("fp-wiring-local-");
        try (EmbeddedKafkaBroker externalBroker = EmbeddedKafkaBroker.start(localHome.resolve("external-kafka"))) {
            String pgUrl = ADMIN_URL.replaceFirst("/postgres\\?", "/" + database + "?");
            PlatformConfig local = PlatformConfig.from(Map.of(
                    "FP_HOME",
                    localHome.toString(),
                    "FP_PG_URL",
                    pgUrl,
                    "FP_KAFKA_BOOTSTRAP",
                    externalBroker.bootstrapServers(),
                    "FP_REDIS_URL",
                    System.getenv().getOrDefault("FP_TEST_REDIS_URL", "redis://127.0.0.1:6379"),
                    "FP_PARTITIONS",
                    "4",
                    "FP_STREAM_THREADS",
                    "2"));
            assertThat(local.wiring()).isEqualTo("local");
            RunReport onLocal = runOnce(local, world);
            assertThat(onLocal.reconciled()).as(onLocal.toText()).isTrue();
            assertThat(onLocal.decisionLogDigest()).isEqualTo(embedded.decisionLogDigest());
            assertThat(onLocal.decisions().distinct()).isEqualTo(2_000);
        } finally {
            try (Connection c = DriverManager.getConnection(ADMIN_URL);
                    Statement s = c.createStatement()) {
                s.execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
            }
        }
    }
}
