package dev.fraudplatform.core.cases;

import java.time.Instant;
import java.util.Set;

/**
 * A page of the case queue. Keyset pagination: {@code after} is the {@link QueuePage#next()} cursor of the previous
 * page (null for the first), so a page costs the same at any depth.
 *
 * @param platformRunId only this run's cases, or null for all
 * @param states        only these states (empty: all but CLOSED)
 * @param minPriority   only cases at or above this priority (0: all)
 * @param owner         only this owner's cases; {@code ""} for unassigned; null for any
 * @param openedBefore  only cases opened before this time (their age), or null
 * @param limit         1-200
 */
public record QueueQuery(
        String platformRunId,
        Set<CaseState> states,
        int minPriority,
        String owner,
        Instant openedBefore,
        Sort sort,
        String after,
        int limit) {
    public enum Sort {
        /** Highest priority first, then oldest. */
        PRIORITY,
        /** Oldest first. */
        AGE,
        /** Most recently changed first. */
        UPDATED
    }

    public QueueQuery {
        states = states == null ? Set.of() : Set.copyOf(states);
        if (sort == null) sort = Sort.PRIORITY;
        if (limit < 1 || limit > 200) throw new IllegalArgumentException("limit must be 1-200");
        if (minPriority < 0 || minPriority > 100) throw new IllegalArgumentException("minPriority must be 0-100");
    }
}
