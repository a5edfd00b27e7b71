package dev.fraudplatform.core.cases;

import java.util.List;

/**
 * A disposition whose label assertions are not yet recorded in its timeline: the outbox between a case and the
 * Label Store. Case Management asserts them (idempotently) and then records {@code LABEL_ASSERTED}.
 *
 * @param dispositionSeq the DISPOSITION entry's seq
 * @param transactions   the transaction ids of the case's decisions, one assertion each
 */
public record PendingLabels(
        String caseId,
        String platformRunId,
        String accountId,
        long dispositionSeq,
        Disposition disposition,
        String actor,
        java.time.Instant disposedAt,
        List<String> transactions) {}
