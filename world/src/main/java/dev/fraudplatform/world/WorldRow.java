package dev.fraudplatform.world;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fraudplatform.core.envelope.Times;
import dev.fraudplatform.core.json.CanonicalJson;
import dev.fraudplatform.core.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Comparator;

/**
 * A stream-view row as the streamer needs it: the routing fields lifted out of the stored line and the payload
 * kept as its canonical JSON text, so that replaying a world parses no payload at all. Rows written by
 * {@link WorldEvent#toLine()} are read by position; any other layout falls back to a full parse.
 */
public record WorldRow(String eventClass, String eventId, int schemaVersion, long eventTimeMillis, String eventTimeText,
                       String partitionKey, String payloadJson) {

    /** Merge order of the streamer: event time, then event id. */
    public static final Comparator<WorldRow> EVENT_ORDER =
            Comparator.comparingLong(WorldRow::eventTimeMillis).thenComparing(WorldRow::eventId);

    private static final String[] KEYS = {"{\"event_class\":\"", "\",\"event_id\":\"", "\",\"event_time\":\"",
        "\",\"partition_key\":\"", "\",\"payload\":"};
    private static final String TAIL = ",\"schema_version\":";

    public static WorldRow parse(String line) {
        String[] values = new String[4];
        int at = 0;
        for (int k = 0; k < 4; k++) {
            if (!line.startsWith(KEYS[k], at)) return parseSlowly(line);
            int start = at + KEYS[k].length();
            int end = line.indexOf('"', start);
            if (end < 0 || line.lastIndexOf('\\', end) > start) return parseSlowly(line);
            values[k] = line.substring(start, end);
            at = end;
        }
        int tail = line.lastIndexOf(TAIL);
        if (!line.startsWith(KEYS[4], at) || tail < at || !line.endsWith("}")) return parseSlowly(line);
        String payload = line.substring(at + KEYS[4].length(), tail);
        int version;
        long time;
        try {
            version = Integer.parseInt(line.substring(tail + TAIL.length(), line.length() - 1));
            time = Times.parse(values[2]).orElseThrow().toEpochMilli();
        } catch (RuntimeException e) {
            return parseSlowly(line);
        }
        return new WorldRow(values[0], values[1], version, time, values[2], values[3], payload);
    }

    private static WorldRow parseSlowly(String line) {
        try {
            WorldEvent e = WorldEvent.fromLine(Json.MAPPER.readTree(line));
            return new WorldRow(e.eventClass(), e.eventId(), e.schemaVersion(), e.eventTime().toEpochMilli(),
                    Times.format(e.eventTime()), e.partitionKey(), CanonicalJson.string(e.payload()));
        } catch (IOException ex) {
            throw new UncheckedIOException("unreadable world row: " + ex.getMessage(), ex);
        }
    }

    /** The fully parsed event (tests, tools; not the replay hot path). */
    public WorldEvent toEvent() {
        try {
            JsonNode payload = Json.MAPPER.readTree(payloadJson);
            return new WorldEvent(eventClass, eventId, schemaVersion, java.time.Instant.ofEpochMilli(eventTimeMillis), partitionKey,
                    (com.fasterxml.jackson.databind.node.ObjectNode) payload);
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }
}
