package dev.fraudplatform.core.ingress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class ReceiptTest {

    private static final DedupeTuple TUPLE = new DedupeTuple("run-1", "txn.authorisation", "evt-1");
    private static final BusCoordinates COORDS = new BusCoordinates("fp.traffic", 3, 42L);
    private static final Instant AT = Instant.parse("2026-03-02T14:07:31.250Z");
    private static final String HASH = "sha256:" + "ab".repeat(32);

    private static Receipt receipt(ReceiptOutcome outcome, QuarantineReason reason, BusCoordinates coordinates) {
        return new Receipt("rcpt-1", TUPLE, outcome, reason, null, HASH, coordinates, AT);
    }

    @Test
    void validCombinationsAreAccepted() {
        Receipt admitted = receipt(ReceiptOutcome.ADMITTED, null, COORDS);
        assertThat(admitted.coordinates()).isEqualTo(COORDS);
        assertThat(admitted.reason()).isNull();

        Receipt duplicate = receipt(ReceiptOutcome.DUPLICATE, null, null);
        assertThat(duplicate.outcome()).isEqualTo(ReceiptOutcome.DUPLICATE);

        for (QuarantineReason reason : QuarantineReason.values()) {
            Receipt q = receipt(ReceiptOutcome.QUARANTINED, reason, null);
            assertThat(q.reason()).isEqualTo(reason);
        }
        // a malformed input has no tuple, no payload hash and no detail
        Receipt malformed = new Receipt(
                "rcpt-2", null, ReceiptOutcome.QUARANTINED, QuarantineReason.MALFORMED, null, null, null, AT);
        assertThat(malformed.tuple()).isNull();
    }

    @Test
    void quarantinedWithoutReasonIsRefused() {
        assertThatThrownBy(() -> receipt(ReceiptOutcome.QUARANTINED, null, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("reason");
    }

    @Test
    void reasonWithoutQuarantineIsRefused() {
        assertThatThrownBy(() -> receipt(ReceiptOutcome.ADMITTED, QuarantineReason.WRONG_RUN, COORDS))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("reason");
        assertThatThrownBy(() -> receipt(ReceiptOutcome.DUPLICATE, QuarantineReason.INTEGRITY_MISMATCH, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("reason");
    }

    @Test
    void admittedWithoutCoordinatesIsRefused() {
        assertThatThrownBy(() -> receipt(ReceiptOutcome.ADMITTED, null, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("coordinates");
    }

    @Test
    void coordinatesWithoutAdmissionAreRefused() {
        assertThatThrownBy(() -> receipt(ReceiptOutcome.DUPLICATE, null, COORDS))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("coordinates");
        assertThatThrownBy(() -> receipt(ReceiptOutcome.QUARANTINED, QuarantineReason.PAYLOAD_HASH_MISMATCH, COORDS))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("coordinates");
    }

    @Test
    void requiredFieldsAreRequired() {
        assertThatNullPointerException()
                .isThrownBy(() -> new Receipt(null, TUPLE, ReceiptOutcome.DUPLICATE, null, null, HASH, null, AT));
        assertThatNullPointerException().isThrownBy(() -> new Receipt("r", TUPLE, null, null, null, HASH, null, AT));
        assertThatNullPointerException()
                .isThrownBy(() -> new Receipt("r", TUPLE, ReceiptOutcome.DUPLICATE, null, null, HASH, null, null));
    }

    @Test
    void dedupeTupleAndCoordinatesRenderReadably() {
        assertThat(TUPLE.toString()).isEqualTo("run-1/txn.authorisation/evt-1");
        assertThat(COORDS.toString()).isEqualTo("fp.traffic-3@42");
        assertThatNullPointerException().isThrownBy(() -> new DedupeTuple("run-1", null, "evt-1"));
    }
}
