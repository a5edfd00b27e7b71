package dev.fraudplatform.app;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fraudplatform.core.decision.DegradeMode;
import dev.fraudplatform.core.json.Json;
import dev.fraudplatform.core.run.RunEvidence;
import dev.fraudplatform.core.store.Manifest;
import dev.fraudplatform.ops.ConformanceReport;
import dev.fraudplatform.ops.RunReport.Check;
import dev.fraudplatform.world.WorldBuilder;
import dev.fraudplatform.world.WorldRow;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Incident drills. Each runs a world as a run, injects its fault while the run streams, and judges what it expects
 * of the outcome against the run's conformance report; the report (with the drill's expectations) is written to
 * {@code evidence/<run>/drill-<name>.json} and {@code .html}, and the drill passes only when the run reconciles,
 * every law holds and every expectation is met.
 */
public final class Drills {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Drills.class);
    /** The drills, by command-line name. */
    public enum Kind {
        DUPLICATES("10% of the events sent a second time, right behind the first, while the run streams"),
        INTEGRITY("2% of the transactions sent again after the run, with an altered amount under the same event id"),
        MISSING_CONTEXT("a third of the context events dropped before the gate"),
        LAG("the join plane's Redis paused (CLIENT PAUSE) for 8 s while the run streams"),
        BROKER_RESTART("the Kafka broker stopped and started again while the run streams"),
        IG_CRASH("the gate, as its own process, killed (SIGKILL) twice while the run streams and started again");

        public final String fault;

        Kind(String fault) {
            this.fault = fault;
        }

        public String cliName() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        public static Kind of(String name) {
            for (Kind k : values()) if (k.cliName().equals(name)) return k;
            throw new IllegalArgumentException("no drill " + name + "; drills: "
                    + java.util.Arrays.stream(values()).map(Kind::cliName).toList());
        }
    }

    private Drills() {}

    /** Refuses (IllegalArgumentException) a drill that {@code config}'s wiring cannot run; callers check before starting anything. */
    public static void checkWiring(Kind kind, PlatformConfig config) {
        if (kind == Kind.LAG && config.redisUrl() == null) {
            throw new IllegalArgumentException("the lag drill pauses the join plane on Redis: set FP_REDIS_URL");
        }
        if (kind == Kind.BROKER_RESTART && config.kafkaBootstrap() != null) {
            throw new IllegalArgumentException(
                    "the broker-restart drill restarts the embedded broker: unset FP_KAFKA_BOOTSTRAP");
        }
    }

    /** Runs {@code kind} on {@code worldId} with the bundle the platform serves; returns the judged report. */
    public static ConformanceReport run(Platform platform, String worldId, Kind kind, Consumer<String> status)
            throws Exception {
        return run(platform, worldId, kind, null, status);
    }

    /**
     * As {@link #run(Platform, String, Kind, Consumer)}, the drill's run named {@code runId} (null: a new id), e.g.
     * {@code <run>-drill-<name>} for the drills of a run, which {@link EvidenceExport} gathers with it.
     *
     * @throws IllegalArgumentException when a run of that id exists
     */
    public static ConformanceReport run(
            Platform platform, String worldId, Kind kind, String runId, Consumer<String> status) throws Exception {
        checkWiring(kind, platform.config());
        if (runId != null && platform.runs().state(runId).isPresent())
            throw new IllegalArgumentException("run " + runId + " exists: a run id names one run");
        long worldEvents = worldEvents(platform.store(), worldId);
        PlatformRun run = PlatformRun.start(platform, worldId, platform.bundle(), java.util.Set.of(), runId, status);
        return switch (kind) {
            case DUPLICATES -> duplicates(platform, run, worldEvents);
            case INTEGRITY -> integrity(platform, run, worldEvents);
            case MISSING_CONTEXT -> missingContext(platform, run, worldEvents);
            case LAG -> lag(platform, run, worldEvents);
            case BROKER_RESTART -> brokerRestart(platform, run, worldEvents);
            case IG_CRASH -> gateCrash(platform, run, worldEvents);
        };
    }

    /** About {@code percent}% of the events, chosen by event id and {@code salt} (the same ones on every run of the world). */
    static Predicate<WorldRow> sample(int percent, String salt) {
        return row -> Math.floorMod((salt + row.eventId()).hashCode() * 0x9E3779B1, 100) < percent;
    }

    private static ConformanceReport duplicates(Platform platform, PlatformRun run, long worldEvents) throws Exception {
        // Each chosen event is sent again right behind itself, in its lane: a producer's retry, in order.
        java.util.concurrent.atomic.AtomicLong resent = new java.util.concurrent.atomic.AtomicLong();
        Predicate<WorldRow> chosen = sample(10, "dup");
        run.stream(-1, 0, platform.gateUrl(), s -> s.withEcho(row -> chosen.test(row) && resent.incrementAndGet() > 0));
        run.awaitDrain(Duration.ofSeconds(120));
        return run.finish(r -> drill(
                Kind.DUPLICATES,
                List.of(
                        positive("events were sent twice", resent.get()),
                        equal(
                                "every event admitted once",
                                worldEvents,
                                r.run().receipts().getOrDefault("ADMITTED", 0L)),
                        equal(
                                "every event sent twice has one DUPLICATE receipt",
                                resent.get(),
                                r.run().receipts().getOrDefault("DUPLICATE", 0L)),
                        equal("nothing quarantined", 0, quarantined(r)),
                        equal(
                                "effects = admitted transactions (a duplicate applies nothing)",
                                r.run().admittedTransactions(),
                                r.run().effects()))));
    }

    private static ConformanceReport integrity(Platform platform, PlatformRun run, long worldEvents) throws Exception {
        run.stream();
        run.awaitDrain(Duration.ofSeconds(120));
        Predicate<WorldRow> altered = row ->
                row.eventClass().startsWith("txn.") && sample(2, "integrity").test(row);
        long sentAltered = run.stream(
                        -1, 0, platform.gateUrl(), s -> s.withFilter(altered).withRewrite(Drills::alterAmount))
                .sent();
        run.awaitDrain(Duration.ofSeconds(60));
        RunEvidence evidence = platform.evidence();
        return run.finish(r -> drill(
                Kind.INTEGRITY,
                List.of(
                        positive("payloads were altered under existing ids", sentAltered),
                        equal(
                                "every altered payload quarantined as INTEGRITY_MISMATCH",
                                sentAltered,
                                r.quarantineByReason().getOrDefault("INTEGRITY_MISMATCH", 0L)),
                        equal(
                                "every event admitted once, as first sent",
                                worldEvents,
                                r.run().receipts().getOrDefault("ADMITTED", 0L)),
                        equal(
                                "the originals stand: each quarantined copy's event is admitted with its original payload hash",
                                sentAltered,
                                evidence.integrityMismatchesWhoseOriginalStands(
                                        r.run().platformRunId())),
                        equal(
                                "effects = admitted transactions (an altered copy applies nothing)",
                                r.run().admittedTransactions(),
                                r.run().effects()))));
    }

    private static WorldRow alterAmount(WorldRow row) {
        try {
            ObjectNode payload = (ObjectNode) Json.MAPPER.readTree(row.payloadJson());
            payload.put("amount_minor", payload.path("amount_minor").asLong() + 1);
            return new WorldRow(
                    row.eventClass(),
                    row.eventId(),
                    row.schemaVersion(),
                    row.eventTimeMillis(),
                    row.eventTimeText(),
                    row.partitionKey(),
                    Json.MAPPER.writeValueAsString(payload));
        } catch (IOException e) {
            throw new IllegalStateException("world row " + row.eventId() + " has an unreadable payload", e);
        }
    }

    private static ConformanceReport missingContext(Platform platform, PlatformRun run, long worldEvents)
            throws Exception {
        Predicate<WorldRow> dropped =
                row -> row.eventClass().startsWith("ctx.") && sample(33, "ctx").test(row);
        long sent = run.stream(-1, 0, platform.gateUrl(), s -> s.withFilter(dropped.negate()))
                .sent();
        run.awaitDrain(Duration.ofSeconds(120));
        boolean modelUsable = platform.bundle().modelProblem() == null;
        return run.finish(r -> {
            long missing = r.decisionsWithMissingContext();
            long partial = r.run().decisions().byDegradeMode().getOrDefault(DegradeMode.PARTIAL_CONTEXT.name(), 0L);
            List<Check> ex = new ArrayList<>(List.of(
                    positive("context events were dropped", worldEvents - sent),
                    equal("every event sent admitted", sent, r.run().receipts().getOrDefault("ADMITTED", 0L)),
                    positive("decisions name the context they lacked", missing)));
            // The lowest mode that applies is recorded: with a usable model, missing context is PARTIAL_CONTEXT; a
            // bundle
            // without one decides RULES_ONLY and names the missing context in the reason.
            if (modelUsable) ex.add(equal("decisions with missing context are PARTIAL_CONTEXT", missing, partial));
            else
                ex.add(new Check(
                        "decisions with missing context are RULES_ONLY (the bundle has no model, the lower mode wins)",
                        r.run().decisions().byDegradeMode().getOrDefault(DegradeMode.RULES_ONLY.name(), 0L) >= missing,
                        r.run().decisions().byDegradeMode() + ", " + missing + " with missing context"));
            return drill(Kind.MISSING_CONTEXT, ex);
        });
    }

    /**
     * Pauses the join plane (Redis) mid-run. Windows are taken from what each decision's record proves, not from when
     * the Action Layer happened to see it: a decision visible before the pause was made before it, and one of an event
     * admitted after the pause was made after it.
     */
    private static ConformanceReport lag(Platform platform, PlatformRun run, long worldEvents) throws Exception {
        long pauseMs = 8_000; // some 16 blocked calls of 500 ms: decisions among them are FAIL_SAFE
        // Offered slowly enough that the stream outlasts the pause by far, so that events admitted after it show
        // recovery.
        CompletableFuture<?> streaming = streamAsync(run, platform, 200);
        awaitDecisions(platform, run, 100, streaming);
        long pausedAt = System.currentTimeMillis();
        pauseRedis(URI.create(platform.config().redisUrl()), pauseMs);
        long resumedAt = pausedAt + pauseMs;
        streaming.get(10, TimeUnit.MINUTES);
        run.awaitDrain(Duration.ofSeconds(120));
        RunEvidence evidence = platform.evidence();
        long boundMs = pauseMs + 10L * platform.config().joinWaitMs() + 5_000;
        String id = run.runId();
        String failSafe = DegradeMode.FAIL_SAFE.name();
        Map<String, Long> before = evidence.degradeModesVisible(id, 0, pausedAt);
        Map<String, Long> admittedAfter = evidence.degradeModesAdmitted(id, resumedAt + 1_000, Long.MAX_VALUE);
        long recovered = admittedAfter.entrySet().stream()
                .filter(e -> !e.getKey().equals(failSafe))
                .mapToLong(Map.Entry::getValue)
                .sum();
        return run.finish(r -> drill(
                Kind.LAG,
                List.of(
                        equal(
                                "every event admitted",
                                worldEvents,
                                r.run().receipts().getOrDefault("ADMITTED", 0L)),
                        positive(
                                "decisions made while the join plane was paused degrade to FAIL_SAFE "
                                        + r.run().decisions().byDegradeMode(),
                                r.run().decisions().byDegradeMode().getOrDefault(failSafe, 0L)),
                        equal(
                                "no decision seen before the pause is FAIL_SAFE " + before,
                                0,
                                before.getOrDefault(failSafe, 0L)),
                        positive(
                                "decisions of events admitted after the pause, made with the join plane again (recovery) "
                                        + admittedAfter,
                                recovered),
                        equal(
                                "no decision of an event admitted after the pause is FAIL_SAFE " + admittedAfter,
                                0,
                                admittedAfter.getOrDefault(failSafe, 0L)),
                        new Check(
                                "the wait is bounded: every decision within the pause + 10 x join wait + 5 s ("
                                        + boundMs + " ms)",
                                r.run().performance().latency().maxMillis() <= boundMs,
                                "max decision latency "
                                        + Math.round(
                                                r.run().performance().latency().maxMillis()) + " ms"))));
    }

    private static ConformanceReport brokerRestart(Platform platform, PlatformRun run, long worldEvents)
            throws Exception {
        CompletableFuture<?> streaming = streamAsync(run, platform, 800);
        awaitDecisions(platform, run, 100, streaming);
        long effectsBefore = platform.ledger().count(run.runId());
        platform.restartBroker(Duration.ofSeconds(2));
        streaming.get(10, TimeUnit.MINUTES);
        run.awaitDrain(Duration.ofSeconds(180));
        return run.finish(r -> drill(
                Kind.BROKER_RESTART,
                List.of(
                        positive("decisions were applied before the restart", effectsBefore),
                        positive(
                                "decisions were applied after the restart",
                                r.run().effects() - effectsBefore),
                        equal(
                                "every event admitted (no loss)",
                                worldEvents,
                                r.run().receipts().getOrDefault("ADMITTED", 0L)),
                        equal(
                                "effects = admitted transactions (none lost, none twice)",
                                r.run().admittedTransactions(),
                                r.run().effects()))));
    }

    private static ConformanceReport gateCrash(Platform platform, PlatformRun run, long worldEvents) throws Exception {
        // The gate runs as its own process here, so that it can be killed like one: the in-process gate stops first
        // (one admission relay at a time; the second would fence the first).
        platform.stopGate();
        int port = dev.fraudplatform.core.net.LoopbackPorts.reserve();
        Path log = Files.createTempFile(platform.config().home(), "drill-gate-", ".log");
        String gateUrl = "http://127.0.0.1:" + port;
        Process gate = startGate(platform, port, log);
        int kills = 0;
        try {
            CompletableFuture<?> streaming = CompletableFuture.runAsync(() -> {
                try {
                    run.stream(-1, 800, gateUrl, s -> s);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            for (int i = 0; i < 2; i++) {
                Thread.sleep(2_000);
                if (streaming.isDone()) break;
                gate.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
                kills++;
                Thread.sleep(500);
                gate = startGate(platform, port, log);
            }
            streaming.get(10, TimeUnit.MINUTES);
            run.awaitDrain(Duration.ofSeconds(120));
        } finally {
            gate.destroy();
            gate.waitFor(30, TimeUnit.SECONDS);
        }
        int killed = kills;
        long unpublished = platform.receipts().unpublished().size();
        return run.finish(r -> drill(
                Kind.IG_CRASH,
                List.of(
                        positive("the gate was killed mid-run", killed),
                        equal(
                                "every event admitted once (no loss, no double admission)",
                                worldEvents,
                                r.run().receipts().getOrDefault("ADMITTED", 0L)),
                        equal("nothing left unpublished in the gate's outbox", 0, unpublished),
                        equal(
                                "effects = admitted transactions",
                                r.run().admittedTransactions(),
                                r.run().effects()))));
    }

    private static Process startGate(Platform platform, int port, Path log) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-Xmx512m",
                        "-cp",
                        System.getProperty("java.class.path"),
                        Fp.class.getName(),
                        "ingress",
                        "serve")
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().put("FP_HOME", platform.config().home().toString());
        pb.environment().put("FP_PG_URL", platform.jdbcUrl());
        pb.environment().put("FP_KAFKA_BOOTSTRAP", platform.bootstrap());
        pb.environment().put("FP_PARTITIONS", Integer.toString(platform.config().partitions()));
        pb.environment().put("FP_GATE_PORT", Integer.toString(port));
        pb.environment().remove("FP_OPS_PORT");
        Process p = pb.start();
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.currentTimeMillis() + 60_000;
        while (System.currentTimeMillis() < deadline && p.isAlive()) {
            try {
                if (http.send(
                                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/healthz"))
                                                .build(),
                                        HttpResponse.BodyHandlers.ofString())
                                .statusCode()
                        == 200) return p;
            } catch (IOException notYet) {
                // starting
            }
            Thread.sleep(100);
        }
        p.destroyForcibly();
        throw new IllegalStateException("the drill's gate did not come up; its log: " + log);
    }

    /**
     * Waits until {@code n} decisions of the run are applied, so that a fault lands while the decision loop is at work
     * rather than at a fixed time that a slow machine may not have reached (or may have passed); a minute at most.
     */
    private static void awaitDecisions(Platform platform, PlatformRun run, long n, CompletableFuture<?> streaming)
            throws InterruptedException {
        long deadline = System.currentTimeMillis() + 60_000;
        while (platform.ledger().tally(run.runId()) < n && !streaming.isDone() && System.currentTimeMillis() < deadline)
            Thread.sleep(50);
        if (streaming.isDone())
            LOG.warn("the stream of run {} ended before the fault: the drill cannot show it mid-run", run.runId());
        else if (platform.ledger().tally(run.runId()) < n)
            LOG.warn("run {} applied fewer than {} decisions in a minute: the fault lands anyway", run.runId(), n);
    }

    private static CompletableFuture<?> streamAsync(PlatformRun run, Platform platform, double rate) {
        return CompletableFuture.runAsync(() -> {
            try {
                run.stream(-1, rate, platform.gateUrl(), s -> s);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    /** Pauses every client of the Redis at {@code url} for {@code millis} (the server's own CLIENT PAUSE). */
    static void pauseRedis(URI url, long millis) throws IOException {
        try (Socket s = new Socket(url.getHost(), url.getPort() < 0 ? 6379 : url.getPort())) {
            s.setSoTimeout(5_000);
            OutputStream out = s.getOutputStream();
            String userInfo = url.getUserInfo();
            if (userInfo != null && userInfo.contains(":")) {
                String password = userInfo.substring(userInfo.indexOf(':') + 1);
                out.write(resp("AUTH", password));
                expectOk(s.getInputStream(), "AUTH");
            }
            out.write(resp("CLIENT", "PAUSE", Long.toString(millis), "ALL"));
            expectOk(s.getInputStream(), "CLIENT PAUSE");
        }
    }

    private static byte[] resp(String... args) {
        StringBuilder sb = new StringBuilder("*").append(args.length).append("\r\n");
        for (String a : args)
            sb.append('$')
                    .append(a.getBytes(StandardCharsets.UTF_8).length)
                    .append("\r\n")
                    .append(a)
                    .append("\r\n");
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void expectOk(InputStream in, String command) throws IOException {
        StringBuilder line = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0 && c != '\n') line.append((char) c);
        if (!line.toString().startsWith("+OK"))
            throw new IOException(
                    "Redis refused " + command + ": " + line.toString().trim());
    }

    private static long quarantined(ConformanceReport r) {
        return r.quarantineByReason().values().stream()
                .mapToLong(Long::longValue)
                .sum();
    }

    private static ConformanceReport.Drill drill(Kind kind, List<Check> expectations) {
        return new ConformanceReport.Drill(kind.cliName(), kind.fault, expectations);
    }

    private static Check equal(String name, long expected, long actual) {
        return new Check(name, expected == actual, "expected " + expected + ", got " + actual);
    }

    private static Check positive(String name, long actual) {
        return new Check(name, actual > 0, actual + (actual > 0 ? " > 0" : ": none"));
    }

    /** The world's event count, from its manifest. */
    public static long worldEvents(dev.fraudplatform.core.store.ObjectStore store, String worldId) {
        return Manifest.read(store, WorldBuilder.prefix(worldId))
                .attributes()
                .path("row_counts")
                .path("views")
                .properties()
                .stream()
                .mapToLong(e -> e.getValue().asLong())
                .sum();
    }
}
