package dev.fraudplatform.core.envelope;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fraudplatform.core.ingress.DedupeTuple;
import dev.fraudplatform.core.json.CanonicalJson;
import java.time.Instant;
import java.util.Objects;

/**
 * The canonical envelope: every event on the bus is exactly one of these (ARCHITECTURE.md §4).
 * Instances are only made by {@link EnvelopeValidator} (from the wire) or {@link #of} (by producers
 * that compute the payload hash themselves), so a held {@code Envelope} is always well formed; whether
 * its {@code payloadHash} matches its payload is a separate check ({@link #payloadHashMatches()}),
 * because a mismatch is evidence that must be receipted, not a parse error.
 */
public record Envelope(
        String platformRunId,
        String eventClass,
        String eventId,
        int schemaVersion,
        Instant eventTime,
        Instant emittedAt,
        String partitionKey,
        ObjectNode payload,
        String payloadHash) {

    public static final String PLATFORM_RUN_ID = "platform_run_id";
    public static final String EVENT_CLASS = "event_class";
    public static final String EVENT_ID = "event_id";
    public static final String SCHEMA_VERSION = "schema_version";
    public static final String EVENT_TIME = "event_time";
    public static final String EMITTED_AT = "emitted_at";
    public static final String PARTITION_KEY = "partition_key";
    public static final String PAYLOAD = "payload";
    public static final String PAYLOAD_HASH = "payload_hash";

    public Envelope {
        Objects.requireNonNull(platformRunId);
        Objects.requireNonNull(eventClass);
        Objects.requireNonNull(eventId);
        Objects.requireNonNull(eventTime);
        Objects.requireNonNull(emittedAt);
        Objects.requireNonNull(partitionKey);
        Objects.requireNonNull(payload);
        Objects.requireNonNull(payloadHash);
    }

    /** Builds an envelope whose payload hash is computed here, as a well-behaved producer does. */
    public static Envelope of(
            String runId,
            String eventClass,
            String eventId,
            int schemaVersion,
            Instant eventTime,
            Instant emittedAt,
            String partitionKey,
            ObjectNode payload) {
        return new Envelope(
                runId,
                eventClass,
                eventId,
                schemaVersion,
                eventTime,
                emittedAt,
                partitionKey,
                payload,
                dev.fraudplatform.core.json.PayloadHash.of(payload));
    }

    /**
     * The canonical wire bytes of an envelope whose payload is already canonical JSON text, composed without
     * building a tree: byte-identical to {@code Envelope.of(...).toBytes()} for the same values. This is the
     * producer's hot path (the streamer sends millions of these).
     */
    public static byte[] canonicalBytes(
            String runId,
            String eventClass,
            String eventId,
            int schemaVersion,
            String eventTimeText,
            String emittedAtText,
            String partitionKey,
            String canonicalPayload) {
        byte[] payloadBytes = canonicalPayload.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        String hash = dev.fraudplatform.core.json.Sha256.PREFIX + dev.fraudplatform.core.json.Sha256.hex(payloadBytes);
        StringBuilder sb = new StringBuilder(canonicalPayload.length() + 320);
        sb.append("{\"emitted_at\":")
                .append(CanonicalJson.quote(emittedAtText))
                .append(",\"event_class\":")
                .append(CanonicalJson.quote(eventClass))
                .append(",\"event_id\":")
                .append(CanonicalJson.quote(eventId))
                .append(",\"event_time\":")
                .append(CanonicalJson.quote(eventTimeText))
                .append(",\"partition_key\":")
                .append(CanonicalJson.quote(partitionKey))
                .append(",\"payload\":")
                .append(canonicalPayload)
                .append(",\"payload_hash\":\"")
                .append(hash)
                .append("\",\"platform_run_id\":")
                .append(CanonicalJson.quote(runId))
                .append(",\"schema_version\":")
                .append(schemaVersion)
                .append('}');
        return sb.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    public DedupeTuple dedupeTuple() {
        return new DedupeTuple(platformRunId, eventClass, eventId);
    }

    /** The hash the payload actually has (recomputed, never trusted from the wire). */
    public String computedPayloadHash() {
        return dev.fraudplatform.core.json.PayloadHash.of(payload);
    }

    public boolean payloadHashMatches() {
        return payloadHash.equals(computedPayloadHash());
    }

    /** The wire form: a JSON object with the contract's field names; the caller may change it freely. */
    public ObjectNode toJson() {
        return wire(payload.deepCopy());
    }

    private ObjectNode wire(ObjectNode payloadNode) {
        ObjectNode n = CanonicalJson.EXACT_MAPPER.createObjectNode();
        n.put(PLATFORM_RUN_ID, platformRunId);
        n.put(EVENT_CLASS, eventClass);
        n.put(EVENT_ID, eventId);
        n.put(SCHEMA_VERSION, schemaVersion);
        n.put(EVENT_TIME, Times.format(eventTime));
        n.put(EMITTED_AT, Times.format(emittedAt));
        n.put(PARTITION_KEY, partitionKey);
        n.set(PAYLOAD, payloadNode);
        n.put(PAYLOAD_HASH, payloadHash);
        return n;
    }

    /** Canonical wire bytes (sorted keys): what IG publishes to the bus. */
    public byte[] toBytes() {
        return CanonicalJson.bytes(wire(payload));
    }

    /** Reads a payload text field, or null when absent or not text. */
    public String payloadText(String field) {
        JsonNode v = payload.get(field);
        return v == null || !v.isTextual() ? null : v.textValue();
    }
}
