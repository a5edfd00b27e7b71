package dev.fraudplatform.world;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;

/**
 * One row of a stream view, fully parsed: an event as the world recorded it, before any run stamps it. The streamer
 * uses the lighter {@link WorldRow}; this is for tests and tools.
 */
public record WorldEvent(
        String eventClass,
        String eventId,
        int schemaVersion,
        Instant eventTime,
        String partitionKey,
        ObjectNode payload) {

    /** Orders events by event time, then event id: the merge order of the streamer. */
    public static final java.util.Comparator<WorldEvent> EVENT_ORDER =
            java.util.Comparator.comparing(WorldEvent::eventTime).thenComparing(WorldEvent::eventId);
}
