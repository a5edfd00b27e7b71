package dev.fraudplatform.substrate.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.clients.admin.DescribeConfigsOptions;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.errors.UnsupportedSaslMechanismException;

/**
 * A fail-fast check that this process may use a Kafka cluster, for start-up and {@code fp doctor}: {@link #verify}
 * connects, authenticates, describes the cluster and lists its topics within a time limit; {@link #checkTopics}
 * holds named topics to their expected partition count and retention.
 *
 * <p>Every failure is a {@link KafkaAccessException} whose message is one line: the cluster, what went wrong, and
 * where to look (the variables the credentials came from, the protocol, the trust store). It names no Kafka class
 * and never holds a secret: credentials are named by their variables ({@link KafkaSecurity#credentialSource()}).
 */
public final class KafkaAccess {
    private KafkaAccess() {}

    /** What {@link #verify} found: the cluster's id, how many brokers answer, how many topics it lists. */
    public record Cluster(String bootstrapServers, String clusterId, int brokerCount, int topicCount, Duration took) {
        /** {@code Kafka at HOST: cluster ID, 3 brokers, 12 topics (0.4 s)}. */
        public String line() {
            return "Kafka at " + bootstrapServers + ": cluster " + clusterId + ", " + brokerCount
                    + (brokerCount == 1 ? " broker, " : " brokers, ") + topicCount
                    + (topicCount == 1 ? " topic" : " topics") + " ("
                    + String.format("%.1f s", took.toMillis() / 1000.0)
                    + ")";
        }
    }

    /**
     * A topic the platform needs: its name, its partition count, and its {@code retention.ms} ({@link
     * #UNLIMITED_RETENTION} for the platform's topics, whose records carry historical event times).
     */
    public record TopicExpectation(String topic, int partitions, long retentionMs) {
        public static final long UNLIMITED_RETENTION = -1L;

        public TopicExpectation {
            Objects.requireNonNull(topic, "topic");
            if (partitions < 1) throw new IllegalArgumentException("a topic needs at least one partition");
        }

        /** {@code topic} with {@code partitions} partitions and no time-based retention. */
        public static TopicExpectation platform(String topic, int partitions) {
            return new TopicExpectation(topic, partitions, UNLIMITED_RETENTION);
        }
    }

    /**
     * One topic held to its expectation: {@code ok}, and one line, e.g. {@code topic fp.traffic: ok (6 partitions,
     * retention.ms -1)}, {@code topic fp.traffic: missing}, {@code topic fp.traffic: 3 partitions, expected 6}.
     */
    public record TopicCheck(String topic, boolean ok, String line) {}

    /**
     * Connects to the cluster {@code kafka} names, authenticates as it says, describes the cluster and lists its
     * topics, all within {@code timeout}.
     *
     * @throws KafkaAccessException one line: did not answer within the timeout, refused the credentials (naming the
     *     variables they came from), does not offer the SASL mechanism, TLS handshake failed, not authorized
     */
    public static Cluster verify(KafkaSettings kafka, Duration timeout) {
        long t0 = System.nanoTime();
        long deadline = t0 + timeout.toNanos();
        try {
            Admin admin = admin(kafka, timeout);
            try {
                DescribeClusterResult cluster =
                        admin.describeCluster(new DescribeClusterOptions().timeoutMs(remainingMs(deadline)));
                String clusterId = await(cluster.clusterId(), deadline);
                int brokers = await(cluster.nodes(), deadline).size();
                Set<String> topics = await(
                        admin.listTopics(new ListTopicsOptions().timeoutMs(remainingMs(deadline)))
                                .names(),
                        deadline);
                return new Cluster(
                        kafka.bootstrapServers(),
                        clusterId,
                        brokers,
                        topics.size(),
                        Duration.ofNanos(System.nanoTime() - t0));
            } finally {
                // A refused or unreachable cluster leaves requests in flight; do not wait for them.
                admin.close(Duration.ZERO);
            }
        } catch (KafkaAccessException e) {
            throw e;
        } catch (Exception e) {
            throw explain(kafka, timeout, e);
        }
    }

    /**
     * Holds each of {@code expected} to its partition count and {@code retention.ms}, within {@code timeout}: one
     * {@link TopicCheck} per expectation, in order. A missing topic or a wrong setting is a failed check, not an
     * exception.
     *
     * @throws KafkaAccessException if the cluster cannot be used at all (as {@link #verify})
     */
    public static List<TopicCheck> checkTopics(
            KafkaSettings kafka, Collection<TopicExpectation> expected, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            Admin admin = admin(kafka, timeout);
            try {
                List<String> names = expected.stream()
                        .map(TopicExpectation::topic)
                        .distinct()
                        .toList();
                Map<String, KafkaFuture<TopicDescription>> described = admin.describeTopics(
                                names, new DescribeTopicsOptions().timeoutMs(remainingMs(deadline)))
                        .topicNameValues();
                Map<String, Integer> partitions = new HashMap<>();
                for (String name : names) {
                    try {
                        partitions.put(
                                name,
                                await(described.get(name), deadline)
                                        .partitions()
                                        .size());
                    } catch (ExecutionException e) {
                        if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) throw e;
                    }
                }
                Map<String, String> retention = new HashMap<>();
                if (!partitions.isEmpty()) {
                    List<ConfigResource> resources = partitions.keySet().stream()
                            .map(t -> new ConfigResource(ConfigResource.Type.TOPIC, t))
                            .toList();
                    Map<ConfigResource, Config> configs = await(
                            admin.describeConfigs(
                                            resources, new DescribeConfigsOptions().timeoutMs(remainingMs(deadline)))
                                    .all(),
                            deadline);
                    configs.forEach((r, c) -> {
                        ConfigEntry e = c.get("retention.ms");
                        retention.put(r.name(), e == null ? null : e.value());
                    });
                }
                List<TopicCheck> out = new ArrayList<>();
                for (TopicExpectation x : expected)
                    out.add(check(x, partitions.get(x.topic()), retention.get(x.topic())));
                return out;
            } finally {
                admin.close(Duration.ZERO);
            }
        } catch (KafkaAccessException e) {
            throw e;
        } catch (Exception e) {
            throw explain(kafka, timeout, e);
        }
    }

    private static TopicCheck check(TopicExpectation x, Integer partitions, String retentionMs) {
        String prefix = "topic " + x.topic() + ": ";
        if (partitions == null) return new TopicCheck(x.topic(), false, prefix + "missing");
        List<String> wrong = new ArrayList<>();
        if (partitions != x.partitions()) wrong.add(partitions + " partitions, expected " + x.partitions());
        if (retentionMs == null || !retentionMs.equals(Long.toString(x.retentionMs())))
            wrong.add("retention.ms " + retentionMs + ", expected " + x.retentionMs()
                    + (x.retentionMs() == TopicExpectation.UNLIMITED_RETENTION
                            ? " (the broker deletes records by their event time)"
                            : ""));
        if (wrong.isEmpty())
            return new TopicCheck(
                    x.topic(), true, prefix + "ok (" + partitions + " partitions, retention.ms " + retentionMs + ")");
        return new TopicCheck(x.topic(), false, prefix + String.join("; ", wrong));
    }

    private static Admin admin(KafkaSettings kafka, Duration timeout) {
        int ms = (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis()));
        return Admin.create(kafka.admin(
                "access-check",
                Map.of(
                        AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, String.valueOf(ms),
                        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, String.valueOf(ms),
                        // Without this an unreachable address is retried with backoff up to a minute apart.
                        AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "1000",
                        AdminClientConfig.SOCKET_CONNECTION_SETUP_TIMEOUT_MS_CONFIG,
                                String.valueOf(Math.min(ms, 10_000)),
                        AdminClientConfig.SOCKET_CONNECTION_SETUP_TIMEOUT_MAX_MS_CONFIG, String.valueOf(ms))));
    }

    private static <T> T await(KafkaFuture<T> f, long deadline) throws Exception {
        return f.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    }

    private static int remainingMs(long deadline) {
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, (deadline - System.nanoTime()) / 1_000_000));
    }

    /** The one line a person needs for {@code failure}, and the failure as its cause. */
    static KafkaAccessException explain(KafkaSettings kafka, Duration timeout, Throwable failure) {
        String at = "Kafka at " + kafka.bootstrapServers();
        String credentials = kafka.security()
                .map(KafkaSecurity::credentialSource)
                .orElseGet(() -> {
                    String mechanism = kafka.extras().get("sasl.mechanism");
                    return mechanism == null ? "no credentials" : "sasl.jaas.config (SASL " + mechanism + ")";
                });
        String protocol = kafka.security()
                .map(s -> s.protocol().name())
                .orElse(kafka.extras().getOrDefault("security.protocol", "PLAINTEXT"));
        Throwable cause = rootKafkaCause(failure);
        String line;
        if (failure instanceof InterruptedException) {
            Thread.currentThread().interrupt();
            line = "interrupted while checking " + at;
        } else if (cause instanceof SslAuthenticationException) {
            line = at + ": the TLS handshake failed (does " + KafkaSecurity.TRUSTSTORE_LOCATION_KEY
                    + " trust the broker's certificate, and does the certificate name this host?)";
        } else if (cause instanceof UnsupportedSaslMechanismException) {
            line = at + " does not offer SASL " + kafka.extras().get("sasl.mechanism") + " (check "
                    + KafkaSecurity.MECHANISM_KEY + ")";
        } else if (cause instanceof AuthenticationException) {
            line = at + " refused the credentials in " + credentials + ": authentication failed";
        } else if (cause instanceof AuthorizationException) {
            line = at + " accepted the credentials in " + credentials
                    + " but refused to describe the cluster or its topics: not authorized";
        } else if (cause instanceof TimeoutException
                || cause instanceof org.apache.kafka.common.errors.TimeoutException) {
            line = at + " did not answer within " + seconds(timeout) + " (reached as " + protocol
                    + ": are the address, the port and " + KafkaSecurity.PROTOCOL_KEY + " right?)";
        } else if (cause instanceof ConfigException
                && String.valueOf(cause.getMessage()).contains("resolvable")) {
            line = at + ": no address of it resolves";
        } else if (String.valueOf(messageChain(failure)).contains("software.amazon.msk")) {
            line = "cannot reach " + at + " with " + credentials
                    + ": the MSK IAM library (software.amazon.msk:aws-msk-iam-auth) is not on the class path";
        } else {
            line = at + " cannot be used with " + credentials + " (" + protocol + "): "
                    + firstLine(cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage());
        }
        return new KafkaAccessException(line, failure);
    }

    /** The most specific Kafka error under the wrappers futures and clients add. */
    private static Throwable rootKafkaCause(Throwable t) {
        Throwable c = t;
        while ((c instanceof ExecutionException || (c.getClass() == KafkaException.class))
                && c.getCause() != null
                && c.getCause() != c) c = c.getCause();
        return c;
    }

    private static String messageChain(Throwable t) {
        StringBuilder b = new StringBuilder();
        for (Throwable c = t; c != null && b.length() < 10_000; c = c.getCause() == c ? null : c.getCause())
            b.append(c.getMessage()).append(" | ");
        return b.toString();
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    private static String seconds(Duration d) {
        long ms = d.toMillis();
        return ms % 1000 == 0 ? (ms / 1000) + " s" : String.format("%.1f s", ms / 1000.0);
    }
}
