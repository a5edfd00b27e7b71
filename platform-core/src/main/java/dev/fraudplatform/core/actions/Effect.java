package dev.fraudplatform.core.actions;

import dev.fraudplatform.core.decision.DecisionAction;
import dev.fraudplatform.core.decision.DegradeMode;
import java.util.Objects;

/**
 * One effect the Action Layer applies for a decision; (run, decision id) is its idempotency key.
 *
 * @param admittedAtMillis      when IG admitted the event (wall clock); 0 when unknown
 * @param decisionVisibleAtMillis when the committed decision was first seen by the Action Layer (wall clock)
 * @param degradeMode           the mode the decision was made in
 */
public record Effect(
        String decisionId,
        String platformRunId,
        String eventId,
        DecisionAction action,
        String effectType,
        long admittedAtMillis,
        long decisionVisibleAtMillis,
        DegradeMode degradeMode) {
    public Effect {
        Objects.requireNonNull(decisionId);
        Objects.requireNonNull(platformRunId);
        Objects.requireNonNull(action);
        Objects.requireNonNull(effectType);
        Objects.requireNonNull(degradeMode);
    }

    /** The effect an action causes. */
    public static String effectTypeFor(DecisionAction action) {
        return switch (action) {
            case APPROVE -> "AUTHORISE";
            case STEP_UP -> "CHALLENGE_CUSTOMER";
            case REVIEW -> "QUEUE_FOR_REVIEW";
            case DECLINE -> "BLOCK_TRANSACTION";
        };
    }
}
