package dev.fraudplatform.core.run;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Port: durable run facts and the append-only history of each run's lifecycle. The current state of a run
 * is its latest transition.
 */
public interface RunRegistry {
    /** Pins the facts of a new run (state PLANNED). Fails if the run id exists. */
    void pin(RunFacts facts);

    /** Appends a lifecycle transition with a reason (may be null). */
    void transition(String platformRunId, RunState state, String reason);

    Optional<RunFacts> facts(String platformRunId);

    Optional<RunState> state(String platformRunId);

    /** One step of a run's lifecycle. */
    record Transition(RunState state, String reason, Instant at) {}

    /** The lifecycle of a run, oldest first; empty for an unknown run. */
    List<Transition> history(String platformRunId);

    /** A run as a list shows it: its facts and its latest transition. */
    record Summary(RunFacts facts, Transition latest) {}

    /** The newest runs first. */
    List<Summary> list(int limit);
}
