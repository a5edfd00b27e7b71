package dev.fraudplatform.app;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fraudplatform.core.json.CanonicalJson;
import dev.fraudplatform.core.json.Json;
import dev.fraudplatform.core.json.Sha256;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

/**
 * The wiring and tuning of one platform process, from environment variables (ARCHITECTURE.md §1). Secrets, when
 * wirings need them, come from the environment too and never appear in {@link #describe()}.
 *
 * @param home           FP_HOME: where the object store, PostgreSQL data and work directories live (default .fp)
 * @param kafkaBootstrap FP_KAFKA_BOOTSTRAP: an external cluster; null means an embedded broker
 * @param pgUrl          FP_PG_URL: an external PostgreSQL JDBC URL; null means embedded PostgreSQL
 * @param partitions     FP_PARTITIONS: partitions per platform topic (default 1: strict mode; more is scaled mode)
 * @param streamThreads  FP_STREAM_THREADS: Kafka Streams threads of the decision loop (default 1)
 * @param batchSize      FP_BATCH: events per streamer batch into the gate (default 1000)
 * @param lanes          FP_LANES: parallel streamer lanes (default: one per partition, so each lane feeds whole
 *                       partitions evenly and the loop's event-time watermarks advance together)
 * @param gatePort       FP_GATE_PORT: the gate's HTTP port on 127.0.0.1; 0 (the default) takes any free port
 * @param redisUrl       FP_REDIS_URL: the join plane on Redis; null keeps it in Kafka Streams state stores
 * @param joinWaitMs     FP_JOIN_WAIT_MS: how long a frame waits for stalled projections or idle context (default 2000)
 * @param commitMs       FP_COMMIT_MS: the decision loop's commit interval, which bounds its latency (default 100)
 * @param opsPort        FP_OPS_PORT: the ops console and {@code /metrics} on 127.0.0.1; -1 (the default) serves none,
 *                       0 takes any free port ({@code fp serve} defaults to 8088)
 * @param consolePort    FP_CONSOLE_PORT: the investigator's console on 127.0.0.1; -1 (the default) serves none, 0 takes
 *                       any free port ({@code fp serve} defaults to 8089)
 * @param otlpEndpoint   FP_OTLP_ENDPOINT: where traces go over OTLP/HTTP (e.g. http://127.0.0.1:4318); null: no tracing
 * @param traceRatio     FP_TRACE_RATIO: the share of events traced when exporting, chosen by trace id at the gate so
 *                       that an event's trace is whole or absent (default 1: every event; lower it at high rates)
 */
public record PlatformConfig(
        Path home,
        String kafkaBootstrap,
        String pgUrl,
        int partitions,
        int streamThreads,
        int batchSize,
        int lanes,
        int gatePort,
        String redisUrl,
        int joinWaitMs,
        int commitMs,
        int opsPort,
        int consolePort,
        String otlpEndpoint,
        double traceRatio) {

    /** From the environment; the system property {@code fp.home}, when set, overrides {@code FP_HOME}. */
    public static PlatformConfig fromEnvironment() {
        Map<String, String> env = new java.util.HashMap<>(System.getenv());
        String home = System.getProperty("fp.home");
        if (home != null && !home.isBlank()) env.put("FP_HOME", home);
        return from(env);
    }

    static PlatformConfig from(Map<String, String> env) {
        // Strict mode by default: on 2 cores it measured faster than scaled mode (6 partitions, 2 threads) on every
        // count
        // (fp bench e2e: 3.1k against 1.9k events/s), and it is a total order. Scaled mode is one variable away.
        int partitions = intOf(env, "FP_PARTITIONS", 1);
        return new PlatformConfig(
                Path.of(env.getOrDefault("FP_HOME", ".fp")).toAbsolutePath(),
                blankToNull(env.get("FP_KAFKA_BOOTSTRAP")),
                blankToNull(env.get("FP_PG_URL")),
                partitions,
                intOf(env, "FP_STREAM_THREADS", 1),
                intOf(env, "FP_BATCH", 1000),
                intOf(env, "FP_LANES", partitions),
                portOf(env, "FP_GATE_PORT", 0),
                blankToNull(env.get("FP_REDIS_URL")),
                intOf(env, "FP_JOIN_WAIT_MS", 2000),
                intOf(env, "FP_COMMIT_MS", 100),
                portOf(env, "FP_OPS_PORT", -1),
                portOf(env, "FP_CONSOLE_PORT", -1),
                blankToNull(env.get("FP_OTLP_ENDPOINT")),
                ratioOf(env, "FP_TRACE_RATIO", 1));
    }

    /** The object store of this home ({@code $FP_HOME/store}), as {@link Wiring#objectStore} chooses it. */
    public dev.fraudplatform.core.store.ObjectStore objectStore() {
        return Wiring.objectStore(this);
    }

    public PlatformConfig withHome(Path newHome) {
        return new PlatformConfig(
                newHome,
                kafkaBootstrap,
                pgUrl,
                partitions,
                streamThreads,
                batchSize,
                lanes,
                gatePort,
                redisUrl,
                joinWaitMs,
                commitMs,
                opsPort,
                consolePort,
                otlpEndpoint,
                traceRatio);
    }

    public PlatformConfig withTopology(int newPartitions, int newStreamThreads) {
        return new PlatformConfig(
                home,
                kafkaBootstrap,
                pgUrl,
                newPartitions,
                newStreamThreads,
                batchSize,
                lanes,
                gatePort,
                redisUrl,
                joinWaitMs,
                commitMs,
                opsPort,
                consolePort,
                otlpEndpoint,
                traceRatio);
    }

    /** The same, serving the investigator's console on {@code port} (0: any free port). */
    public PlatformConfig withConsolePort(int port) {
        return new PlatformConfig(
                home,
                kafkaBootstrap,
                pgUrl,
                partitions,
                streamThreads,
                batchSize,
                lanes,
                gatePort,
                redisUrl,
                joinWaitMs,
                commitMs,
                opsPort,
                port,
                otlpEndpoint,
                traceRatio);
    }

    /** The same, serving the ops console and {@code /metrics} on {@code port} (0: any free port). */
    public PlatformConfig withOpsPort(int port) {
        return new PlatformConfig(
                home,
                kafkaBootstrap,
                pgUrl,
                partitions,
                streamThreads,
                batchSize,
                lanes,
                gatePort,
                redisUrl,
                joinWaitMs,
                commitMs,
                port,
                consolePort,
                otlpEndpoint,
                traceRatio);
    }

    /** The wiring name: embedded when both Kafka and PostgreSQL are in-process. */
    public String wiring() {
        return kafkaBootstrap == null && pgUrl == null ? "embedded" : "local";
    }

    /**
     * SHA-256 of the settings that can change a decision (none of the wiring), so that two runs of one world on
     * two wirings pin the same config digest.
     */
    public String decisionConfigDigest(String bundleId) {
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.put("bundle_id", bundleId);
        n.put("feature_state", "per-run-per-entity");
        return Sha256.hex(CanonicalJson.bytes(n));
    }

    public String describe() {
        return "wiring " + wiring() + ", home " + home + ", kafka "
                + (kafkaBootstrap == null ? "embedded" : kafkaBootstrap)
                + ", postgres " + (pgUrl == null ? "embedded" : redact(pgUrl)) + ", " + partitions + " partitions, "
                + streamThreads + " stream threads, join plane "
                + (redisUrl == null ? "Kafka Streams stores" : redact(redisUrl))
                + (otlpEndpoint == null ? "" : ", traces to " + redact(otlpEndpoint));
    }

    static String redact(String url) {
        return url.replaceAll("(?i)(password=)[^&]*", "$1***").replaceAll("//([^:/@]*):[^@]*@", "//$1:***@");
    }

    public static String codeVersion() {
        try (InputStream in = PlatformConfig.class.getResourceAsStream("/fp-version.txt")) {
            return in == null ? "dev" : new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            return "dev";
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    /** A port on 127.0.0.1: 0 (any free port) to 65535. */
    private static int portOf(Map<String, String> env, String name, int dflt) {
        String v = env.get(name);
        if (v == null || v.isBlank()) return dflt;
        try {
            int i = Integer.parseInt(v.trim());
            if (i < 0 || i > 65_535) throw new NumberFormatException();
            return i;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    name + " must be a port from 1 to 65535 (or 0: any free port), was '" + v + "'");
        }
    }

    /** A share from 0 to 1. */
    private static double ratioOf(Map<String, String> env, String name, double dflt) {
        String v = env.get(name);
        if (v == null || v.isBlank()) return dflt;
        try {
            double d = Double.parseDouble(v.trim());
            if (!(d >= 0 && d <= 1)) throw new NumberFormatException();
            return d;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a share from 0 to 1, was '" + v + "'");
        }
    }

    private static int intOf(Map<String, String> env, String name, int dflt) {
        String v = env.get(name);
        if (v == null || v.isBlank()) return dflt;
        try {
            int i = Integer.parseInt(v.trim());
            if (i < 1) throw new NumberFormatException();
            return i;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a positive integer, was '" + v + "'");
        }
    }
}
