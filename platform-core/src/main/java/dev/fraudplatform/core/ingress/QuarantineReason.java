package dev.fraudplatform.core.ingress;

/** Why an input was quarantined. Codes are stable: they appear in receipts, metrics and reports. */
public enum QuarantineReason {
    /** Bytes that are not UTF-8 or not JSON. */
    MALFORMED,
    /** An envelope larger than the gate accepts ({@code IngestionGate.MAX_ENVELOPE_BYTES}). */
    OVERSIZED,
    /** JSON that breaks the envelope contract (the detail names each field). */
    ENVELOPE_INVALID,
    /** An event class the gate has no schema for (and does not route). */
    UNKNOWN_EVENT_CLASS,
    /** A known event class with a {@code schema_version} the gate has no schema for. */
    UNKNOWN_SCHEMA_VERSION,
    /** A payload that breaks its (event_class, schema_version) JSON Schema (the detail names each problem). */
    SCHEMA_INVALID,
    /** The payload's own hash differs from the envelope's {@code payload_hash}. */
    PAYLOAD_HASH_MISMATCH,
    /** The dedupe tuple was admitted before with a different payload hash; the original stands. */
    INTEGRITY_MISMATCH,
    /** {@code platform_run_id} names no run that is READY or STREAMING. */
    WRONG_RUN
}
