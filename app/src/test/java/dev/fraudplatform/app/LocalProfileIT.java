package dev.fraudplatform.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fraudplatform.core.json.Json;
import dev.fraudplatform.ops.ConformanceReport;
import dev.fraudplatform.substrate.kafka.BrokerUsers;
import dev.fraudplatform.substrate.kafka.EmbeddedKafkaBroker;
import dev.fraudplatform.testkit.servers.EmbeddedServers;
import dev.fraudplatform.testkit.servers.S3Servers;
import dev.fraudplatform.world.WorldBuilder;
import dev.fraudplatform.world.WorldConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The {@code local} wiring end to end, on servers started here as a deployment would have them: a Kafka broker whose
 * only client listener is SASL (SCRAM-SHA-512), a PostgreSQL database of its own on the machine's server, the object
 * store on an S3 API server (s3proxy, a child process), the join plane on Redis; secrets only in the environment.
 *
 * <ol>
 *   <li>{@code fp conformance}: one world on {@code local_parity} (one process, embedded servers) and on this profile
 *       with every role in a process of its own, driven through the control topic: the same decision-log digest,
 *       counts, reconciliations and laws.
 *   <li>Scale-out: two processes of the decision loop, the Action Layer and the audit in their consumer groups; one
 *       SIGKILLed mid-run, the other takes its partitions over, and the run reconciles, its decisions the one-process
 *       run's but for a few that name the flow context they went without; the next run pins another bundle, and the
 *       same processes serve it with that bundle.
 *   <li>{@code fp doctor}: one line per component, and a clear failed line for a wrong secret, a missing bucket, a topic
 *       with other partitions than the profile's, an unreachable server.
 * </ol>
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LocalProfileIT {
    private static final String ADMIN_URL =
            System.getenv().getOrDefault("FP_TEST_PG_URL", "jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres");
    private static final String KAFKA_USER = "fp-platform";
    private static final String KAFKA_SECRET = "kafka-secret-" + UUID.randomUUID();
    private static final WorldConfig WORLD = WorldConfig.defaults(21, 2_000);

    private static Path home;
    private static Path profile;
    private static EmbeddedKafkaBroker broker;
    private static String database;
    private static String worldId;
    private static String referenceDigest;
    private static String referenceRun;
    private static S3Servers.S3Bucket bucket;

    @BeforeAll
    static void servers() throws Exception {
        home = Files.createTempDirectory("fp-local-profile-");
        broker = EmbeddedKafkaBroker.start(
                home.resolve("sasl-kafka"), BrokerUsers.none().withScramSha512(KAFKA_USER, KAFKA_SECRET));
        database = "fp_it_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try (Connection c = DriverManager.getConnection(ADMIN_URL);
                Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + database);
        }
        bucket = S3Servers.freshBucket();
        profile = home.resolve("local_it.properties");
        Files.writeString(
                profile,
                String.join(
                        "\n",
                        "servers=external",
                        "kafka.bootstrap=" + broker.bootstrapServers(),
                        "kafka.security.protocol=SASL_PLAINTEXT",
                        "kafka.sasl.mechanism=SCRAM-SHA-512",
                        "pg.url=" + ADMIN_URL.replaceFirst("/postgres\\?", "/" + database + "?"),
                        "redis.url=" + EmbeddedServers.redisUrl(),
                        "store=s3",
                        "s3.endpoint=" + bucket.endpoint(),
                        "s3.bucket=" + bucket.bucket(),
                        "s3.path.style=true",
                        "s3.credentials=env",
                        "partitions=2",
                        ""));
        worldId = new WorldBuilder(PlatformConfig.from(env(), null).objectStore())
                .build(WORLD, WorldBuilder.Progress.NONE)
                .worldId();
    }

    @AfterAll
    static void stop() throws Exception {
        if (broker != null) broker.close();
        try (Connection c = DriverManager.getConnection(ADMIN_URL);
                Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
        }
    }

    /** What every process of the test is given: the home, and the secrets, in the environment only. */
    private static Map<String, String> env() {
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put("FP_HOME", home.toString());
        env.put("FP_KAFKA_USERNAME", KAFKA_USER);
        env.put("FP_KAFKA_PASSWORD", KAFKA_SECRET);
        env.put("FP_S3_ACCESS_KEY_ID", bucket.accessKeyId());
        env.put("FP_S3_SECRET_ACCESS_KEY", bucket.secretAccessKey());
        env.remove("FP_PROFILE");
        env.remove("FP_ROLES");
        // Scaled mode: frames wait for answers while the projections answer, and ten join waits of silence at most. A
        // loop process that starts cold at READY on a 2-core box shared by eight JVMs was seen to stay silent 11 to 17
        // s
        // before its first answer, and a takeover silences it for the session timeout (10 s), the rebalance and the
        // replay: a 5 s join wait (a 50 s cap) outlasts both, so every decision is the one-process run's. The join wait
        // is no part of a decision, so the digests stay comparable.
        env.put("FP_JOIN_WAIT_MS", "5000");
        return env;
    }

    @Test
    @Order(1)
    void oneWorldOnOneProcessAndOnEveryRoleInItsOwnProcessGivesTheSameAnswers() throws Exception {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        WiringConformance.Outcome outcome;
        try (PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8)) {
            outcome = new WiringConformance("local_parity", profile.toString(), env(), out)
                    .run(worldId, RunBundles.BUILT_IN_DEFAULT);
        }
        String text = printed.toString(StandardCharsets.UTF_8);
        assertThat(outcome.comparison().passed())
                .as(outcome.comparison().failures() + "\n" + text)
                .isTrue();
        assertThat(text)
                .as("the local run: every role in its own process, the run's process only orchestrating")
                .contains("every role in a process of its own")
                .contains("roles none");
        JsonNode evidence =
                Json.MAPPER.readTree(Files.readString(Path.of(outcome.evidence().get(0))));
        assertThat(evidence.path("passed").asBoolean()).isTrue();
        referenceDigest = evidence.path("profiles")
                .path("local_parity")
                .path("decision_log_digest")
                .asText();
        referenceRun = evidence.path("profiles")
                .path("local_parity")
                .path("platform_run_id")
                .asText();
        assertThat(referenceDigest).hasSize(64);
        // The local run's evidence is on the S3 API server, its world copied there, sealed, from the filesystem.
        String localRun = evidence.path("profiles")
                .path("local_it")
                .path("platform_run_id")
                .asText();
        var s3 = PlatformConfig.from(env(), profile.toString()).objectStore();
        assertThat(s3.describe()).startsWith("s3://" + bucket.bucket());
        assertThat(s3.exists(ConformanceReport.evidenceKey(localRun, "report.json")))
                .isTrue();
        assertThat(s3.exists(WorldBuilder.prefix(worldId) + "/manifest.json")).isTrue();
        assertThat(text).doesNotContain(KAFKA_SECRET).doesNotContain(bucket.secretAccessKey());
    }

    @Test
    @Order(2)
    void aKilledLoopActionLayerAndAuditProcessIsTakenOverAndTheRunReconciles() throws Exception {
        Map<String, String> env = env();
        PlatformConfig config = PlatformConfig.from(env, profile.toString());
        Path logs = home.resolve("scale-out");
        int gatePort = FpProcess.freePort();
        var twoOfEach = java.util.EnumSet.of(PlatformRoles.DF, PlatformRoles.AL, PlatformRoles.DLA);
        try (RoleProcesses roles = RoleProcesses.start(
                profile.toString(),
                config,
                List.of(
                        java.util.EnumSet.of(PlatformRoles.IG),
                        twoOfEach,
                        twoOfEach,
                        java.util.EnumSet.of(PlatformRoles.ARCHIVE, PlatformRoles.CM, PlatformRoles.LS)),
                gatePort,
                logs,
                env)) {
            Map<String, String> orchestrator = new HashMap<>(env);
            orchestrator.put("FP_ROLES", "none");
            orchestrator.put("FP_GATE_URL", roles.gateUrl());
            Path log = logs.resolve("run.log");
            Process run = startRun(log, orchestrator, RunBundles.BUILT_IN_DEFAULT, 400);
            String runId = FpProcess.awaitLine(log, Pattern.compile("run (\\S+) READY"), run);
            // Given the run under way, with some effects applied by both processes' Action Layers
            long deadline = System.currentTimeMillis() + 120_000;
            while (effects(runId) < 200 && System.currentTimeMillis() < deadline) Thread.sleep(100);
            assertThat(effects(runId)).as("effects applied before the kill").isGreaterThanOrEqualTo(200);
            // When one of the two loop processes dies without a word
            roles.kill(1);
            // Then the other takes its partitions over, and the run ends reconciled with the same answers
            assertThat(run.waitFor(6, java.util.concurrent.TimeUnit.MINUTES))
                    .as("the run ended: " + Files.readString(log))
                    .isTrue();
            assertThat(run.exitValue()).as(Files.readString(log)).isZero();
            assertThat(roles.alive(2)).isTrue();
            JsonNode report = Json.MAPPER.readTree(
                    config.objectStore().read(ConformanceReport.evidenceKey(runId, "report.json")));
            assertThat(report.path("reconciled").asBoolean())
                    .as(report.toString())
                    .isTrue();
            assertThat(report.path("laws_hold").asBoolean())
                    .as(report.toString())
                    .isTrue();
            assertThat(report.path("counts").path("decisions").asLong()).isEqualTo(2_000);
            assertThat(report.path("counts").path("effects").asLong()).isEqualTo(2_000);
            // Scaled mode across a failover: a frame waits for its entity answers as long as the projections answer,
            // and through the takeover's silence (up to ten join waits), so the dead process's partitions cost no
            // answer. A frame waiting only for its flow's context judges that by its own task's progress, so one whose
            // context lay with the dead process can still be decided without it, and says so; and a projection can
            // take an account task that the takeover keeps silent as idle, and its answers name that task (measured
            // on this 2-core box across sessions: 0, 1, 28 and 67 of 2,000; 505 before answers waited on silence).
            // Every difference explained, no decision missing, at most 5% of decisions; the digest is the one-process
            // run's when nothing differs.
            var comparison = dev.fraudplatform.rtdl.audit.RunComparison.compare(
                    PlatformConfig.from(env(), null).objectStore(), referenceRun, config.objectStore(), runId);
            assertThat(comparison.decisions()).isEqualTo(2_000);
            assertThat(comparison.everyDifferenceExplained())
                    .as(comparison.summary())
                    .isTrue();
            assertThat(comparison.matched()).as(comparison.summary()).isGreaterThanOrEqualTo(1_900);
            if (comparison.matched() == comparison.decisions())
                assertThat(report.path("decision_log_digest").asText()).isEqualTo(referenceDigest);
            assertThat(Files.readString(roles.log(2)))
                    .as("the survivor served the run")
                    .contains("roles df,al,dla up");

            // When the next run pins another bundle, the same processes serve it: the first run has ended, so the
            // roles that decide with a bundle start again with the new one
            Path nextLog = logs.resolve("next-run.log");
            Process next = startRun(nextLog, orchestrator, "rules-v1", 1000);
            assertThat(next.waitFor(6, java.util.concurrent.TimeUnit.MINUTES))
                    .as("the next run ended: " + Files.readString(nextLog))
                    .isTrue();
            assertThat(next.exitValue()).as(Files.readString(nextLog)).isZero();
            String nextRun = FpProcess.awaitLine(nextLog, Pattern.compile("run (\\S+) READY"), next);
            JsonNode nextReport = Json.MAPPER.readTree(
                    config.objectStore().read(ConformanceReport.evidenceKey(nextRun, "report.json")));
            assertThat(nextReport.path("reconciled").asBoolean())
                    .as(nextReport.toString())
                    .isTrue();
            assertThat(nextReport.path("laws_hold").asBoolean())
                    .as(nextReport.toString())
                    .isTrue();
            Map<String, Long> bundles = new java.util.TreeMap<>();
            dev.fraudplatform.rtdl.audit.AuditLog.forEach(
                    config.objectStore(),
                    nextRun,
                    a -> bundles.merge(a.decision().bundleId(), 1L, Long::sum));
            assertThat(bundles)
                    .as("every decision of the next run by its pinned bundle")
                    .isEqualTo(Map.of("rules-v1", 2_000L));
            assertThat(Files.readString(roles.log(2))).contains("starting with bundle rules-v1");
        }
    }

    /** {@code fp --profile <this profile> run} of the world with {@code bundle} at {@code rate}, orchestrating only. */
    private static Process startRun(Path log, Map<String, String> orchestrator, String bundle, int rate)
            throws Exception {
        return FpProcess.start(
                log,
                orchestrator,
                "--profile",
                profile.toString(),
                "run",
                "--world",
                worldId,
                "--bundle",
                bundle,
                "--rate",
                Integer.toString(rate));
    }

    private static long effects(String runId) throws Exception {
        try (Connection c = DriverManager.getConnection(ADMIN_URL.replaceFirst("/postgres\\?", "/" + database + "?"));
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(
                        "SELECT count(*) FROM actions.effects WHERE platform_run_id = '" + runId + "'")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    @Order(3)
    void theDoctorSaysWhatIsReadyAndWhatIsWrongInOneLineEach() throws Exception {
        List<Doctor.Finding> ready = Doctor.examine(PlatformConfig.from(env(), profile.toString()));
        assertThat(ready).as(ready.toString()).allMatch(Doctor.Finding::ok);
        assertThat(ready)
                .extracting(Doctor.Finding::component)
                .containsExactly("kafka", "topics", "postgres", "store", "redis");
        assertThat(ready.get(0).line())
                .contains("authenticated by FP_KAFKA_USERNAME/FP_KAFKA_PASSWORD (SASL SCRAM-SHA-512)");

        Map<String, String> wrongSecret = env();
        wrongSecret.put("FP_KAFKA_PASSWORD", "not-the-secret");
        Doctor.Finding kafka = Doctor.examine(PlatformConfig.from(wrongSecret, profile.toString()))
                .get(0);
        assertThat(kafka.ok()).isFalse();
        assertThat(kafka.line())
                .contains("FP_KAFKA_USERNAME/FP_KAFKA_PASSWORD")
                .doesNotContain("not-the-secret")
                .doesNotContain("Exception")
                .doesNotContain("\n");

        Map<String, String> otherShape = env();
        otherShape.put("FP_PARTITIONS", "3");
        otherShape.put("FP_S3_BUCKET", "fp-no-such-bucket");
        otherShape.put("FP_REDIS_URL", "redis://127.0.0.1:" + FpProcess.freePort());
        List<Doctor.Finding> wrong = Doctor.examine(PlatformConfig.from(otherShape, profile.toString()));
        assertThat(wrong)
                .filteredOn(f -> f.component().equals("topics"))
                .isNotEmpty()
                .allMatch(f -> !f.ok())
                .anyMatch(f -> f.line().contains("fp.traffic") && f.line().contains("expected 3"));
        assertThat(wrong)
                .filteredOn(f -> f.component().equals("store"))
                .singleElement()
                .satisfies(f -> {
                    assertThat(f.ok()).isFalse();
                    assertThat(f.line()).contains("fp-no-such-bucket").contains("does not exist");
                });
        assertThat(wrong)
                .filteredOn(f -> f.component().equals("redis"))
                .singleElement()
                .satisfies(f -> assertThat(f.ok()).isFalse());
        assertThat(wrong).allMatch(f -> !f.line().contains("\n") && !f.line().contains(bucket.secretAccessKey()));
    }

    @Test
    @Order(4)
    void aWrongSecretStopsARunInOneLineAndAMissingOneIsRefusedBeforeAnythingStarts() throws Exception {
        Path log = home.resolve("wrong-secret.log");
        Map<String, String> wrongSecret = env();
        wrongSecret.put("FP_KAFKA_PASSWORD", "not-the-secret");
        Process p = FpProcess.start(log, wrongSecret, "--profile", profile.toString(), "run", "--world", worldId);
        assertThat(p.waitFor(2, java.util.concurrent.TimeUnit.MINUTES)).isTrue();
        String out = Files.readString(log);
        assertThat(p.exitValue()).as(out).isEqualTo(1);
        assertThat(out.lines().filter(l -> l.startsWith("fp: ")))
                .singleElement()
                .satisfies(l -> assertThat(l)
                        .contains("refused the credentials in FP_KAFKA_USERNAME/FP_KAFKA_PASSWORD")
                        .doesNotContain("not-the-secret")
                        .doesNotContain("Exception"));
        // The test JVM's logging prints the log to the console this test reads; the command's own answer is its "fp: "
        // line, and the secret appears nowhere, log lines included.
        assertThat(out).doesNotContain("not-the-secret");

        Path missingLog = home.resolve("missing-secret.log");
        Map<String, String> missing = env();
        missing.remove("FP_KAFKA_PASSWORD");
        Process q = FpProcess.start(missingLog, missing, "--profile", profile.toString(), "run", "--world", worldId);
        assertThat(q.waitFor(1, java.util.concurrent.TimeUnit.MINUTES)).isTrue();
        String refused = Files.readString(missingLog);
        assertThat(q.exitValue()).as(refused).isEqualTo(2);
        assertThat(refused.strip())
                .startsWith("fp: FP_KAFKA_PASSWORD is not set")
                .doesNotContain("\n");
    }
}
