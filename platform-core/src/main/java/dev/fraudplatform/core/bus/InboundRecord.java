package dev.fraudplatform.core.bus;

import java.util.function.Function;

/**
 * A record read from the bus: where it sat ({@code topic}, {@code partition}, {@code offset}), its record timestamp
 * (event time, millis), key (null when it has none), value bytes (null for a tombstone) and its headers.
 *
 * @param headers a header's value by name, as UTF-8 text (the last one when a name repeats), null when absent; the
 *                consuming adapter reads it lazily from its own record, so it is valid on the handler's thread while
 *                the batch is being handled
 */
public record InboundRecord(
        String topic,
        int partition,
        long offset,
        long timestampMillis,
        String key,
        byte[] value,
        Function<String, String> headers) {

    /** The header {@code name} as text, or null when absent. */
    public String header(String name) {
        return headers.apply(name);
    }

    /** The gate's admission time (epoch millis) from {@link Topics#HEADER_ADMITTED_AT}, or 0 when absent or unreadable. */
    public long admittedAtMillis() {
        String h = header(Topics.HEADER_ADMITTED_AT);
        if (h == null) return 0;
        try {
            return Long.parseLong(h);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
