package dev.fraudplatform.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fraudplatform.testkit.servers.EmbeddedServers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code fp infra up|down} on a profile of servers on this machine: the broker and the S3 API server start as processes
 * that outlive the command; a broker SIGKILLed is reported by {@code fp doctor} in one line and started again, on its
 * data, by the next {@code infra up}; {@code infra down} stops what {@code up} started and nothing else.
 */
class InfraCommandIT {
    private static final String ADMIN_URL =
            System.getenv().getOrDefault("FP_TEST_PG_URL", "jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres");

    private record Result(int exit, String out) {}

    private static Result fp(Path home, Map<String, String> env, String... args) throws Exception {
        Path log = Files.createTempFile(home, "fp-", ".out");
        Process p = FpProcess.start(log, env, args);
        assertThat(p.waitFor(3, TimeUnit.MINUTES))
                .as("fp " + String.join(" ", args))
                .isTrue();
        return new Result(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    }

    private static long pidOf(Path home, String server) throws Exception {
        return Long.parseLong(
                Files.readString(home.resolve("infra").resolve(server).resolve("server.pid"))
                        .trim());
    }

    @Test
    void upStartsTheServersAKilledBrokerComesBackAndDownStopsOnlyWhatUpStarted() throws Exception {
        Path home = Files.createTempDirectory("fp-infra-");
        int kafkaPort = FpProcess.freePort();
        int s3Port = FpProcess.freePort();
        String database =
                "fp_it_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        Path profile = home.resolve("laptop.properties");
        Files.writeString(
                profile,
                String.join(
                        "\n",
                        "servers=external",
                        "kafka.bootstrap=127.0.0.1:" + kafkaPort,
                        "pg.url=" + ADMIN_URL.replaceFirst("/postgres\\?", "/" + database + "?"),
                        "redis.url=" + EmbeddedServers.redisUrl(),
                        "store=s3",
                        "s3.endpoint=http://127.0.0.1:" + s3Port,
                        "s3.bucket=fp-laptop",
                        "s3.path.style=true",
                        "s3.credentials=env",
                        ""));
        Map<String, String> env = new HashMap<>();
        env.put("FP_HOME", home.toString());
        env.put("FP_S3_ACCESS_KEY_ID", "laptop-key");
        env.put("FP_S3_SECRET_ACCESS_KEY", "laptop-secret-" + UUID.randomUUID());
        String p = profile.toString();
        try {
            // Given nothing running: up starts the broker and the S3 API server, creates the database, bucket, topics
            Result up = fp(home, env, "--profile", p, "infra", "up");
            assertThat(up.exit()).as(up.out()).isZero();
            assertThat(up.out())
                    .contains("started  kafka")
                    .contains("started  s3")
                    .contains("database " + database + " ready")
                    .contains("bucket fp-laptop created")
                    .contains("ready: profile laptop")
                    .doesNotContain(env.get("FP_S3_SECRET_ACCESS_KEY"));
            assertThat(LocalServers.answers("127.0.0.1", kafkaPort)).isTrue();
            assertThat(LocalServers.answers("127.0.0.1", s3Port)).isTrue();

            // When the broker is SIGKILLed
            long broker = pidOf(home, "kafka");
            ProcessHandle.of(broker).orElseThrow().destroyForcibly();
            ProcessHandle.of(broker).ifPresent(h -> h.onExit().join());
            Result sick = fp(home, env, "--profile", p, "doctor");
            assertThat(sick.exit()).as(sick.out()).isEqualTo(1);
            assertThat(sick.out().lines().filter(l -> l.startsWith("FAIL  kafka")))
                    .singleElement()
                    .satisfies(l ->
                            assertThat(l).contains("127.0.0.1:" + kafkaPort).doesNotContain("Exception"));

            // Then the next up starts it again at once, on its data: the topics are still there
            Result again = fp(home, env, "--profile", p, "infra", "up");
            assertThat(again.exit()).as(again.out()).isZero();
            assertThat(again.out())
                    .contains("started  kafka")
                    .contains("running  s3        at 127.0.0.1:" + s3Port + " (started by fp infra up)")
                    .contains("bucket fp-laptop present");
            assertThat(pidOf(home, "kafka")).isNotEqualTo(broker);
            Result well = fp(home, env, "--profile", p, "doctor");
            assertThat(well.exit()).as(well.out()).isZero();

            // And down stops both, and says so
            Result down = fp(home, env, "--profile", p, "infra", "down");
            assertThat(down.exit()).as(down.out()).isZero();
            assertThat(down.out()).contains("stopped  kafka").contains("stopped  s3");
            assertThat(LocalServers.answers("127.0.0.1", kafkaPort)).isFalse();
            assertThat(LocalServers.answers("127.0.0.1", s3Port)).isFalse();
            assertThat(fp(home, env, "--profile", p, "infra", "down").out())
                    .contains("kafka: not started by fp infra up");
        } finally {
            for (String server : List.of("kafka", "s3")) {
                Path pid = home.resolve("infra").resolve(server).resolve("server.pid");
                if (Files.exists(pid))
                    ProcessHandle.of(Long.parseLong(Files.readString(pid).trim()))
                            .ifPresent(ProcessHandle::destroyForcibly);
            }
            try (Connection c = DriverManager.getConnection(ADMIN_URL);
                    Statement s = c.createStatement()) {
                s.execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
            }
        }
    }
}
