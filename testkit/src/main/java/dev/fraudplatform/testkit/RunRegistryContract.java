package dev.fraudplatform.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fraudplatform.core.run.RunFacts;
import dev.fraudplatform.core.run.RunRegistry;
import dev.fraudplatform.core.run.RunState;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link RunRegistry} adapter promises; extend once per adapter with {@link #newRunRegistry()}.
 *
 * <p>Each registry made by the factory stands for one process: ownership is per registry. Those that are
 * {@link AutoCloseable} are closed after each test.
 */
public abstract class RunRegistryContract {
    private final List<RunRegistry> opened = new ArrayList<>();
    protected RunRegistry registry;
    /** A run id prefix of its own per test, so adapters backed by a shared server need no cleaning. */
    protected String run;

    /** A registry as one process holds it, over storage shared by every registry this suite makes. */
    protected abstract RunRegistry newRunRegistry() throws Exception;

    /**
     * Makes {@code owner}, which pinned {@code platformRunId}, vanish as a killed process does: without ending the run
     * or letting go of it.
     */
    protected abstract void killOwner(RunRegistry owner, String platformRunId) throws Exception;

    @BeforeEach
    void open() throws Exception {
        registry = process();
        run = "run-" + UUID.randomUUID();
    }

    @AfterEach
    void closeAll() throws Exception {
        for (RunRegistry r : opened) if (r instanceof AutoCloseable c) c.close();
    }

    /** Another process's registry over the same storage. */
    protected RunRegistry process() throws Exception {
        RunRegistry r = newRunRegistry();
        opened.add(r);
        return r;
    }

    protected RunFacts facts(String runId) {
        return new RunFacts(
                runId,
                "w-1",
                "fp-1",
                "rules-v1",
                "bd",
                "cd",
                "0.1.0",
                Instant.now().truncatedTo(ChronoUnit.MILLIS));
    }

    @Test
    void aPinnedRunKeepsItsFactsAndIsPlanned() {
        RunFacts f = facts(run);
        registry.pin(f);
        assertThat(registry.facts(run)).contains(f);
        assertThat(registry.state(run)).contains(RunState.PLANNED);
        assertThat(registry.history(run))
                .singleElement()
                .satisfies(t -> assertThat(t.state()).isEqualTo(RunState.PLANNED));
    }

    @Test
    void aRunIdIsPinnedOnce() throws Exception {
        registry.pin(facts(run));
        assertThatThrownBy(() -> registry.pin(facts(run))).isInstanceOf(IllegalStateException.class);
        RunRegistry other = process();
        assertThatThrownBy(() -> other.pin(facts(run))).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void anUnknownRunHasNothing() {
        assertThat(registry.facts(run)).isEmpty();
        assertThat(registry.state(run)).isEmpty();
        assertThat(registry.history(run)).isEmpty();
        assertThat(registry.producers(run)).isEmpty();
    }

    @Test
    void theStateIsTheLatestTransitionAndTheHistoryKeepsEveryOneOldestFirst() {
        registry.pin(facts(run));
        registry.transition(run, RunState.GATED, "gate passed");
        registry.transition(run, RunState.READY, null);
        registry.transition(run, RunState.STREAMING, "streaming");
        assertThat(registry.state(run)).contains(RunState.STREAMING);
        assertThat(registry.history(run))
                .extracting(RunRegistry.Transition::state)
                .containsExactly(RunState.PLANNED, RunState.GATED, RunState.READY, RunState.STREAMING);
        assertThat(registry.history(run))
                .extracting(RunRegistry.Transition::reason)
                .containsExactly("run facts pinned", "gate passed", null, "streaming");
        assertThat(registry.history(run)).extracting(RunRegistry.Transition::at).isSorted();
    }

    @Test
    void anEndedRunStaysEnded() {
        registry.pin(facts(run));
        registry.transition(run, RunState.STREAMING, "streaming");
        registry.transition(run, RunState.COMPLETED, "done");
        for (RunState s : List.of(RunState.STREAMING, RunState.READY, RunState.COMPLETED)) {
            assertThatThrownBy(() -> registry.transition(run, s, "carried on"))
                    .as(s.name())
                    .hasMessageContaining("has ended");
        }
        assertThat(registry.state(run)).contains(RunState.COMPLETED);
        // a further FAILED, with another reason, may still be recorded
        registry.transition(run, RunState.FAILED, "found broken afterwards");
        assertThat(registry.state(run)).contains(RunState.FAILED);
    }

    @Test
    void producersAreGrantedOnceAndNeverTakenBack() {
        registry.pin(facts(run));
        registry.allowProducer(run, "wsp");
        registry.allowProducer(run, "partner-a");
        registry.allowProducer(run, "wsp");
        assertThat(registry.producers(run)).containsExactlyInAnyOrder("wsp", "partner-a");
        registry.transition(run, RunState.COMPLETED, "done");
        assertThat(registry.producers(run)).containsExactlyInAnyOrder("wsp", "partner-a");
    }

    @Test
    void aListShowsTheNewestRunsFirstWithTheirLatestTransition() {
        RunFacts older = new RunFacts(
                run + "-a", "w-1", "fp", "rules-v1", "bd", "cd", "0.1.0", Instant.parse("2099-01-01T00:00:00Z"));
        RunFacts newer = new RunFacts(
                run + "-b", "w-1", "fp", "rules-v1", "bd", "cd", "0.1.0", Instant.parse("2099-01-02T00:00:00Z"));
        registry.pin(older);
        registry.pin(newer);
        registry.transition(newer.platformRunId(), RunState.READY, "ready");
        List<RunRegistry.Summary> top = registry.list(2);
        assertThat(top)
                .extracting(s -> s.facts().platformRunId())
                .containsExactly(newer.platformRunId(), older.platformRunId());
        assertThat(top.get(0).latest().state()).isEqualTo(RunState.READY);
        assertThat(top.get(1).latest().state()).isEqualTo(RunState.PLANNED);
        registry.transition(older.platformRunId(), RunState.COMPLETED, "done");
        registry.transition(newer.platformRunId(), RunState.COMPLETED, "done");
    }

    @Test
    void aRunWhoseOwnerIsGoneIsFailedAndOneWhoseOwnerLivesIsNot() throws Exception {
        String alive = run + "-alive";
        String dead = run + "-dead";
        RunRegistry deadOwner = process();
        registry.pin(facts(alive));
        registry.transition(alive, RunState.STREAMING, "test");
        deadOwner.pin(facts(dead));
        deadOwner.allowProducer(dead, "wsp");
        deadOwner.transition(dead, RunState.STREAMING, "test");
        killOwner(deadOwner, dead);

        RunRegistry sweeper = process();
        assertThat(sweeper.failAbandoned("abandoned in a test")).contains(dead).doesNotContain(alive);
        assertThat(sweeper.state(dead)).contains(RunState.FAILED);
        assertThat(sweeper.history(dead))
                .last()
                .satisfies(t -> assertThat(t.reason()).isEqualTo("abandoned in a test (it was STREAMING)"));
        assertThat(sweeper.state(alive)).contains(RunState.STREAMING);
        assertThat(sweeper.failAbandoned("again")).doesNotContain(dead, alive);
        // the owner that lost its run cannot carry it on
        assertThatThrownBy(() -> sweeper.transition(dead, RunState.COMPLETED, "carried on"))
                .hasMessageContaining("has ended");
        assertThat(sweeper.producers(dead)).containsExactly("wsp");
        registry.transition(alive, RunState.COMPLETED, "test");
        assertThat(sweeper.state(alive)).contains(RunState.COMPLETED);
    }

    @Test
    void theOwnersOwnSweepLeavesItsRunsAlone() {
        registry.pin(facts(run));
        registry.transition(run, RunState.STREAMING, "test");
        assertThat(registry.failAbandoned("swept by its owner")).doesNotContain(run);
        assertThat(registry.state(run)).contains(RunState.STREAMING);
        registry.transition(run, RunState.COMPLETED, "test");
    }
}
