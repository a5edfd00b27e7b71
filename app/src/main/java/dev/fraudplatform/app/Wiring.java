package dev.fraudplatform.app;

import dev.fraudplatform.core.actions.EffectLedger;
import dev.fraudplatform.core.bus.AtomicPublisher;
import dev.fraudplatform.core.bus.BusAdmin;
import dev.fraudplatform.core.bus.BusConsumers;
import dev.fraudplatform.core.bus.BusPartitioner;
import dev.fraudplatform.core.bus.EventPublisher;
import dev.fraudplatform.core.bus.TopicReader;
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
import dev.fraudplatform.substrate.kafka.KafkaSettings;
import dev.fraudplatform.substrate.objectstore.FilesystemObjectStore;
import dev.fraudplatform.substrate.objectstore.S3ObjectStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import java.util.function.Function;
import javax.sql.DataSource;

/**
 * The substrate of one platform process: which adapter stands behind each port, chosen here and nowhere else. A
 * wiring is {@link #start started} from the configuration: {@link EmbeddedWiring} runs in process whatever the
 * configuration does not point elsewhere (a KRaft broker, PostgreSQL); {@link LocalWiring} uses the servers of
 * {@code FP_KAFKA_BOOTSTRAP} and {@code FP_PG_URL}. A cloud wiring, or an object store on S3, is one adapter and one
 * line here.
 *
 * <p>Lifecycle: the caller of {@link #start} owns the wiring and closes it after everything that uses its ports; it
 * closes the adapters it made and stops the servers it started. The ports it returns are the same objects on every
 * call, and thread-safe. What a caller makes with {@link #atomicPublisher}, {@link #busIngress} or {@link #consumers}
 * it closes itself.
 */
public interface Wiring extends AutoCloseable {

    /**
     * Brings up the substrate for {@code config}: {@link LocalWiring} when both Kafka and PostgreSQL are external,
     * else {@link EmbeddedWiring} (in process, under {@code workDir}, whatever is not external); every platform topic
     * exists when it returns.
     */
    static Wiring start(PlatformConfig config, Path workDir) {
        return config.kafkaBootstrap() != null && config.pgUrl() != null
                ? LocalWiring.start(config)
                : EmbeddedWiring.start(config, workDir);
    }

    /**
     * The object store of {@code config}: on the S3 API its profile names ({@code store=s3}), else the filesystem under
     * its home ({@code $FP_HOME/store}). Shared or stateless: the caller closes nothing.
     */
    static ObjectStore objectStore(PlatformConfig config) {
        return config.s3() != null ? S3Stores.of(config) : localStore(config);
    }

    /** The filesystem store under {@code config}'s home ({@code $FP_HOME/store}), whatever its profile names. */
    static ObjectStore localStore(PlatformConfig config) {
        return new FilesystemObjectStore(config.home().resolve("store"));
    }

    /**
     * Can {@code store} take a create? One line for {@code fp doctor}; throws one line when it cannot. On S3 a probe
     * object is written, its conditional re-create refused, and deleted; on the filesystem the directory is checked.
     */
    static String checkWritable(ObjectStore store) {
        if (store instanceof dev.fraudplatform.core.store.RoutedObjectStore routed) {
            java.util.List<String> lines = new java.util.ArrayList<>();
            for (ObjectStore s : routed.stores()) lines.add(checkWritable(s));
            return String.join("; ", lines);
        }
        if (store instanceof S3ObjectStore s3) return s3.checkWritable();
        if (store instanceof FilesystemObjectStore fs) return fs.checkWritable();
        throw new IllegalStateException("cannot check " + store.describe());
    }

    ObjectStore store();

    ReceiptStore receipts();

    EffectLedger ledger();

    RunRegistry runs();

    ProducerKeys producerKeys();

    QuarantineIndex quarantine();

    /** The Label Store. */
    LabelStore labels();

    /** Case Management's store. */
    CaseStore cases();

    /** The casework projection of admitted activity, by account. */
    AccountActivity activity();

    /** Investigators' accounts and sessions. */
    Investigators investigators();

    /** What the stores can prove about a run (the run report's reads). */
    RunEvidence evidence();

    /** The Model and Policy Registry's bundle states. */
    BundleRegistry bundleRegistry();

    /** The platform's shared idempotent publisher. */
    EventPublisher publisher();

    /** A new atomic (transactional) publisher named {@code name} (a client id under the wiring's prefix); the caller closes it. */
    AtomicPublisher atomicPublisher(String name);

    BusAdmin busAdmin();

    /** Starts the consuming roles (the Action Layer, the Decision Log and Audit); the caller closes each role. */
    BusConsumers consumers();

    /**
     * The configuration of a Kafka Streams application with {@code applicationId}, its clients named {@code name}
     * under the wiring's client id prefix; a new object on every call, which the caller completes with its own
     * settings.
     */
    Properties streams(String applicationId, String name);

    /** Where the bus's producer puts a keyed record. */
    BusPartitioner partitioner();

    TopicReader topicReader();

    /**
     * The join plane of {@code FP_REDIS_URL}, opened on first call and closed with the wiring; null when the join
     * plane is the decision loop's own state stores.
     */
    JoinPlane joinPlane();

    /** Starts a listener handing the envelopes sent to the bus's ingress topic to {@code gate}; the caller closes it. */
    Listener busIngress(IngressPort gate, Function<Receipt, byte[]> receiptBytes);

    /**
     * The Kafka client configuration every Kafka client of this process builds from: the wiring's own adapters, and the
     * benches, which time raw clients on the bus.
     */
    KafkaSettings kafka();

    /** The bus's bootstrap address, for a role started as its own process. */
    String kafkaBootstrap();

    /** PostgreSQL's JDBC URL (the embedded server's, or FP_PG_URL): for a role started as its own process. */
    String jdbcUrl();

    /** The platform database's pool, for administration and tests that read it directly; the wiring closes it. */
    DataSource dataSource();

    /** The JDBC URL of the database's owner role (migrations, table guards), for administration and tests. */
    String adminJdbcUrl();

    /** Restarts the bus, down for {@code down} (drills); refused when the broker is not this process's own. */
    default void restartBroker(Duration down) throws InterruptedException {
        throw new IllegalStateException("the broker is external (FP_KAFKA_BOOTSTRAP): not restarted from here");
    }

    @Override
    void close();

    /** A running listener: its failure, if it stopped by one, and a close that stops it. */
    interface Listener extends AutoCloseable {
        /** Why it stopped, or null while it runs (or after a plain close). */
        Throwable failure();

        @Override
        void close();
    }
}
