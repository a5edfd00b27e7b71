package dev.fraudplatform.core.ingress;

import java.util.List;
import java.util.Map;

/**
 * Port: the gate's durable, append-only record of receipts and its dedupe index.
 *
 * <p>{@link #admit} is the dedupe-and-receipt step. The implementation claims each candidate's dedupe tuple, calls
 * {@code publisher} with the candidates it claimed (in input order), and records one receipt per input, all in one
 * database transaction: if the publisher throws, no claim and no receipt persists. Two concurrent calls carrying
 * the same tuple never both admit it.
 *
 * <p>Known gap (closed by the ingress issue's outbox or transactional publish): publishing is not part of the
 * database transaction, so records the publisher handed to the bus before failing, or before a crash ahead of
 * the commit, stay on the bus without receipts, and a retry publishes them again. The gate keeps the one
 * foreseeable cause out (records too large for the bus); the run report detects the rest as conflicting decisions.
 */
public interface ReceiptStore {

    /** An input that passed validation and pins, waiting to be deduplicated. */
    record Candidate(int index, DedupeTuple tuple, String payloadHash) {}

    /** Publishes the claimed candidates and returns their coordinates, one per candidate, in order. */
    @FunctionalInterface
    interface Publisher {
        List<BusCoordinates> publish(List<Candidate> claimed) throws Exception;
    }

    /**
     * Deduplicates {@code candidates}, publishes the new ones through {@code publisher}, and appends
     * receipts for the candidates and for the already-{@code quarantined} inputs of the same batch.
     *
     * @return one receipt per candidate and per quarantined input, indexed like the batch
     */
    Map<Integer, Receipt> admit(List<Candidate> candidates, Map<Integer, Receipt> quarantined, Publisher publisher);

    /** Receipt counts for a run, by outcome and, for quarantines, by reason (keys like {@code QUARANTINED/WRONG_RUN}). */
    Map<String, Long> countsByOutcome(String platformRunId);

    /** Admitted counts for a run by event class. */
    Map<String, Long> admittedByEventClass(String platformRunId);
}
