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

    long count(String platformRunId);

    /** The effect applied for decision {@code decisionId} of run {@code platformRunId}, if any. */
    java.util.Optional<Effect> find(String platformRunId, String decisionId);

    /** Counts for a run by effect type. */
    Map<String, Long> countsByEffect(String platformRunId);
}
