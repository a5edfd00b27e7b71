package dev.fraudplatform.core.cases;

import java.time.Instant;
import java.util.List;

/**
 * A disposition whose label assertions are not yet recorded in its timeline: the outbox between a case and the
 * Label Store. Case Management asserts them (idempotently) and then records {@code LABEL_ASSERTED}.
 *
 * @param dispositionSeq the DISPOSITION entry's seq
 * @param disposedAt     when the disposition was given: the labels' observed time
 * @param transactions   the transactions of the case's decisions, one assertion each, in attachment order
 */
public record PendingLabels(
        String caseId,
        String platformRunId,
        String accountId,
        long dispositionSeq,
        Disposition disposition,
        String actor,
        Instant disposedAt,
        List<Transaction> transactions) {

    public PendingLabels {
        transactions = List.copyOf(transactions);
    }

    /**
     * One transaction of the case.
     *
     * @param txnId     the transaction id of its payload (the label's subject), or the decision's event id when the
     *                  casework projection has no row for it
     * @param eventTime when the transaction happened: the label's effective time
     */
    public record Transaction(String txnId, Instant eventTime) {}
}
