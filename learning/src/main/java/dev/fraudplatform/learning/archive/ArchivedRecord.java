package dev.fraudplatform.learning.archive;

import java.util.Map;

/**
 * One record as the archive keeps it: where it sat on the bus, its key, its record timestamp, its exact value bytes, and
 * what the archive read from it.
 *
 * @param key             the record's key, null when it had none
 * @param timestampMillis the record's timestamp (for traffic the event's time, epoch millis)
 * @param value           the record's value, byte for byte as it was on the bus
 * @param headers         the headers the archive keeps: {@link dev.fraudplatform.core.bus.Topics#HEADER_ADMITTED_AT}
 *                        when the record had it (its epoch millis in decimal;
 *                        0 when it was unreadable), nothing else
 */
public record ArchivedRecord(
        String topic,
        int partition,
        long offset,
        String key,
        long timestampMillis,
        byte[] value,
        Map<String, String> headers,
        String eventClass,
        String eventId) {}
