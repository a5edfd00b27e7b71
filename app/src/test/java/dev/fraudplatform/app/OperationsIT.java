package dev.fraudplatform.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fraudplatform.core.json.Json;
import dev.fraudplatform.core.telemetry.Telemetry;
import dev.fraudplatform.ops.ConformanceReport;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Operating a run: traces across the planes, metrics scraped by a real Prometheus server (Debian's
 * {@code prometheus}, started here as a process), and the ops console in headless Chromium (Debian's
 * {@code chromium}, driven by npm {@code playwright-core} from {@code src/test/browser}, which {@code .ci/run}
 * installs) while a run streams, including the run report's HTML.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OperationsIT {
    @TempDir
    static Path home;

    static Platform platform;
    static String worldId;
    static final InMemorySpanExporter SPANS = InMemorySpanExporter.create();
    static String reportedRun;
    static final HttpClient HTTP = HttpClient.newHttpClient();

    static Path jsonLog;

    @BeforeAll
    static void start() {
        jsonLog = home.resolve("fp-log.jsonl");
        attachJsonLog(jsonLog);
        PlatformTelemetry.installTracing(SPANS, 1.0);
        platform = Platform.start(PlatformConfig.from(Map.of("FP_HOME", home.toString(), "FP_LANES", "1"))
                .withTopology(1, 1)
                .withOpsPort(0));
        worldId = TestWorlds.passed(platform, 5, 1_000);
    }

    @AfterAll
    static void stop() {
        if (platform != null) platform.close();
        PlatformTelemetry.uninstallTracing();
    }

    @Test
    @Order(1)
    void everyDecisionIsOneTraceFromTheGateThroughTheFabricToTheActionLayerAndTheAudit() throws Exception {
        PlatformRun run = PlatformRun.start(
                platform, worldId, dev.fraudplatform.decision.bundle.DecisionBundle.builtIn("rules-v1"), s -> {});
        run.stream();
        assertThat(run.awaitDrain(Duration.ofSeconds(90))).isTrue();
        ConformanceReport report = run.finish();
        assertThat(report.passed()).as(report.toText()).isTrue();
        reportedRun = run.runId();
        PlatformTelemetry.flushTraces();

        List<SpanData> spans = SPANS.getFinishedSpanItems().stream()
                .filter(s -> run.runId().equals(s.getAttributes().get(Telemetry.RUN_ID)))
                .toList();
        Map<String, List<SpanData>> decided = spans.stream()
                .filter(s -> s.getName().equals("df.decide"))
                .collect(Collectors.groupingBy(s -> s.getAttributes().get(Telemetry.EVENT_ID)));
        assertThat(decided).hasSize((int) report.run().admittedTransactions());
        Map<String, SpanData> byId = spans.stream().collect(Collectors.toMap(s -> s.getSpanId(), s -> s, (a, b) -> a));
        for (List<SpanData> forEvent : decided.values()) {
            SpanData decide = forEvent.get(0);
            String event = decide.getAttributes().get(Telemetry.EVENT_ID);
            // the decision's parent is the gate's admission of the same event, in the same trace
            SpanData admit = byId.get(decide.getParentSpanId());
            assertThat(admit).as("ig.admit parent of df.decide for " + event).isNotNull();
            assertThat(admit.getName()).isEqualTo("ig.admit");
            assertThat(admit.getAttributes().get(Telemetry.EVENT_ID)).isEqualTo(event);
            assertThat(admit.getTraceId()).isEqualTo(decide.getTraceId());
            // the Action Layer and the audit are children of the decision, carried by the decision record's headers
            List<String> children = spans.stream()
                    .filter(s -> s.getParentSpanId().equals(decide.getSpanId()))
                    .map(SpanData::getName)
                    .sorted()
                    .toList();
            assertThat(children).as("children of df.decide for " + event).containsExactly("al.apply", "dla.record");
        }
    }

    /** The value of the sample {@code series} (name and labels as exposed) in a Prometheus text exposition. */
    private static double gaugeValue(String exposition, String series) {
        for (String line : exposition.split("\n")) {
            if (line.startsWith(series + " "))
                return Double.parseDouble(line.substring(series.length() + 1).trim());
        }
        throw new AssertionError("no " + series + " in /metrics");
    }

    @Test
    @Order(2)
    void aRealPrometheusScrapesTheMetricsAndTheConsoleShowsTheRunMoveInChromium(@TempDir Path prom) throws Exception {
        assertThat(reportedRun).as("the first test's run").isNotNull();
        String ops = platform.opsUrl();
        String metrics = get(ops + "/metrics").body();
        assertThat(metrics)
                .contains("fp_plane_events_total{direction=\"in\",plane=\"ig\"}")
                .contains("fp_receipts_total{outcome=\"ADMITTED\"}")
                .contains("fp_decisions_total{action=\"APPROVE\",degrade_mode=\"RULES_ONLY\"}")
                .contains("fp_decision_latency_seconds_bucket")
                .contains("fp_consumer_lag{group=\"fp-al\"}");
        // The loop's stream threads, from Kafka Streams' own metrics: a run has been processed and committed.
        assertThat(gaugeValue(metrics, "fp_loop_thread_time_ratio{phase=\"process\"}"))
                .isBetween(0.0, 1.0);
        assertThat(gaugeValue(metrics, "fp_loop_commit_latency_ms{stat=\"max\"}"))
                .isPositive();
        assertThat(gaugeValue(metrics, "fp_loop_thread_rate{of=\"commit\"}")).isNotNaN();
        // What a bench prints after a phase: the same gauges, read in this process.
        assertThat(LoopMetrics.now()).startsWith("decision loop (Kafka Streams").doesNotContain("NaN");

        int promPort = freePort();
        Files.writeString(
                prom.resolve("prometheus.yml"),
                "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\nscrape_configs:\n"
                        + "  - job_name: fraud-platform\n    static_configs:\n      - targets: ['"
                        + URI.create(ops).getAuthority() + "']\n");
        Process prometheus = new ProcessBuilder(
                        "prometheus",
                        "--config.file=" + prom.resolve("prometheus.yml"),
                        "--storage.tsdb.path=" + prom.resolve("data"),
                        "--web.listen-address=127.0.0.1:" + promPort)
                .redirectErrorStream(true)
                .redirectOutput(prom.resolve("prometheus.log").toFile())
                .start();
        Process node = null;
        CompletableFuture<?> streaming = null;
        try {
            // A second run of the world, READY (so listed) but streamed only once the console in headless Chromium
            // shows
            // it, and offered slowly, so that it is live while it is watched however long the browser takes to start
            PlatformRun run = PlatformRun.start(platform, worldId, platform.bundle(), s -> {});
            Path script = Path.of("src/test/browser/console-check.mjs").toAbsolutePath();
            assertThat(script.getParent().resolve("node_modules/playwright-core"))
                    .as("npm ci in src/test/browser (.ci/run does it)")
                    .exists();
            ProcessBuilder check = new ProcessBuilder(
                            "node", script.toString(), ops, run.runId(), "evidence/" + reportedRun + "/report.html")
                    .directory(script.getParent().toFile())
                    .redirectErrorStream(true);
            // the run has bad inputs (below): the check waits for the console to show them, tile and table alike
            check.environment().put("FP_EXPECT_QUARANTINED", "1");
            node = check.start();
            java.util.concurrent.CountDownLatch listed = new java.util.concurrent.CountDownLatch(1);
            StringBuilder output = new StringBuilder();
            InputStream checkOutput = node.getInputStream();
            Thread reader = new Thread(
                    () -> {
                        try (var lines = new java.io.BufferedReader(
                                new java.io.InputStreamReader(checkOutput, StandardCharsets.UTF_8))) {
                            for (String line; (line = lines.readLine()) != null; ) {
                                synchronized (output) {
                                    output.append(line).append('\n');
                                }
                                if (line.contains("lists run")) listed.countDown();
                            }
                        } catch (IOException e) {
                            synchronized (output) {
                                output.append("reading the check's output failed: ")
                                        .append(e)
                                        .append('\n');
                            }
                        } finally {
                            listed.countDown(); // the check ended (it says why): stream anyway, the assertions below
                            // tell
                        }
                    },
                    "console-check-output");
            reader.start();
            assertThat(listed.await(120, TimeUnit.SECONDS))
                    .as("the console check started")
                    .isTrue();
            long streamedAt = System.currentTimeMillis();
            streaming = CompletableFuture.runAsync(() -> {
                try {
                    // a few inputs of the stream are bad (an unknown schema version, a payload against its schema), so
                    // that the console's quarantine numbers have something to agree on
                    run.stream(-1, 250, platform.gateUrl(), s -> s.withRewrite(OperationsIT::spoilOneInForty));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });

            // The console, in headless Chromium: the live numbers move, and the first run's report opens with its
            // charts
            assertThat(node.waitFor(120, TimeUnit.SECONDS)).isTrue();
            reader.join(10_000);
            String out;
            synchronized (output) {
                out = output.toString();
            }
            System.out.println(out);
            assertThat(node.exitValue()).as(out).isZero();
            assertThat(out).contains("ok: ").doesNotContain("FAIL");

            // Prometheus scraped /metrics during the run and computes a rate from it
            double rate = 0;
            long deadline = System.currentTimeMillis() + 60_000;
            // over a window that still holds the run's samples however long the browser check took after it ended
            String query = "sum(rate(fp_plane_events_total{plane=\"ig\",direction=\"in\"}[5m]))";
            while (rate <= 0 && System.currentTimeMillis() < deadline) {
                Thread.sleep(1_000);
                try {
                    JsonNode answer = Json.MAPPER.readTree(get("http://127.0.0.1:" + promPort + "/api/v1/query?query="
                                    + URLEncoder.encode(query, StandardCharsets.UTF_8))
                            .body());
                    JsonNode result = answer.path("data").path("result");
                    if (result.size() > 0)
                        rate = Double.parseDouble(
                                result.get(0).path("value").get(1).asText());
                } catch (IOException notUpYet) {
                    // Prometheus still starting
                }
            }
            assertThat(rate)
                    .as("Prometheus rate of events into the gate; log: " + prom.resolve("prometheus.log"))
                    .isPositive();

            streaming.get(120, TimeUnit.SECONDS);
            assertThat(run.awaitDrain(Duration.ofSeconds(90))).isTrue();
            long ranFor = System.currentTimeMillis() - streamedAt;
            ConformanceReport report = run.finish();
            // offered at 250/s, the run's decisions are audited in one segment per 30 s (one partition), not one per
            // poll
            assertThat(dev.fraudplatform.rtdl.audit.AuditLog.segments(platform.store(), run.runId()))
                    .isNotEmpty()
                    .hasSizeLessThanOrEqualTo(1 + (int) (ranFor / 30_000));
            assertThat(report.passed()).as(report.toText()).isTrue();
            // the console's quarantined number is the run report's, and the run had some
            long reported = report.quarantineByReason().values().stream()
                    .mapToLong(Long::longValue)
                    .sum();
            JsonNode live = Json.MAPPER.readTree(
                    get(ops + "/api/runs/" + run.runId() + "/live").body());
            assertThat(reported).isPositive();
            assertThat(live.path("quarantined_total").asLong()).isEqualTo(reported);
            assertThat(Json.MAPPER.convertValue(
                            live.path("quarantine_by_reason"),
                            new com.fasterxml.jackson.core.type.TypeReference<Map<String, Long>>() {}))
                    .isEqualTo(report.quarantineByReason())
                    .containsOnlyKeys("UNKNOWN_SCHEMA_VERSION", "SCHEMA_INVALID");
        } finally {
            // a failed check leaves neither the browser nor the stream behind for the next test
            if (node != null) node.destroyForcibly();
            if (streaming != null) streaming.cancel(true);
            prometheus.destroy();
            prometheus.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    @Order(3)
    void theConsoleApiAnswersAnUnknownRunAndABadEvidencePathWithAClearError() throws Exception {
        HttpResponse<String> unknown = get(platform.opsUrl() + "/api/runs/no-such-run/live");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(Json.MAPPER.readTree(unknown.body()).path("error").asText()).contains("no-such-run");
        HttpResponse<String> traversal = get(platform.opsUrl() + "/evidence/" + reportedRun + "/..%2F..%2Fpg");
        assertThat(traversal.statusCode()).isEqualTo(404);
        JsonNode runs =
                Json.MAPPER.readTree(get(platform.opsUrl() + "/api/runs").body());
        assertThat(runs.findValuesAsText("platform_run_id")).contains(reportedRun);
        // a request by another host name (DNS rebinding from a page elsewhere) is refused
        URI ops = URI.create(platform.opsUrl());
        try (java.net.Socket socket = new java.net.Socket(ops.getHost(), ops.getPort())) {
            socket.getOutputStream()
                    .write(("GET /api/runs HTTP/1.1\r\nHost: attacker.example:" + ops.getPort()
                                    + "\r\nConnection: close\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(answer).startsWith("HTTP/1.1 403").doesNotContain(reportedRun);
        }
    }

    @Test
    @Order(4)
    void logsAreJsonLinesThatCarryTheRunAndNeverASecret() throws Exception {
        List<String> lines = Files.readAllLines(jsonLog);
        assertThat(lines).isNotEmpty();
        List<JsonNode> events = new java.util.ArrayList<>();
        for (String line : lines) events.add(Json.MAPPER.readTree(line)); // every line is one JSON object
        assertThat(events)
                .allSatisfy(
                        e -> assertThat(e.hasNonNull("timestamp") && e.hasNonNull("level") && e.hasNonNull("message"))
                                .isTrue());
        assertThat(events)
                .filteredOn(e -> e.path("message").asText().startsWith("run COMPLETED"))
                .extracting(e -> e.path("platform_run_id").asText())
                .contains(reportedRun);
        assertThat(events)
                .filteredOn(e -> e.path("message").asText().startsWith("streamed "))
                .allSatisfy(e -> assertThat(e.path("platform_run_id").asText()).startsWith("run-"));
        String key = platform.streamerKey();
        assertThat(lines).noneSatisfy(l -> assertThat(l).contains(key));
    }

    /** One input in forty, by event id, made bad: alternately an unknown schema version and a payload its schema refuses. */
    private static dev.fraudplatform.world.WorldRow spoilOneInForty(dev.fraudplatform.world.WorldRow row) {
        int h = Math.floorMod(row.eventId().hashCode(), 80);
        if (h == 0) {
            return new dev.fraudplatform.world.WorldRow(
                    row.eventClass(),
                    row.eventId(),
                    99,
                    row.eventTimeMillis(),
                    row.eventTimeText(),
                    row.partitionKey(),
                    row.payloadJson());
        }
        if (h == 40) {
            return new dev.fraudplatform.world.WorldRow(
                    row.eventClass(),
                    row.eventId(),
                    row.schemaVersion(),
                    row.eventTimeMillis(),
                    row.eventTimeText(),
                    row.partitionKey(),
                    "{}");
        }
        return row;
    }

    /** Adds a file appender with the platform's own JSON event template (the one log4j2.xml uses) to the root logger. */
    private static void attachJsonLog(Path file) {
        var ctx = (org.apache.logging.log4j.core.LoggerContext) org.apache.logging.log4j.LogManager.getContext(false);
        var cfg = ctx.getConfiguration();
        var layout = org.apache.logging.log4j.layout.template.json.JsonTemplateLayout.newBuilder()
                .setConfiguration(cfg)
                .setEventTemplateUri("classpath:fp-log.json")
                .build();
        var appender = org.apache.logging.log4j.core.appender.FileAppender.newBuilder()
                .setName("json-under-test")
                .withFileName(file.toString())
                .setLayout(layout)
                .setConfiguration(cfg)
                .build();
        appender.start();
        cfg.addAppender(appender);
        cfg.getRootLogger().addAppender(appender, org.apache.logging.log4j.Level.INFO, null);
        ctx.updateLoggers();
    }

    private static HttpResponse<String> get(String url) throws IOException, InterruptedException {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create(url))
                        .timeout(Duration.ofSeconds(10))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
