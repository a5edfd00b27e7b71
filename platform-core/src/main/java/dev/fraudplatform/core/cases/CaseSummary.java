package dev.fraudplatform.core.cases;

import java.time.Instant;

/**
 * A case's head: its current state, derived fields and version. Every change of the head appends a timeline entry in
 * the same transaction and increments {@code version}; a change made against an older version is refused
 * ({@link CaseConflictException}), so a stale form changes nothing.
 *
 * @param priority    0-100, higher first: from the highest score and the largest amount attached
 * @param owner       the investigator it is assigned to, or null
 * @param openedAt    when the case was opened (wall clock)
 * @param disposition the verdict once given, else null
 */
public record CaseSummary(
        String caseId,
        String platformRunId,
        String accountId,
        CaseState state,
        int priority,
        String owner,
        Instant openedAt,
        Instant updatedAt,
        int decisions,
        double maxScore,
        long maxAmountMinor,
        Disposition disposition,
        long version) {}
