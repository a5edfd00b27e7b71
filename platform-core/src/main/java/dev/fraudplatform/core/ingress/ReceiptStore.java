package dev.fraudplatform.core.ingress;

import dev.fraudplatform.core.bus.OutboundRecord;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Port: the gate's durable, append-only record of receipts, its dedupe index and its outbox.
 *
 * <p>Admission is two steps with the bus in between, so that a crash at any point neither loses an admitted event
 * nor admits one twice (the design is in {@code AdmissionRelay}):
 * <ol>
 *   <li>{@link #claim}: in one transaction, claim each candidate's dedupe tuple, put each claimed candidate's record in
 *       the outbox, and append the final receipts of everything else in the batch (duplicates, integrity mismatches,
 *       inputs quarantined before dedupe). Two concurrent claims of one tuple never both succeed.</li>
 *   <li>{@link #recordAdmitted}: once the outbox records are on the bus, append their ADMITTED receipts with their
 *       coordinates and the bus marker that proves the publication.</li>
 * </ol>
 * Outbox records are taken in claim order by one relay at a time; {@link #unpublished} lists those claimed but not
 * yet receipted, for recovery after a crash.
 */
public interface ReceiptStore {

    /**
     * The store lost contact while committing a claim: the claim may or may not have committed. The relay must stop
     * (a restarted relay's recovery sorts it out) rather than carry on as if nothing had been claimed.
     */
    final class CommitOutcomeUnknownException extends RuntimeException {
        public CommitOutcomeUnknownException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * Makes the caller the only relay of this store until the returned lease is closed; blocks while another relay
     * (another process, or a zombie that lost its bus fencing but still reaches the store) holds it. The bus fences
     * an old relay's publications; this fences its claims.
     */
    AutoCloseable relayLease();

    /** An input that passed validation and pins, waiting to be deduplicated, with the record to publish if it is new. */
    record Candidate(int index, DedupeTuple tuple, String payloadHash, OutboundRecord record) {}

    /** A claimed candidate in the outbox, waiting for the bus. */
    record Pending(
            long outboxSeq,
            String receiptId,
            int index,
            DedupeTuple tuple,
            String payloadHash,
            OutboundRecord record,
            Instant receivedAt) {}

    /** What a claim settled at once ({@code settled}, by batch index) and what waits for the bus ({@code pending}). */
    record Claim(Map<Integer, Receipt> settled, List<Pending> pending) {}

    /**
     * Claims {@code candidates} and appends the receipts of the inputs it can settle now, including
     * {@code quarantined} ones, in one transaction.
     */
    Claim claim(List<Candidate> candidates, Map<Integer, Receipt> quarantined);

    /**
     * Appends the ADMITTED receipts of outbox records now on the bus, in one transaction.
     *
     * @param markerOffset the bus offset of the marker published with them (see {@link #lastMarkerOffset})
     */
    void recordAdmitted(List<Pending> published, List<BusCoordinates> coordinates, long markerOffset);

    /** Outbox records claimed after the last receipted one, in claim order (pending publication or receipt). */
    List<Pending> unpublished();

    /** The offset of the last publication marker whose receipts are recorded, or -1 if none. */
    long lastMarkerOffset();

    /** Receipt counts for a run, by outcome and, for quarantines, by reason (keys like {@code QUARANTINED/WRONG_RUN}). */
    Map<String, Long> countsByOutcome(String platformRunId);

    /** Admitted counts for a run by event class. */
    Map<String, Long> admittedByEventClass(String platformRunId);
}
