package dev.fraudplatform.core.ingress;

/** Every input ends as exactly one receipt with one of these outcomes. */
public enum ReceiptOutcome {
    /** First sighting of the dedupe tuple, valid; published to the bus (the receipt names where). */
    ADMITTED,
    /** Same dedupe tuple and same payload hash as an admitted event: receipted, not published again. */
    DUPLICATE,
    /** Refused with a {@link QuarantineReason}; the raw bytes are kept in the quarantine prefix. */
    QUARANTINED
}
