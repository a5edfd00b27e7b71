package dev.fraudplatform.app;

import dev.fraudplatform.core.envelope.Times;
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
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;

import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

/**
 * {@code fp bench ingress}: events/s through the gate's HTTP API with PostgreSQL receipts and Kafka publication, batch
 * latency, and a JFR CPU profile of the measured phase (where the time goes, by method and by platform class).
 * Envelopes are prepared before the clock starts, so the world reader is not measured.
 */
final class IngressBench {
    private IngressBench() {}

    static int run(int transactions, int lanes, int batch, long seed, boolean profile) throws Exception {
        PlatformConfig cfg = PlatformConfig.fromEnvironment();
        try (Platform platform = Platform.start(cfg)) {
            WorldBuilder.Result world = new WorldBuilder(platform.store()).build(WorldConfig.defaults(seed, transactions), WorldBuilder.Progress.NONE);
            String runId = RunIds.newRunId();
            platform.runs().pin(new RunFacts(runId, world.worldId(), new ScenarioRunner(platform.store()).admit(world.worldId()), "bench", "sha256:-",
                    "sha256:-", PlatformConfig.codeVersion(), Instant.now()));
            platform.runs().transition(runId, RunState.GATED, "bench");
            platform.runs().transition(runId, RunState.READY, "bench");
            platform.runs().transition(runId, RunState.STREAMING, "bench");
            List<List<byte[]>> batches = envelopes(platform, world.worldId(), runId, batch);
            long events = batches.stream().mapToLong(List::size).sum();
            System.out.printf(Locale.ROOT, "bench ingress: %,d events in %,d batches of %d, %d lanes, gate %s (%s)%n", events, batches.size(), batch, lanes,
                    platform.gateUrl(), cfg.describe());

            // Warm up on a tenth, then measure the rest under a CPU profile.
            int warm = Math.max(1, batches.size() / 10);
            send(platform, batches.subList(0, warm), lanes);
            Path jfr = Files.createTempFile("fp-bench-ingress-", ".jfr");
            long[] latencies;
            long t0;
            long t1;
            Map<Long, Long> cpuBefore = threadCpu();
            long gcBefore = gcMillis();
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
            long measured = batches.subList(warm, batches.size()).stream().mapToLong(List::size).sum();
            Arrays.sort(latencies);
            double secs = (t1 - t0) / 1e9;
            System.out.printf(Locale.ROOT, "  %,.0f events/s (%,d events in %.2f s)%n", measured / secs, measured, secs);
            System.out.printf(Locale.ROOT, "  batch latency p50 %.1f ms, p99 %.1f ms, max %.1f ms%n", pct(latencies, 0.50), pct(latencies, 0.99),
                    latencies[latencies.length - 1] / 1e6);
            System.out.println("  receipts " + platform.receipts().countsByOutcome(runId));
            cpuByThread(cpuBefore, t1 - t0);
            System.out.printf(Locale.ROOT, "  GC: %d ms of pauses and collection during the %.1f s measured%n", gcMillis() - gcBefore, (t1 - t0) / 1e9);
            if (profile) profile(jfr);
            Files.deleteIfExists(jfr);
            return 0;
        }
    }

    static List<List<byte[]>> envelopes(Platform platform, String worldId, String runId, int batch) {
        List<List<byte[]>> out = new ArrayList<>();
        List<byte[]> current = new ArrayList<>(batch);
        String emitted = Times.format(Instant.now());
        try (WorldReader r = new WorldReader(platform.store(), worldId, List.of())) {
            while (r.hasNext()) {
                WorldRow row = r.next();
                current.add(dev.fraudplatform.core.envelope.Envelope.canonicalBytes(runId, row.eventClass(), row.eventId(), row.schemaVersion(),
                        row.eventTimeText(), emitted, row.partitionKey(), row.payloadJson()));
                if (current.size() == batch) {
                    out.add(current);
                    current = new ArrayList<>(batch);
                }
            }
        }
        if (!current.isEmpty()) out.add(current);
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
            Thread t = new Thread(() -> {
                int i;
                while ((i = next.getAndIncrement()) < batches.size()) {
                    long s = System.nanoTime();
                    while (true) {
                        try {
                            List<Receipt> r = client.submit(batches.get(i));
                            if (r.size() != batches.get(i).size()) throw new IllegalStateException("receipts missing");
                            break;
                        } catch (HttpIngressClient.BackpressureException e) {
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
            }, "bench-lane-" + l);
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

    /** Prints the hottest methods (top frame of each CPU sample) and the platform classes on the stack. */
    static void profile(Path jfr) throws IOException {
        Map<String, Integer> topFrames = new HashMap<>();
        Map<String, Integer> byArea = new TreeMap<>();
        Map<String, Integer> loopAreas = new TreeMap<>();
        int samples = 0;
        int loopSamples = 0;
        Map<String, Integer> byThreadFrame = new HashMap<>();
        for (RecordedEvent e : RecordingFile.readAllEvents(jfr)) {

            if (!e.getEventType().getName().equals("jdk.ExecutionSample") || e.getStackTrace() == null) continue;
            List<RecordedFrame> frames = e.getStackTrace().getFrames();
            if (frames.isEmpty()) continue;
            samples++;
            RecordedFrame top = frames.get(0);
            topFrames.merge(top.getMethod().getType().getName() + "." + top.getMethod().getName(), 1, Integer::sum);
            byArea.merge(area(frames), 1, Integer::sum);
            String thread = e.getThread("sampledThread") == null ? "?" : String.valueOf(e.getThread("sampledThread").getJavaName());
            for (RecordedFrame f : frames) {
                String type = f.getMethod().getType().getName();
                if (type.startsWith("dev.fraudplatform") || frames.indexOf(f) > 25) {
                    byThreadFrame.merge(threadGroup(thread) + " <- " + type.substring(type.lastIndexOf('.') + 1) + "." + f.getMethod().getName(), 1, Integer::sum);
                    break;
                }
            }
            if (thread.contains("StreamThread")) {
                loopSamples++;
                loopAreas.merge(area(frames), 1, Integer::sum);
            }
        }
        System.out.printf(Locale.ROOT, "  profile: %,d CPU samples of Java code (JFR, profile settings)%n", samples);
        System.out.println("  where the time goes (by the first recognised frame on each stack):");
        final int total = Math.max(1, samples);
        byArea.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
                .forEach(en -> System.out.printf(Locale.ROOT, "    %5.1f%%  %s%n", 100.0 * en.getValue() / total, en.getKey()));
        if (loopSamples > 0) {
            System.out.printf(Locale.ROOT, "  of which the decision loop's stream threads: %,d samples, where they go:%n", loopSamples);
            final int loopTotal = loopSamples;
            loopAreas.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(10)
                    .forEach(en -> System.out.printf(Locale.ROOT, "    %5.1f%%  %s%n", 100.0 * en.getValue() / loopTotal, en.getKey()));
        }
        System.out.println("  by thread, the platform method on top of each stack:");
        byThreadFrame.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(15)
                .forEach(en -> System.out.printf(Locale.ROOT, "    %5.1f%%  %s%n", 100.0 * en.getValue() / total, en.getKey()));
        System.out.println("  hottest methods:");
        topFrames.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(12)
                .forEach(en -> System.out.printf(Locale.ROOT, "    %5.1f%%  %s%n", 100.0 * en.getValue() / total, en.getKey()));
    }

    static long gcMillis() {
        return java.lang.management.ManagementFactory.getGarbageCollectorMXBeans().stream().mapToLong(g -> Math.max(0, g.getCollectionTime())).sum();
    }

    static Map<Long, Long> threadCpu() {
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        Map<Long, Long> out = new HashMap<>();
        for (long id : mx.getAllThreadIds()) out.put(id, mx.getThreadCpuTime(id));
        return out;
    }

    /** CPU the JVM's threads used during the measured phase, by thread group, in cores (this box has 2). */
    static void cpuByThread(Map<Long, Long> before, long wallNanos) {
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        Map<String, Long> byGroup = new HashMap<>();
        long total = 0;
        for (java.lang.management.ThreadInfo t : mx.getThreadInfo(mx.getAllThreadIds())) {
            if (t == null) continue;
            long now = mx.getThreadCpuTime(t.getThreadId());
            long used = now - before.getOrDefault(t.getThreadId(), 0L);
            if (now < 0 || used <= 0) continue;
            byGroup.merge(threadGroup(t.getThreadName()), used, Long::sum);
            total += used;
        }
        System.out.printf(Locale.ROOT, "  JVM CPU during the measured phase: %.2f cores of 2 (PostgreSQL is a separate process), by thread:%n", (double) total / wallNanos);
        byGroup.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(10)
                .forEach(e -> System.out.printf(Locale.ROOT, "    %5.2f  %s%n", (double) e.getValue() / wallNanos, e.getKey()));
    }

    /** Thread names without their numbers, so pools count as one. */
    private static String threadGroup(String name) {
        if (name == null) return "?";
        String n = name.replaceAll("[-_#]?\\d+", "#");
        if (n.startsWith("JettyServerThreadPool") || n.startsWith("qtp")) return "gate HTTP handlers (Jetty pool)";
        if (n.startsWith("HttpClient")) return "bench clients (HTTP)";
        if (n.startsWith("bench-lane")) return "bench clients (lanes)";
        if (n.startsWith("ig-admission-relay")) return "gate admission relay";
        if (n.startsWith("data-plane-kafka") || n.startsWith("kafka-") || n.contains("RequestHandler") || n.startsWith("broker")) return "Kafka broker (embedded): " + n;
        if (n.startsWith("kafka-producer-network-thread")) return "Kafka producer I/O";
        if (n.contains("StreamThread")) return "decision loop (Kafka Streams threads)";
        if (n.startsWith("fp-action-layer")) return "Action Layer";
        if (n.startsWith("fp-decision-log-audit")) return "Decision Log and Audit";
        if (n.startsWith("fp-world-streamer") || n.startsWith("wsp")) return "World Streamer";
        return n;
    }

    private static final String[][] AREAS = {
        {"dev.fraudplatform.core.envelope.EnvelopeValidator", "gate: envelope validation and payload hash"},
        {"dev.fraudplatform.ingress.gate.PayloadSchemas", "gate: JSON Schema validation"},
        {"dev.fraudplatform.substrate.postgres", "receipt store: PostgreSQL (JDBC)"},
        {"org.postgresql", "receipt store: PostgreSQL (JDBC)"},
        {"org.rocksdb", "decision loop: state stores (RocksDB)"},
        {"org.apache.kafka.streams.state", "decision loop: state stores (RocksDB)"},
        {"dev.fraudplatform.rtdl.fabric.AccountTask", "decision loop: account task (join, pending frames)"},
        {"dev.fraudplatform.rtdl.fabric.EntityProjection", "decision loop: merchant/device/IP projection"},
        {"dev.fraudplatform.rtdl.features", "decision loop: online features"},
        {"dev.fraudplatform.rtdl.graph", "decision loop: entity graph"},
        {"dev.fraudplatform.rtdl.fabric.DecisionFabric", "decision loop: scoring (Decision Fabric)"},
        {"dev.fraudplatform.rtdl.model", "decision loop: scoring (Decision Fabric)"},
        {"org.duckdb", "audit: Parquet segments (DuckDB)"},
        {"dev.fraudplatform.rtdl.audit", "audit: Decision Log and Audit"},
        {"dev.fraudplatform.rtdl.actions", "Action Layer"},
        {"org.apache.kafka", "bus: Kafka clients and the embedded broker"},
        {"kafka.", "bus: Kafka clients and the embedded broker"},
        {"dev.fraudplatform.ingress.http", "HTTP API (Javalin/Jetty) and the bench's clients"},
        {"org.eclipse.jetty", "HTTP API (Javalin/Jetty) and the bench's clients"},
        {"io.javalin", "HTTP API (Javalin/Jetty) and the bench's clients"},
        {"jdk.internal.net.http", "HTTP API (Javalin/Jetty) and the bench's clients"},
        {"com.fasterxml.jackson", "JSON (Jackson)"},
        {"dev.fraudplatform.ingress.gate", "gate: screening and relay"},
    };

    private static String area(List<RecordedFrame> frames) {
        for (RecordedFrame f : frames) {
            String type = f.getMethod().getType().getName();
            for (String[] a : AREAS) if (type.startsWith(a[0])) return a[1];
        }
        return "other (JVM, GC, JDK)";
    }

}
