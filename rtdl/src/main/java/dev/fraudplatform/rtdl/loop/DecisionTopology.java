package dev.fraudplatform.rtdl.loop;

import dev.fraudplatform.core.bus.Topics;
import dev.fraudplatform.core.join.JoinPlane;
import dev.fraudplatform.decision.features.EntityEvent;
import dev.fraudplatform.decision.scoring.DecisionFabric;
import dev.fraudplatform.rtdl.join.StateStoreJoinPlane;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.StreamPartitioner;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * The real-time decision loop as one Kafka Streams topology of two sub-topologies, joined through two re-keying
 * topics (ARCHITECTURE.md §5):
 * <pre>
 *   fp.traffic (transactions, context, labels), fp.rtdl.entity-features  (keyed by account)
 *      → {@link AccountTask}: account and card features (OFP), context store and flow binding (CSFB), the pending
 *        frame of each transaction, the Decision Fabric → fp.decisions (and, with a bundle in shadow, that
 *        bundle's decision of the same frame → fp.decisions.shadow)
 *      → fp.rtdl.entity-events (keyed by merchant, device, IP)
 *         → {@link EntityProjection}: merchant, device and IP features and the entity graph (OFP, IEG)
 *         → fp.rtdl.entity-features (keyed by account) → back to the account's task
 * </pre>
 * In strict mode (one partition) the one account task sees every event in order, so it runs the projections itself and
 * the re-keying topics stay empty: the same features, without two commit-bound hops.
 *
 * <p>A transaction's frame waits in the account task's pending store until every entity it names has answered and its
 * flow's context (when it names a flow) is there, or until {@code joinWait} of wall-clock time has passed: then it is
 * decided with what it has, naming what is missing (PARTIAL_CONTEXT). In scaled mode every account task also
 * broadcasts its event-time watermark to every projection partition, and projections apply events in event-time order
 * behind the lowest watermark ({@link Settings#withPartitions}); a run's end-of-stream record on a traffic partition
 * ({@code Topics.HEADER_STREAM_END}) ends its watermark there for good, and only a partition quiet for
 * {@link #IDLE_MS} before that is passed over on a guess, which every answer it affects names. Built by a pure function of its settings;
 * {@link DecisionFabricRole} only runs it.
 */
public final class DecisionTopology {
    /**
     * Scaled mode: an account task whose input of a run has been quiet this long (wall clock), before the run's end
     * of stream, is taken as idle: its watermark no longer holds the projections back, and what they apply meanwhile
     * names it. Its next input takes that back.
     */
    public static final long IDLE_MS = 5_000;

    public static final String ACCOUNT_STATE_STORE = "account-state";
    public static final String PENDING_STORE = "pending-frames";
    public static final String JOIN_PLANE_STORE = "join-plane";
    public static final String ENTITY_STATE_STORE = "entity-state";
    public static final String INLINE_ENTITY_STATE_STORE = "entity-state-inline";
    static final String DECISIONS_SINK = "decisions";
    static final String SHADOW_DECISIONS_SINK = "shadow-decisions";
    static final String ENTITY_EVENTS_SINK = "entity-events";
    static final String ENTITY_FEATURES_SINK = "entity-features";

    /** Which stores back the topology: RocksDB in the platform, in memory in tests. */
    public enum StoreKind {
        PERSISTENT,
        IN_MEMORY
    }

    /**
     * @param joinWait   how long a transaction's frame waits for its entities' features and its flow's context
     * @param joinPlane  the join plane of a task, given the task's own join-plane state store (the Kafka Streams adapter
     *                   uses it; a shared adapter such as Redis ignores it)
     * @param stores     RocksDB or in-memory stores
     * @param shadow     the fabric of the bundle in shadow, or null for none ({@link #withShadow})
     * @param readToEnd  scaled mode: whether the task of a traffic partition has been handed every record of it that
     *                   its consumer knows of ({@link #withReadToEnd}); quiet input is taken as idle only then
     */
    public record Settings(
            Duration joinWait,
            Function<KeyValueStore<String, byte[]>, JoinPlane> joinPlane,
            StoreKind stores,
            int partitions,
            DecisionFabric shadow,
            java.util.function.IntPredicate readToEnd) {
        /**
         * How long an account task's input must be quiet (its partition read to its end) before it is taken as idle:
         * {@link #IDLE_MS}, or two join waits if longer. A loop given a longer join wait is told to be patient, and on a
         * loaded box a producer or a takeover can leave a partition quiet for seconds in the middle of a run.
         */
        public long idleMs() {
            return Math.max(IDLE_MS, 2 * joinWait.toMillis());
        }

        /**
         * How long a projection waits for an account task that has said nothing of a run before it takes it as idle
         * for the run: {@link EntityProjection#ABSENT_MS}, or five join waits if longer (a projection moved to a
         * survivor by a takeover starts without any watermark while the dead process's task is being restored).
         */
        public long absentMs() {
            return Math.max(EntityProjection.ABSENT_MS, 5 * joinWait.toMillis());
        }

        public static Settings defaults() {
            return new Settings(
                    Duration.ofSeconds(2), StateStoreJoinPlane::new, StoreKind.PERSISTENT, 1, null, partition -> true);
        }

        public Settings withStores(StoreKind kind) {
            return new Settings(joinWait, joinPlane, kind, partitions, shadow, readToEnd);
        }

        public Settings withJoinWait(Duration wait) {
            return new Settings(wait, joinPlane, stores, partitions, shadow, readToEnd);
        }

        public Settings withJoinPlane(Function<KeyValueStore<String, byte[]>, JoinPlane> plane) {
            return new Settings(joinWait, plane, stores, partitions, shadow, readToEnd);
        }

        /**
         * Shadow scoring (null: none): every frame the active fabric decides is also decided by {@code fabric}, and
         * that decision (same decision id, the shadow bundle's id) goes to {@code fp.decisions.shadow} only, marked
         * with {@code Topics.HEADER_SHADOW}, in the same Streams transaction as the active decision. The shadow is
         * scored on the frame the loop built, that is with the features the active bundle's parameters (high-risk
         * MCCs, small amount) give; the active decisions are byte for byte those of a loop without a shadow.
         */
        public Settings withShadow(DecisionFabric fabric) {
            return new Settings(joinWait, joinPlane, stores, partitions, fabric, readToEnd);
        }

        /**
         * The partition count of {@code fp.traffic}, which is the number of account tasks feeding each projection. With
         * one (strict mode) a projection applies events as they come, already in event-time order; with more (scaled
         * mode) it applies them in (event time, event id) order as the account tasks' watermarks pass them, so its
         * features are those strict mode computes.
         */
        public Settings withPartitions(int n) {
            if (n < 1) throw new IllegalArgumentException("partitions must be positive");
            return new Settings(joinWait, joinPlane, stores, n, shadow, readToEnd);
        }

        /**
         * Scaled mode: how an account task tells quiet input from input not yet fetched. An account task whose input
         * has been quiet for {@link #IDLE_MS} is taken as idle (a guess the projections act on), but only when
         * {@code readToEnd} says its traffic partition's consumer holds nothing more for it: on a loaded box one
         * partition's batch can keep a stream thread busy for seconds while another's records wait to be fetched, and
         * that is not idleness. Default: always (no consumer to ask, as under {@code TopologyTestDriver}).
         */
        public Settings withReadToEnd(java.util.function.IntPredicate readToEnd) {
            return new Settings(joinWait, joinPlane, stores, partitions, shadow, readToEnd);
        }
    }

    /** Broadcasts watermarks to every partition of the re-keying topic; every other record goes by its key. */
    static final StreamPartitioner<String, byte[]> WATERMARKS_TO_ALL = (topic, key, value, numPartitions) -> {
        if (key == null || !key.startsWith(EntityEvent.WATERMARK_KEY_PREFIX)) return Optional.empty();
        Set<Integer> all = new HashSet<>();
        for (int i = 0; i < numPartitions; i++) all.add(i);
        return Optional.of(all);
    };

    private DecisionTopology() {}

    public static Topology build(DecisionFabric fabric, Settings settings) {
        Topology t = new Topology();
        var strings = Serdes.String();
        var bytes = Serdes.ByteArray();
        t.addSource("traffic", strings.deserializer(), bytes.deserializer(), Topics.TRAFFIC);
        t.addSource("entity-features-in", strings.deserializer(), bytes.deserializer(), Topics.ENTITY_FEATURES);
        t.addProcessor("account-task", () -> new AccountTask(fabric, settings), "traffic", "entity-features-in");
        t.addStateStore(store(ACCOUNT_STATE_STORE, settings.stores()), "account-task");
        t.addStateStore(store(PENDING_STORE, settings.stores()), "account-task");
        t.addStateStore(store(JOIN_PLANE_STORE, settings.stores()), "account-task");
        t.addStateStore(store(INLINE_ENTITY_STATE_STORE, settings.stores()), "account-task");
        t.addSink(DECISIONS_SINK, Topics.DECISIONS, strings.serializer(), bytes.serializer(), "account-task");
        // Only with a shadow: a topology without one is exactly the loop's as before.
        if (settings.shadow() != null)
            t.addSink(
                    SHADOW_DECISIONS_SINK,
                    Topics.SHADOW_DECISIONS,
                    strings.serializer(),
                    bytes.serializer(),
                    "account-task");
        t.addSink(
                ENTITY_EVENTS_SINK,
                Topics.ENTITY_EVENTS,
                strings.serializer(),
                bytes.serializer(),
                WATERMARKS_TO_ALL,
                "account-task");

        t.addSource("entity-events-in", strings.deserializer(), bytes.deserializer(), Topics.ENTITY_EVENTS);
        t.addProcessor("entity-projection", () -> new EntityProjection(settings), "entity-events-in");
        t.addStateStore(store(ENTITY_STATE_STORE, settings.stores()), "entity-projection");
        t.addSink(
                ENTITY_FEATURES_SINK,
                Topics.ENTITY_FEATURES,
                strings.serializer(),
                bytes.serializer(),
                "entity-projection");
        return t;
    }

    private static org.apache.kafka.streams.state.StoreBuilder<KeyValueStore<String, byte[]>> store(
            String name, StoreKind kind) {
        KeyValueBytesStoreSupplier supplier = kind == StoreKind.PERSISTENT
                ? Stores.persistentKeyValueStore(name)
                : Stores.inMemoryKeyValueStore(name);
        // Cached: writes of one key between two commits reach RocksDB and the changelog once, at the commit (a pending
        // frame's put and delete become one tombstone, a busy merchant's or device's many updates one record), within
        // the Streams cache's bound (statestore.cache.max.bytes). Reads see the cache. bench e2e (30,000 transactions,
        // two runs each, interleaved): maximum rate 2,746 and 2,522 events/s against 2,449 and 1,973 uncached; at
        // 2,000 offered, p99 535 and 885 ms against 1,634 and 2,140 ms. The decision-log digest is the same.
        return Stores.keyValueStoreBuilder(supplier, Serdes.String(), Serdes.ByteArray())
                .withCachingEnabled()
                .withLoggingEnabled(CHANGELOG_CONFIG);
    }

    /**
     * Each store's changelog topic rolls a segment every {@value #CHANGELOG_SEGMENT_BYTES} bytes. Compaction (the
     * changelog's cleanup policy) never touches a partition's active segment, and the broker's default segment is
     * 1 GiB: with it, a changelog written once per event kept every version of every key until a partition had taken
     * 1 GiB (a 100,000-transaction demo ended with 386 MiB of uncompacted changelog; 1,000,000 transactions, several
     * GiB). With small segments the log cleaner keeps each changelog near its live keys (accounts, entities, open
     * frames), so the loop's share of the Kafka log is bounded by the world's entities, not its events. Applies when
     * Kafka Streams creates the topic; a changelog made before keeps its own setting ({@code kafka-configs --alter}).
     */
    static final int CHANGELOG_SEGMENT_BYTES = 64 * 1024 * 1024;

    private static final Map<String, String> CHANGELOG_CONFIG =
            Map.of(TopicConfig.SEGMENT_BYTES_CONFIG, String.valueOf(CHANGELOG_SEGMENT_BYTES));
}
