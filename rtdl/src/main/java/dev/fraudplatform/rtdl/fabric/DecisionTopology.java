package dev.fraudplatform.rtdl.fabric;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fraudplatform.core.bus.Topics;
import dev.fraudplatform.core.decision.Decision;
import dev.fraudplatform.core.json.CanonicalJson;
import dev.fraudplatform.core.json.Json;
import dev.fraudplatform.rtdl.features.AccountFeatures;
import dev.fraudplatform.rtdl.features.AccountState;
import dev.fraudplatform.core.envelope.Times;
import java.io.IOException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Decision Fabric as a Kafka Streams topology: {@code fp.traffic} (keyed by account) → per-account features
 * from a persistent state store → a decision → {@code fp.decisions} (same key, the event's timestamp, the
 * record's headers carried through, so the admission time travels with the decision).
 *
 * <p>State is keyed by (run, account) so that runs never see each other's history. The same store remembers every
 * (run, event class, event id) decided, so a copy of an event that reaches the bus twice is decided once.
 */
public final class DecisionTopology {
    public static final String ACCOUNT_STATE_STORE = "account-state";
    private static final Logger LOG = LoggerFactory.getLogger(DecisionTopology.class);

    private DecisionTopology() {}

    /** Adds the decision path to {@code builder}, with account state in RocksDB. */
    public static void build(StreamsBuilder builder, DecisionFabric fabric) {
        build(builder, fabric, Stores.persistentKeyValueStore(ACCOUNT_STATE_STORE));
    }

    /** Adds the decision path to {@code builder}, with account state in the given store (named {@link #ACCOUNT_STATE_STORE}). */
    public static void build(StreamsBuilder builder, DecisionFabric fabric, KeyValueBytesStoreSupplier accountState) {
        builder.addStateStore(Stores.keyValueStoreBuilder(accountState, Serdes.String(), Serdes.ByteArray()));
        builder.stream(Topics.TRAFFIC, Consumed.with(Serdes.String(), Serdes.ByteArray()))
                .process(() -> new DecisionProcessor(fabric), ACCOUNT_STATE_STORE)
                .to(Topics.DECISIONS, Produced.with(Serdes.String(), Serdes.ByteArray()));
    }

    private static final byte[] SEEN = {1};

    static final class DecisionProcessor implements Processor<String, byte[], String, byte[]> {
        private final DecisionFabric fabric;
        private final AccountFeatures features;
        private ProcessorContext<String, byte[]> context;
        private KeyValueStore<String, byte[]> store;

        DecisionProcessor(DecisionFabric fabric) {
            this.fabric = fabric;
            this.features = new AccountFeatures(fabric.bundle().highRiskMcc(), fabric.bundle().smallAmountMinor());
        }

        @Override
        public void init(ProcessorContext<String, byte[]> context) {
            this.context = context;
            this.store = context.getStateStore(ACCOUNT_STATE_STORE);
        }

        @Override
        public void process(Record<String, byte[]> record) {
            JsonNode envelope;
            try {
                envelope = Json.MAPPER.readTree(record.value());
            } catch (IOException | RuntimeException e) {
                // IG admits only valid envelopes, so this is corruption on the bus: say so loudly, do not crash the task.
                LOG.error("unreadable record on {} (key {}): {}", Topics.TRAFFIC, record.key(), e.getMessage());
                return;
            }
            String runId = envelope.path("platform_run_id").asText();
            String eventClass = envelope.path("event_class").asText();
            String eventId = envelope.path("event_id").asText();
            String account = envelope.path("partition_key").asText();
            String eventTime = envelope.path("event_time").asText();
            // An event decided once is never decided again, even if the bus carries it twice (a gate retry after a
            // publish whose receipt was lost): the second copy would see the first in its features and contradict it.
            String seenKey = "seen\u0000" + runId + "\u0000" + eventClass + "\u0000" + eventId;
            if (store.get(seenKey) != null) {
                LOG.warn("{} {} of run {} is on {} again (partition key {}, offset {}); decided once already, not again",
                        eventClass, eventId, runId, Topics.TRAFFIC, record.key(), context.recordMetadata().map(m -> m.offset()).orElse(-1L));
                return;
            }
            store.put(seenKey, SEEN);
            JsonNode p = envelope.path("payload");
            ObjectNode snapshot = null;
            String failure = null;
            try {
                // Windows run on the envelope's event time, never the record's (a topic could stamp append time).
                long t = Times.parse(eventTime).orElseThrow(() -> new IllegalStateException("bad event_time " + eventTime)).toEpochMilli();
                String key = runId + "|" + account;
                AccountState state = AccountState.decode(store.get(key));
                ObjectNode computed = features.computeAndUpdate(state, t, p.path("amount_minor").asLong(),
                        p.path("device_id").asText(null), p.path("country").asText(null), p.path("mcc").asText(null),
                        p.path("channel").asText(null));
                store.put(key, state.encode());
                snapshot = computed; // only features whose event is now in the account's state
            } catch (KafkaException e) {
                throw e; // task migration, fencing, broken store: Kafka Streams must see these
            } catch (RuntimeException e) {
                failure = "account state unavailable: " + e.getMessage();
            }
            Decision d = fabric.decide(runId, eventClass, eventId, account, eventTime, snapshot, failure);
            context.forward(record.withValue(CanonicalJson.bytes(d.toJson())));
        }
    }
}
