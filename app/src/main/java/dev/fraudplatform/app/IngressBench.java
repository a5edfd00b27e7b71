package dev.fraudplatform.app;

import dev.fraudplatform.core.envelope.Times;
import dev.fraudplatform.core.ingress.BackpressureException;
import dev.fraudplatform.core.ingress.Receipt;
import dev.fraudplatform.core.run.RunFacts;
import dev.fraudplatform.core.run.RunIds;
import dev.fraudplatform.core.run.RunState;
import dev.fraudplatform.ingress.http.HttpIngressClient;
import dev.fraudplatform.world.ScenarioRunner;
import dev.fraudplatform.world.WorldBuilder;
import dev.fraudplatform.world.WorldConfig;
import dev.fraudplatform.world.WorldReader;
import dev.fraudplatform.world.WorldRow;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import jdk.jfr.Recording;

/**
 * {@code fp bench ingress}: events/s through the gate's HTTP API with PostgreSQL receipts and Kafka publication, batch
 * latency, and a JFR CPU profile of the measured phase (where the time goes, by method and by platform class).
 * Envelopes are prepared before the clock starts, so the world reader is not measured.
 */
public final class IngressBench {
    private IngressBench() {}

    public static int run(int transactions, int lanes, int batch, long seed, boolean profile) throws Exception {
        PlatformConfig cfg = PlatformConfig.fromEnvironment();
        try (Platform platform = Platform.start(cfg)) {
            WorldBuilder.Result world = new WorldBuilder(platform.store())
                    .build(WorldConfig.defaults(seed, transactions), WorldBuilder.Progress.NONE);
            String runId = RunIds.newRunId();
            platform.runs()
                    .pin(new RunFacts(
                            runId,
                            world.worldId(),
                            new ScenarioRunner(platform.store()).admit(world.worldId()),
                            "bench",
                            "sha256:-",
                            "sha256:-",
                            PlatformConfig.codeVersion(),
                            Instant.now()));
            platform.runs().allowProducer(runId, Platform.STREAMER_PRODUCER);
            platform.runs().transition(runId, RunState.GATED, "bench");
            platform.runs().transition(runId, RunState.READY, "bench");
            platform.runs().transition(runId, RunState.STREAMING, "bench");
            List<List<byte[]>> batches = envelopes(platform, world.worldId(), runId, batch);
            long events = batches.stream().mapToLong(List::size).sum();
            System.out.printf(
                    Locale.ROOT,
                    "bench ingress: %,d events in %,d batches of %d, %d lanes, gate %s (%s)%n",
                    events,
                    batches.size(),
                    batch,
                    lanes,
                    platform.gateUrl(),
                    cfg.describe());

            // Warm up on a tenth, then measure the rest under a CPU profile.
            int warm = Math.max(1, batches.size() / 10);
            send(platform, batches.subList(0, warm), lanes);
            Path jfr = Files.createTempFile("fp-bench-ingress-", ".jfr");
            long[] latencies;
            long t0;
            long t1;
            Map<Long, Long> cpuBefore = BenchProfile.threadCpu();
            long gcBefore = BenchProfile.gcMillis();
            try (Recording rec = new Recording(jdk.jfr.Configuration.getConfiguration("profile"))) {
                if (profile) rec.start();
                t0 = System.nanoTime();
                latencies = send(platform, batches.subList(warm, batches.size()), lanes);
                t1 = System.nanoTime();
                if (profile) {
                    rec.stop();
                    rec.dump(jfr);
                }
            }
            long measured = batches.subList(warm, batches.size()).stream()
                    .mapToLong(List::size)
                    .sum();
            Arrays.sort(latencies);
            double secs = (t1 - t0) / 1e9;
            System.out.printf(
                    Locale.ROOT, "  %,.0f events/s (%,d events in %.2f s)%n", measured / secs, measured, secs);
            System.out.printf(
                    Locale.ROOT,
                    "  batch latency p50 %.1f ms, p99 %.1f ms, max %.1f ms%n",
                    pct(latencies, 0.50),
                    pct(latencies, 0.99),
                    latencies[latencies.length - 1] / 1e6);
            System.out.println("  receipts " + platform.receipts().countsByOutcome(runId));
            BenchProfile.cpuByThread(cpuBefore, t1 - t0);
            System.out.printf(
                    Locale.ROOT,
                    "  GC: %d ms of pauses and collection during the %.1f s measured%n",
                    BenchProfile.gcMillis() - gcBefore,
                    (t1 - t0) / 1e9);
            if (profile) BenchProfile.profile(jfr);
            Files.deleteIfExists(jfr);
            return 0;
        }
    }

    static List<List<byte[]>> envelopes(Platform platform, String worldId, String runId, int batch) {
        List<byte[]> all = envelopes(platform, worldId, runId, row -> true);
        List<List<byte[]>> out = new ArrayList<>();
        for (int i = 0; i < all.size(); i += batch) out.add(all.subList(i, Math.min(all.size(), i + batch)));
        return out;
    }

    /** The envelopes of the world's events {@code keep} accepts, in world order, for run {@code runId}. */
    static List<byte[]> envelopes(
            Platform platform, String worldId, String runId, java.util.function.Predicate<WorldRow> keep) {
        List<byte[]> out = new ArrayList<>();
        String emitted = Times.format(Instant.now());
        try (WorldReader r = new WorldReader(platform.store(), worldId, List.of())) {
            while (r.hasNext()) {
                WorldRow row = r.next();
                if (!keep.test(row)) continue;
                out.add(dev.fraudplatform.core.envelope.Envelope.canonicalBytes(
                        runId,
                        row.eventClass(),
                        row.eventId(),
                        row.schemaVersion(),
                        row.eventTimeText(),
                        emitted,
                        row.partitionKey(),
                        row.payloadJson()));
            }
        }
        return out;
    }

    /** Sends the batches over {@code lanes} parallel clients; returns each batch's latency in nanoseconds. */
    private static long[] send(Platform platform, List<List<byte[]>> batches, int lanes) throws InterruptedException {
        long[] latencies = new long[batches.size()];
        AtomicInteger next = new AtomicInteger();
        List<Thread> threads = new ArrayList<>();
        List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int l = 0; l < lanes; l++) {
            HttpIngressClient client = new HttpIngressClient(platform.gateUrl(), platform.streamerKey());
            Thread t = new Thread(
                    () -> {
                        int i;
                        while ((i = next.getAndIncrement()) < batches.size()) {
                            long s = System.nanoTime();
                            while (true) {
                                try {
                                    List<Receipt> r = client.submit(batches.get(i));
                                    if (r.size() != batches.get(i).size())
                                        throw new IllegalStateException("receipts missing");
                                    break;
                                } catch (BackpressureException e) {
                                    try {
                                        Thread.sleep(e.retryAfterMillis());
                                    } catch (InterruptedException ie) {
                                        return;
                                    }
                                } catch (RuntimeException e) {
                                    failures.add(e);
                                    return;
                                }
                            }
                            latencies[i] = System.nanoTime() - s;
                        }
                    },
                    "bench-lane-" + l);
            t.start();
            threads.add(t);
        }
        for (Thread t : threads) t.join();
        if (!failures.isEmpty()) throw new IllegalStateException("bench failed: " + failures.get(0), failures.get(0));
        return latencies;
    }

    private static double pct(long[] sorted, double p) {
        return sorted[Math.min(sorted.length - 1, (int) Math.floor(p * sorted.length))] / 1e6;
    }
}
