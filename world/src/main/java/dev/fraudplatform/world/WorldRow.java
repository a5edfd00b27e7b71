package dev.fraudplatform.world;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fraudplatform.core.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Comparator;

/**
 * A stream-view row as the streamer needs it: the routing fields, and the payload already as its canonical JSON text
 * (built from the Parquet columns by {@link View}), so that replaying a world parses no JSON at all.
 */
public record WorldRow(
        String eventClass,
        String eventId,
        int schemaVersion,
        long eventTimeMillis,
        String eventTimeText,
        String partitionKey,
        String payloadJson) {

    /** Merge order of the streamer: event time, then event id. */
    public static final Comparator<WorldRow> EVENT_ORDER =
            Comparator.comparingLong(WorldRow::eventTimeMillis).thenComparing(WorldRow::eventId);

    /** The fully parsed event (tests, tools; not the replay hot path). */
    public WorldEvent toEvent() {
        try {
            JsonNode payload = Json.MAPPER.readTree(payloadJson);
            return new WorldEvent(
                    eventClass,
                    eventId,
                    schemaVersion,
                    Instant.ofEpochMilli(eventTimeMillis),
                    partitionKey,
                    (ObjectNode) payload);
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }
}
