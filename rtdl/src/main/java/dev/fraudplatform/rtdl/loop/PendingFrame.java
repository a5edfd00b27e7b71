package dev.fraudplatform.rtdl.loop;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fraudplatform.core.json.CanonicalJson;
import dev.fraudplatform.core.json.Json;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A transaction's frame while it waits: what is known (its account, card and flow-context features so far), which
 * entity answers are still expected (MERCHANT, DEVICE, IP) and which came, and notes on what went wrong (answers out
 * of event-time order, answers given without word from a quiet task). Mutable, owned by one {@link AccountTask}; its
 * stored form ({@link #encode}) is the frame as parked, the answers it takes later being stored beside it by
 * {@link PendingFrames}.
 */
final class PendingFrame {
    final String run, eventClass, eventId, account, card, eventTime, flow, admittedAt, traceparent;
    final long timeMs;
    final ObjectNode features;
    final Set<String> expected = new java.util.TreeSet<>();
    final List<String> received = new ArrayList<>(3);
    final List<String> notes = new ArrayList<>();

    /** Adds an entity's answer; false when it was not expected (already received, or not asked). */
    boolean apply(JsonNode answer) {
        String kind = answer.path("kind").asText();
        if (!expected.remove(kind)) return false;
        received.add(kind);
        answer.path("features").fields().forEachRemaining(e -> features.set(e.getKey(), e.getValue()));
        long late = answer.path("late_ms").asLong(0);
        if (late > 0) {
            notes.add(kind.toLowerCase(java.util.Locale.ROOT) + " state had already applied events up to " + late
                    + " ms later than this one (out of event-time order)");
        }
        if (answer.path("unheard_from").size() > 0) {
            List<String> tasks = new ArrayList<>();
            answer.path("unheard_from").forEach(t -> tasks.add(t.asText()));
            notes.add(kind.toLowerCase(java.util.Locale.ROOT) + " state applied without word from account task "
                    + String.join(", ", tasks) + " (quiet, taken as idle): it may lack their events");
        }
        return true;
    }

    PendingFrame(
            String run,
            String eventClass,
            String eventId,
            String account,
            String card,
            String eventTime,
            long timeMs,
            String flow,
            ObjectNode features,
            String admittedAt,
            String traceparent) {
        this.card = card;
        this.run = run;
        this.eventClass = eventClass;
        this.eventId = eventId;
        this.account = account;
        this.eventTime = eventTime;
        this.timeMs = timeMs;
        this.flow = flow;
        this.features = features;
        this.admittedAt = admittedAt;
        this.traceparent = traceparent;
    }

    byte[] encode() {
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.put("run", run)
                .put("class", eventClass)
                .put("event_id", eventId)
                .put("account", account)
                .put("card", card)
                .put("event_time", eventTime)
                .put("t", timeMs)
                .put("flow", flow)
                .put("admitted_at", admittedAt)
                .put("traceparent", traceparent);
        n.set("features", features);
        ArrayNode e = n.putArray("expected");
        expected.forEach(e::add);
        ArrayNode notesNode = n.putArray("notes");
        notes.forEach(notesNode::add);
        return CanonicalJson.bytes(n);
    }

    static PendingFrame decode(byte[] bytes) {
        try {
            JsonNode n = Json.MAPPER.readTree(bytes);
            PendingFrame p = new PendingFrame(
                    n.path("run").asText(),
                    n.path("class").asText(),
                    n.path("event_id").asText(),
                    n.path("account").asText(),
                    n.path("card").asText(null),
                    n.path("event_time").asText(),
                    n.path("t").asLong(),
                    n.path("flow").asText(null),
                    (ObjectNode) n.path("features"),
                    n.path("admitted_at").asText(null),
                    n.path("traceparent").asText(null));
            n.path("expected").forEach(x -> p.expected.add(x.asText()));
            n.path("notes").forEach(x -> p.notes.add(x.asText()));
            return p;
        } catch (IOException e) {
            throw new IllegalStateException("corrupt pending frame", e);
        }
    }
}
