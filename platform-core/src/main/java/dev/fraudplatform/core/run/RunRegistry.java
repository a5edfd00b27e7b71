package dev.fraudplatform.core.run;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Port: durable run facts and the append-only history of each run's lifecycle. The current state of a run
 * is its latest transition.
 *
 * <p>Ownership: the process that pins a run owns it until it records COMPLETED or FAILED, or until it dies. A run
 * whose owner died without ending it is abandoned; {@link #failAbandoned} ends such runs, so that none stays open to
 * traffic after the process that ran it was killed.
 */
public interface RunRegistry {
    /** Pins the facts of a new run (state PLANNED), owned by the calling process. Fails if the run id exists. */
    void pin(RunFacts facts);

    /** Appends a lifecycle transition with a reason (may be null); COMPLETED or FAILED ends the caller's ownership. */
    void transition(String platformRunId, RunState state, String reason);

    /** Allows {@code producerId} to write into the run (before it is READY; grants are never taken back). */
    void allowProducer(String platformRunId, String producerId);

    /** The producers allowed to write into the run; empty for an unknown run. */
    Set<String> producers(String platformRunId);

    /**
     * Records FAILED, with {@code reason}, for every run that is neither COMPLETED nor FAILED and whose owning
     * process is gone; runs owned by live processes (this one included) are left alone.
     *
     * @return the ids of the runs it ended
     */
    List<String> failAbandoned(String reason);

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
