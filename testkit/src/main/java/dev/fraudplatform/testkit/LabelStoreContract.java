package dev.fraudplatform.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fraudplatform.core.labels.LabelAssertion;
import dev.fraudplatform.core.labels.LabelRejection;
import dev.fraudplatform.core.labels.LabelSource;
import dev.fraudplatform.core.labels.LabelStore;
import dev.fraudplatform.core.labels.LabelSubject;
import dev.fraudplatform.core.labels.LabelValue;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every {@link LabelStore} adapter promises; extend once per adapter with {@link #newLabelStore()}. */
public abstract class LabelStoreContract {
    protected static final Instant T0 = Instant.parse("2026-03-02T14:00:00.000Z");

    protected LabelStore store;
    /** A run id of its own per test, so adapters backed by a shared server need no cleaning. */
    protected String run;

    /** A store over empty (or run-disjoint) storage. */
    protected abstract LabelStore newLabelStore() throws Exception;

    @BeforeEach
    void open() throws Exception {
        store = newLabelStore();
        run = "run-" + UUID.randomUUID();
    }

    /** An event-borne assertion about transaction {@code txn}, effective at T0, observed {@code observedMinutes} later. */
    public static LabelAssertion assertion(
            String run, String id, String txn, LabelSource source, LabelValue value, long observedMinutes) {
        return new LabelAssertion(
                run,
                id,
                LabelSubject.transaction(txn),
                "acct-1",
                "card-1",
                value,
                null,
                source,
                "CHARGEBACK",
                "10.4",
                T0,
                T0.plusSeconds(60 * observedMinutes),
                null,
                "receipt:rcpt-" + id,
                null,
                "evt-" + id,
                1299L);
    }

    private LabelAssertion a(String id, String txn, LabelSource source, LabelValue value, long observedMinutes) {
        return assertion(run, id, txn, source, value, observedMinutes);
    }

    private static List<String> ids(List<LabelAssertion> as) {
        return as.stream().map(LabelAssertion::assertionId).toList();
    }

    @Test
    void anAssertionAppendedTwiceIsWrittenOnceWithItsRecordedTime() {
        LabelAssertion x = a("ev:1", "t1", LabelSource.CUSTOMER, LabelValue.FRAUD, 10);
        List<LabelAssertion> first = store.append(List.of(x));
        assertThat(first).hasSize(1);
        assertThat(first.get(0).recordedTime()).isNotNull();
        assertThat(first.get(0)).isEqualTo(x.recordedAt(first.get(0).recordedTime()));
        assertThat(store.append(List.of(x))).isEmpty();
        assertThat(store.history(run, LabelSubject.transaction("t1"))).containsExactly(first.get(0));
    }

    @Test
    void anAssertionRepeatedWithinOneCallIsWrittenOnceAndTheNewOnesComeBackInInputOrder() {
        LabelAssertion x = a("ev:3", "t1", LabelSource.CUSTOMER, LabelValue.FRAUD, 10);
        LabelAssertion y = a("ev:1", "t2", LabelSource.CUSTOMER, LabelValue.FRAUD, 11);
        LabelAssertion z = a("ev:2", "t3", LabelSource.CUSTOMER, LabelValue.FRAUD, 12);
        store.append(List.of(y));
        assertThat(ids(store.append(List.of(x, y, x, z, y)))).containsExactly("ev:3", "ev:2");
        assertThat(store.countsByProvenance(run)).containsOnly(Map.entry("event", 3L));
    }

    @Test
    void everyFieldReadsBackAsWritten() {
        LabelAssertion full = new LabelAssertion(
                run,
                "case:c-1:4:t9",
                LabelSubject.transaction("t9"),
                "acct-9",
                "card-9",
                LabelValue.LEGITIMATE,
                "ACCOUNT_TAKEOVER",
                LabelSource.INVESTIGATOR,
                "DISPOSITION",
                "LEGITIMATE",
                Instant.parse("2026-03-01T10:00:00.123Z"),
                Instant.parse("2026-03-05T10:00:00.456Z"),
                null,
                "case:c-1",
                "alice",
                null,
                null);
        LabelAssertion stored = store.append(List.of(full)).get(0);
        assertThat(store.asOf(run, LabelSubject.transaction("t9"), Instant.parse("2026-03-06T00:00:00Z")))
                .contains(stored);
        assertThat(store.countsByProvenance(run)).containsOnly(Map.entry("case", 1L));
    }

    @Test
    void nothingObservedAfterTheAsOfTimeIsEverAnswered() {
        store.append(List.of(a("ev:1", "t1", LabelSource.CUSTOMER, LabelValue.FRAUD, 10)));
        LabelSubject t1 = LabelSubject.transaction("t1");
        assertThat(store.asOf(run, t1, T0.plusSeconds(600).minusMillis(1))).isEmpty();
        assertThat(store.asOf(run, t1, T0.plusSeconds(600)))
                .map(LabelAssertion::assertionId)
                .contains("ev:1");
        assertThat(store.asOf(run, LabelSubject.transaction("t2"), T0.plusSeconds(6000)))
                .isEmpty();
    }

    @Test
    void aNewerObservationOfTheSameRankSupersedesAnOlderOne() {
        store.append(List.of(
                a("ev:1", "t1", LabelSource.ISSUER_CHARGEBACK, LabelValue.FRAUD, 10),
                a("ev:2", "t1", LabelSource.ISSUER_CHARGEBACK, LabelValue.LEGITIMATE, 20)));
        LabelSubject t1 = LabelSubject.transaction("t1");
        assertThat(store.asOf(run, t1, T0.plusSeconds(15 * 60)))
                .map(LabelAssertion::value)
                .contains(LabelValue.FRAUD);
        assertThat(store.asOf(run, t1, T0.plusSeconds(25 * 60)))
                .map(LabelAssertion::value)
                .contains(LabelValue.LEGITIMATE);
    }

    @Test
    void anInvestigatorsVerdictStandsOverALaterCustomerReport() {
        store.append(List.of(
                a("ev:1", "t1", LabelSource.CUSTOMER, LabelValue.FRAUD, 10),
                a("case:c1:3:t1", "t1", LabelSource.INVESTIGATOR, LabelValue.LEGITIMATE, 20),
                a("ev:2", "t1", LabelSource.CUSTOMER, LabelValue.FRAUD, 30)));
        LabelSubject t1 = LabelSubject.transaction("t1");
        assertThat(store.asOf(run, t1, T0.plusSeconds(15 * 60)))
                .map(LabelAssertion::assertionId)
                .contains("ev:1");
        assertThat(store.asOf(run, t1, T0.plusSeconds(40 * 60)))
                .map(LabelAssertion::assertionId)
                .contains("case:c1:3:t1");
        assertThat(ids(store.history(run, t1))).containsExactly("ev:1", "case:c1:3:t1", "ev:2");
    }

    @Test
    void aChargebackStandsOverACustomerReportObservedTheSameMoment() {
        store.append(List.of(
                a("ev:2", "t1", LabelSource.ISSUER_CHARGEBACK, LabelValue.LEGITIMATE, 10),
                a("ev:1", "t1", LabelSource.CUSTOMER, LabelValue.FRAUD, 10)));
        assertThat(store.asOf(run, LabelSubject.transaction("t1"), T0.plusSeconds(3600)))
                .map(LabelAssertion::source)
                .contains(LabelSource.ISSUER_CHARGEBACK);
    }

    @Test
    void effectiveInAnswersTheStandingLabelOfEachSubjectEffectiveInTheWindowAsKnownThen() {
        LabelAssertion early = a("ev:1", "t1", LabelSource.CUSTOMER, LabelValue.FRAUD, 10);
        LabelAssertion later = a("ev:2", "t1", LabelSource.ISSUER_CHARGEBACK, LabelValue.LEGITIMATE, 30);
        LabelAssertion other = a("ev:3", "t2", LabelSource.CUSTOMER, LabelValue.FRAUD, 5);
        LabelAssertion outside = new LabelAssertion(
                run,
                "ev:4",
                LabelSubject.transaction("t3"),
                "acct-1",
                null,
                LabelValue.FRAUD,
                null,
                LabelSource.CUSTOMER,
                "FRAUD_REPORT",
                null,
                T0.plusSeconds(86_400),
                T0.plusSeconds(86_400 + 60),
                null,
                "receipt:r4",
                null,
                "evt-4",
                null);
        store.append(List.of(early, later, other, outside));
        Instant to = T0.plusSeconds(3600);
        assertThat(ids(store.effectiveIn(run, T0, to, T0.plusSeconds(20 * 60)))).containsExactly("ev:1", "ev:3");
        assertThat(ids(store.effectiveIn(run, T0, to, T0.plusSeconds(40 * 60)))).containsExactly("ev:2", "ev:3");
        assertThat(store.effectiveIn(run, T0, to, T0.plusSeconds(60))).isEmpty();
        assertThat(store.effectiveIn(run, T0.plusMillis(1), to, T0.plusSeconds(40 * 60)))
                .isEmpty();
    }

    @Test
    void forEachStandingGivesOneAssertionPerSubjectInSubjectOrder() {
        store.append(List.of(
                a("ev:1", "t2", LabelSource.CUSTOMER, LabelValue.FRAUD, 10),
                a("ev:2", "t1", LabelSource.CUSTOMER, LabelValue.FRAUD, 10),
                a("ev:3", "t1", LabelSource.COLLECTIONS, LabelValue.FRAUD, 20),
                a("ev:4", "t3", LabelSource.COLLECTIONS, LabelValue.FRAUD, 90)));
        List<LabelAssertion> out = new ArrayList<>();
        store.forEachStanding(run, T0.plusSeconds(30 * 60), out::add);
        assertThat(ids(out)).containsExactly("ev:3", "ev:1");
    }

    @Test
    void rejectionsAreRecordedOnceAndCountedByReason() {
        LabelRejection unknown =
                new LabelRejection(run, "evt-1", "UNKNOWN_SUBJECT", "t404 is no transaction of the run");
        LabelRejection unreadable = new LabelRejection(run, "evt-2", "UNREADABLE", "observed_time missing");
        assertThat(store.reject(List.of(unknown, unreadable, unknown))).isEqualTo(2);
        assertThat(store.reject(List.of(unknown))).isZero();
        assertThat(store.rejectionsByReason(run))
                .containsOnly(Map.entry("UNKNOWN_SUBJECT", 1L), Map.entry("UNREADABLE", 1L));
    }

    @Test
    void runsAreApartAndTheLatestRunIsTheOneWrittenLast() {
        String other = run + "-other";
        store.append(List.of(a("ev:1", "t1", LabelSource.CUSTOMER, LabelValue.FRAUD, 1)));
        store.append(List.of(assertion(other, "ev:1", "t1", LabelSource.CUSTOMER, LabelValue.LEGITIMATE, 1)));
        assertThat(store.asOf(run, LabelSubject.transaction("t1"), T0.plusSeconds(3600)))
                .map(LabelAssertion::value)
                .contains(LabelValue.FRAUD);
        assertThat(store.history(other, LabelSubject.transaction("t1"))).hasSize(1);
        assertThat(store.latestRun()).contains(other);
    }

    @Test
    void nothingWrittenIsNothingCounted() {
        assertThat(store.append(List.of())).isEmpty();
        assertThat(store.reject(List.of())).isZero();
        assertThat(store.countsByProvenance(run)).isEmpty();
        assertThat(store.rejectionsByReason(run)).isEmpty();
        assertThat(store.history(run, LabelSubject.transaction("t1"))).isEmpty();
    }
}
