package dev.fraudplatform.app;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fraudplatform.core.json.CanonicalJson;
import dev.fraudplatform.core.json.Json;
import dev.fraudplatform.core.json.Sha256;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The wiring and tuning of one platform process (ARCHITECTURE.md §1): a named profile ({@link Profiles}, from
 * {@code deploy/profiles/<name>.properties}), every key of which an environment variable overrides: the key in upper
 * case, dots as underscores, behind {@code FP_} ({@code kafka.bootstrap} is {@code FP_KAFKA_BOOTSTRAP}). Secrets come
 * from the environment only, never from a profile file, and never appear in {@link #describe()} or
 * {@link #toString()}.
 *
 * @param profile        the profile's name ({@code local_parity} by default)
 * @param home           FP_HOME: where the filesystem object store, PostgreSQL data and work directories live (.fp)
 * @param kafkaBootstrap FP_KAFKA_BOOTSTRAP: an external cluster; null means an embedded broker
 * @param pgUrl          FP_PG_URL: an external PostgreSQL JDBC URL; null means embedded PostgreSQL
 * @param partitions     FP_PARTITIONS: partitions per platform topic (default 1: strict mode; more is scaled mode)
 * @param streamThreads  FP_STREAM_THREADS: Kafka Streams threads of the decision loop (default 1)
 * @param batchSize      FP_BATCH: events per streamer batch into the gate (default 1000)
 * @param lanes          FP_LANES: parallel streamer lanes (default: one per partition, so each lane feeds whole
 *                       partitions evenly and the loop's event-time watermarks advance together)
 * @param gatePort       FP_GATE_PORT: the gate's HTTP port (on {@link #gateHost()}); 0 (the default) takes any free port
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
 * @param roles          FP_ROLES: the roles this process runs ({@link PlatformRoles}; default all)
 * @param gateUrl        FP_GATE_URL: the gate of a process that runs no gate itself ({@code http://host:port})
 * @param s3             FP_STORE=s3 and the FP_S3_* keys: the object store on an S3 API; null: the filesystem under
 *                       the home
 * @param kafkaSecurity  the {@code kafka.security.*}, {@code kafka.sasl.*} and {@code kafka.ssl.*} keys, by key (how
 *                       clients authenticate; the secrets themselves stay in {@link #environment})
 * @param environment    the variables this configuration was read from, the profile's values under their
 *                       {@code FP_} names beneath the process's own (secrets included: never printed)
 */
public record PlatformConfig(
        String profile,
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
        double traceRatio,
        java.util.Set<PlatformRoles> roles,
        String gateUrl,
        S3Config s3,
        Map<String, String> kafkaSecurity,
        Map<String, String> environment) {

    /** The system property {@code fp --profile NAME} sets; {@code FP_PROFILE} when it is not set. */
    public static final String PROFILE_PROPERTY = "fp.profile";

    /**
     * The object store on an S3 API.
     *
     * @param endpoint    the API's URL, or null for AWS's own endpoint of the region
     * @param region      the bucket's region
     * @param bucket      the bucket
     * @param prefix      a key prefix inside the bucket ("" for none)
     * @param pathStyle   bucket in the path (S3 API servers such as s3proxy) rather than the host name
     * @param credentials {@code env}: the access key in FP_S3_ACCESS_KEY_ID and FP_S3_SECRET_ACCESS_KEY;
     *                    {@code default}: the SDK's chain (in AWS, the task role)
     * @param bucketsByRoot a key root to the bucket its objects live in, when it is not {@code bucket}
     *                    ({@link #PLANE_BUCKETS}); empty: every object in {@code bucket}
     */
    public record S3Config(
            String endpoint,
            String region,
            String bucket,
            String prefix,
            boolean pathStyle,
            String credentials,
            Map<String, String> bucketsByRoot) {}

    /**
     * A bucket per plane, each with its own expiry and grants: the variable that names it, and the key roots whose
     * objects live there (every other root stays in FP_S3_BUCKET: evidence, audit segments, bundles).
     */
    public static final Map<String, java.util.List<String>> PLANE_BUCKETS = Map.of(
            "FP_S3_BUCKET_ORACLE", java.util.List.of("oracle"),
            "FP_S3_BUCKET_ARCHIVE", java.util.List.of("archive", "ofs", "learning"),
            "FP_S3_BUCKET_QUARANTINE", java.util.List.of("quarantine"));

    /**
     * From the environment and the profile of {@code fp --profile} (else {@code FP_PROFILE}, else
     * {@code local_parity}); the system property {@code fp.home}, when set, overrides {@code FP_HOME}.
     */
    public static PlatformConfig fromEnvironment() {
        Map<String, String> env = processEnvironment();
        String profile = System.getProperty(PROFILE_PROPERTY);
        if (profile == null || profile.isBlank()) profile = env.get("FP_PROFILE");
        return from(env, profile);
    }

    /** This process's environment, {@code FP_HOME} replaced by the system property {@code fp.home} when it is set. */
    public static Map<String, String> processEnvironment() {
        Map<String, String> env = new HashMap<>(System.getenv());
        String home = System.getProperty("fp.home");
        if (home != null && !home.isBlank()) env.put("FP_HOME", home);
        return env;
    }

    /** From {@code env} alone on the default profile (tests). */
    static PlatformConfig from(Map<String, String> env) {
        return from(env, null);
    }

    /**
     * From {@code env} over the profile {@code profile} (a name under {@code deploy/profiles}, a profile file's path,
     * or null for {@link Profiles#DEFAULT}).
     *
     * @throws IllegalArgumentException in one line: an unknown profile or key, a secret in a profile file, a bad value,
     *                                  or a key the profile requires that nothing sets
     */
    public static PlatformConfig from(Map<String, String> env, String profile) {
        Profiles.Profile p = Profiles.load(profile == null || profile.isBlank() ? Profiles.DEFAULT : profile);
        Map<String, String> merged = new TreeMap<>();
        p.values().forEach((key, value) -> {
            if (!value.isBlank()) merged.put(Profiles.envName(key), value);
        });
        env.forEach((name, value) -> {
            if (value != null) merged.put(name, value);
        });
        return build(p, Collections.unmodifiableMap(merged));
    }

    private static PlatformConfig build(Profiles.Profile p, Map<String, String> env) {
        for (String key : p.required()) {
            if (blankToNull(env.get(Profiles.envName(key))) == null)
                throw new IllegalArgumentException("profile " + p.name() + " needs " + key + ": set "
                        + Profiles.envName(key) + (p.file() == null ? "" : " or " + key + " in " + p.file()));
        }
        boolean external = "external".equals(env.getOrDefault("FP_SERVERS", "embedded"));
        String servers = env.getOrDefault("FP_SERVERS", "embedded");
        if (!servers.equals("embedded") && !servers.equals("external"))
            throw new IllegalArgumentException("FP_SERVERS must be embedded or external, was '" + servers + "'");
        String kafka = blankToNull(env.get("FP_KAFKA_BOOTSTRAP"));
        String pg = blankToNull(env.get("FP_PG_URL"));
        if (external && (kafka == null || pg == null))
            throw new IllegalArgumentException("profile " + p.name() + " runs on external servers: set "
                    + (kafka == null ? "FP_KAFKA_BOOTSTRAP" : "FP_PG_URL"));
        // Strict mode by default: on 2 cores it measured faster than scaled mode (6 partitions, 2 threads) on every
        // count (fp bench e2e: 3.1k against 1.9k events/s), and it is a total order. Scaled mode is one variable away.
        int partitions = intOf(env, "FP_PARTITIONS", 1);
        Map<String, String> kafkaSecurity = new TreeMap<>();
        env.forEach((name, value) -> {
            String key = Profiles.keyOf(name);
            if (key != null && Profiles.isKafkaSecurityKey(key) && !value.isBlank()) kafkaSecurity.put(key, value);
        });
        // How clients authenticate is checked now, before any command starts anything: an unknown kafka.* key, a SASL
        // mechanism without its secret's variable set, a trust store without its password.
        if (kafka != null) Substrate.checkKafkaSecurity(kafkaSecurity, env);
        gateHostOf(env);
        gateLimitsOf(env);
        return new PlatformConfig(
                p.name(),
                Path.of(env.getOrDefault("FP_HOME", ".fp")).toAbsolutePath(),
                kafka,
                pg,
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
                ratioOf(env, "FP_TRACE_RATIO", 1),
                PlatformRoles.parse(env.get("FP_ROLES")),
                blankToNull(env.get("FP_GATE_URL")),
                s3Of(env),
                Collections.unmodifiableMap(kafkaSecurity),
                env);
    }

    /**
     * The gate's limits: {@link GateLimits#DEFAULT}, with FP_GATE_MAX_LOOP_BACKLOG ({@code gate.max.loop.backlog}) the
     * decision loop's backlog, in events, above which the gate sheds load with 429 (default 20,000); FP_GATE_MAX_OPEN
     * ({@code gate.max.open}) the requests all producers may have open at once (default 128, at most
     * {@value #MAX_OPEN_REQUESTS}, below the server's threads), and FP_GATE_MAX_OPEN_PER_PRODUCER
     * ({@code gate.max.open.per.producer}) those one producer may (default 64, at most the total). A producer calling
     * {@code /v1/decide} holds about its rate times its answer time open: 1,000/s answered in 120 ms, 120.
     */
    public dev.fraudplatform.ingress.http.GateLimits gateLimits() {
        return gateLimitsOf(environment);
    }

    private static dev.fraudplatform.ingress.http.GateLimits gateLimitsOf(Map<String, String> env) {
        dev.fraudplatform.ingress.http.GateLimits d = dev.fraudplatform.ingress.http.GateLimits.DEFAULT;
        int open = intOf(env, "FP_GATE_MAX_OPEN", d.maxInFlightRequests());
        if (open > MAX_OPEN_REQUESTS)
            throw new IllegalArgumentException("FP_GATE_MAX_OPEN must be at most " + MAX_OPEN_REQUESTS
                    + " (the gate's server keeps threads for its refusals and health checks), was " + open);
        int perProducer = intOf(env, "FP_GATE_MAX_OPEN_PER_PRODUCER", Math.min(d.maxInFlightPerProducer(), open));
        if (perProducer > open)
            throw new IllegalArgumentException("FP_GATE_MAX_OPEN_PER_PRODUCER must be at most FP_GATE_MAX_OPEN (" + open
                    + "), was " + perProducer);
        return d.withMaxLoopBacklog(intOf(env, "FP_GATE_MAX_LOOP_BACKLOG", (int) d.maxLoopBacklog()))
                .withInFlight(perProducer, open);
    }

    /** The most requests the gate may be configured to hold open at once: its server has 250 threads. */
    static final int MAX_OPEN_REQUESTS = 200;

    private static final java.util.regex.Pattern HOST = java.util.regex.Pattern.compile(
            "[0-9]{1,3}(\\.[0-9]{1,3}){3}|[0-9a-fA-F:]*:[0-9a-fA-F:]*|[A-Za-z0-9][A-Za-z0-9.-]{0,252}");

    /**
     * FP_GATE_HOST ({@code gate.host}): the address the gate listens on: 127.0.0.1 by default (this machine only);
     * {@code 0.0.0.0} where other hosts must reach it (a gate task in AWS, reached by the orchestrating task through
     * the VPC). The consoles stay on loopback whatever it is: an operator reaches them through a tunnel.
     */
    public String gateHost() {
        return gateHostOf(environment);
    }

    private static String gateHostOf(Map<String, String> env) {
        String host = env.getOrDefault("FP_GATE_HOST", "127.0.0.1").trim();
        if (host.isEmpty()) return "127.0.0.1";
        if (!HOST.matcher(host).matches())
            throw new IllegalArgumentException(
                    "FP_GATE_HOST must be an address to listen on (127.0.0.1, 0.0.0.0, ...), " + "was '" + host + "'");
        return host;
    }

    private static S3Config s3Of(Map<String, String> env) {
        String store = env.getOrDefault("FP_STORE", "filesystem").trim();
        if (store.equals("filesystem")) return null;
        if (!store.equals("s3"))
            throw new IllegalArgumentException("FP_STORE must be filesystem or s3, was '" + store + "'");
        String bucket = blankToNull(env.get("FP_S3_BUCKET"));
        if (bucket == null) throw new IllegalArgumentException("the object store is on S3 but FP_S3_BUCKET is not set");
        String credentials = env.getOrDefault("FP_S3_CREDENTIALS", "default").trim();
        if (!credentials.equals("env") && !credentials.equals("default"))
            throw new IllegalArgumentException("FP_S3_CREDENTIALS must be env or default, was '" + credentials + "'");
        String pathStyle = env.getOrDefault("FP_S3_PATH_STYLE", "false").trim();
        if (!pathStyle.equals("true") && !pathStyle.equals("false"))
            throw new IllegalArgumentException("FP_S3_PATH_STYLE must be true or false, was '" + pathStyle + "'");
        return new S3Config(
                blankToNull(env.get("FP_S3_ENDPOINT")),
                env.getOrDefault("FP_S3_REGION", "us-east-1").trim(),
                bucket,
                env.getOrDefault("FP_S3_PREFIX", "").trim(),
                Boolean.parseBoolean(pathStyle),
                credentials,
                bucketsByRoot(env));
    }

    private static Map<String, String> bucketsByRoot(Map<String, String> env) {
        Map<String, String> out = new TreeMap<>();
        PLANE_BUCKETS.forEach((variable, roots) -> {
            String bucket = blankToNull(env.get(variable));
            if (bucket != null) roots.forEach(root -> out.put(root, bucket.trim()));
        });
        return Collections.unmodifiableMap(out);
    }

    /** This machine's object store under the home ({@code $FP_HOME/store}), where {@code fp world build} seals worlds on local_parity. */
    public dev.fraudplatform.core.store.ObjectStore localStore() {
        return Wiring.localStore(this);
    }

    /** The object store of this configuration, as {@link Wiring#objectStore} chooses it. */
    public dev.fraudplatform.core.store.ObjectStore objectStore() {
        return Wiring.objectStore(this);
    }

    /** The same configuration with the variable {@code name} set to {@code value}. */
    private PlatformConfig with(String name, Object value) {
        Map<String, String> env = new TreeMap<>(environment);
        env.put(name, String.valueOf(value));
        // The environment already holds the profile's values, and its requirements held when this was built.
        return build(
                new Profiles.Profile(profile, null, Map.of(), java.util.List.of()), Collections.unmodifiableMap(env));
    }

    public PlatformConfig withHome(Path newHome) {
        return with("FP_HOME", newHome.toAbsolutePath());
    }

    public PlatformConfig withTopology(int newPartitions, int newStreamThreads) {
        return with("FP_PARTITIONS", newPartitions).with("FP_STREAM_THREADS", newStreamThreads);
    }

    /** The same, serving the investigator's console on {@code port} (0: any free port). */
    public PlatformConfig withConsolePort(int port) {
        return with("FP_CONSOLE_PORT", port);
    }

    /** The same, streaming into the gate at {@code url} (a process that runs no gate itself). */
    public PlatformConfig withGateUrl(String url) {
        return with("FP_GATE_URL", url);
    }

    /** The same, running {@code newRoles} in this process. */
    public PlatformConfig withRoles(java.util.Set<PlatformRoles> newRoles) {
        return with("FP_ROLES", PlatformRoles.format(newRoles));
    }

    /** The same, serving the ops console and {@code /metrics} on {@code port} (0: any free port). */
    public PlatformConfig withOpsPort(int port) {
        return with("FP_OPS_PORT", port);
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
        return "profile " + profile + ", wiring " + wiring() + ", home " + home + ", kafka "
                + (kafkaBootstrap == null ? "embedded" : kafkaBootstrap)
                + (roles.size() == PlatformRoles.values().length ? "" : ", roles " + PlatformRoles.format(roles))
                + ", postgres " + (pgUrl == null ? "embedded" : redact(pgUrl)) + ", " + partitions + " partitions, "
                + streamThreads + " stream threads, join plane "
                + (redisUrl == null ? "Kafka Streams stores" : redact(redisUrl))
                + (otlpEndpoint == null ? "" : ", traces to " + redact(otlpEndpoint))
                + ", object store "
                + (s3 == null
                        ? "filesystem"
                        : "s3://" + s3.bucket()
                                + (s3.prefix().isEmpty() ? "" : "/" + s3.prefix())
                                + (s3.endpoint() == null ? "" : " at " + redact(s3.endpoint())))
                + (kafkaSecurity.isEmpty() ? "" : ", kafka security " + shownKafkaSecurity());
    }

    private Map<String, String> shownKafkaSecurity() {
        Map<String, String> shown = new TreeMap<>();
        kafkaSecurity.forEach((k, v) -> shown.put(k, Profiles.namesASecret(k) ? "***" : v));
        return shown;
    }

    /** {@link #describe()}: never the environment, which holds secrets. */
    @Override
    public String toString() {
        return describe();
    }

    static String redact(String url) {
        return url.replaceAll("(?i)(password=)[^&]*", "$1***").replaceAll("//([^:/@]*):[^@]*@", "//$1:***@");
    }

    public static String codeVersion() {
        return codeVersion(System.getenv());
    }

    /**
     * The platform's version, and, when it runs from an image, the image: its digest ({@code FP_IMAGE_DIGEST}, which
     * the task definition that pins the image by digest passes), the commit it was built from ({@code FP_IMAGE_COMMIT})
     * and whether that tree had uncommitted changes ({@code FP_IMAGE_DIRTY=true}: "dirty tree"), both set in the image
     * when it is built. E.g. {@code 0.1.0-SNAPSHOT image sha256:9f2c... commit 1a2b3c4d5e6f (dirty tree)}.
     */
    static String codeVersion(Map<String, String> env) {
        String version;
        try (InputStream in = PlatformConfig.class.getResourceAsStream("/fp-version.txt")) {
            version = in == null ? "dev" : new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            version = "dev";
        }
        StringBuilder b = new StringBuilder(version);
        String digest = blankToNull(env.get("FP_IMAGE_DIGEST"));
        String commit = blankToNull(env.get("FP_IMAGE_COMMIT"));
        if (digest != null) b.append(" image ").append(digest.trim());
        if (commit != null)
            b.append(" commit ")
                    .append(commit.trim(), 0, Math.min(12, commit.trim().length()));
        if ("true".equalsIgnoreCase(String.valueOf(env.get("FP_IMAGE_DIRTY")).trim())) b.append(" (dirty tree)");
        return b.toString();
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
