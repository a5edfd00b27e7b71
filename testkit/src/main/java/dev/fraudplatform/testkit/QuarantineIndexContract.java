package dev.fraudplatform.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fraudplatform.core.bus.OutboundRecord;
import dev.fraudplatform.core.ingress.BusCoordinates;
import dev.fraudplatform.core.ingress.DedupeTuple;
import dev.fraudplatform.core.ingress.QuarantineIndex;
import dev.fraudplatform.core.ingress.QuarantineReason;
import dev.fraudplatform.core.ingress.Receipt;
import dev.fraudplatform.core.ingress.ReceiptOutcome;
import dev.fraudplatform.core.ingress.ReceiptStore;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link QuarantineIndex} adapter promises; extend once per adapter with {@link #newQuarantineIndex()} and
 * {@link #receiptsOfTheSameStorage()}.
 *
 * <p>A release names the receipt of the corrected resubmission, which the receipt store holds.
 *
 * <p>The gate names the object key of a quarantined input's raw bytes at the end of the receipt's detail, as
 * {@code [raw: quarantine/...]}; the index shows it as {@link QuarantineIndex.Entry#rawObjectKey()}.
 */
public abstract class QuarantineIndexContract {
    protected QuarantineIndex index;
    protected ReceiptStore receipts;
    /** A run id of its own per test, so adapters backed by a shared server need no cleaning. */
    protected String run;

    /** An index over storage whose quarantined receipts {@link #receiptsOfTheSameStorage()} appends. */
    protected abstract QuarantineIndex newQuarantineIndex() throws Exception;

    /** The receipt store whose QUARANTINED receipts the index shows; no relay uses it meanwhile. */
    protected abstract ReceiptStore receiptsOfTheSameStorage() throws Exception;

    @BeforeEach
    void open() throws Exception {
        index = newQuarantineIndex();
        receipts = receiptsOfTheSameStorage();
        run = "run-" + UUID.randomUUID();
    }

    /** Appends quarantined receipts of {@code eventIds} to the run, one batch each so their times are apart; ids out. */
    protected List<String> quarantine(String runId, String... eventIds) throws InterruptedException {
        List<String> ids = new java.util.ArrayList<>();
        for (String eventId : eventIds) {
            String receiptId = "rcpt-" + UUID.randomUUID();
            Receipt r = new Receipt(
                    receiptId,
                    new DedupeTuple(runId, "txn.authorization", eventId),
                    ReceiptOutcome.QUARANTINED,
                    QuarantineReason.ENVELOPE_INVALID,
                    "amount: must be a number [raw: quarantine/" + runId + "/" + eventId + ".json]",
                    "sha256:" + eventId,
                    null,
                    Instant.now());
            receipts.claim(List.of(), Map.of(0, r));
            ids.add(receiptId);
            Thread.sleep(2);
        }
        return ids;
    }

    @Test
    void aQuarantinedInputIsShownWithItsReasonAndTheKeyOfItsRawBytes() throws Exception {
        String id = quarantine(run, "e1").get(0);
        QuarantineIndex.Entry e = index.get(id).orElseThrow();
        assertThat(e.receiptId()).isEqualTo(id);
        assertThat(e.platformRunId()).isEqualTo(run);
        assertThat(e.eventClass()).isEqualTo("txn.authorization");
        assertThat(e.eventId()).isEqualTo("e1");
        assertThat(e.reason()).isEqualTo(QuarantineReason.ENVELOPE_INVALID);
        assertThat(e.detail()).startsWith("amount: must be a number");
        assertThat(e.rawObjectKey()).isEqualTo("quarantine/" + run + "/e1.json");
        assertThat(e.receivedAt()).isNotNull();
        assertThat(e.releasedAs()).isNull();
    }

    @Test
    void anUnknownReceiptIsNotInTheIndex() {
        assertThat(index.get("rcpt-" + UUID.randomUUID())).isEmpty();
        assertThat(index.list(run, 10)).isEmpty();
    }

    @Test
    void theListShowsOneRunsNewestFirstUpToTheLimit() throws Exception {
        List<String> ids = quarantine(run, "e1", "e2", "e3");
        quarantine(run + "-other", "x1");
        assertThat(index.list(run, 10))
                .extracting(QuarantineIndex.Entry::receiptId)
                .containsExactly(ids.get(2), ids.get(1), ids.get(0));
        assertThat(index.list(run, 2))
                .extracting(QuarantineIndex.Entry::receiptId)
                .containsExactly(ids.get(2), ids.get(1));
    }

    @Test
    void theListOfAllRunsHoldsEveryRun() throws Exception {
        String mine = quarantine(run, "e1").get(0);
        String other = quarantine(run + "-other", "x1").get(0);
        assertThat(index.list(null, 2))
                .extracting(QuarantineIndex.Entry::receiptId)
                .containsExactly(other, mine);
    }

    @Test
    void onlyQuarantinedReceiptsAreInTheIndex() throws Exception {
        Receipt duplicate = new Receipt(
                "rcpt-" + UUID.randomUUID(),
                new DedupeTuple(run, "txn.authorization", "d1"),
                ReceiptOutcome.DUPLICATE,
                null,
                null,
                "sha256:d1",
                null,
                Instant.now());
        Map<Integer, Receipt> settled = new HashMap<>(Map.of(0, duplicate));
        receipts.claim(List.of(), settled);
        assertThat(index.get(duplicate.receiptId())).isEmpty();
        assertThat(index.list(run, 10)).isEmpty();
    }

    /** Admits a corrected resubmission of {@code eventId} and returns its receipt id, as the gate would. */
    protected String resubmit(String eventId) {
        ReceiptStore.Claim claim = receipts.claim(
                List.of(new ReceiptStore.Candidate(
                        0,
                        new DedupeTuple(run, "txn.authorization", eventId),
                        "sha256:fixed-" + eventId,
                        new OutboundRecord("fp.traffic", "acct-1", new byte[] {1}, 1L, Map.of()))),
                Map.of());
        receipts.recordAdmitted(claim.pending(), List.of(new BusCoordinates("fp.traffic", 0, 0)), 0);
        return claim.pending().get(0).receiptId();
    }

    @Test
    void anInputIsReleasedOnce() throws Exception {
        String id = quarantine(run, "e1").get(0);
        String release = resubmit("e1-fixed");
        index.recordRelease(id, release, "analyst-1");
        assertThat(index.get(id).orElseThrow().releasedAs()).isEqualTo(release);
        assertThat(index.list(run, 10))
                .singleElement()
                .satisfies(e -> assertThat(e.releasedAs()).isEqualTo(release));

        String again = resubmit("e1-fixed-again");
        assertThatThrownBy(() -> index.recordRelease(id, again, "analyst-2"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("released already");
        assertThat(index.get(id).orElseThrow().releasedAs()).isEqualTo(release);
    }
}
