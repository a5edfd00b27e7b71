package dev.fraudplatform.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fraudplatform.core.bus.Topics;
import dev.fraudplatform.core.decision.Decision;
import dev.fraudplatform.core.json.Json;
import dev.fraudplatform.decision.bundle.DecisionBundle;
import dev.fraudplatform.ops.RunReport;
import dev.fraudplatform.world.streamer.WorldStreamer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The synchronous decision API on the embedded wiring, as a card switch calls it: a run's context and labels go
 * through {@code /v1/events}, its transactions through {@code POST /v1/decide}. Each answer is checked against what
 * the platform itself recorded (the effect ledger), duplicates against the first answer, the 202 path against
 * {@code GET /v1/decisions/{id}}, bad input against one clear line and nothing ingested, and overload (a world
 * streamed at full speed, with a small loop backlog bound, while the decision loop is held: no capacity at all, so
 * far past it whatever the machine's load) against shedding, answers that never hang, and recovery once the loop is
 * released.
 * Both runs must reconcile at the end, counting every event this test had receipted.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DecideApiIT {
    static final String PRODUCER = "pos-switch";
    /** The loop backlog above which the gate sheds: small, so that a world streamed at full speed goes past it. */
    static final int LOOP_BACKLOG_BOUND = 1_000;

    static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    static Platform platform;
    static PlatformRun run;
    static String key;
    /** A valid key of a producer that no run of this test names. */
    static String outsider;

    static List<byte[]> transactions;
    static byte[] aContextEvent;
    static int next;
    static JsonNode first;
    static byte[] firstSent;

    @BeforeAll
    static void start() throws Exception {
        Path home = Files.createTempDirectory("fp-decide-");
        platform = Platform.start(PlatformConfig.from(Map.of(
                        "FP_HOME",
                        home.toString(),
                        "FP_LANES",
                        "1",
                        // Small batches: the flood's streamer asks the gate some 90 times, not 9, so it asks many
                        // times while the loop is past its bound. With batches of 1,000 (the bound itself) all nine
                        // could land between the backlog's peaks under load, and the streamer was never pushed back.
                        "FP_BATCH",
                        "100",
                        "FP_GATE_MAX_LOOP_BACKLOG",
                        Integer.toString(LOOP_BACKLOG_BOUND)))
                .withTopology(1, 1));
        String world = TestWorlds.passed(platform, 21, 1_200);
        run = PlatformRun.start(platform, world, DecisionBundle.builtIn("rules-v1"), Set.of(PRODUCER), s -> {});
        key = platform.producerKeys().issue(PRODUCER);
        outsider = platform.producerKeys().issue("other-switch");
        DecideBench.contextFirst(platform, run);
        transactions =
                IngressBench.envelopes(platform, world, run.runId(), row -> Topics.isTransaction(row.eventClass()));
        aContextEvent = IngressBench.envelopes(
                        platform, world, run.runId(), row -> !Topics.isTransaction(row.eventClass()))
                .get(0);
    }

    @AfterAll
    static void stop() {
        if (platform != null) platform.close();
    }

    static HttpResponse<String> post(String pathAndQuery, String contentType, byte[] body, String apiKey)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(platform.gateUrl() + pathAndQuery))
                .timeout(Duration.ofSeconds(60))
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (apiKey != null) b.header("Authorization", "Bearer " + apiKey);
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> decide(byte[] envelope, long deadlineMs) throws Exception {
        return post("/v1/decide?deadline_ms=" + deadlineMs, "application/json", envelope, key);
    }

    static HttpResponse<String> get(String pathAndQuery, String apiKey) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(platform.gateUrl() + pathAndQuery))
                .timeout(Duration.ofSeconds(60))
                .GET();
        if (apiKey != null) b.header("Authorization", "Bearer " + apiKey);
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode json(HttpResponse<String> r) throws Exception {
        return Json.MAPPER.readTree(r.body());
    }

    static String decisionIdOf(byte[] envelope) throws Exception {
        JsonNode e = Json.MAPPER.readTree(envelope);
        return Decision.idFor(e.path("event_class").asText(), e.path("event_id").asText());
    }

    /** The decision the effect ledger holds for {@code decisionId}, once the Action Layer has applied it. */
    static JsonNode applied(String decisionId) {
        AtomicReference<JsonNode> out = new AtomicReference<>();
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            var effect = platform.ledger().find(run.runId(), decisionId);
            assertThat(effect).isPresent();
            out.set(effect.get().decision().toJson());
        });
        return out.get();
    }

    @Test
    @Order(1)
    void aTransactionIsAnsweredWithTheDecisionThePlatformRecords() throws Exception {
        firstSent = transactions.get(next++);
        HttpResponse<String> r = decide(firstSent, 20_000);
        run.countSent(1);

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        first = json(r);
        assertThat(first.path("status").asText()).isEqualTo("DECIDED");
        assertThat(first.path("receipt").path("outcome").asText()).isEqualTo("ADMITTED");
        assertThat(first.path("receipt").path("receipt_id").asText()).isNotBlank();
        JsonNode d = first.path("decision");
        assertThat(d.path("decision_id").asText()).isEqualTo(decisionIdOf(firstSent));
        assertThat(d.path("platform_run_id").asText()).isEqualTo(run.runId());
        assertThat(d.path("action").asText()).isIn("APPROVE", "STEP_UP", "REVIEW", "DECLINE");
        assertThat(d.path("score").asDouble(-1)).isBetween(0.0, 1.0);
        assertThat(d.path("reasons").isArray()).isTrue();
        assertThat(d.path("degrade_mode").asText()).isIn("FULL", "PARTIAL_CONTEXT", "RULES_ONLY", "FAIL_SAFE");
        assertThat(d.path("degrade_reason").asText()).isNotBlank();
        assertThat(d.path("bundle_id").asText()).isEqualTo("rules-v1");
        // What the caller was told is what the platform decided and applied, field for field.
        assertThat(d).isEqualTo(applied(d.path("decision_id").asText()));
    }

    @Test
    @Order(2)
    void theSameEventSentAgainGetsTheSameDecisionNeverASecond() throws Exception {
        HttpResponse<String> again = decide(firstSent, 20_000);
        run.countSent(1);
        assertThat(again.statusCode()).as(again.body()).isEqualTo(200);
        JsonNode a = json(again);
        assertThat(a.path("receipt").path("outcome").asText()).isEqualTo("DUPLICATE");
        assertThat(a.path("decision")).isEqualTo(first.path("decision"));

        // A small batch (NDJSON) of four new transactions and the old one: five results, in order, all decided.
        List<byte[]> batch = new ArrayList<>(transactions.subList(next, next + 4));
        next += 4;
        batch.add(firstSent);
        HttpResponse<String> r = post("/v1/decide?deadline_ms=20000", "application/x-ndjson", ndjson(batch), key);
        run.countSent(batch.size());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode results = json(r).path("results");
        assertThat(results).hasSize(5);
        for (int i = 0; i < 5; i++) {
            JsonNode res = results.get(i);
            assertThat(res.path("status").asText()).isEqualTo("DECIDED");
            assertThat(res.path("decision").path("decision_id").asText()).isEqualTo(decisionIdOf(batch.get(i)));
            assertThat(res.path("receipt").path("outcome").asText()).isEqualTo(i < 4 ? "ADMITTED" : "DUPLICATE");
        }
        assertThat(results.get(4).path("decision")).isEqualTo(first.path("decision"));

        // One decision and one effect per transaction, however often it was sent.
        long admitted = platform.receipts().admittedByEventClass(run.runId()).getOrDefault("txn.authorization", 0L);
        assertThat(admitted).isEqualTo(5);
        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(
                        () -> assertThat(platform.ledger().count(run.runId())).isEqualTo(admitted));
    }

    @Test
    @Order(3)
    void pastItsDeadlineTheCallerGets202AndFindsTheDecisionAtItsUrl() throws Exception {
        // A deadline of 1 ms passes while the gate is still receipting: the answer is 202 (unless the decision came
        // back
        // faster than that, which a few tries rule out).
        List<HttpResponse<String>> pending = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            HttpResponse<String> r = decide(transactions.get(next++), 1);
            run.countSent(1);
            assertThat(r.statusCode()).as(r.body()).isIn(200, 202);
            if (r.statusCode() == 202) pending.add(r);
        }
        assertThat(pending).isNotEmpty();
        for (HttpResponse<String> r : pending) {
            JsonNode body = json(r);
            assertThat(body.path("status").asText()).isEqualTo("PENDING");
            assertThat(body.path("receipt").path("outcome").asText()).isEqualTo("ADMITTED");
            String url = body.path("decision_url").asText();
            assertThat(r.headers().firstValue("Location")).hasValue(url);
            assertThat(get(url, null).statusCode()).isEqualTo(401);
            // A key of a producer the run does not name reads none of its decisions.
            assertThat(get(url, outsider).statusCode()).isEqualTo(404);
            AtomicReference<JsonNode> found = new AtomicReference<>();
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                HttpResponse<String> g = get(url, key);
                assertThat(g.statusCode()).as(g.body()).isEqualTo(200);
                found.set(json(g));
            });
            String decisionId = found.get().path("decision_id").asText();
            assertThat(url).startsWith("/v1/decisions/" + decisionId + "?run=" + run.runId());
            assertThat(found.get()).isEqualTo(applied(decisionId));
        }
    }

    @Test
    @Order(4)
    void badInputGetsOneClearLineAndIngestsNothing() throws Exception {
        Map<String, Long> before = platform.receipts().countsByOutcome(run.runId());
        byte[] txn = transactions.get(next);
        List<HttpResponse<String>> refused = List.of(
                post("/v1/decide?deadline_ms=soon", "application/json", txn, key),
                post("/v1/decide?deadline_ms=0", "application/json", txn, key),
                post("/v1/decide?deadline_ms=30001", "application/json", txn, key),
                post("/v1/decide", "application/json", aContextEvent, key),
                post("/v1/decide", "application/json", " \n".getBytes(StandardCharsets.UTF_8), key),
                post("/v1/decide", "application/x-ndjson", ndjson(transactions.subList(next, next + 17)), key),
                post("/v1/decide", "application/json", txn, null),
                post("/v1/decide", "application/json", txn, "not-a-key"));
        assertThat(refused.stream().map(HttpResponse::statusCode).toList())
                .containsExactly(400, 400, 400, 400, 400, 413, 401, 401);
        assertThat(json(refused.get(0)).path("error").asText()).contains("deadline_ms");
        assertThat(json(refused.get(3)).path("error").asText()).contains("/v1/events");
        for (HttpResponse<String> r : refused) {
            assertThat(r.body()).doesNotContain("Exception", "org.", "java.", "SQL", "\n");
            assertThat(json(r).path("error").asText()).isNotBlank();
        }
        assertThat(platform.receipts().countsByOutcome(run.runId())).isEqualTo(before);

        // Broken JSON is no transaction the gate can read: it is receipted as quarantined, and answered 422 with it.
        HttpResponse<String> broken =
                post("/v1/decide", "application/json", "{not json".getBytes(StandardCharsets.UTF_8), key);
        // (Receipted, but in no run: it names none the gate could read, so this run does not count it.)
        assertThat(broken.statusCode()).as(broken.body()).isEqualTo(422);
        assertThat(json(broken).path("status").asText()).isEqualTo("QUARANTINED");
        assertThat(json(broken).path("receipt").path("reason").asText()).isEqualTo("MALFORMED");

        HttpResponse<String> noRun = get("/v1/decisions/dec-txn.authorization-x", key);
        assertThat(noRun.statusCode()).isEqualTo(400);
        HttpResponse<String> unknown = get("/v1/decisions/dec-txn.authorization-x?run=" + run.runId(), key);
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.headers().firstValue("Retry-After")).isPresent();
    }

    @Test
    @Order(5)
    void farPastCapacityTheGateShedsDecideNeverHangsAndTheLoopRecovers() throws Exception {
        // A second world, streamed through /v1/events as fast as the gate takes it, while callers ask for decisions of
        // its transactions and the decision loop is held: a loop that has fallen far behind the gate, made certain.
        // (Left running, the loop on this box decides several times slower than the gate ingests, but under a loaded
        // CI machine the two slow down together and the backlog could stay under its bound for the whole flood.)
        String world = TestWorlds.passed(platform, 22, 6_000);
        PlatformRun flood =
                PlatformRun.start(platform, world, DecisionBundle.builtIn("rules-v1"), Set.of(PRODUCER), s -> {});
        List<byte[]> floodTxns =
                IngressBench.envelopes(platform, world, flood.runId(), row -> Topics.isTransaction(row.eventClass()));
        AtomicReference<WorldStreamer> streamer = new AtomicReference<>();
        AtomicReference<Throwable> streamFailed = new AtomicReference<>();
        Thread streaming = new Thread(() -> {
            try {
                flood.stream(-1, 0, platform.gateUrl(), s -> {
                    streamer.set(s);
                    return s;
                });
            } catch (Throwable e) {
                streamFailed.set(e);
            }
        });
        platform.holdLoop();
        streaming.start();
        Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
        List<String> shedReasons = Collections.synchronizedList(new ArrayList<>());
        List<String> pendingUrls = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger receipted = new AtomicInteger();
        AtomicInteger nextTxn = new AtomicInteger();
        List<Thread> callers = new ArrayList<>();
        for (int c = 0; c < 6; c++) {
            Thread t = new Thread(() -> {
                int i;
                while (streaming.isAlive() && (i = nextTxn.getAndAdd(7)) < floodTxns.size()) {
                    try {
                        HttpResponse<String> r = decide(floodTxns.get(i), 300);
                        statuses.computeIfAbsent(r.statusCode(), s -> new AtomicInteger())
                                .incrementAndGet();
                        if (r.statusCode() == 429 || r.statusCode() == 503) {
                            assertThat(r.headers().firstValue("Retry-After")).isPresent();
                            shedReasons.add(json(r).path("error").asText());
                        } else receipted.incrementAndGet();
                        if (r.statusCode() == 202)
                            pendingUrls.add(json(r).path("decision_url").asText());
                    } catch (Exception e) {
                        // A request that did not answer within a minute hung: the test fails on it below.
                        statuses.computeIfAbsent(-1, s -> new AtomicInteger()).incrementAndGet();
                    }
                }
            });
            t.start();
            callers.add(t);
        }
        // The gate sheds load because the loop is past its bound: callers are told so, and the streamer is pushed back.
        // Then the loop is released, while the flood and the callers go on.
        try {
            await().atMost(Duration.ofSeconds(120))
                    .until(() -> streamer.get() != null
                            && streamer.get().backpressureCount() > 0
                            && List.copyOf(shedReasons).stream()
                                    .anyMatch(m -> m.contains("decision loop") && m.contains("events behind")));
        } finally {
            platform.releaseLoop();
        }
        streaming.join(300_000);
        for (Thread t : callers) t.join(120_000);
        assertThat(streamFailed.get()).isNull();
        flood.countSent(receipted.get());

        // Every caller was answered: decided, 202, or shed with Retry-After; none hung, none failed otherwise.
        assertThat(statuses.keySet()).isSubsetOf(200, 202, 429, 503);
        assertThat(statuses).containsKey(202); // callers of a held loop were told where their decision would be

        // Once the load is gone the loop catches up, every pending decision is found, and a caller is answered with
        // its decision within its deadline again.
        assertThat(flood.awaitDrain(Duration.ofSeconds(180))).isTrue();
        for (String url : pendingUrls) assertThat(get(url, key).statusCode()).isEqualTo(200);
        HttpResponse<String> calm = decide(transactions.get(next++), 20_000);
        run.countSent(1);
        assertThat(calm.statusCode()).as(calm.body()).isEqualTo(200);
        assertThat(json(calm).path("status").asText()).isEqualTo("DECIDED");

        RunReport report = flood.finish().run();
        assertThat(report.reconciled()).as("flood run reconciles: %s", report).isTrue();
    }

    @Test
    @Order(6)
    void theRunReconcilesWithEveryEventThisTestHadReceipted() throws Exception {
        assertThat(run.awaitDrain(Duration.ofSeconds(120))).isTrue();
        RunReport report = run.finish().run();
        assertThat(report.reconciled()).as("run reconciles: %s", report).isTrue();
        assertThat(report.admittedTransactions()).isEqualTo(next);
    }

    static byte[] ndjson(List<byte[]> lines) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (byte[] l : lines) {
            out.writeBytes(l);
            out.write('\n');
        }
        return out.toByteArray();
    }
}
