package dev.fraudplatform.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fraudplatform.core.cases.CaseAction;
import dev.fraudplatform.core.cases.CaseConflictException;
import dev.fraudplatform.core.cases.CasePriority;
import dev.fraudplatform.core.cases.CaseState;
import dev.fraudplatform.core.cases.CaseStore;
import dev.fraudplatform.core.cases.CaseStore.Attachment;
import dev.fraudplatform.core.cases.CaseSummary;
import dev.fraudplatform.core.cases.CaseTrigger;
import dev.fraudplatform.core.cases.Disposition;
import dev.fraudplatform.core.cases.PendingLabels;
import dev.fraudplatform.core.cases.QueuePage;
import dev.fraudplatform.core.cases.QueueQuery;
import dev.fraudplatform.core.cases.TimelineEntry;
import dev.fraudplatform.core.cases.TimelineEntry.Type;
import dev.fraudplatform.core.decision.DecisionAction;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link CaseStore} adapter promises; extend once per adapter with {@link #newCaseStore()}. Each test has
 * a run id of its own, so adapters backed by a shared server need no cleaning (queries here filter by run, and
 * {@link CaseStore#pendingLabels} results are filtered by it).
 */
public abstract class CaseStoreContract {
    protected CaseStore store;
    protected String run;

    /** A store over empty (or run-disjoint) storage. */
    protected abstract CaseStore newCaseStore() throws Exception;

    @BeforeEach
    void open() throws Exception {
        store = newCaseStore();
        run = "run-" + UUID.randomUUID();
    }

    protected CaseTrigger trigger(String account, String decisionId, DecisionAction action, double score, Long amount) {
        return new CaseTrigger(
                run,
                decisionId,
                "evt-" + decisionId,
                account,
                action,
                score,
                amount,
                Instant.parse("2026-01-01T00:00:00Z"),
                "{\"decision_id\":\"" + decisionId + "\"}");
    }

    protected CaseTrigger trigger(String account, String decisionId) {
        return trigger(account, decisionId, DecisionAction.REVIEW, 0.8, 10_000L);
    }

    private CaseSummary only(String account) {
        List<CaseSummary> cases = queue(
                        Set.of(CaseState.OPEN, CaseState.IN_PROGRESS, CaseState.WAITING, CaseState.CLOSED),
                        QueueQuery.Sort.AGE,
                        200)
                .cases()
                .stream()
                .filter(c -> c.accountId().equals(account))
                .toList();
        assertThat(cases).hasSize(1);
        return cases.get(0);
    }

    private QueuePage queue(Set<CaseState> states, QueueQuery.Sort sort, int limit) {
        return store.queue(new QueueQuery(run, states, 0, null, null, sort, null, limit));
    }

    private List<Type> types(String caseId) {
        return store.timeline(caseId).stream().map(TimelineEntry::type).toList();
    }

    // ------------------------------------------------------------------ attach

    @Test
    void aRedeliveredDecisionOpensAndAttachesNothing() {
        List<CaseTrigger> batch = List.of(trigger("acct-1", "dec-1"), trigger("acct-1", "dec-2"));
        assertThat(store.attach(batch)).containsExactly(Attachment.OPENED, Attachment.ATTACHED);
        CaseSummary before = only("acct-1");

        assertThat(store.attach(batch)).containsExactly(Attachment.ALREADY, Attachment.ALREADY);

        CaseSummary after = only("acct-1");
        assertThat(after).isEqualTo(before);
        assertThat(store.decisions(after.caseId())).hasSize(2);
        assertThat(types(after.caseId())).containsExactly(Type.OPENED, Type.DECISION_ATTACHED, Type.DECISION_ATTACHED);
        assertThat(store.countsForRun(run)).containsEntry("cases_opened", 1L).containsEntry("decisions_attached", 1L);
    }

    @Test
    void aDecisionRepeatedWithinOneBatchAttachesOnce() {
        assertThat(store.attach(List.of(trigger("acct-1", "dec-1"), trigger("acct-1", "dec-1"))))
                .containsExactly(Attachment.OPENED, Attachment.ALREADY);
        assertThat(only("acct-1").decisions()).isEqualTo(1);
    }

    @Test
    void anAccountHasOneOpenCaseAndItsLaterDecisionsAttachToIt() {
        assertThat(store.attach(List.of(trigger("acct-1", "dec-1"), trigger("acct-2", "dec-2"))))
                .containsExactly(Attachment.OPENED, Attachment.OPENED);
        assertThat(store.attach(
                        List.of(trigger("acct-1", "dec-3"), trigger("acct-2", "dec-4"), trigger("acct-1", "dec-5"))))
                .containsExactly(Attachment.ATTACHED, Attachment.ATTACHED, Attachment.ATTACHED);

        CaseSummary one = only("acct-1");
        assertThat(one.decisions()).isEqualTo(3);
        assertThat(one.state()).isEqualTo(CaseState.OPEN);
        assertThat(store.decisions(one.caseId()))
                .extracting(CaseTrigger::decisionId)
                .containsExactly("dec-1", "dec-3", "dec-5");
        assertThat(store.decisions(one.caseId()).get(0).decisionJson()).contains("dec-1");
        assertThat(only("acct-2").decisions()).isEqualTo(2);
        assertThat(store.casesOf(run, List.of("dec-1", "dec-4", "dec-5", "dec-unknown")))
                .containsOnly(
                        Map.entry("dec-1", one.caseId()),
                        Map.entry("dec-5", one.caseId()),
                        Map.entry("dec-4", only("acct-2").caseId()));
        assertThat(store.casesOf(run + "-other", List.of("dec-1"))).isEmpty();
        assertThat(store.countsForRun(run)).containsEntry("cases_opened", 2L).containsEntry("decisions_attached", 3L);
    }

    @Test
    void aDecisionAfterTheCaseClosedOpensANewCase() {
        store.attach(List.of(trigger("acct-1", "dec-1")));
        CaseSummary first = only("acct-1");
        CaseSummary disposed =
                store.act(first.caseId(), first.version(), new CaseAction.Dispose(Disposition.LEGITIMATE, null), "ann");
        store.act(first.caseId(), disposed.version(), new CaseAction.Close(), "ann");

        assertThat(store.attach(List.of(trigger("acct-1", "dec-2")))).containsExactly(Attachment.OPENED);

        List<CaseSummary> cases = queue(Set.of(CaseState.OPEN, CaseState.CLOSED), QueueQuery.Sort.AGE, 10)
                .cases();
        assertThat(cases).extracting(CaseSummary::state).containsExactly(CaseState.CLOSED, CaseState.OPEN);
        assertThat(cases.get(1).caseId()).isNotEqualTo(first.caseId());
        assertThat(store.decisions(first.caseId()))
                .extracting(CaseTrigger::decisionId)
                .containsExactly("dec-1");
        assertThat(store.countsForRun(run))
                .containsEntry("cases_opened", 2L)
                .containsEntry("decisions_attached", 0L)
                .containsEntry("cases_closed", 1L)
                .containsEntry("cases_disposed", 1L);
    }

    @Test
    void thePriorityComesFromTheHighestScoreAndTheLargestAmountAttached() {
        store.attach(List.of(trigger("acct-1", "dec-1", DecisionAction.STEP_UP, 0.3, null)));
        CaseSummary c = only("acct-1");
        assertThat(c.priority()).isEqualTo(CasePriority.of(0.3, 0)).isEqualTo(21);
        assertThat(c.maxAmountMinor()).isZero();

        store.attach(List.of(
                trigger("acct-1", "dec-2", DecisionAction.REVIEW, 0.9, 5_000L),
                trigger("acct-1", "dec-3", DecisionAction.REVIEW, 0.5, 999_900L)));
        c = only("acct-1");
        assertThat(c.maxScore()).isEqualTo(0.9);
        assertThat(c.maxAmountMinor()).isEqualTo(999_900L);
        assertThat(c.priority()).isEqualTo(CasePriority.of(0.9, 999_900L)).isEqualTo(93);
    }

    // ------------------------------------------------------------------ act

    @Test
    void eachActionAppendsOneTimelineEntryWithItsActorInOrder() {
        store.attach(List.of(trigger("acct-1", "dec-1")));
        CaseSummary c = only("acct-1");
        long v0 = c.version();
        c = store.act(c.caseId(), c.version(), new CaseAction.Assign("ann"), "lead-lou");
        assertThat(c.owner()).isEqualTo("ann");
        c = store.act(c.caseId(), c.version(), new CaseAction.SetState(CaseState.IN_PROGRESS), "ann");
        assertThat(c.state()).isEqualTo(CaseState.IN_PROGRESS);
        c = store.act(c.caseId(), c.version(), new CaseAction.Note("called the customer"), "ann");
        c = store.act(c.caseId(), c.version(), new CaseAction.SetState(CaseState.WAITING), "ann");
        assertThat(c.state()).isEqualTo(CaseState.WAITING);
        c = store.act(
                c.caseId(), c.version(), new CaseAction.Dispose(Disposition.CONFIRMED_FRAUD, "card stolen"), "ann");
        assertThat(c.disposition()).isEqualTo(Disposition.CONFIRMED_FRAUD);
        c = store.act(c.caseId(), c.version(), new CaseAction.Close(), "bob");
        assertThat(c.state()).isEqualTo(CaseState.CLOSED);
        assertThat(c.version()).isEqualTo(v0 + 6);

        List<TimelineEntry> timeline = store.timeline(c.caseId());
        assertThat(timeline)
                .extracting(TimelineEntry::type)
                .containsExactly(
                        Type.OPENED,
                        Type.DECISION_ATTACHED,
                        Type.ASSIGNED,
                        Type.STATE_CHANGED,
                        Type.NOTE,
                        Type.STATE_CHANGED,
                        Type.DISPOSITION,
                        Type.CLOSED);
        assertThat(timeline)
                .extracting(TimelineEntry::actor)
                .containsExactly("system", "system", "lead-lou", "ann", "ann", "ann", "ann", "bob");
        assertThat(timeline).extracting(TimelineEntry::seq).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L);
        assertThat(timeline).isSortedAccordingTo(Comparator.comparing(TimelineEntry::at));
        assertThat(timeline.get(4).detail()).contains("called the customer");
        assertThat(timeline.get(6).detail()).contains("CONFIRMED_FRAUD").contains("card stolen");
        assertThat(store.find(c.caseId())).contains(c);
    }

    @Test
    void aStaleVersionIsRefusedAndChangesNothing() {
        store.attach(List.of(trigger("acct-1", "dec-1")));
        CaseSummary loaded = only("acct-1");
        CaseSummary changed = store.act(loaded.caseId(), loaded.version(), new CaseAction.Assign("ann"), "ann");

        assertConflict(
                () -> store.act(loaded.caseId(), loaded.version(), new CaseAction.Assign("bob"), "bob"),
                CaseConflictException.Kind.STALE);
        assertConflict(
                () -> store.act(
                        loaded.caseId(), loaded.version(), new CaseAction.Dispose(Disposition.LEGITIMATE, null), "bob"),
                CaseConflictException.Kind.STALE);

        assertThat(store.find(loaded.caseId())).contains(changed);
        assertThat(types(loaded.caseId())).containsExactly(Type.OPENED, Type.DECISION_ATTACHED, Type.ASSIGNED);
    }

    @Test
    void anUnknownCaseIsNotFound() {
        assertConflict(
                () -> store.act("case-nope", 1, new CaseAction.Note("x"), "ann"), CaseConflictException.Kind.NOT_FOUND);
        assertThat(store.find("case-nope")).isEmpty();
        assertThat(store.timeline("case-nope")).isEmpty();
        assertThat(store.decisions("case-nope")).isEmpty();
    }

    @Test
    void aClosedCaseTakesNoMoreActions() {
        store.attach(List.of(trigger("acct-1", "dec-1")));
        CaseSummary c = only("acct-1");
        c = store.act(c.caseId(), c.version(), new CaseAction.Dispose(Disposition.INCONCLUSIVE, null), "ann");
        CaseSummary closed = store.act(c.caseId(), c.version(), new CaseAction.Close(), "ann");

        for (CaseAction a : List.of(
                new CaseAction.Note("late"),
                new CaseAction.Assign("bob"),
                new CaseAction.Dispose(Disposition.CONFIRMED_FRAUD, null),
                new CaseAction.Close())) {
            assertConflict(
                    () -> store.act(closed.caseId(), closed.version(), a, "ann"), CaseConflictException.Kind.CLOSED);
        }
        assertThat(store.find(closed.caseId())).contains(closed);
        assertThat(store.timeline(closed.caseId())).hasSize(4);
    }

    @Test
    void actionsNotAllowedAreRefusedAndChangeNothing() {
        store.attach(List.of(trigger("acct-1", "dec-1")));
        CaseSummary c = only("acct-1");
        String id = c.caseId();

        assertNotAllowed(c, new CaseAction.Close());
        assertNotAllowed(c, new CaseAction.SetState(CaseState.OPEN));
        assertNotAllowed(c, new CaseAction.SetState(CaseState.CLOSED));
        assertNotAllowed(c, new CaseAction.Note(""));
        assertNotAllowed(c, new CaseAction.Note("   "));
        assertNotAllowed(c, new CaseAction.Note("x".repeat(CaseAction.MAX_NOTE_LENGTH + 1)));
        assertNotAllowed(c, new CaseAction.Dispose(Disposition.LEGITIMATE, "x".repeat(CaseAction.MAX_NOTE_LENGTH + 1)));
        assertNotAllowed(c, new CaseAction.Assign(" "));
        assertNotAllowed(c, new CaseAction.Assign(null));
        assertThat(store.find(id)).contains(c);

        CaseSummary noted =
                store.act(id, c.version(), new CaseAction.Note("x".repeat(CaseAction.MAX_NOTE_LENGTH)), "ann");
        CaseSummary disposed =
                store.act(id, noted.version(), new CaseAction.Dispose(Disposition.LEGITIMATE, null), "ann");
        assertNotAllowed(disposed, new CaseAction.Dispose(Disposition.CONFIRMED_FRAUD, null));
        assertThat(store.find(id)).contains(disposed);
        assertThat(store.find(id).orElseThrow().disposition()).isEqualTo(Disposition.LEGITIMATE);
        assertThat(types(id)).containsExactly(Type.OPENED, Type.DECISION_ATTACHED, Type.NOTE, Type.DISPOSITION);
    }

    private void assertNotAllowed(CaseSummary c, CaseAction action) {
        assertConflict(() -> store.act(c.caseId(), c.version(), action, "ann"), CaseConflictException.Kind.NOT_ALLOWED);
    }

    private static void assertConflict(Runnable action, CaseConflictException.Kind kind) {
        assertThatThrownBy(action::run)
                .isInstanceOfSatisfying(
                        CaseConflictException.class, e -> assertThat(e.kind()).isEqualTo(kind))
                .satisfies(e -> assertThat(e.getMessage()).isNotBlank().doesNotContain("\n"));
    }

    // ------------------------------------------------------------------ queue

    /** 23 cases on distinct accounts, with repeated priorities so ties are broken by the later sort keys. */
    private List<CaseSummary> seedQueue() {
        List<CaseTrigger> batch = new ArrayList<>();
        for (int i = 0; i < 23; i++) {
            batch.add(trigger("acct-" + i, "dec-" + i, DecisionAction.REVIEW, (i % 4) / 4.0, (long) (i % 3) * 50_000));
        }
        // one at a time, so their opening times differ
        for (CaseTrigger t : batch) store.attach(List.of(t));
        return queue(Set.of(), QueueQuery.Sort.AGE, 200).cases();
    }

    @Test
    void everySortPagesThroughAllCasesWithoutOverlapOrGap() {
        List<CaseSummary> all = seedQueue();
        assertThat(all).hasSize(23);
        // make UPDATED differ from AGE
        CaseSummary c5 = all.get(5);
        store.act(c5.caseId(), c5.version(), new CaseAction.Note("touched"), "ann");

        Map<QueueQuery.Sort, Comparator<CaseSummary>> orders = Map.of(
                QueueQuery.Sort.PRIORITY,
                Comparator.comparing(CaseSummary::priority)
                        .reversed()
                        .thenComparing(CaseSummary::openedAt)
                        .thenComparing(CaseSummary::caseId),
                QueueQuery.Sort.AGE,
                Comparator.comparing(CaseSummary::openedAt).thenComparing(CaseSummary::caseId),
                QueueQuery.Sort.UPDATED,
                Comparator.comparing(CaseSummary::updatedAt)
                        .thenComparing(CaseSummary::caseId)
                        .reversed());
        for (var e : orders.entrySet()) {
            List<CaseSummary> paged = new ArrayList<>();
            String after = null;
            int pages = 0;
            do {
                QueuePage page = store.queue(new QueueQuery(run, Set.of(), 0, null, null, e.getKey(), after, 5));
                assertThat(page.total()).isEqualTo(23);
                assertThat(page.cases()).hasSizeLessThanOrEqualTo(5);
                paged.addAll(page.cases());
                after = page.next();
                pages++;
            } while (after != null);
            assertThat(pages).as(e.getKey().name()).isEqualTo(5);
            assertThat(paged)
                    .extracting(CaseSummary::caseId)
                    .doesNotHaveDuplicates()
                    .hasSize(23);
            assertThat(paged).as(e.getKey().name()).isSortedAccordingTo(e.getValue());
        }
        assertThat(store.queue(new QueueQuery(run, Set.of(), 0, null, null, QueueQuery.Sort.UPDATED, null, 1))
                        .cases()
                        .get(0)
                        .caseId())
                .isEqualTo(c5.caseId());
    }

    @Test
    void theQueueFiltersByStateOwnerPriorityAndAge() {
        List<CaseSummary> all = seedQueue();
        CaseSummary a = all.get(0), b = all.get(1), c = all.get(2);
        a = store.act(a.caseId(), a.version(), new CaseAction.Assign("ann"), "ann");
        store.act(a.caseId(), a.version(), new CaseAction.SetState(CaseState.WAITING), "ann");
        b = store.act(b.caseId(), b.version(), new CaseAction.Dispose(Disposition.LEGITIMATE, null), "bob");
        store.act(b.caseId(), b.version(), new CaseAction.Close(), "bob");
        store.act(c.caseId(), c.version(), new CaseAction.Assign("bob"), "bob");

        Function<QueueQuery, List<String>> ids =
                q -> store.queue(q).cases().stream().map(CaseSummary::caseId).toList();
        QueueQuery.Sort age = QueueQuery.Sort.AGE;

        QueuePage open = store.queue(new QueueQuery(run, Set.of(), 0, null, null, age, null, 200));
        assertThat(open.total()).isEqualTo(22);
        assertThat(open.cases()).extracting(CaseSummary::caseId).doesNotContain(b.caseId());
        assertThat(ids.apply(new QueueQuery(run, Set.of(CaseState.CLOSED), 0, null, null, age, null, 200)))
                .containsExactly(b.caseId());
        assertThat(ids.apply(new QueueQuery(run, Set.of(CaseState.WAITING), 0, null, null, age, null, 200)))
                .containsExactly(a.caseId());
        assertThat(ids.apply(new QueueQuery(run, Set.of(), 0, "ann", null, age, null, 200)))
                .containsExactly(a.caseId());
        assertThat(ids.apply(new QueueQuery(run, Set.of(CaseState.OPEN), 0, "bob", null, age, null, 200)))
                .containsExactly(c.caseId());
        QueuePage unassigned = store.queue(new QueueQuery(run, Set.of(), 0, "", null, age, null, 200));
        assertThat(unassigned.total()).isEqualTo(20);
        assertThat(unassigned.cases()).allSatisfy(x -> assertThat(x.owner()).isNull());

        int min = 50;
        QueuePage high = store.queue(new QueueQuery(run, Set.of(), min, null, null, age, null, 200));
        long expected = open.cases().stream().filter(x -> x.priority() >= min).count();
        assertThat(expected).isBetween(1L, 21L);
        assertThat(high.total()).isEqualTo(expected);
        assertThat(high.cases()).allSatisfy(x -> assertThat(x.priority()).isGreaterThanOrEqualTo(min));

        Instant cut = all.get(10).openedAt();
        assertThat(ids.apply(new QueueQuery(
                        run,
                        Set.of(CaseState.OPEN, CaseState.WAITING, CaseState.IN_PROGRESS, CaseState.CLOSED),
                        0,
                        null,
                        cut,
                        age,
                        null,
                        200)))
                .containsExactlyElementsOf(
                        all.subList(0, 10).stream().map(CaseSummary::caseId).toList());

        assertThat(store.queue(new QueueQuery(run + "-other", Set.of(), 0, null, null, age, null, 200))
                        .total())
                .isZero();
    }

    @Test
    void aCursorOfAnotherSortOrNoCursorAtAllIsRefused() {
        seedQueue();
        String next = store.queue(new QueueQuery(run, Set.of(), 0, null, null, QueueQuery.Sort.AGE, null, 5))
                .next();
        assertThat(next).isNotNull();
        assertThatThrownBy(() ->
                        store.queue(new QueueQuery(run, Set.of(), 0, null, null, QueueQuery.Sort.PRIORITY, next, 5)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() ->
                        store.queue(new QueueQuery(run, Set.of(), 0, null, null, QueueQuery.Sort.AGE, "%%junk", 5)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    // ------------------------------------------------------------------ labels

    private List<PendingLabels> pendingOfRun() {
        return store.pendingLabels(10_000).stream()
                .filter(p -> p.platformRunId().equals(run))
                .toList();
    }

    @Test
    void aDispositionIsPendingUntilItsLabelsAreRecordedOnce() {
        store.attach(List.of(trigger("acct-1", "dec-1"), trigger("acct-1", "dec-2"), trigger("acct-2", "dec-3")));
        CaseSummary c = only("acct-1");
        assertThat(pendingOfRun()).isEmpty();

        c = store.act(c.caseId(), c.version(), new CaseAction.Dispose(Disposition.CONFIRMED_FRAUD, null), "ann");

        List<PendingLabels> pending = pendingOfRun();
        assertThat(pending).hasSize(1);
        PendingLabels p = pending.get(0);
        assertThat(p.caseId()).isEqualTo(c.caseId());
        assertThat(p.accountId()).isEqualTo("acct-1");
        assertThat(p.disposition()).isEqualTo(Disposition.CONFIRMED_FRAUD);
        assertThat(p.actor()).isEqualTo("ann");
        TimelineEntry disposition = store.timeline(c.caseId()).get(3);
        assertThat(p.dispositionSeq()).isEqualTo(disposition.seq());
        assertThat(p.disposedAt()).isEqualTo(disposition.at());
        assertThat(p.transactions()).hasSize(2);
        assertThat(p.transactions())
                .allSatisfy(t -> assertThat(t.eventTime()).isEqualTo(Instant.parse("2026-01-01T00:00:00Z")));

        store.labelsAsserted(p, List.of("a-1", "a-2"));
        store.labelsAsserted(p, List.of("a-1", "a-2"));

        assertThat(pendingOfRun()).isEmpty();
        assertThat(types(c.caseId()))
                .containsExactly(
                        Type.OPENED,
                        Type.DECISION_ATTACHED,
                        Type.DECISION_ATTACHED,
                        Type.DISPOSITION,
                        Type.LABEL_ASSERTED);
        assertThat(store.timeline(c.caseId()).get(4).detail()).contains("a-1").contains("a-2");
        assertThat(store.countsForRun(run)).containsEntry("labels_asserted", 1L).containsEntry("cases_disposed", 1L);
        // recording the labels is not an investigator's change: an open form stays current
        assertThat(store.find(c.caseId()).orElseThrow().version()).isEqualTo(c.version());
    }

    @Test
    void casesOfManyAccountsAttachedConcurrentlyEndWithOneCasePerAccount() throws Exception {
        int threads = 4, perThread = 30;
        List<Thread> workers = new ArrayList<>();
        List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int t = 0; t < threads; t++) {
            int me = t;
            workers.add(new Thread(() -> {
                try {
                    for (int i = 0; i < perThread; i++) {
                        // every thread hits the same five accounts, in a different order
                        String account = "acct-" + ((i + me) % 5);
                        store.attach(List.of(
                                trigger(account, "dec-" + me + "-" + i),
                                trigger("acct-" + ((i + me + 2) % 5), "dec-" + me + "-" + i + "-b")));
                    }
                } catch (Throwable e) {
                    failures.add(e);
                }
            }));
        }
        workers.forEach(Thread::start);
        for (Thread w : workers) w.join();
        assertThat(failures).isEmpty();

        QueuePage open = store.queue(new QueueQuery(run, Set.of(), 0, null, null, QueueQuery.Sort.AGE, null, 200));
        assertThat(open.total()).isEqualTo(5);
        assertThat(open.cases().stream().mapToInt(CaseSummary::decisions).sum()).isEqualTo(threads * perThread * 2);
        for (CaseSummary c : open.cases()) {
            assertThat(store.timeline(c.caseId())).hasSize(c.decisions() + 1);
        }
        assertThat(store.countsForRun(run))
                .containsEntry("cases_opened", 5L)
                .containsEntry("decisions_attached", (long) threads * perThread * 2 - 5);
    }
}
