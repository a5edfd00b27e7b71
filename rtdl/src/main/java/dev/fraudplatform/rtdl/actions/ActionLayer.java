package dev.fraudplatform.rtdl.actions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fraudplatform.core.actions.Effect;
import dev.fraudplatform.core.actions.EffectLedger;
import dev.fraudplatform.core.bus.EventPublisher;
import dev.fraudplatform.core.bus.OutboundRecord;
import dev.fraudplatform.core.bus.Topics;
import dev.fraudplatform.core.decision.DecisionAction;
import dev.fraudplatform.core.json.CanonicalJson;
import dev.fraudplatform.core.json.Json;
import dev.fraudplatform.rtdl.roles.ConsumerRole;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;

/**
 * The Action Layer: consumes committed decisions, applies one effect per decision through the {@link EffectLedger}
 * (keyed by run and decision id, so a redelivered decision applies nothing), announces every effect of the batch on
 * {@code fp.actions} (APPLIED or ALREADY_APPLIED), then commits its offsets. A crash before the commit redelivers
 * the batch; the ledger absorbs it.
 */
public final class ActionLayer extends ConsumerRole {
    public static final String GROUP = "fp-al";
    private final EffectLedger ledger;
    private final EventPublisher outcomes;

    public ActionLayer(String bootstrap, EffectLedger ledger, EventPublisher outcomes) {
        super(bootstrap, GROUP, List.of(Topics.DECISIONS), "fp-action-layer");
        this.ledger = ledger;
        this.outcomes = outcomes;
    }

    @Override
    protected void handle(ConsumerRecords<String, byte[]> records) throws Exception {
        long visibleAt = System.currentTimeMillis();
        List<Effect> effects = new ArrayList<>(records.count());
        for (ConsumerRecord<String, byte[]> r : records) {
            JsonNode d = Json.MAPPER.readTree(r.value());
            DecisionAction action = DecisionAction.valueOf(d.path("action").asText());
            effects.add(new Effect(d.path("decision_id").asText(), d.path("platform_run_id").asText(), d.path("event_id").asText(),
                    action, Effect.effectTypeFor(action), admittedAt(r), visibleAt));
        }
        java.util.Set<Effect> applied = new java.util.HashSet<>(ledger.apply(effects));
        // Every effect of the batch is announced, newly applied or not: a batch redelivered after a failed announce
        // announces again (at least once, keyed by decision id), and never applies again.
        List<OutboundRecord> out = new ArrayList<>(effects.size());
        for (Effect e : effects) {
            ObjectNode o = Json.MAPPER.createObjectNode();
            o.put("decision_id", e.decisionId());
            o.put("event_id", e.eventId());
            o.put("platform_run_id", e.platformRunId());
            o.put("action", e.action().name());
            o.put("effect_type", e.effectType());
            o.put("outcome", applied.contains(e) ? "APPLIED" : "ALREADY_APPLIED");
            out.add(new OutboundRecord(Topics.ACTIONS, e.decisionId(), CanonicalJson.bytes(o), visibleAt, Map.of()));
        }
        if (!out.isEmpty()) outcomes.publish(out);
        consumer.commitSync();
    }
}
