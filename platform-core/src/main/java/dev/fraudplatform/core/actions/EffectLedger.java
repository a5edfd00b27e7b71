package dev.fraudplatform.core.actions;

import java.util.List;
import java.util.Map;

/**
 * Port: the append-only ledger of applied effects, keyed by (run, decision id). Applying an effect that is
 * already in the ledger does nothing: that is what makes the Action Layer idempotent.
 */
public interface EffectLedger {
    /** Applies the effects not yet in the ledger, atomically; returns those newly applied, in input order. */
    List<Effect> apply(List<Effect> effects);

    /** The effects of a run, counted from the ledger's rows: what a run's report reconciles. */
    long count(String platformRunId);

    /**
     * The effects a run has applied so far, from a running tally kept with them: equal to {@link #count} for what has
     * been applied, at a cost that does not grow with the run. For a run's progress and its drain, which ask often; an
     * adapter with no tally counts.
     */
    default long tally(String platformRunId) {
        return count(platformRunId);
    }

    /** The effect applied for decision {@code decisionId} of run {@code platformRunId}, if any. */
    java.util.Optional<Effect> find(String platformRunId, String decisionId);

    /** Counts for a run by effect type. */
    Map<String, Long> countsByEffect(String platformRunId);
}
