package dev.fraudplatform.core.join;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fraudplatform.core.json.CanonicalJson;
import dev.fraudplatform.core.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One piece of a flow's context: a login, a 3-D Secure result or a profile change, with the attributes decisions
 * read from it ({@code outcome}, {@code result}, {@code change}, ...). Immutable; its canonical JSON is its identity,
 * so storing the same fragment twice stores it once.
 *
 * @param eventClass  the context event's class ({@code ctx.login}, {@code ctx.three_ds}, {@code ctx.profile_change})
 * @param eventTimeMs the context event's time: a transaction at time t sees the fragments at or before t
 */
public record ContextFragment(
        String runId,
        String flowId,
        String eventClass,
        String eventId,
        long eventTimeMs,
        Map<String, String> attributes) {
    public ContextFragment {
        Objects.requireNonNull(runId);
        Objects.requireNonNull(flowId);
        Objects.requireNonNull(eventClass);
        Objects.requireNonNull(eventId);
        attributes = java.util.Collections.unmodifiableMap(new TreeMap<>(attributes));
    }

    public byte[] toBytes() {
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.put("run", runId)
                .put("flow", flowId)
                .put("class", eventClass)
                .put("event_id", eventId)
                .put("t", eventTimeMs);
        ObjectNode a = n.putObject("attributes");
        attributes.forEach(a::put);
        return CanonicalJson.bytes(n);
    }

    public static ContextFragment fromBytes(byte[] bytes) {
        try {
            JsonNode n = Json.MAPPER.readTree(bytes);
            Map<String, String> a = new TreeMap<>();
            n.path("attributes")
                    .fields()
                    .forEachRemaining(e -> a.put(e.getKey(), e.getValue().asText()));
            return new ContextFragment(
                    n.path("run").asText(),
                    n.path("flow").asText(),
                    n.path("class").asText(),
                    n.path("event_id").asText(),
                    n.path("t").asLong(),
                    a);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Whether this fragment is the later of two of the same class: by event time, then by event id. */
    public boolean laterThan(ContextFragment other) {
        return eventTimeMs != other.eventTimeMs
                ? eventTimeMs > other.eventTimeMs
                : eventId.compareTo(other.eventId) > 0;
    }
}
