package dev.fraudplatform.rtdl.fabric;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fraudplatform.core.json.CanonicalJson;
import dev.fraudplatform.core.json.Json;
import dev.fraudplatform.rtdl.features.EntityEvent;
import dev.fraudplatform.rtdl.features.EntityState;
import dev.fraudplatform.rtdl.graph.EntityGraph;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The merchant, device and IP projection (OFP and IEG), keyed by entity: applies each transaction or label to the
 * entity's state and answers a transaction with the entity's features, keyed by the transaction's account, as
 * {@code {"run", "event_id", "kind", "late_ms", "features"}}. {@code late_ms} &gt; 0 says the entity had already
 * applied an event that much later in event time (an order only scaled mode can produce), so the answer may differ
 * from the strictly ordered one and the decision says so.
 */
final class EntityProjection implements Processor<String, byte[], String, byte[]> {
    private static final Logger LOG = LoggerFactory.getLogger(EntityProjection.class);
    private ProcessorContext<String, byte[]> context;
    private KeyValueStore<String, byte[]> store;

    @Override
    public void init(ProcessorContext<String, byte[]> context) {
        this.context = context;
        this.store = context.getStateStore(DecisionTopology.ENTITY_STATE_STORE);
    }

    @Override
    public void process(Record<String, byte[]> record) {
        EntityEvent e;
        try {
            e = EntityEvent.decode(record.value());
        } catch (IllegalArgumentException ex) {
            LOG.error("unreadable entity event (key {}): {}", record.key(), ex.getMessage());
            return;
        }
        String key = e.key();
        EntityState s = EntityState.decode(store.get(key));
        long late = e.type() == EntityEvent.Type.TXN && s.newestMs() > e.timeMs() ? s.newestMs() - e.timeMs() : 0;
        ObjectNode features = EntityGraph.apply(s, e, Json.MAPPER.createObjectNode());
        store.put(key, s.encode());
        if (e.type() != EntityEvent.Type.TXN) return;
        ObjectNode answer = Json.MAPPER.createObjectNode();
        answer.put("run", e.runId()).put("event_id", e.eventId()).put("kind", e.kind().name()).put("late_ms", late);
        answer.set("features", features);
        context.forward(new Record<>(e.account(), CanonicalJson.bytes(answer), record.timestamp()), DecisionTopology.ENTITY_FEATURES_SINK);
    }
}
