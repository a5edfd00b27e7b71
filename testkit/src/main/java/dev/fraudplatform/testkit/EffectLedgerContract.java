package dev.fraudplatform.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fraudplatform.core.actions.Effect;
import dev.fraudplatform.core.actions.EffectLedger;
import dev.fraudplatform.core.decision.DecisionAction;
import dev.fraudplatform.core.decision.DegradeMode;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every {@link EffectLedger} adapter promises; extend once per adapter with {@link #newEffectLedger()}. */
public abstract class EffectLedgerContract {
    protected EffectLedger ledger;
    /** A run id of its own per test, so adapters backed by a shared server need no cleaning. */
    protected String run;

    /** A ledger over empty (or run-disjoint) storage. */
    protected abstract EffectLedger newEffectLedger() throws Exception;

    @BeforeEach
    void open() throws Exception {
        ledger = newEffectLedger();
        run = "run-" + UUID.randomUUID();
    }

    protected Effect effect(String runId, String decisionId, DecisionAction action) {
        long now = System.currentTimeMillis();
        return new Effect(
                decisionId,
                runId,
                "evt-" + decisionId,
                action,
                Effect.effectTypeFor(action),
                now - 5,
                now,
                DegradeMode.FULL);
    }

    @Test
    void anEffectAppliedTwiceIsAppliedOnce() {
        Effect a = effect(run, "dec-1", DecisionAction.DECLINE);
        Effect b = effect(run, "dec-2", DecisionAction.APPROVE);
        assertThat(ledger.apply(List.of(a, b))).containsExactly(a, b);
        assertThat(ledger.apply(List.of(b, a))).isEmpty();
        assertThat(ledger.count(run)).isEqualTo(2);
    }

    @Test
    void aDecisionRepeatedWithinOneCallIsAppliedOnceInInputOrder() {
        Effect a = effect(run, "dec-1", DecisionAction.DECLINE);
        Effect b = effect(run, "dec-2", DecisionAction.APPROVE);
        Effect c = effect(run, "dec-3", DecisionAction.APPROVE);
        assertThat(ledger.apply(List.of(c, a, c, b, a))).containsExactly(c, a, b);
        assertThat(ledger.count(run)).isEqualTo(3);
    }

    @Test
    void onlyTheNewEffectsOfAMixedCallAreReturned() {
        Effect a = effect(run, "dec-1", DecisionAction.DECLINE);
        Effect b = effect(run, "dec-2", DecisionAction.APPROVE);
        ledger.apply(List.of(a));
        assertThat(ledger.apply(List.of(a, b))).containsExactly(b);
    }

    @Test
    void theSameDecisionIdInAnotherRunIsAnotherEffect() {
        String other = run + "-other";
        Effect here = effect(run, "dec-1", DecisionAction.DECLINE);
        Effect there = effect(other, "dec-1", DecisionAction.DECLINE);
        assertThat(ledger.apply(List.of(here, there))).containsExactly(here, there);
        assertThat(ledger.count(run)).isEqualTo(1);
        assertThat(ledger.count(other)).isEqualTo(1);
    }

    @Test
    void effectsAreCountedByType() {
        ledger.apply(List.of(
                effect(run, "dec-1", DecisionAction.DECLINE),
                effect(run, "dec-2", DecisionAction.APPROVE),
                effect(run, "dec-3", DecisionAction.APPROVE)));
        assertThat(ledger.countsByEffect(run))
                .containsOnly(
                        Map.entry(Effect.effectTypeFor(DecisionAction.APPROVE), 2L),
                        Map.entry(Effect.effectTypeFor(DecisionAction.DECLINE), 1L));
    }

    @Test
    void nothingAppliedIsNothingCounted() {
        assertThat(ledger.apply(List.of())).isEmpty();
        assertThat(ledger.count(run)).isZero();
        assertThat(ledger.countsByEffect(run)).isEmpty();
    }
}
