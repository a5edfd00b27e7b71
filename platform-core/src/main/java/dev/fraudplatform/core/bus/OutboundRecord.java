package dev.fraudplatform.core.bus;

import java.util.Map;

/**
 * A record to publish: topic, key (the partition key), value bytes, record timestamp (event time, millis)
 * and string headers.
 */
public record OutboundRecord(
        String topic, String key, byte[] value, long timestampMillis, Map<String, String> headers) {}
