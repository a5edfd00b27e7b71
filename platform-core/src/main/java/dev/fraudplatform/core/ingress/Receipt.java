package dev.fraudplatform.core.ingress;

import java.time.Instant;
import java.util.Objects;

/**
 * The gate's append-only answer for one input. Exactly one receipt is written per input.
 *
 * @param receiptId   unique id of this receipt
 * @param tuple       the dedupe tuple, or null when the input was too broken to have one
 * @param outcome     admitted, duplicate or quarantined
 * @param reason      the quarantine reason; null unless {@code outcome == QUARANTINED}
 * @param detail      human-readable detail (field problems, the original hash); may be null
 * @param payloadHash the payload hash as computed by the gate; null when there was no payload
 * @param coordinates where the admitted event was published; null unless {@code outcome == ADMITTED}
 * @param receivedAt  when the gate took the input
 * @param platformRunId the run the input named, when it could be read (also for inputs too broken for a tuple);
 *                      null when unknown. Defaults to the tuple's run.
 */
public record Receipt(
        String receiptId,
        DedupeTuple tuple,
        ReceiptOutcome outcome,
        QuarantineReason reason,
        String detail,
        String payloadHash,
        BusCoordinates coordinates,
        Instant receivedAt,
        String platformRunId) {

    /** A receipt whose run is the tuple's. */
    public Receipt(
            String receiptId,
            DedupeTuple tuple,
            ReceiptOutcome outcome,
            QuarantineReason reason,
            String detail,
            String payloadHash,
            BusCoordinates coordinates,
            Instant receivedAt) {
        this(receiptId, tuple, outcome, reason, detail, payloadHash, coordinates, receivedAt, null);
    }

    public Receipt {
        if (platformRunId == null && tuple != null) platformRunId = tuple.platformRunId();
        Objects.requireNonNull(receiptId);
        Objects.requireNonNull(outcome);
        Objects.requireNonNull(receivedAt);
        if ((outcome == ReceiptOutcome.QUARANTINED) != (reason != null)) {
            throw new IllegalArgumentException("a reason is given exactly when the outcome is QUARANTINED");
        }
        if ((outcome == ReceiptOutcome.ADMITTED) != (coordinates != null)) {
            throw new IllegalArgumentException("coordinates are given exactly when the outcome is ADMITTED");
        }
    }
}
