package dev.fraudplatform.app;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

/**
 * What the benches print about where time went: JVM CPU by thread group over a measured phase, GC time, and a JFR CPU
 * profile summarised by platform area, by the decision loop's stream threads, by thread and by top method.
 */
final class BenchProfile {
    private BenchProfile() {}

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
            topFrames.merge(
                    top.getMethod().getType().getName() + "." + top.getMethod().getName(), 1, Integer::sum);
            byArea.merge(area(frames), 1, Integer::sum);
            String thread = e.getThread("sampledThread") == null
                    ? "?"
                    : String.valueOf(e.getThread("sampledThread").getJavaName());
            for (RecordedFrame f : frames) {
                String type = f.getMethod().getType().getName();
                if (type.startsWith("dev.fraudplatform") || frames.indexOf(f) > 25) {
                    byThreadFrame.merge(
                            threadGroup(thread) + " <- " + type.substring(type.lastIndexOf('.') + 1) + "."
                                    + f.getMethod().getName(),
                            1,
                            Integer::sum);
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
        byArea.entrySet().stream()
                .sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
                .forEach(en -> System.out.printf(
                        Locale.ROOT, "    %5.1f%%  %s%n", 100.0 * en.getValue() / total, en.getKey()));
        if (loopSamples > 0) {
            System.out.printf(
                    Locale.ROOT,
                    "  of which the decision loop's stream threads: %,d samples, where they go:%n",
                    loopSamples);
            final int loopTotal = loopSamples;
            loopAreas.entrySet().stream()
                    .sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
                    .limit(10)
                    .forEach(en -> System.out.printf(
                            Locale.ROOT, "    %5.1f%%  %s%n", 100.0 * en.getValue() / loopTotal, en.getKey()));
        }
        System.out.println("  by thread, the platform method on top of each stack:");
        byThreadFrame.entrySet().stream()
                .sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
                .limit(15)
                .forEach(en -> System.out.printf(
                        Locale.ROOT, "    %5.1f%%  %s%n", 100.0 * en.getValue() / total, en.getKey()));
        System.out.println("  hottest methods:");
        topFrames.entrySet().stream()
                .sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
                .limit(12)
                .forEach(en -> System.out.printf(
                        Locale.ROOT, "    %5.1f%%  %s%n", 100.0 * en.getValue() / total, en.getKey()));
    }

    static long gcMillis() {
        return java.lang.management.ManagementFactory.getGarbageCollectorMXBeans().stream()
                .mapToLong(g -> Math.max(0, g.getCollectionTime()))
                .sum();
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
        System.out.printf(
                Locale.ROOT,
                "  JVM CPU during the measured phase: %.2f cores of 2 (PostgreSQL is a separate process), by thread:%n",
                (double) total / wallNanos);
        byGroup.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .limit(10)
                .forEach(e -> System.out.printf(
                        Locale.ROOT, "    %5.2f  %s%n", (double) e.getValue() / wallNanos, e.getKey()));
    }

    /** Thread names without their numbers, so pools count as one. */
    private static String threadGroup(String name) {
        if (name == null) return "?";
        String n = name.replaceAll("[-_#]?\\d+", "#");
        if (n.startsWith("JettyServerThreadPool") || n.startsWith("qtp")) return "gate HTTP handlers (Jetty pool)";
        if (n.startsWith("HttpClient")) return "bench clients (HTTP)";
        if (n.startsWith("bench-lane")) return "bench clients (lanes)";
        if (n.startsWith("ig-admission-relay")) return "gate admission relay";
        if (n.startsWith("data-plane-kafka")
                || n.startsWith("kafka-")
                || n.contains("RequestHandler")
                || n.startsWith("broker")) return "Kafka broker (embedded): " + n;
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
        {"dev.fraudplatform.rtdl.loop.AccountTask", "decision loop: account task (join, pending frames)"},
        {"dev.fraudplatform.rtdl.loop.AccountFeatures", "decision loop: account task (join, pending frames)"},
        {"dev.fraudplatform.rtdl.loop.PendingFrame", "decision loop: account task (join, pending frames)"},
        {"dev.fraudplatform.rtdl.loop.JoinWait", "decision loop: account task (join, pending frames)"},
        {"dev.fraudplatform.rtdl.loop.StreamProgress", "decision loop: account task (join, pending frames)"},
        {"dev.fraudplatform.rtdl.loop.EntityProjection", "decision loop: merchant/device/IP projection"},
        {"dev.fraudplatform.decision.features", "decision loop: online features"},
        {"dev.fraudplatform.decision.graph", "decision loop: entity graph"},
        {"dev.fraudplatform.decision.scoring.DecisionFabric", "decision loop: scoring (Decision Fabric)"},
        {"dev.fraudplatform.decision.xgboost", "decision loop: scoring (Decision Fabric)"},
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
