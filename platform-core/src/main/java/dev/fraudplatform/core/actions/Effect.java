package dev.fraudplatform.core.actions;

import dev.fraudplatform.core.decision.Decision;
import dev.fraudplatform.core.decision.DecisionAction;
import dev.fraudplatform.core.decision.DegradeMode;
import java.util.List;
import java.util.Objects;

/**
 * One effect the Action Layer applies for a decision; (run, decision id) is its idempotency key.
 *
 * @param admittedAtMillis      when IG admitted the event (wall clock); 0 when unknown
 * @param decisionVisibleAtMillis when the committed decision was first seen by the Action Layer (wall clock)
 * @param degradeMode           the mode the decision was made in
 * @param score                 the decision's score (NaN when unknown)
 * @param reasons               the decision's reasons, most telling first
 * @param bundleId              the bundle that decided (null when unknown)
 * @param degradeReason         why the decision was made in its mode (null when unknown)
 */
public record Effect(
        String decisionId,
        String platformRunId,
        String eventId,
        DecisionAction action,
        String effectType,
        long admittedAtMillis,
        long decisionVisibleAtMillis,
        DegradeMode degradeMode,
        double score,
        List<String> reasons,
        String bundleId,
        String degradeReason) {
    public Effect {
        Objects.requireNonNull(decisionId);
        Objects.requireNonNull(platformRunId);
        Objects.requireNonNull(action);
        Objects.requireNonNull(effectType);
        Objects.requireNonNull(degradeMode);
        reasons = reasons == null ? List.of() : List.copyOf(reasons);
    }

    /** An effect whose decision says no more than its action and mode (no score, reasons, bundle or reason). */
    public Effect(
            String decisionId,
            String platformRunId,
            String eventId,
            DecisionAction action,
            String effectType,
            long admittedAtMillis,
            long decisionVisibleAtMillis,
            DegradeMode degradeMode) {
        this(
                decisionId,
                platformRunId,
                eventId,
                action,
                effectType,
                admittedAtMillis,
                decisionVisibleAtMillis,
                degradeMode,
                Double.NaN,
                List.of(),
                null,
                null);
    }

    /** The effect of decision {@code d}, admitted at {@code admittedAtMillis} and seen committed at {@code visibleAt}. */
    public static Effect of(Decision.Summary d, long admittedAtMillis, long visibleAtMillis) {
        return new Effect(
                d.decisionId(),
                d.platformRunId(),
                d.eventId(),
                d.action(),
                effectTypeFor(d.action()),
                admittedAtMillis,
                visibleAtMillis,
                d.degradeMode(),
                d.score(),
                d.reasons(),
                d.bundleId(),
                d.degradeReason());
    }

    /** The decision this effect applied, as the ledger keeps it. */
    public Decision.Summary decision() {
        return new Decision.Summary(
                decisionId, eventId, platformRunId, action, degradeMode, score, reasons, bundleId, degradeReason);
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
