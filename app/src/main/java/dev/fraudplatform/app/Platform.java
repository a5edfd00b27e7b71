package dev.fraudplatform.app;

import dev.fraudplatform.core.bus.Topics;
import dev.fraudplatform.decision.bundle.DecisionBundle;
import dev.fraudplatform.decision.scoring.DecisionFabric;
import dev.fraudplatform.ingress.gate.AdmissionRelay;
import dev.fraudplatform.ingress.gate.IngestionGate;
import dev.fraudplatform.ingress.http.GateLimits;
import dev.fraudplatform.ingress.http.IngestionHttpServer;
import dev.fraudplatform.ingress.http.ReceiptJson;
import dev.fraudplatform.rtdl.actions.ActionLayer;
import dev.fraudplatform.rtdl.audit.DecisionLogAudit;
import dev.fraudplatform.rtdl.loop.DecisionFabricRole;
import dev.fraudplatform.rtdl.loop.DecisionTopology;
import dev.fraudplatform.substrate.kafka.ConsumerRole;
import dev.fraudplatform.substrate.kafka.EmbeddedKafkaBroker;
import dev.fraudplatform.substrate.kafka.KafkaAtomicPublisher;
import dev.fraudplatform.substrate.kafka.KafkaEventPublisher;
import dev.fraudplatform.substrate.kafka.KafkaIngressListener;
import dev.fraudplatform.substrate.kafka.KafkaSettings;
import dev.fraudplatform.substrate.kafka.KafkaTopics;
import dev.fraudplatform.substrate.objectstore.FilesystemObjectStore;
import dev.fraudplatform.substrate.postgres.EmbeddedPostgresServer;
import dev.fraudplatform.substrate.postgres.PostgresDatabase;
import dev.fraudplatform.substrate.postgres.PostgresEffectLedger;
import dev.fraudplatform.substrate.postgres.PostgresProducerKeys;
import dev.fraudplatform.substrate.postgres.PostgresReceiptStore;
import dev.fraudplatform.substrate.postgres.PostgresRunRegistry;
import dev.fraudplatform.substrate.redis.RedisJoinPlane;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.apache.kafka.clients.admin.Admin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One platform process: the substrate (Kafka, PostgreSQL, object store) for the configured wiring, the gate, and
 * the real-time roles (Decision Fabric, Action Layer, Decision Log and Audit). Roles talk only through Kafka,
 * PostgreSQL and the object store, never through references to each other.
 *
 * <p>Lifecycle: {@link #start} brings everything up; {@link #close()} stops it in reverse order and removes the
 * process's work directory (embedded broker data, stream state). Closing twice is harmless.
 */
public final class Platform implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Platform.class);

    private final PlatformConfig config;
    private final Deque<AutoCloseable> closeables = new ArrayDeque<>();
    private final Path workDir;
    private final FilesystemObjectStore store;
    private final String bootstrap;
    private final KafkaSettings kafka;
    private final PostgresDatabase db;
    private final KafkaEventPublisher publisher;
    private final PostgresReceiptStore receipts;
    private final PostgresEffectLedger ledger;
    private final PostgresRunRegistry runs;
    private final IngestionGate gate;
    private final AdmissionRelay relay;
    private final PostgresProducerKeys producerKeys;
    private final IngestionHttpServer http;
    private final int httpPort;
    private final String jdbcUrl;
    private final EmbeddedKafkaBroker broker;
    private volatile boolean gateStopped;
    private int opsPort = -1;
    private String streamerKey;
    private final KafkaIngressListener busIngress;
    private final Admin admin;
    private DecisionFabricRole fabricRole;
    private ConsumerRole actionLayer;
    private ConsumerRole auditRole;
    private DecisionLogAudit audit;
    private DecisionBundle bundle;
    private final List<String> abandonedRuns;
    /** The producer id of the platform's own World Streamer: every run it plans allows it. */
    public static final String STREAMER_PRODUCER = "fp-wsp";

    private Platform(PlatformConfig config) {
        this.config = config;
        try {
            Files.createDirectories(config.home());
            WorkDirectories.Owned owned = WorkDirectories.claim(config.home().resolve("work"));
            workDir = owned.path();
            closeables.push(owned);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create work directory under " + config.home(), e);
        }
        // The broker and PostgreSQL start side by side: start-up time is the slower of the two, not their sum.
        java.util.concurrent.CompletableFuture<EmbeddedKafkaBroker> brokerStart = config.kafkaBootstrap() == null
                ? java.util.concurrent.CompletableFuture.supplyAsync(
                        () -> EmbeddedKafkaBroker.start(workDir.resolve("kafka")),
                        task -> new Thread(task, "fp-broker-start").start())
                : null;
        try {
            store = config.objectStore();
            String jdbc = config.pgUrl();
            if (jdbc == null) {
                EmbeddedPostgresServer pg = EmbeddedPostgresServer.start(
                        config.home().resolve("pg").resolve("data"),
                        config.home().resolve("pg").resolve("binaries"));
                closeables.push(pg);
                jdbc = pg.jdbcUrl();
            }
            jdbcUrl = jdbc;
            db = PostgresDatabase.open(jdbc, 16);
            closeables.push(db);
            if (brokerStart != null) {
                broker = awaitStart(brokerStart);
                brokerStart = null;
                closeables.push(broker);
                bootstrap = broker.bootstrapServers();
            } else {
                broker = null;
                bootstrap = config.kafkaBootstrap();
            }
            kafka = KafkaSettings.of(bootstrap);
            admin = KafkaTopics.admin(kafka, "admin");
            closeables.push(admin);
            KafkaTopics.ensure(admin, Topics.ALL, config.partitions());
            KafkaTopics.ensure(admin, List.of(Topics.INGRESS_RELAY), 1);
            KafkaTopics.ensure(admin, List.of(Topics.INGRESS, Topics.INGRESS_RECEIPTS), config.partitions());
            publisher = new KafkaEventPublisher(kafka, "platform");
            closeables.push(publisher);
            receipts = new PostgresReceiptStore(db.dataSource());
            ledger = new PostgresEffectLedger(db.dataSource());
            runs = new PostgresRunRegistry(db.dataSource());
            closeables.push(runs);
            abandonedRuns = runs.failAbandoned(
                    "abandoned: the process that ran it stopped before the run ended; found when process "
                            + ProcessHandle.current().pid() + " started");
            for (String run : abandonedRuns)
                LOG.warn("run {} was left open by a process that stopped: marked FAILED", run);
            KafkaAtomicPublisher relayPublisher = new KafkaAtomicPublisher(kafka, "ig-relay");
            closeables.push(relayPublisher);
            relay = new AdmissionRelay(receipts, relayPublisher);
            closeables.push(relay);
            gate = new IngestionGate(relay, runs, store);
            producerKeys = new PostgresProducerKeys(db.dataSource());
            http = new IngestionHttpServer(gate, relay, producerKeys, GateLimits.DEFAULT);
            closeables.push(http);
            httpPort = http.start("127.0.0.1", config.gatePort());
            busIngress = new KafkaIngressListener(kafka, gate, ReceiptJson::bytes).start();
            closeables.push(busIngress);
            PlatformTelemetry.prometheus();
            PlatformTelemetry.exportTracesTo(config.otlpEndpoint(), config.traceRatio());
            closeables.push(PlatformTelemetry::flushTraces);
            if (config.opsPort() >= 0) {
                PlatformTelemetry.LagSampler lag = new PlatformTelemetry.LagSampler(admin);
                closeables.push(lag);
                OpsServer ops = new OpsServer(this, lag);
                closeables.push(ops);
                opsPort = ops.start(config.opsPort());
            }
        } catch (RuntimeException e) {
            if (brokerStart != null) {
                // PostgreSQL failed while the broker was starting: wait for it, so that it can be stopped too.
                try {
                    closeables.push(awaitStart(brokerStart));
                } catch (RuntimeException alsoFailed) {
                    e.addSuppressed(alsoFailed);
                }
            }
            close();
            throw e;
        }
    }

    private static EmbeddedKafkaBroker awaitStart(java.util.concurrent.CompletableFuture<EmbeddedKafkaBroker> start) {
        try {
            return start.join();
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            throw e;
        }
    }

    /** Brings up the substrate for {@code config}. */
    public static Platform start(PlatformConfig config) {
        return new Platform(config);
    }

    /** Starts the real-time roles with {@code decisionBundle}; a process serves one bundle at a time. */
    public synchronized void startRoles(DecisionBundle decisionBundle) {
        if (bundle != null) {
            if (!bundle.digest().equals(decisionBundle.digest())) {
                throw new IllegalStateException(
                        "roles already serve bundle " + bundle.id() + "; one bundle per process");
            }
            return;
        }
        bundle = decisionBundle;
        DecisionTopology.Settings settings = DecisionTopology.Settings.defaults()
                .withJoinWait(Duration.ofMillis(config.joinWaitMs()))
                .withPartitions(config.partitions());
        if (config.redisUrl() != null) {
            RedisJoinPlane redis = new RedisJoinPlane(config.redisUrl(), Duration.ofMillis(500), Duration.ofDays(7));
            closeables.push(redis);
            settings = settings.withJoinPlane(store -> redis);
        }
        fabricRole = new DecisionFabricRole(
                kafka.streams(DecisionFabricRole.APPLICATION_ID, DecisionFabricRole.NAME, java.util.Map.of()),
                new DecisionFabric(decisionBundle),
                workDir.resolve("streams"),
                config.streamThreads(),
                settings,
                config.commitMs());
        closeables.push(fabricRole);
        fabricRole.start();
        actionLayer = new ConsumerRole(
                kafka, ActionLayer.NAME, ActionLayer.GROUP, ActionLayer.TOPICS, new ActionLayer(ledger, publisher));
        closeables.push(actionLayer);
        actionLayer.start();
        audit = new DecisionLogAudit(store);
        auditRole = ConsumerRole.transactional(
                kafka,
                DecisionLogAudit.NAME,
                DecisionLogAudit.GROUP,
                DecisionLogAudit.TOPICS,
                audit.transactionTimeout(),
                audit);
        closeables.push(auditRole);
        auditRole.start();
        // A run is READY only when the loop can take traffic: otherwise its first decisions wait for start-up.
        try {
            Duration limit = Duration.ofSeconds(60);
            if (!fabricRole.awaitRunning(limit)
                    || !actionLayer.awaitAssignment(limit)
                    || !auditRole.awaitAssignment(limit)) {
                throw new IllegalStateException(
                        "real-time roles did not start within " + limit + ": " + roleFailures());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting roles", e);
        }
    }

    /** The partition of {@code fp.traffic} a partition key lands on (Kafka's default partitioner). */
    public int busPartitionOf(String partitionKey) {
        return partitionOf(partitionKey, config.partitions());
    }

    private static int partitionOf(String partitionKey, int partitions) {
        byte[] key = partitionKey.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        return org.apache.kafka.common.utils.Utils.toPositive(org.apache.kafka.common.utils.Utils.murmur2(key))
                % partitions;
    }

    /** Batches this process's gate has taken but not yet handed to its relay's claims (0 when the gate runs elsewhere). */
    public int gateBacklog() {
        return gateStopped ? 0 : relay.backlog();
    }

    /**
     * One record key per partition of the traffic topic as the broker has it, in partition order, each landing on its
     * partition under the producer's default partitioner: {@code <prefix>#<n>}.
     */
    public List<String> keyPerTrafficPartition(String prefix) throws Exception {
        String[] keys = new String[KafkaTopics.partitions(admin, Topics.TRAFFIC).size()];
        int found = 0;
        for (int n = 0; found < keys.length; n++) {
            String key = prefix + "#" + n;
            int p = partitionOf(key, keys.length);
            if (keys[p] == null) {
                keys[p] = key;
                found++;
            }
        }
        return List.of(keys);
    }

    /**
     * The end of a run for the Decision Log and Audit: every decision now on {@code fp.decisions} (its end offsets)
     * goes into audit segments as soon as the audit has read it, without waiting for the segment roll's size or age.
     * Call it once every decision of the run is applied, before the run's segments are sealed.
     *
     * @return completes when those decisions are in segments; at once when the roles do not run here
     */
    public java.util.concurrent.CompletableFuture<Void> flushAudit() throws Exception {
        DecisionLogAudit role;
        synchronized (this) {
            role = audit;
        }
        if (role == null) return java.util.concurrent.CompletableFuture.completedFuture(null);
        java.util.Map<Integer, Long> through = new java.util.TreeMap<>();
        KafkaTopics.endOffsets(admin, Topics.DECISIONS).forEach((tp, offset) -> through.put(tp.partition(), offset));
        return role.flushThrough(through);
    }

    /** The bundle the real-time roles serve, or null before {@link #startRoles}. */
    public synchronized DecisionBundle bundle() {
        return bundle;
    }

    /** Failures of roles that have stopped, one line each. */
    public List<String> roleFailures() {
        List<String> out = new ArrayList<>();
        if (fabricRole != null && fabricRole.failure() != null) out.add("decision fabric: " + fabricRole.failure());
        if (actionLayer != null && actionLayer.failure() != null) out.add("action layer: " + actionLayer.failure());
        if (auditRole != null && auditRole.failure() != null) out.add("decision log and audit: " + auditRole.failure());
        if (!gateStopped && relay.failure() != null) out.add("gate admission relay: " + relay.failure());
        if (!gateStopped && busIngress.failure() != null) out.add("gate bus ingress: " + busIngress.failure());
        return out;
    }

    public PlatformConfig config() {
        return config;
    }

    public FilesystemObjectStore store() {
        return store;
    }

    public String bootstrap() {
        return bootstrap;
    }

    /** How this process's Kafka clients reach the cluster: every client of the wiring is built from it. */
    public KafkaSettings kafka() {
        return kafka;
    }

    public Admin admin() {
        return admin;
    }

    public KafkaEventPublisher publisher() {
        return publisher;
    }

    public PostgresReceiptStore receipts() {
        return receipts;
    }

    public PostgresEffectLedger ledger() {
        return ledger;
    }

    public PostgresRunRegistry runs() {
        return runs;
    }

    /** Runs that processes killed before they ended, marked FAILED when this platform started. */
    public List<String> abandonedRuns() {
        return abandonedRuns;
    }

    /** The wiring, with the embedded broker's bootstrap address (so that a Kafka client can be pointed at it). */
    public String describe() {
        return config.describe().replace("kafka embedded", "kafka embedded at " + bootstrap);
    }

    /** The gate's HTTP base URL, e.g. {@code http://127.0.0.1:41234}. */
    public String gateUrl() {
        return "http://127.0.0.1:" + httpPort;
    }

    /** PostgreSQL's JDBC URL (the embedded server's, or FP_PG_URL): for a role started as its own process. */
    public String jdbcUrl() {
        return jdbcUrl;
    }

    /**
     * Stops this process's gate (HTTP API, admission relay, bus ingress) so that a gate in another process can take
     * its place: there is one admission relay at a time. The rest of the platform goes on.
     */
    public synchronized void stopGate() {
        gateStopped = true;
        http.close();
        busIngress.close();
        relay.close();
    }

    /** Restarts the embedded broker, down for {@code down} (drills); refused on an external cluster. */
    public void restartBroker(Duration down) throws InterruptedException {
        if (broker == null)
            throw new IllegalStateException("the broker is external (FP_KAFKA_BOOTSTRAP): not restarted from here");
        broker.restart(down);
    }

    /** The ops console's base URL (it also serves {@code /metrics}), or null when this process serves none. */
    public String opsUrl() {
        return opsPort < 0 ? null : "http://127.0.0.1:" + opsPort;
    }

    /** The API key of the platform's own World Streamer: a producer like any other, with a key of its own. */
    public synchronized String streamerKey() {
        if (streamerKey == null) streamerKey = producerKeys.issue(STREAMER_PRODUCER);
        return streamerKey;
    }

    public PostgresDatabase database() {
        return db;
    }

    public PostgresProducerKeys producerKeys() {
        return producerKeys;
    }

    public AdmissionRelay relay() {
        return relay;
    }

    public IngestionGate gate() {
        return gate;
    }

    @Override
    public synchronized void close() {
        while (!closeables.isEmpty()) {
            AutoCloseable c = closeables.pop();
            try {
                c.close();
            } catch (Exception e) {
                LOG.warn("closing {}: {}", c.getClass().getSimpleName(), e.toString());
            }
        }
    }
}
