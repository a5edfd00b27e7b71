package dev.fraudplatform.core.ingress;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Port: the index of quarantined inputs (their receipts, with the object key of their raw bytes) and of their releases.
 * A release links a quarantined input to the receipt its corrected resubmission got through the gate; each
 * quarantined input is released at most once, and nothing here is ever updated or deleted.
 */
public interface QuarantineIndex {

    /** A quarantined input; {@code releasedAs} is the receipt id of its corrected resubmission, or null. */
    record Entry(
            String receiptId,
            String platformRunId,
            String eventClass,
            String eventId,
            QuarantineReason reason,
            String detail,
            String rawObjectKey,
            Instant receivedAt,
            String releasedAs) {}

    /** The newest quarantined inputs, of one run or (when {@code platformRunId} is null) of all. */
    List<Entry> list(String platformRunId, int limit);

    Optional<Entry> get(String receiptId);

    /** Records that {@code quarantineReceiptId} was released as {@code releaseReceiptId}; refuses a second release. */
    void recordRelease(String quarantineReceiptId, String releaseReceiptId, String releasedBy);
}
