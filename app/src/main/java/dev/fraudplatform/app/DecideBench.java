package dev.fraudplatform.app;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fraudplatform.core.bus.Topics;
import dev.fraudplatform.core.json.Json;
import dev.fraudplatform.decision.bundle.DecisionBundle;
import dev.fraudplatform.ops.RunReport;
import dev.fraudplatform.world.WorldBuilder;
import dev.fraudplatform.world.WorldConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;

/**
 * {@code fp bench decide}: the synchronous decision API as a card switch calls it. A world's context and labels go
 * through {@code /v1/events} first (context feeds run ahead of authorisations); then its transactions are offered to
 * {@code POST /v1/decide}, one per request, at a fixed rate from separate client threads, each request due at its
 * slot in the schedule. Latency is counted from that slot, not from when a thread got round to sending it, so a client
 * that falls behind is not hidden (no coordinated omission). A warm-up at the same rate goes first, unmeasured: on a
 * 2-core machine the JIT is still compiling the platform's hot paths a minute after a start, on the cores the platform
 * needs (each phase prints how busy the compilers were). Prints the client-observed p50, p99 and p99.9, the share
 * answered with the decision within the deadline, the 202s and 429s, and the decisions per second sustained; the run is
 * then drained and reconciled like any other.
 */
public final class DecideBench {
    /** The bench's producer: a run it decides in allows it beside the platform's streamer. */
    static final String PRODUCER = "bench-decide";

    private DecideBench() {}

    /** What one phase of requests measured. */
    record Phase(
            long[] latencyNanos,
            int decided,
            int withinDeadline,
            int pending,
            int shed,
            int other,
            int receipted,
            long gateMillisTotal,
            double seconds,
            long compileMillis) {
        int requests() {
            return latencyNanos.length;
        }

        double millis(double quantile) {
            long[] sorted = latencyNanos.clone();
            Arrays.sort(sorted);
            int i = (int) Math.min(sorted.length - 1, Math.max(0, Math.ceil(quantile * sorted.length) - 1));
            return sorted.length == 0 ? Double.NaN : sorted[i] / 1e6;
        }
    }

    public static int run(double rate, int seconds, int warmupSeconds, int threads, long deadlineMs, long seed)
            throws Exception {
        int measured = (int) Math.ceil(rate * seconds);
        int warm = (int) Math.max(1, Math.ceil(rate * warmupSeconds));
        PlatformConfig cfg = PlatformConfig.fromEnvironment();
        try (Platform platform = Platform.start(cfg)) {
            String world = new WorldBuilder(platform.store())
                    .build(WorldConfig.defaults(seed, warm + measured), WorldBuilder.Progress.NONE)
                    .worldId();
            PlatformRun run =
                    PlatformRun.start(platform, world, DecisionBundle.builtIn("rules-v1"), Set.of(PRODUCER), s -> {});
            String key = platform.producerKeys().issue(PRODUCER);
            System.out.printf(
                    Locale.ROOT,
                    "bench decide: %s; world %s (%,d transactions), run %s; %d client threads, deadline %d ms%n",
                    cfg.describe(),
                    world,
                    warm + measured,
                    run.runId(),
                    threads,
                    deadlineMs);
            long t0 = System.nanoTime();
            contextFirst(platform, run);
            System.out.printf(
                    Locale.ROOT,
                    "context and labels through %s and consumed by the loop in %.1f s%n",
                    "/v1/events",
                    (System.nanoTime() - t0) / 1e9);
            List<byte[]> txns =
                    IngressBench.envelopes(platform, world, run.runId(), row -> Topics.isTransaction(row.eventClass()));
            String url = platform.gateUrl() + "/v1/decide?deadline_ms=" + deadlineMs;
            Phase warmup = offer(url, key, txns.subList(0, warm), rate, threads, deadlineMs);
            print("warm-up", rate, deadlineMs, warmup);
            run.countSent(warmup.receipted());
            Phase phase = offer(url, key, txns.subList(warm, txns.size()), rate, threads, deadlineMs);
            print("measured", rate, deadlineMs, phase);
            run.countSent(phase.receipted());
            if (!run.awaitDrain(Duration.ofSeconds(120)))
                throw new IllegalStateException("run " + run.runId() + " did not drain");
            RunReport report = run.finish().run();
            System.out.printf(
                    Locale.ROOT,
                    "run %s: %,d decisions, %s; by degrade mode %s%n",
                    report.platformRunId(),
                    report.admittedTransactions(),
                    report.reconciled() ? "reconciled" : "NOT RECONCILED",
                    report.decisions().byDegradeMode());
            BenchGoals.print(List.of(new BenchGoals.Row(
                    "fp bench decide p99 at " + (long) rate + " requests/s", phase.millis(0.99), "ms", 50, 10, false)));
            return report.reconciled() ? 0 : 1;
        }
    }

    /**
     * Streams the run's context and labels (every event but its transactions) through the gate, with no end of stream
     * announced (its transactions are still to come), and waits until the loop has consumed them.
     */
    static void contextFirst(Platform platform, PlatformRun run) throws Exception {
        run.stream(
                -1,
                0,
                platform.gateUrl(),
                s -> s.withFilter(row -> !Topics.isTransaction(row.eventClass()))
                        .withLaneDone(lane -> {}));
        long deadline = System.currentTimeMillis() + 300_000;
        while (platform.busAdmin()
                        .consumerLag(dev.fraudplatform.rtdl.loop.DecisionFabricRole.APPLICATION_ID, Topics.TRAFFIC)
                > 0) {
            if (System.currentTimeMillis() > deadline)
                throw new IllegalStateException("the decision loop did not consume the run's context in 5 minutes");
            Thread.sleep(100);
        }
    }

    /**
     * Offers {@code envelopes} to {@code url}, one per request, request i due at {@code i / rate} seconds, from
     * {@code threads} threads.
     */
    static Phase offer(String url, String key, List<byte[]> envelopes, double rate, int threads, long deadlineMs)
            throws InterruptedException {
        int n = envelopes.size();
        AtomicLongArray latency = new AtomicLongArray(n);
        AtomicInteger next = new AtomicInteger();
        AtomicInteger decided = new AtomicInteger(), within = new AtomicInteger(), pending = new AtomicInteger();
        AtomicInteger shed = new AtomicInteger(), other = new AtomicInteger(), receipted = new AtomicInteger();
        java.util.concurrent.atomic.AtomicLong gateMillis = new java.util.concurrent.atomic.AtomicLong();
        java.util.Map<String, Integer> shedWhy = new java.util.concurrent.ConcurrentHashMap<>();
        HttpClient client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .executor(Executors.newFixedThreadPool(4, r -> {
                    Thread t = new Thread(r, "bench-decide-http");
                    t.setDaemon(true);
                    return t;
                }))
                .connectTimeout(Duration.ofSeconds(5))
                .build();
        long compiledBefore = compileMillis();
        long start = System.nanoTime();
        double interval = 1e9 / rate;
        List<Thread> clients = new ArrayList<>();
        for (int c = 0; c < threads; c++) {
            Thread t = new Thread(
                    () -> {
                        int i;
                        while ((i = next.getAndIncrement()) < n) {
                            long due = start + (long) (i * interval);
                            long wait = due - System.nanoTime();
                            if (wait > 0) LockSupport.parkNanos(wait);
                            HttpRequest req = HttpRequest.newBuilder(URI.create(url))
                                    .timeout(Duration.ofSeconds(30))
                                    .header("Authorization", "Bearer " + key)
                                    .header("Content-Type", "application/json")
                                    .POST(HttpRequest.BodyPublishers.ofByteArray(envelopes.get(i)))
                                    .build();
                            try {
                                HttpResponse<byte[]> r = client.send(req, HttpResponse.BodyHandlers.ofByteArray());
                                long took = System.nanoTime() - due;
                                latency.set(i, took);
                                // Answered with its receipt (an answer of 429 or 503 ingested nothing).
                                if (r.statusCode() == 200 || r.statusCode() == 202 || r.statusCode() == 422)
                                    receipted.incrementAndGet();
                                switch (r.statusCode()) {
                                    case 200 -> {
                                        JsonNode body = Json.MAPPER.readTree(r.body());
                                        gateMillis.addAndGet(
                                                body.path("receipted_ms").asLong());
                                        if ("DECIDED".equals(body.path("status").asText())) {
                                            decided.incrementAndGet();
                                            if (took <= deadlineMs * 1_000_000L) within.incrementAndGet();
                                        } else other.incrementAndGet();
                                    }
                                    case 202 -> pending.incrementAndGet();
                                    case 429, 503 -> {
                                        shed.incrementAndGet();
                                        String why = Json.MAPPER
                                                .readTree(r.body())
                                                .path("error")
                                                .asText();
                                        shedWhy.merge(why.replaceAll("[0-9]+", "N"), 1, Integer::sum);
                                    }
                                    default -> other.incrementAndGet();
                                }
                            } catch (Exception e) {
                                latency.set(i, System.nanoTime() - due);
                                other.incrementAndGet();
                            }
                        }
                    },
                    "bench-decide-client-" + c);
            t.start();
            clients.add(t);
        }
        for (Thread t : clients) t.join();
        double seconds = (System.nanoTime() - start) / 1e9;
        long[] out = new long[n];
        for (int i = 0; i < n; i++) out[i] = latency.get(i);
        shedWhy.forEach((why, count) -> System.out.printf(Locale.ROOT, "  shed %,d times: %s%n", count, why));
        return new Phase(
                out,
                decided.get(),
                within.get(),
                pending.get(),
                shed.get(),
                other.get(),
                receipted.get(),
                gateMillis.get(),
                seconds,
                compileMillis() - compiledBefore);
    }

    /**
     * The JIT compilers' time compiling so far in this JVM, in ms, summed over their threads (elapsed, not CPU: 0 where
     * the JVM does not tell).
     */
    private static long compileMillis() {
        java.lang.management.CompilationMXBean jit = java.lang.management.ManagementFactory.getCompilationMXBean();
        return jit != null && jit.isCompilationTimeMonitoringSupported() ? jit.getTotalCompilationTime() : 0;
    }

    private static void print(String label, double rate, long deadlineMs, Phase p) {
        System.out.printf(
                Locale.ROOT,
                "%s: %,d requests offered at %,.0f/s in %.1f s: client-observed p50 %.1f ms, p99 %.1f ms, p99.9 %.1f ms,"
                        + " max %.1f ms%n",
                label,
                p.requests(),
                rate,
                p.seconds(),
                p.millis(0.50),
                p.millis(0.99),
                p.millis(0.999),
                p.millis(1.0));
        System.out.printf(
                Locale.ROOT,
                "  %.1f%% answered with the decision within the %d ms deadline; %,d decided, %,d answered 202 (decision"
                        + " later), %,d shed (429/503), %,d other; %,.0f decisions/s sustained%n",
                100.0 * p.withinDeadline() / Math.max(1, p.requests()),
                deadlineMs,
                p.decided(),
                p.pending(),
                p.shed(),
                p.other(),
                p.decided() / p.seconds());
        System.out.printf(
                Locale.ROOT,
                "  of a decided request's time in the gate, %.1f ms on average went to its receipt (schema, dedupe,"
                        + " outbox, bus), the rest to the decision loop%n",
                (double) p.gateMillisTotal() / Math.max(1, p.decided()));
        // On a small machine the JIT compiles the platform's hot paths (broker, clients, Streams, Jetty, the gate)
        // for minutes after a start, on the same cores: a phase it takes much of is not yet the steady state.
        System.out.printf(
                Locale.ROOT,
                "  JIT compilers at work %.1f s of the phase's %.1f s (their threads' time compiling, summed; on a"
                        + " busy machine partly waiting for a core): %s%n",
                p.compileMillis() / 1e3,
                p.seconds(),
                p.compileMillis() / 1e3 > 0.2 * p.seconds()
                        ? "still warming up; a longer --warmup-seconds measures nearer the steady state"
                        : "warm");
        System.out.println("  " + LoopMetrics.now());
    }
}
