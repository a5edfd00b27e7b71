package dev.fraudplatform.substrate.kafka;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * How this process reaches one Kafka cluster: bootstrap servers, a client id prefix, and an open set of extra client
 * properties (security: {@code security.protocol}, {@code sasl.*}, {@code ssl.*}, ...). It builds the configuration of
 * every producer, consumer, admin client and Kafka Streams application of the platform, so a cluster that needs
 * authentication or TLS is one set of extras here, not a change in each client.
 *
 * <p>Every configuration it builds holds, in this order, each later one winning on the same key:
 *
 * <ol>
 *   <li>{@code bootstrap.servers} and {@code client.id} = {@code <prefix>-<name>} ({@link #clientId});
 *   <li>the extras, unchanged (Kafka Streams hands unprefixed client properties to its inner clients);
 *   <li>the caller's specific settings (acks, idempotence, transactional id, isolation level, ...): what the
 *       caller's correctness rests on is never overridden by an extra. A specific setting may replace the client id;
 *       it cannot replace the bootstrap servers.
 * </ol>
 *
 * The extras may not name {@code bootstrap.servers} or {@code client.id} (one source for each). Immutable and
 * thread-safe; each call returns a new {@link Properties} the caller owns. {@link #toString()} masks every extra that
 * may hold a credential ({@link #isSecret}).
 */
public final class KafkaSettings {
    /** The client id prefix of the platform's own clients. */
    public static final String DEFAULT_CLIENT_ID_PREFIX = "fp";

    /** {@code StreamsConfig.APPLICATION_ID_CONFIG}. */
    private static final String STREAMS_APPLICATION_ID = "application.id";

    private static final Set<String> RESERVED =
            Set.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, CommonClientConfigs.CLIENT_ID_CONFIG);

    private final String bootstrapServers;
    private final String clientIdPrefix;
    private final Map<String, String> extras;
    private final KafkaSecurity security;

    /**
     * @param bootstrapServers {@code host:port[,host:port...]}, not blank
     * @param clientIdPrefix   prefix of every client id, not blank
     * @param extras           further client properties for every client (copied); neither key may be
     *                         {@code bootstrap.servers} nor {@code client.id}
     */
    public KafkaSettings(String bootstrapServers, String clientIdPrefix, Map<String, String> extras) {
        this(bootstrapServers, clientIdPrefix, extras, null);
    }

    private KafkaSettings(
            String bootstrapServers, String clientIdPrefix, Map<String, String> extras, KafkaSecurity security) {
        if (bootstrapServers == null || bootstrapServers.isBlank())
            throw new IllegalArgumentException("bootstrap servers are required");
        if (clientIdPrefix == null || clientIdPrefix.isBlank())
            throw new IllegalArgumentException("a client id prefix is required");
        for (String key : extras.keySet()) {
            if (RESERVED.contains(key))
                throw new IllegalArgumentException(key + " is set by KafkaSettings itself, not as an extra property");
        }
        this.bootstrapServers = bootstrapServers;
        this.clientIdPrefix = clientIdPrefix;
        this.extras = Map.copyOf(extras);
        this.security = security;
    }

    /** Plaintext, no extras, the platform's client id prefix: the embedded broker and a local cluster. */
    public static KafkaSettings of(String bootstrapServers) {
        return new KafkaSettings(bootstrapServers, DEFAULT_CLIENT_ID_PREFIX, Map.of());
    }

    /**
     * The cluster at {@code bootstrapServers} reached as {@code security} says: its {@link
     * KafkaSecurity#clientProperties() client properties} are the extras, and {@link #security()} keeps it so that an
     * error can name where the credentials came from ({@link KafkaAccess}).
     */
    public static KafkaSettings secured(String bootstrapServers, KafkaSecurity security) {
        return new KafkaSettings(
                bootstrapServers,
                DEFAULT_CLIENT_ID_PREFIX,
                security.clientProperties(),
                Objects.requireNonNull(security));
    }

    /**
     * These settings with {@code more} extras added (replacing extras of the same key). The {@link #security()} is
     * kept: extras that replace its properties make it describe the credentials wrongly, so tune, don't re-secure.
     */
    public KafkaSettings withExtras(Map<String, String> more) {
        Map<String, String> merged = new TreeMap<>(extras);
        merged.putAll(more);
        return new KafkaSettings(bootstrapServers, clientIdPrefix, merged, security);
    }

    /** The security these settings were {@link #secured} with; empty when built from bare extras. */
    public java.util.Optional<KafkaSecurity> security() {
        return java.util.Optional.ofNullable(security);
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    public String clientIdPrefix() {
        return clientIdPrefix;
    }

    /** The extra client properties, unmasked (immutable). */
    public Map<String, String> extras() {
        return extras;
    }

    /** The client id of the client called {@code name}: {@code <prefix>-<name>}. */
    public String clientId(String name) {
        return clientIdPrefix + "-" + Objects.requireNonNull(name, "name");
    }

    /** A producer's configuration with the caller's {@code specific} settings (serializers are the caller's). */
    public Properties producer(String name, Map<String, ?> specific) {
        return build(name, specific);
    }

    /**
     * The platform's producer, shared by every role that produces outside Kafka Streams: idempotent,
     * {@code acks=all}, lz4, a 2 ms linger and 256 KiB batches so that a gate's batch travels as few requests, five
     * requests in flight (the most idempotence keeps in order), two minutes to deliver.
     */
    public Properties idempotentProducer(String name) {
        return producer(name, idempotentProducerSettings());
    }

    /**
     * {@link #idempotentProducer} in transactions under {@code transactionalId}, each open at most
     * {@code transactionTimeout}.
     */
    public Properties transactionalProducer(String name, String transactionalId, Duration transactionTimeout) {
        Map<String, Object> specific = new TreeMap<>(idempotentProducerSettings());
        specific.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, Objects.requireNonNull(transactionalId));
        specific.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, (int) transactionTimeout.toMillis());
        return producer(name, specific);
    }

    private static Map<String, Object> idempotentProducerSettings() {
        return Map.of(
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true",
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4",
                ProducerConfig.LINGER_MS_CONFIG, "2",
                ProducerConfig.BATCH_SIZE_CONFIG, String.valueOf(256 * 1024),
                ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "5",
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "120000");
    }

    /**
     * A consumer's configuration with the caller's {@code specific} settings (group, isolation level, offsets,
     * poll sizes; deserializers are the caller's).
     *
     * @param groupId the consumer group, or null for a consumer that assigns partitions itself
     */
    public Properties consumer(String groupId, String name, Map<String, ?> specific) {
        Properties p = build(name, specific);
        if (groupId != null) p.put(CommonClientConfigs.GROUP_ID_CONFIG, groupId);
        return p;
    }

    /** An admin client's configuration with the caller's {@code specific} settings (timeouts). */
    public Properties admin(String name, Map<String, ?> specific) {
        return build(name, specific);
    }

    /**
     * A Kafka Streams application's configuration: {@code application.id}, and {@code client.id} = the prefix of its
     * inner clients' ids, with the caller's {@code specific} settings (guarantee, threads, state directory, commit
     * interval, {@code consumer.}/{@code producer.} prefixed tuning). Built here without Kafka Streams on the class
     * path: the application's module brings it.
     */
    public Properties streams(String applicationId, String name, Map<String, ?> specific) {
        Properties p = build(name, specific);
        p.put(STREAMS_APPLICATION_ID, Objects.requireNonNull(applicationId, "applicationId"));
        return p;
    }

    private Properties build(String name, Map<String, ?> specific) {
        Properties p = new Properties();
        p.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(CommonClientConfigs.CLIENT_ID_CONFIG, clientId(name));
        p.putAll(extras);
        for (Map.Entry<String, ?> e : specific.entrySet()) {
            if (e.getKey().equals(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG))
                throw new IllegalArgumentException("bootstrap servers come from KafkaSettings only");
            p.put(e.getKey(), e.getValue());
        }
        return p;
    }

    /**
     * May the value of {@code key} be a credential? Passwords and passphrases, secrets, tokens, JAAS configurations
     * (which embed passwords), user info ({@code basic.auth.user.info}: {@code user:password}) and keys ({@code ssl.keystore.key}, {@code api.key}, an AWS {@code accesskey}; not
     * {@code key.serializer} nor {@code ssl.keystore.location}). Errs toward masking.
     */
    public static boolean isSecret(String key) {
        String k = key.toLowerCase(Locale.ROOT);
        if (k.contains("password")
                || k.contains("passphrase")
                || k.contains("user.info")
                || k.contains("secret")
                || k.contains("token")
                || k.contains("credential")
                || k.contains("jaas")) return true;
        String[] parts = k.split("[.\\-_]");
        String last = parts[parts.length - 1];
        return last.endsWith("key");
    }

    /**
     * Bootstrap servers, prefix, where the credentials come from (variable names) and extras, every credential
     * masked: safe to log.
     */
    @Override
    public String toString() {
        Map<String, String> shown = new TreeMap<>();
        extras.forEach((k, v) -> shown.put(k, isSecret(k) ? "******" : v));
        return "KafkaSettings[bootstrap=" + bootstrapServers + ", clientIdPrefix=" + clientIdPrefix
                + (security == null ? "" : ", credentials=" + security.credentialSource()) + ", extras=" + shown + "]";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof KafkaSettings s
                && s.bootstrapServers.equals(bootstrapServers)
                && s.clientIdPrefix.equals(clientIdPrefix)
                && s.extras.equals(extras)
                && Objects.equals(
                        s.security == null ? null : s.security.toString(),
                        security == null ? null : security.toString());
    }

    @Override
    public int hashCode() {
        return Objects.hash(bootstrapServers, clientIdPrefix, extras);
    }
}
