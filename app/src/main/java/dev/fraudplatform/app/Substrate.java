package dev.fraudplatform.app;

import dev.fraudplatform.core.actions.EffectLedger;
import dev.fraudplatform.core.bus.AtomicPublisher;
import dev.fraudplatform.core.bus.BusAdmin;
import dev.fraudplatform.core.bus.BusConsumers;
import dev.fraudplatform.core.bus.BusPartitioner;
import dev.fraudplatform.core.bus.EventPublisher;
import dev.fraudplatform.core.bus.TopicReader;
import dev.fraudplatform.core.bus.Topics;
import dev.fraudplatform.core.cases.AccountActivity;
import dev.fraudplatform.core.cases.CaseStore;
import dev.fraudplatform.core.cases.Investigators;
import dev.fraudplatform.core.ingress.IngressPort;
import dev.fraudplatform.core.ingress.ProducerKeys;
import dev.fraudplatform.core.ingress.QuarantineIndex;
import dev.fraudplatform.core.ingress.Receipt;
import dev.fraudplatform.core.ingress.ReceiptStore;
import dev.fraudplatform.core.join.JoinPlane;
import dev.fraudplatform.core.labels.LabelStore;
import dev.fraudplatform.core.registry.BundleRegistry;
import dev.fraudplatform.core.run.RunEvidence;
import dev.fraudplatform.core.run.RunRegistry;
import dev.fraudplatform.core.store.ObjectStore;
import dev.fraudplatform.substrate.kafka.KafkaAccess;
import dev.fraudplatform.substrate.kafka.KafkaAtomicPublisher;
import dev.fraudplatform.substrate.kafka.KafkaBusAdmin;
import dev.fraudplatform.substrate.kafka.KafkaBusConsumers;
import dev.fraudplatform.substrate.kafka.KafkaBusPartitioner;
import dev.fraudplatform.substrate.kafka.KafkaEventPublisher;
import dev.fraudplatform.substrate.kafka.KafkaIngressListener;
import dev.fraudplatform.substrate.kafka.KafkaSecurity;
import dev.fraudplatform.substrate.kafka.KafkaSettings;
import dev.fraudplatform.substrate.kafka.KafkaTopicReader;
import dev.fraudplatform.substrate.kafka.KafkaTopics;
import dev.fraudplatform.substrate.postgres.PostgresAccountActivity;
import dev.fraudplatform.substrate.postgres.PostgresBundleRegistry;
import dev.fraudplatform.substrate.postgres.PostgresCaseStore;
import dev.fraudplatform.substrate.postgres.PostgresDatabase;
import dev.fraudplatform.substrate.postgres.PostgresEffectLedger;
import dev.fraudplatform.substrate.postgres.PostgresInvestigators;
import dev.fraudplatform.substrate.postgres.PostgresLabelStore;
import dev.fraudplatform.substrate.postgres.PostgresProducerKeys;
import dev.fraudplatform.substrate.postgres.PostgresQuarantineIndex;
import dev.fraudplatform.substrate.postgres.PostgresReceiptStore;
import dev.fraudplatform.substrate.postgres.PostgresRunEvidence;
import dev.fraudplatform.substrate.postgres.PostgresRunRegistry;
import dev.fraudplatform.substrate.redis.RedisJoinPlane;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Function;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The adapters every wiring on Kafka, PostgreSQL and an object store shares, made once its servers answer: the
 * platform topics ensured, the stores on the database, the publisher and readers on the bus. A subclass starts or
 * finds the servers and closes what it started after {@link #close()} has closed the adapters.
 */
abstract class Substrate implements Wiring {
    private static final Logger LOG = LoggerFactory.getLogger(Substrate.class);

    private final PlatformConfig config;
    private final String bootstrap;
    private final KafkaSettings kafka;
    private final String jdbcUrl;
    private final PostgresDatabase db;
    private final ClosingStack closeables = new ClosingStack(LOG);
    private final ObjectStore store;
    private final BusAdmin busAdmin;
    private final EventPublisher publisher;
    private final ReceiptStore receipts;
    private final EffectLedger ledger;
    private final RunRegistry runs;
    private final ProducerKeys producerKeys;
    private final QuarantineIndex quarantine;
    private final RunEvidence evidence;
    private final LabelStore labels;
    private final CaseStore cases;
    private final AccountActivity activity;
    private final Investigators investigators;
    private final BundleRegistry bundleRegistry;
    private final BusPartitioner partitioner = new KafkaBusPartitioner();
    private final TopicReader topicReader;
    private final BusConsumers consumers;
    private JoinPlane joinPlane;

    /**
     * Takes ownership of {@code db} (closed with the substrate, also when this constructor fails). The platform topics
     * are ensured with {@code config}'s partitions.
     */
    Substrate(PlatformConfig config, String bootstrap, String jdbcUrl, PostgresDatabase db) {
        this.config = config;
        this.bootstrap = bootstrap;
        this.kafka = kafkaSettings(config, bootstrap);
        this.jdbcUrl = jdbcUrl;
        this.db = db;
        closeables.push(db);
        try {
            // An external cluster that refuses this process's credentials stops it here, in one line, before any role.
            if (config.kafkaBootstrap() != null) KafkaAccess.verify(kafka, Duration.ofSeconds(30));
            store = Wiring.objectStore(config);
            busAdmin = push(new KafkaBusAdmin(KafkaTopics.admin(kafka, "admin")));
            ensureTopics(busAdmin, config.partitions());
            publisher = push(new KafkaEventPublisher(kafka, "platform"));
            DataSource ds = db.dataSource();
            receipts = new PostgresReceiptStore(ds);
            ledger = new PostgresEffectLedger(ds);
            runs = push(new PostgresRunRegistry(ds));
            producerKeys = new PostgresProducerKeys(ds);
            quarantine = new PostgresQuarantineIndex(ds);
            evidence = new PostgresRunEvidence(ds);
            labels = new PostgresLabelStore(ds);
            cases = new PostgresCaseStore(ds);
            activity = new PostgresAccountActivity(ds);
            investigators = new PostgresInvestigators(ds);
            bundleRegistry = new PostgresBundleRegistry(ds);
            topicReader = new KafkaTopicReader(kafka);
            consumers = new KafkaBusConsumers(kafka);
        } catch (RuntimeException e) {
            closeables.close();
            throw e;
        }
    }

    /**
     * How this process's Kafka clients reach the external cluster of {@code config}: its bootstrap servers, and the
     * security its {@code kafka.*} keys describe, the secrets read from the environment.
     *
     * @throws IllegalArgumentException in one line naming the key or variable at fault (never a secret)
     */
    static KafkaSettings kafkaSettings(PlatformConfig config) {
        return kafkaSettings(config, config.kafkaBootstrap());
    }

    private static KafkaSettings kafkaSettings(PlatformConfig config, String bootstrap) {
        // The embedded broker is this process's own, on loopback, plaintext: the profile's security is the cluster's.
        if (config.kafkaBootstrap() == null) return KafkaSettings.of(bootstrap);
        return KafkaSettings.secured(bootstrap, kafkaSecurity(config));
    }

    /**
     * Checks the {@code kafka.*} security {@code settings} with the secrets of {@code env}, before anything starts.
     *
     * @throws IllegalArgumentException in one line naming the key or variable at fault (never a secret)
     */
    static void checkKafkaSecurity(Map<String, String> settings, Map<String, String> env) {
        KafkaSecurity.fromSettings(settings, env);
    }

    /** The security of {@code config}'s Kafka: plaintext unless its {@code kafka.*} keys say otherwise. */
    static KafkaSecurity kafkaSecurity(PlatformConfig config) {
        return KafkaSecurity.fromSettings(config.kafkaSecurity(), config.environment());
    }

    /** Every topic the platform uses, with {@code partitions} partitions (the gate's relay has one). */
    static void ensureTopics(BusAdmin admin, int partitions) {
        admin.ensureTopics(Topics.ALL, partitions);
        admin.ensureTopics(List.of(Topics.INGRESS_RELAY), 1);
        admin.ensureTopics(List.of(Topics.INGRESS, Topics.INGRESS_RECEIPTS), partitions);
    }

    /** The topics {@link #ensureTopics} makes, by their partition count under {@code partitions}. */
    static java.util.Map<String, Integer> expectedTopics(int partitions) {
        java.util.Map<String, Integer> out = new java.util.TreeMap<>();
        Topics.ALL.forEach(t -> out.put(t, partitions));
        out.put(Topics.INGRESS_RELAY, 1);
        out.put(Topics.INGRESS, partitions);
        out.put(Topics.INGRESS_RECEIPTS, partitions);
        return out;
    }

    private <T extends AutoCloseable> T push(T closeable) {
        closeables.push(closeable);
        return closeable;
    }

    @Override
    public BundleRegistry bundleRegistry() {
        return bundleRegistry;
    }

    @Override
    public ObjectStore store() {
        return store;
    }

    @Override
    public ReceiptStore receipts() {
        return receipts;
    }

    @Override
    public EffectLedger ledger() {
        return ledger;
    }

    @Override
    public RunRegistry runs() {
        return runs;
    }

    @Override
    public ProducerKeys producerKeys() {
        return producerKeys;
    }

    @Override
    public QuarantineIndex quarantine() {
        return quarantine;
    }

    @Override
    public RunEvidence evidence() {
        return evidence;
    }

    @Override
    public LabelStore labels() {
        return labels;
    }

    @Override
    public CaseStore cases() {
        return cases;
    }

    @Override
    public AccountActivity activity() {
        return activity;
    }

    @Override
    public Investigators investigators() {
        return investigators;
    }

    @Override
    public EventPublisher publisher() {
        return publisher;
    }

    @Override
    public AtomicPublisher atomicPublisher(String name) {
        return new KafkaAtomicPublisher(kafka, name);
    }

    @Override
    public BusAdmin busAdmin() {
        return busAdmin;
    }

    @Override
    public BusConsumers consumers() {
        return consumers;
    }

    @Override
    public Properties streams(String applicationId, String name) {
        return kafka.streams(applicationId, name, Map.of());
    }

    @Override
    public BusPartitioner partitioner() {
        return partitioner;
    }

    @Override
    public TopicReader topicReader() {
        return topicReader;
    }

    @Override
    public synchronized JoinPlane joinPlane() {
        if (joinPlane == null && config.redisUrl() != null) {
            RedisJoinPlane redis = new RedisJoinPlane(config.redisUrl(), Duration.ofMillis(500), Duration.ofDays(7));
            closeables.push(redis);
            joinPlane = redis;
        }
        return joinPlane;
    }

    @Override
    public Listener busIngress(IngressPort gate, Function<Receipt, byte[]> receiptBytes) {
        KafkaIngressListener listener = new KafkaIngressListener(kafka, gate, receiptBytes).start();
        return new Listener() {
            @Override
            public Throwable failure() {
                return listener.failure();
            }

            @Override
            public void close() {
                listener.close();
            }
        };
    }

    @Override
    public KafkaSettings kafka() {
        return kafka;
    }

    @Override
    public String kafkaBootstrap() {
        return bootstrap;
    }

    @Override
    public String jdbcUrl() {
        return jdbcUrl;
    }

    @Override
    public DataSource dataSource() {
        return db.dataSource();
    }

    @Override
    public String adminJdbcUrl() {
        return db.adminJdbcUrl();
    }

    /** Closes the adapters, newest first, then the database pool; a subclass then stops its servers. */
    @Override
    public void close() {
        closeables.close();
    }
}
