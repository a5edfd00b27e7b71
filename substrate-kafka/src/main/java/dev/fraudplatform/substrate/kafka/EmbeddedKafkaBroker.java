package dev.fraudplatform.substrate.kafka;

import dev.fraudplatform.core.net.LoopbackPorts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.Feature;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single-node KRaft Kafka (broker and controller in one) inside this JVM, listening on free loopback ports,
 * with its log directory under the caller's work directory. Tuned for one box: one replica, small cleaner
 * buffer (the default 128 MiB would take heap from the platform), no time-based retention (world events carry
 * historical timestamps).
 *
 * <p>{@link #start(Path)} opens one plaintext client listener. {@link #start(Path, BrokerUsers)} opens one
 * {@code SASL_PLAINTEXT} client listener instead (PLAIN and SCRAM-SHA-512), so every client must authenticate; the
 * KRaft controller listener stays plaintext on loopback (only the node itself uses it).
 *
 * <p>Lifecycle: {@link #start} formats the storage if it is new and starts the server; the caller must call
 * {@link #close()} (its threads are not daemons), preferably in a finally block or try-with-resources.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);

    /** The PLAIN user the broker itself authenticates as on its SASL listener (transaction markers, ...). */
    static final String INTER_BROKER_USER = "fp-broker";

    private static final String PLAIN_LOGIN_MODULE = "org.apache.kafka.common.security.plain.PlainLoginModule";
    private static final String SCRAM_LOGIN_MODULE = "org.apache.kafka.common.security.scram.ScramLoginModule";

    private KafkaRaftServer server;
    private final KafkaConfig config;
    private final String bootstrapServers;
    private final Path logDir;
    private boolean closed;

    private final String securityProtocol;

    private EmbeddedKafkaBroker(
            KafkaRaftServer server, KafkaConfig config, String bootstrapServers, Path logDir, String securityProtocol) {
        this.server = server;
        this.config = config;
        this.bootstrapServers = bootstrapServers;
        this.logDir = logDir;
        this.securityProtocol = securityProtocol;
    }

    /** Formats {@code logDir} if needed and starts a plaintext broker on it; blocks until it serves requests. */
    public static EmbeddedKafkaBroker start(Path logDir) {
        return start(logDir, null, 0);
    }

    /**
     * A plaintext broker as {@link #start(Path)}, its client listener on {@code 127.0.0.1:port} (0: any free port): a
     * broker other processes find at a fixed address ({@code fp infra up}).
     */
    public static EmbeddedKafkaBroker start(Path logDir, int port) {
        return start(logDir, null, port);
    }

    /**
     * Formats {@code logDir} if needed and starts a broker on it whose only client listener is {@code SASL_PLAINTEXT}
     * and accepts {@code users}: the PLAIN users from the listener's JAAS configuration, the SCRAM-SHA-512 users from
     * credentials written into the metadata log when the storage is formatted (so the SCRAM users of a directory
     * formatted before are those it was formatted with). Blocks until it serves requests.
     */
    public static EmbeddedKafkaBroker start(Path logDir, BrokerUsers users) {
        return start(logDir, users, 0);
    }

    private static EmbeddedKafkaBroker start(Path logDir, BrokerUsers users, int port) {
        long t0 = System.nanoTime();
        String listener = users == null ? "PLAINTEXT" : "SASL_PLAINTEXT";
        try {
            Files.createDirectories(logDir);
            int brokerPort = port == 0 ? LoopbackPorts.reserve() : port;
            int controllerPort = LoopbackPorts.reserve();
            Properties p = new Properties();
            p.put("process.roles", "broker,controller");
            p.put("node.id", "1");
            p.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
            p.put("listeners", listener + "://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
            p.put("advertised.listeners", listener + "://127.0.0.1:" + brokerPort);
            p.put("controller.listener.names", "CONTROLLER");
            p.put("inter.broker.listener.name", listener);
            p.put("listener.security.protocol.map", listener + ":" + listener + ",CONTROLLER:PLAINTEXT");
            if (users != null) {
                // The broker talks to itself over its one broker listener (transaction markers), so it has a user.
                String brokerPassword = java.util.UUID.randomUUID().toString();
                StringBuilder plain = new StringBuilder(PLAIN_LOGIN_MODULE)
                        .append(" required username=\"")
                        .append(INTER_BROKER_USER)
                        .append("\" password=\"")
                        .append(brokerPassword)
                        .append("\" user_")
                        .append(INTER_BROKER_USER)
                        .append("=\"")
                        .append(brokerPassword)
                        .append('"');
                users.plain()
                        .forEach((name, pw) -> plain.append(" user_")
                                .append(name)
                                .append("=\"")
                                .append(pw)
                                .append('"'));
                plain.append(';');
                String prefix = "listener.name." + listener.toLowerCase(java.util.Locale.ROOT) + ".";
                p.put("sasl.enabled.mechanisms", "PLAIN,SCRAM-SHA-512");
                p.put("sasl.mechanism.inter.broker.protocol", "PLAIN");
                p.put(prefix + "plain.sasl.jaas.config", plain.toString());
                p.put(prefix + "scram-sha-512.sasl.jaas.config", SCRAM_LOGIN_MODULE + " required;");
            }
            p.put("log.dirs", logDir.toAbsolutePath().toString());
            p.put("auto.create.topics.enable", "false");
            p.put("num.partitions", "6");
            p.put("default.replication.factor", "1");
            p.put("min.insync.replicas", "1");
            p.put("offsets.topic.replication.factor", "1");
            p.put("offsets.topic.num.partitions", "6");
            p.put("transaction.state.log.replication.factor", "1");
            p.put("transaction.state.log.min.isr", "1");
            p.put("transaction.state.log.num.partitions", "6");
            p.put("share.coordinator.state.topic.replication.factor", "1");
            p.put("share.coordinator.state.topic.min.isr", "1");
            p.put("group.initial.rebalance.delay.ms", "0");
            p.put("log.retention.ms", "-1");
            p.put("log.cleaner.dedupe.buffer.size", String.valueOf(8L * 1024 * 1024));
            p.put("log.cleaner.threads", "1");
            p.put("num.network.threads", "2");
            p.put("num.io.threads", "4");
            p.put("num.recovery.threads.per.data.dir", "2");
            KafkaConfig config = KafkaConfig.fromProps(p, false);

            if (!Files.exists(logDir.resolve("meta.properties"))) {
                Formatter formatter = new Formatter()
                        .setNodeId(1)
                        .setClusterId(Uuid.randomUuid().toString())
                        .setDirectories(List.of(logDir.toAbsolutePath().toString()))
                        .setMetadataLogDirectory(logDir.toAbsolutePath().toString())
                        .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
                        .setSupportedFeatures(Feature.PRODUCTION_FEATURES)
                        .setControllerListenerName("CONTROLLER")
                        // Transactions v2 loses the first batch of a fresh transactional producer on this single-node
                        // setup (OutOfOrderSequenceException "expected sequence 0"); v1 is the proven protocol.
                        .setFeatureLevel(Feature.TRANSACTION_VERSION.featureName(), (short) 1)
                        .setIgnoreFormatted(true)
                        .setScramArguments(scramArguments(users))
                        .setPrintStream(new java.io.PrintStream(java.io.OutputStream.nullOutputStream()));
                formatter.run();
            }
            KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM);
            try {
                server.startup();
            } catch (RuntimeException e) {
                // A half-started server keeps non-daemon threads alive: stop what did start.
                server.shutdown();
                server.awaitShutdown();
                throw e;
            }
            String bootstrap = "127.0.0.1:" + brokerPort;
            LOG.info(
                    "embedded Kafka broker at {} ({}{}, data {}) started in {} ms",
                    bootstrap,
                    listener,
                    users == null ? "" : " " + users,
                    logDir,
                    (System.nanoTime() - t0) / 1_000_000);
            return new EmbeddedKafkaBroker(server, config, bootstrap, logDir, listener);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start embedded Kafka in " + logDir, e);
        } catch (Exception e) {
            throw new IllegalStateException("cannot start embedded Kafka in " + logDir + ": " + e.getMessage(), e);
        }
    }

    private static List<String> scramArguments(BrokerUsers users) {
        if (users == null) return List.of();
        List<String> out = new java.util.ArrayList<>();
        users.scramSha512().forEach((name, pw) -> out.add("SCRAM-SHA-512=[name=" + name + ",password=\"" + pw + "\"]"));
        return out;
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** {@code PLAINTEXT}, or {@code SASL_PLAINTEXT} when started with users: what its clients' protocol must be. */
    public String securityProtocol() {
        return securityProtocol;
    }

    public Path logDir() {
        return logDir;
    }

    /**
     * Stops the broker (a clean shutdown), stays down for {@code down}, and starts it again on the same ports and log
     * directory: what a rolling restart or a broker crash looks like to clients, which must reconnect by themselves.
     */
    public synchronized void restart(java.time.Duration down) throws InterruptedException {
        if (closed) throw new IllegalStateException("broker is closed");
        server.shutdown();
        server.awaitShutdown();
        LOG.warn("embedded Kafka broker at {} stopped; starting again in {} ms", bootstrapServers, down.toMillis());
        Thread.sleep(down.toMillis());
        KafkaRaftServer again = new KafkaRaftServer(config, Time.SYSTEM);
        try {
            again.startup();
        } catch (RuntimeException e) {
            again.shutdown();
            again.awaitShutdown();
            closed = true;
            throw e;
        }
        server = again;
        LOG.warn("embedded Kafka broker at {} started again", bootstrapServers);
    }

    /** Stops the broker and waits for its threads to end. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        server.shutdown();
        server.awaitShutdown();
    }
}
