package dev.fraudplatform.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fraudplatform.core.actions.Effect;
import dev.fraudplatform.core.actions.EffectLedger;
import dev.fraudplatform.core.decision.Decision;
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
    void anAppliedDecisionIsFoundWithWhatItSaid() {
        Decision.Summary said = new Decision.Summary(
                "dec-7",
                "evt-7",
                run,
                DecisionAction.REVIEW,
                DegradeMode.PARTIAL_CONTEXT,
                0.734512,
                List.of("velocity_1h", "new_device"),
                "rules-v1",
                "missing context: device");
        long now = System.currentTimeMillis();
        ledger.apply(List.of(Effect.of(said, now - 40, now)));
        Effect found = ledger.find(run, "dec-7").orElseThrow();
        assertThat(found.decision()).isEqualTo(said);
        assertThat(found.effectType()).isEqualTo(Effect.effectTypeFor(DecisionAction.REVIEW));
        assertThat(found.admittedAtMillis()).isEqualTo(now - 40);
        assertThat(ledger.find(run, "dec-8")).isEmpty();
        assertThat(ledger.find(run + "-other", "dec-7")).isEmpty();
        // An effect that says no more than its action is found as such: no score, no reasons.
        ledger.apply(List.of(effect(run, "dec-9", DecisionAction.APPROVE)));
        Effect bare = ledger.find(run, "dec-9").orElseThrow();
        assertThat(bare.score()).isNaN();
        assertThat(bare.reasons()).isEmpty();
        assertThat(bare.bundleId()).isNull();
    }

    @Test
    void theTallyFollowsTheAppliedEffectsNeverTheDuplicates() {
        String other = run + "-other";
        Effect a = effect(run, "dec-1", DecisionAction.DECLINE);
        Effect b = effect(run, "dec-2", DecisionAction.APPROVE);
        Effect c = effect(run, "dec-3", DecisionAction.APPROVE);
        assertThat(ledger.tally(run)).isZero();
        ledger.apply(List.of(a, b, a));
        assertThat(ledger.tally(run)).isEqualTo(2);
        ledger.apply(List.of(b, c, effect(other, "dec-1", DecisionAction.DECLINE)));
        ledger.apply(List.of(a, b, c));
        assertThat(ledger.tally(run)).isEqualTo(3).isEqualTo(ledger.count(run));
        assertThat(ledger.tally(other)).isEqualTo(1).isEqualTo(ledger.count(other));
    }

    @Test
    void nothingAppliedIsNothingCounted() {
        assertThat(ledger.apply(List.of())).isEmpty();
        assertThat(ledger.tally(run)).isZero();
        assertThat(ledger.count(run)).isZero();
        assertThat(ledger.countsByEffect(run)).isEmpty();
    }
}
