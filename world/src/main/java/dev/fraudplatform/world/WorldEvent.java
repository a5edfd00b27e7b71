package dev.fraudplatform.world;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fraudplatform.core.envelope.Times;
import dev.fraudplatform.core.json.CanonicalJson;
import dev.fraudplatform.core.json.Json;
import java.time.Instant;

/**
 * One row of a stream view: an event as the world recorded it, before any run stamps it. The streamer wraps it
 * in an envelope.
 */
public record WorldEvent(String eventClass, String eventId, int schemaVersion, Instant eventTime, String partitionKey,
                         ObjectNode payload) {

    /** Orders events by event time, then event id: the merge order of the streamer. */
    public static final java.util.Comparator<WorldEvent> EVENT_ORDER =
            java.util.Comparator.comparing(WorldEvent::eventTime).thenComparing(WorldEvent::eventId);

    public String toLine() {
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.put("event_class", eventClass);
        n.put("event_id", eventId);
        n.put("schema_version", schemaVersion);
        n.put("event_time", Times.format(eventTime));
        n.put("partition_key", partitionKey);
        n.set("payload", payload);
        return CanonicalJson.string(n);
    }

    public static WorldEvent fromLine(JsonNode n) {
        return new WorldEvent(n.path("event_class").asText(), n.path("event_id").asText(), n.path("schema_version").asInt(),
                Times.parse(n.path("event_time").asText()).orElseThrow(() -> new IllegalArgumentException("bad event_time in " + n)),
                n.path("partition_key").asText(), (ObjectNode) n.path("payload"));
    }
}
