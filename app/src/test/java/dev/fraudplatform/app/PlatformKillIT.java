package dev.fraudplatform.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fraudplatform.core.envelope.Envelope;
import dev.fraudplatform.core.json.Json;
import dev.fraudplatform.substrate.objectstore.FilesystemObjectStore;
import dev.fraudplatform.world.WorldBuilder;
import dev.fraudplatform.world.WorldConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A platform process on the embedded wiring killed with SIGKILL in the middle of a run, then started again: the next
 * start reclaims the PostgreSQL server and the work directory the dead process left, marks the run it left open
 * FAILED (so the gate refuses its traffic), and administrative commands work beside the running gate.
 */
class PlatformKillIT {
    private Path home;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private PrintStream oldOut;
    private final List<Process> started = new java.util.ArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        home = Files.createTempDirectory("fp-kill-it-");
        System.setProperty("fp.home", home.toString());
        oldOut = System.out;
    }

    @AfterEach
    void tearDown() throws Exception {
        System.setOut(oldOut);
        System.clearProperty("fp.home");
        for (Process p : started) {
            p.destroy();
            if (!p.waitFor(30, TimeUnit.SECONDS)) p.destroyForcibly();
        }
        // A check that failed between the kill and the restart must not leave a PostgreSQL server running on the box.
        Path pid = home.resolve("pg/data/postmaster.pid");
        if (Files.exists(pid)) ProcessHandle.of(postmasterPid()).ifPresent(ProcessHandle::destroy);
        WorkDirectories.deleteTree(home);
    }

    private Process fp(Path log, Map<String, String> env, String... args) throws Exception {
        Map<String, String> all = new java.util.HashMap<>(env);
        all.put("FP_HOME", home.toString());
        Process p = FpProcess.start(log, all, args);
        started.add(p);
        return p;
    }

    /** {@code fp run} in a process of its own, on a new world of 2,000 transactions of {@code seed}, at {@code rate}. */
    private Process fpRun(Path log, long seed, int rate) throws Exception {
        String worldId = new WorldBuilder(new FilesystemObjectStore(home.resolve("store")))
                .build(WorldConfig.defaults(seed, 2_000), WorldBuilder.Progress.NONE)
                .worldId();
        return fp(log, Map.of(), "run", "--world", worldId, "--rate", Integer.toString(rate));
    }

    /** Runs {@code fp args...} in this JVM and returns its exit code and standard output. */
    private Map.Entry<Integer, String> fpHere(String... args) {
        out.reset();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            return Map.entry(Fp.execute(args), out.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
        }
    }

    private long postmasterPid() throws Exception {
        return Long.parseLong(Files.readAllLines(home.resolve("pg/data/postmaster.pid"))
                .get(0)
                .trim());
    }

    private List<Path> workDirectories() throws Exception {
        try (Stream<Path> dirs = Files.list(home.resolve("work"))) {
            return dirs.filter(d -> d.getFileName().toString().startsWith("proc-"))
                    .toList();
        }
    }

    @Test
    void aPlatformKilledMidRunComesBackOnTheFirstStartAndItsRunIsClosed() throws Exception {
        // Given a platform process streaming a run slowly
        Path runLog = home.resolve("run.log");
        Process run = fpRun(runLog, 71, 50);
        String runId = FpProcess.awaitLine(runLog, Pattern.compile("run (run-\\S+) READY"), run);
        // an administrative command reaches the running platform's database instead of failing on its lock
        long deadline = System.currentTimeMillis() + 60_000;
        Map.Entry<Integer, String> shown = fpHere("runs", "show", runId);
        while (!shown.getValue().contains("STREAMING") && System.currentTimeMillis() < deadline) {
            Thread.sleep(200);
            shown = fpHere("runs", "show", runId);
        }
        assertThat(shown.getKey()).isZero();
        assertThat(shown.getValue()).contains("STREAMING");
        long orphan = postmasterPid();
        List<Path> killedWork = workDirectories();
        assertThat(killedWork).hasSize(1);

        // When the process and everything it started (the PostgreSQL watchdog too) are killed with SIGKILL
        run.descendants().forEach(ProcessHandle::destroyForcibly);
        run.destroyForcibly();
        assertThat(run.waitFor(30, TimeUnit.SECONDS)).isTrue();
        // PostgreSQL runs in its own session: it outlives its owner, and the next start must deal with it
        assertThat(ProcessHandle.of(orphan).map(ProcessHandle::isAlive)).contains(true);

        // Then the next start (the gate alone) comes up at the first try
        int port = FpProcess.freePort();
        Path serveLog = home.resolve("serve.log");
        Process serve = fp(serveLog, Map.of("FP_GATE_PORT", Integer.toString(port)), "ingress", "serve");
        FpProcess.awaitHealthy(port, serve, serveLog);
        assertThat(ProcessHandle.of(orphan).map(ProcessHandle::isAlive).orElse(false))
                .as("the server left behind is stopped")
                .isFalse();
        assertThat(workDirectories())
                .as("the killed process's work directory is removed")
                .doesNotContainAnyElementsOf(killedWork)
                .hasSize(1);
        // it names the broker's address, so that a Kafka client can be pointed at it
        assertThat(FpProcess.awaitLine(
                        serveLog,
                        Pattern.compile("gate listening on .*(kafka embedded at 127\\.0\\.0\\.1:\\d+)"),
                        serve))
                .startsWith("kafka embedded at 127.0.0.1:");

        // and the run the killed process left open is FAILED, with the reason
        Map.Entry<Integer, String> after = fpHere("runs", "show", runId);
        assertThat(after.getKey()).isZero();
        assertThat(after.getValue())
                .contains("FAILED")
                .contains("abandoned: the process that ran it stopped before the run ended");

        // so the gate answers WRONG_RUN for its traffic; keys can be issued while the gate runs
        Map.Entry<Integer, String> issued = fpHere("ingress", "keys", "issue", "kill-it");
        assertThat(issued.getKey()).isZero();
        String key = issued.getValue().trim().lines().reduce((a, b) -> b).orElseThrow();
        JsonNode receipt = post(port, key, runId);
        assertThat(receipt.path("outcome").asText()).isEqualTo("QUARANTINED");
        assertThat(receipt.path("reason").asText()).isEqualTo("WRONG_RUN");

        // and a key revoked from the command line is refused by the running gate at its next request
        String keyId = dev.fraudplatform.core.ingress.ProducerKeys.keyIdOf(dev.fraudplatform.core.json.Sha256.hex(key));
        assertThat(fpHere("ingress", "keys", "list").getValue())
                .contains(keyId + "  kill-it")
                .contains("valid");
        Map.Entry<Integer, String> revoked = fpHere("ingress", "keys", "revoke", keyId, "--reason", "test");
        assertThat(revoked.getKey()).isZero();
        assertThat(revoked.getValue()).contains("revoked key " + keyId + " of producer kill-it");
        assertThat(fpHere("ingress", "keys", "list").getValue())
                .contains(keyId + "  kill-it")
                .contains("revoked")
                .contains("(test)");
        assertThat(status(port, key, runId)).isEqualTo(401);
    }

    @Test
    void aPlatformStoppedWithSigtermMidRunClosesItsRolesBeforeItsDatabase() throws Exception {
        // Given a platform process streaming a run, its gate writing receipts and its roles effects
        Path runLog = home.resolve("run.log");
        Process run = fpRun(runLog, 72, 100);
        FpProcess.awaitLine(runLog, Pattern.compile("decisions applied ([1-9][0-9,]*)"), run);
        long postmaster = postmasterPid();

        // When the JVM alone is asked to stop (SIGTERM: a container stopped, a Ctrl-C)
        run.destroy();

        // Then it stops in order: roles and gate first, PostgreSQL last, so nothing it was writing failed on a
        // database stopped under it
        assertThat(run.waitFor(120, TimeUnit.SECONDS)).as("it exits").isTrue();
        String out = Files.readString(runLog);
        assertThat(out)
                .as("no role or request waited on a PostgreSQL already stopped")
                .doesNotContain("Connection refused")
                .doesNotContain("Connection is not available")
                .doesNotContain("\tat ");
        // and it stopped its PostgreSQL itself: pg_ctl stop waits for the server to remove its pid file, which the
        // watchdog (for a killed owner) would only do a second or two after the JVM had gone
        assertThat(home.resolve("pg/data/postmaster.pid"))
                .as("PostgreSQL was stopped before the JVM exited")
                .doesNotExist();
        long deadline = System.currentTimeMillis() + 30_000;
        while (ProcessHandle.of(postmaster).map(ProcessHandle::isAlive).orElse(false)
                && System.currentTimeMillis() < deadline) Thread.sleep(100);
        assertThat(ProcessHandle.of(postmaster).map(ProcessHandle::isAlive).orElse(false))
                .isFalse();
    }

    @Test
    void theEmbeddedPostgresDoesNotOutliveItsKilledOwner() throws Exception {
        // Given a gate process on the embedded wiring
        int port = FpProcess.freePort();
        Path log = home.resolve("serve.log");
        Process serve = fp(log, Map.of("FP_GATE_PORT", Integer.toString(port)), "ingress", "serve");
        FpProcess.awaitHealthy(port, serve, log);
        long postmaster = postmasterPid();

        // When only the JVM is killed
        serve.destroyForcibly();
        assertThat(serve.waitFor(30, TimeUnit.SECONDS)).isTrue();

        // Then its PostgreSQL stops by itself, without waiting for a next start
        long deadline = System.currentTimeMillis() + 60_000;
        while (ProcessHandle.of(postmaster).map(ProcessHandle::isAlive).orElse(false)
                && System.currentTimeMillis() < deadline) Thread.sleep(100);
        assertThat(ProcessHandle.of(postmaster).map(ProcessHandle::isAlive).orElse(false))
                .isFalse();
        assertThat(home.resolve("pg/data/postmaster.pid")).doesNotExist();
    }

    private static int status(int port, String key, String runId) throws Exception {
        return send(port, key, runId).statusCode();
    }

    private static HttpResponse<String> send(int port, String key, String runId) throws Exception {
        Envelope e = Envelope.of(
                runId,
                "txn.authorization",
                "after-kill-1",
                1,
                Instant.parse("2026-03-01T10:00:00.000Z"),
                Instant.now(),
                "acct-x",
                PlatformEndToEndIT.txnPayload(100));
        return HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/events"))
                                .header("Authorization", "Bearer " + key)
                                .header("Content-Type", "application/x-ndjson")
                                .POST(HttpRequest.BodyPublishers.ofByteArray(e.toBytes()))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode post(int port, String key, String runId) throws Exception {
        HttpResponse<String> r = send(port, key, runId);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode body = Json.MAPPER.readTree(r.body());
        return body.isArray() ? body.get(0) : body.path("receipts").get(0);
    }
}
