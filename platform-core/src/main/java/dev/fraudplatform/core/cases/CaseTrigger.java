package dev.fraudplatform.core.cases;

import dev.fraudplatform.core.decision.DecisionAction;
import java.time.Instant;
import java.util.Objects;

/**
 * A decision that calls for a case (its action is one the bundle names for review), as Case Management reads it from
 * {@code fp.decisions}. (run, decision id) is its idempotency key: a redelivered decision opens and attaches nothing.
 *
 * @param accountId    the decision's partition key (its account)
 * @param eventTime    the transaction's event time
 * @param amountMinor  the transaction's amount in minor units, when the decision's features carry it (else null)
 * @param decisionJson the decision as published (explanation, features, degrade mode): what the case page shows
 */
public record CaseTrigger(
        String platformRunId,
        String decisionId,
        String eventId,
        String accountId,
        DecisionAction action,
        double score,
        Long amountMinor,
        Instant eventTime,
        String decisionJson) {
    public CaseTrigger {
        Objects.requireNonNull(platformRunId);
        Objects.requireNonNull(decisionId);
        Objects.requireNonNull(accountId);
        Objects.requireNonNull(action);
        Objects.requireNonNull(decisionJson);
    }
}
