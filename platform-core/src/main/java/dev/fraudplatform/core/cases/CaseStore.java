package dev.fraudplatform.core.cases;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Port: Case Management's store. A case per account and open window: while an account has a case that is not
 * {@link CaseState#CLOSED}, its later triggers attach to it. The timeline is append-only; the head
 * ({@link CaseSummary}) changes only with a timeline entry, under optimistic concurrency. Thread-safe.
 */
public interface CaseStore {

    /** What a trigger did. */
    enum Attachment {
        /** Opened a new case. */
        OPENED,
        /** Attached to the account's open case. */
        ATTACHED,
        /** Was already attached (a redelivery): nothing changed. */
        ALREADY
    }

    /** Opens or attaches each trigger, atomically for the batch, in input order; returns what each one did. */
    List<Attachment> attach(List<CaseTrigger> triggers);

    Optional<CaseSummary> find(String caseId);

    /**
     * The case each of {@code decisionIds} is attached to, by decision id (those not attached are absent): what Case
     * Management announces after {@link #attach}. A decision's case never changes.
     */
    Map<String, String> casesOf(String platformRunId, Collection<String> decisionIds);

    /** The decisions attached to a case, in attachment order. */
    List<CaseTrigger> decisions(String caseId);

    List<TimelineEntry> timeline(String caseId);

    QueuePage queue(QueueQuery query);

    /**
     * Applies {@code action} by {@code actor} if the case is still at {@code expectedVersion}; returns the new head.
     *
     * @throws CaseConflictException when the case is unknown, closed, changed since, or the action not allowed
     */
    CaseSummary act(String caseId, long expectedVersion, CaseAction action, String actor);

    /** Dispositions whose label assertions are not yet recorded (at most {@code limit}). */
    List<PendingLabels> pendingLabels(int limit);

    /** Records that a disposition's labels are asserted (LABEL_ASSERTED); a second call for it records nothing. */
    void labelsAsserted(PendingLabels pending, List<String> assertionIds);

    /** For the run's evidence: {@code cases_opened}, {@code decisions_attached}, {@code cases_closed}, ... */
    Map<String, Long> countsForRun(String platformRunId);
}
