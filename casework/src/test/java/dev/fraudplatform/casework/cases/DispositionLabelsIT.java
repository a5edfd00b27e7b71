package dev.fraudplatform.casework.cases;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fraudplatform.core.cases.ActivityEvent;
import dev.fraudplatform.core.cases.CaseAction;
import dev.fraudplatform.core.cases.CaseSummary;
import dev.fraudplatform.core.cases.CaseTrigger;
import dev.fraudplatform.core.cases.Disposition;
import dev.fraudplatform.core.cases.PendingLabels;
import dev.fraudplatform.core.cases.TimelineEntry;
import dev.fraudplatform.core.decision.DecisionAction;
import dev.fraudplatform.core.labels.LabelAssertion;
import dev.fraudplatform.core.labels.LabelSource;
import dev.fraudplatform.core.labels.LabelSubject;
import dev.fraudplatform.core.labels.LabelValue;
import dev.fraudplatform.substrate.postgres.PostgresAccountActivity;
import dev.fraudplatform.substrate.postgres.PostgresCaseStore;
import dev.fraudplatform.substrate.postgres.PostgresDatabase;
import dev.fraudplatform.substrate.postgres.PostgresLabelStore;
import dev.fraudplatform.testkit.servers.EmbeddedServers;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A case's disposition becomes label assertions in the real Label Store, once, on PostgreSQL: one per transaction,
 * subject the payload's transaction id (through the activity projection), effective at the transaction, observed at
 * the disposition; a second pass and a crash between assertion and record change nothing. Each test has a run of its
 * own.
 */
class DispositionLabelsIT {
    static PostgresDatabase db;
    static PostgresCaseStore cases;
    static PostgresLabelStore labels;
    static PostgresAccountActivity activity;
    String run;

    static final Instant T1 = Instant.parse("2026-01-01T10:00:00Z"), T2 = Instant.parse("2026-01-01T11:30:00Z");

    @BeforeAll
    static void start() {
        db = EmbeddedServers.freshPostgresDatabase();
        cases = new PostgresCaseStore(db.dataSource());
        labels = new PostgresLabelStore(db.dataSource());
        activity = new PostgresAccountActivity(db.dataSource());
    }

    @AfterAll
    static void stop() {
        if (db != null) db.close();
    }

    @BeforeEach
    void newRun() {
        run = "run-" + UUID.randomUUID();
    }

    /** A case on acct-1 with two transactions (t-1 at T1, t-2 at T2), as the projection and CM record them. */
    private CaseSummary caseWithTwoTransactions() {
        activity.record(List.of(
                new ActivityEvent(
                        run,
                        "evt-1",
                        "txn.authorization",
                        "acct-1",
                        T1,
                        "t0000000001",
                        "card-1",
                        null,
                        null,
                        null,
                        1_000L,
                        null,
                        "{}"),
                new ActivityEvent(
                        run,
                        "evt-2",
                        "txn.authorization",
                        "acct-1",
                        T2,
                        "t0000000002",
                        "card-1",
                        null,
                        null,
                        null,
                        2_000L,
                        null,
                        "{}")));
        cases.attach(List.of(trigger("evt-1", T1), trigger("evt-2", T2)));
        return cases.find(PostgresCaseStore.caseIdFor(run, "dec-evt-1")).orElseThrow();
    }

    private CaseTrigger trigger(String eventId, Instant at) {
        return new CaseTrigger(run, "dec-" + eventId, eventId, "acct-1", DecisionAction.REVIEW, 0.8, 1_000L, at, "{}");
    }

    private CaseSummary dispose(CaseSummary c, Disposition d) {
        return cases.act(c.caseId(), c.version(), new CaseAction.Dispose(d, "seen"), "ann");
    }

    private Instant disposedAt(CaseSummary c) {
        return cases.timeline(c.caseId()).stream()
                .filter(e -> e.type() == TimelineEntry.Type.DISPOSITION)
                .findFirst()
                .orElseThrow()
                .at();
    }

    private long labelEntries(CaseSummary c) {
        return cases.timeline(c.caseId()).stream()
                .filter(e -> e.type() == TimelineEntry.Type.LABEL_ASSERTED)
                .count();
    }

    @Test
    void aConfirmedFraudAssertsOneFraudLabelPerTransactionOnce() {
        CaseSummary c = dispose(caseWithTwoTransactions(), Disposition.CONFIRMED_FRAUD);
        DispositionLabels outbox = new DispositionLabels(cases, labels);

        assertThat(outbox.drain()).isGreaterThanOrEqualTo(1);
        assertThat(outbox.drain()).isZero();

        List<LabelAssertion> first = labels.history(run, LabelSubject.transaction("t0000000001"));
        assertThat(first).hasSize(1);
        LabelAssertion a = first.get(0);
        long seq = cases.timeline(c.caseId()).stream()
                .filter(e -> e.type() == TimelineEntry.Type.DISPOSITION)
                .findFirst()
                .orElseThrow()
                .seq();
        assertThat(a.assertionId()).isEqualTo("case:" + c.caseId() + ":" + seq + ":t0000000001");
        assertThat(a.value()).isEqualTo(LabelValue.FRAUD);
        assertThat(a.source()).isEqualTo(LabelSource.INVESTIGATOR);
        assertThat(a.labelType()).isEqualTo("DISPOSITION");
        assertThat(a.reasonCode()).isEqualTo("CONFIRMED_FRAUD");
        assertThat(a.provenance()).isEqualTo("case:" + c.caseId());
        assertThat(a.actor()).isEqualTo("ann");
        assertThat(a.accountId()).isEqualTo("acct-1");
        assertThat(a.effectiveTime()).isEqualTo(T1);
        assertThat(a.observedTime()).isEqualTo(disposedAt(c));
        assertThat(labels.history(run, LabelSubject.transaction("t0000000002")))
                .singleElement()
                .satisfies(b -> assertThat(b.effectiveTime()).isEqualTo(T2));
        assertThat(labels.countsByProvenance(run)).containsEntry("case", 2L);
        assertThat(labelEntries(c)).isEqualTo(1);
        assertThat(cases.countsForRun(run)).containsEntry("labels_asserted", 1L);

        // as of just before the disposition, nobody knew
        Instant observed = disposedAt(c);
        assertThat(labels.asOf(run, LabelSubject.transaction("t0000000001"), observed.minusMillis(1)))
                .isEmpty();
        assertThat(labels.asOf(run, LabelSubject.transaction("t0000000001"), observed))
                .hasValueSatisfying(x -> assertThat(x.value()).isEqualTo(LabelValue.FRAUD));
    }

    @Test
    void legitimateAssertsLegitimateAndInconclusiveAssertsNothingButIsRecorded() {
        CaseSummary legit = dispose(caseWithTwoTransactions(), Disposition.LEGITIMATE);
        new DispositionLabels(cases, labels).drain();
        assertThat(labels.history(run, LabelSubject.transaction("t0000000002")))
                .singleElement()
                .satisfies(a -> assertThat(a.value()).isEqualTo(LabelValue.LEGITIMATE));
        cases.act(legit.caseId(), legit.version(), new CaseAction.Close(), "ann");

        String other = run;
        run = "run-" + UUID.randomUUID();
        CaseSummary unsure = dispose(caseWithTwoTransactions(), Disposition.INCONCLUSIVE);
        new DispositionLabels(cases, labels).drain();
        assertThat(labels.history(run, LabelSubject.transaction("t0000000001"))).isEmpty();
        assertThat(labels.countsByProvenance(run).getOrDefault("case", 0L)).isZero();
        assertThat(labelEntries(unsure)).isEqualTo(1);
        assertThat(cases.timeline(unsure.caseId())
                        .get(cases.timeline(unsure.caseId()).size() - 1)
                        .detail())
                .contains("\"assertion_ids\":[]");
        assertThat(labels.countsByProvenance(other)).containsEntry("case", 2L);
    }

    @Test
    void aCrashBetweenTheAssertionsAndTheirRecordIsRepairedByTheSweepWithoutDuplicates() {
        CaseSummary c = dispose(caseWithTwoTransactions(), Disposition.CONFIRMED_FRAUD);
        // the process wrote the assertions and died before recording LABEL_ASSERTED
        PendingLabels pending = cases.pendingLabels(10_000).stream()
                .filter(p -> p.caseId().equals(c.caseId()))
                .findFirst()
                .orElseThrow();
        assertThat(labels.append(DispositionLabels.assertionsOf(pending))).hasSize(2);

        try (DispositionLabels outbox = new DispositionLabels(cases, labels)) {
            outbox.start();
            await().atMost(Duration.ofSeconds(10)).until(() -> labelEntries(c) == 1);
        }

        assertThat(labels.history(run, LabelSubject.transaction("t0000000001"))).hasSize(1);
        assertThat(labels.history(run, LabelSubject.transaction("t0000000002"))).hasSize(1);
        assertThat(cases.pendingLabels(10_000)).noneMatch(p -> p.caseId().equals(c.caseId()));
        assertThat(cases.timeline(c.caseId())
                        .get(cases.timeline(c.caseId()).size() - 1)
                        .detail())
                .contains("t0000000001")
                .contains("t0000000002");
    }
}
