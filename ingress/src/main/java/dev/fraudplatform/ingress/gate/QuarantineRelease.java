package dev.fraudplatform.ingress.gate;

import dev.fraudplatform.core.ingress.IngressPort;
import dev.fraudplatform.core.ingress.QuarantineIndex;
import dev.fraudplatform.core.ingress.Receipt;
import dev.fraudplatform.core.ingress.ReceiptOutcome;
import java.util.List;

/**
 * Releases a quarantined input: its corrected form goes through the gate like any other input and gets its own
 * receipt; only if that receipt is not another quarantine is the release recorded, linking the two receipts. The
 * quarantined input and its raw bytes stay as they were (append-only evidence).
 */
public final class QuarantineRelease {
    private QuarantineRelease() {}

    /** What a release attempt did: {@code released} is false when the corrected input was quarantined in turn. */
    public record Outcome(QuarantineIndex.Entry original, Receipt receipt, boolean released) {}

    public static Outcome release(
            QuarantineIndex index, IngressPort gate, String quarantineReceiptId, byte[] corrected, String releasedBy) {
        QuarantineIndex.Entry entry = index.get(quarantineReceiptId)
                .orElseThrow(
                        () -> new IllegalArgumentException("no quarantined input has receipt " + quarantineReceiptId));
        if (entry.releasedAs() != null) {
            throw new IllegalArgumentException(quarantineReceiptId + " was released already, as " + entry.releasedAs());
        }
        Receipt receipt = gate.submit(List.of(corrected)).get(0);
        if (receipt.outcome() == ReceiptOutcome.QUARANTINED) return new Outcome(entry, receipt, false);
        index.recordRelease(quarantineReceiptId, receipt.receiptId(), releasedBy);
        return new Outcome(entry, receipt, true);
    }
}
