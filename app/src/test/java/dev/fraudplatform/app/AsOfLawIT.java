package dev.fraudplatform.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fraudplatform.core.labels.LabelAssertion;
import dev.fraudplatform.core.labels.LabelRejection;
import dev.fraudplatform.core.labels.LabelSource;
import dev.fraudplatform.core.labels.LabelStore;
import dev.fraudplatform.core.labels.LabelSubject;
import dev.fraudplatform.core.labels.LabelValue;
import dev.fraudplatform.ops.RunReport.Check;
import dev.fraudplatform.substrate.postgres.PostgresDatabase;
import dev.fraudplatform.substrate.postgres.PostgresLabelStore;
import dev.fraudplatform.testkit.servers.EmbeddedServers;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The conformance report's as-of law, graded on its own expectations: it holds on the Label Store as built, and it
 * fails, naming the subject, on a store that answers with the future or that ignores the sources' precedence.
 */
class AsOfLawIT {
    private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
    private static final String RUN = "run-as-of-law";
    private static PostgresDatabase db;
    private static LabelStore store;

    @BeforeAll
    static void history() {
        db = EmbeddedServers.freshPostgresDatabase();
        store = new PostgresLabelStore(db.dataSource());
        // t1: the customer reports fraud on day 1, an investigator rules it legitimate on day 2, a chargeback on day 3
        // (ranked below the investigator) does not overturn that; t2: one chargeback
        store.append(List.of(
                assertion("ev:r1", "t1", LabelSource.CUSTOMER, LabelValue.FRAUD, 1),
                assertion("case:c1:4:t1", "t1", LabelSource.INVESTIGATOR, LabelValue.LEGITIMATE, 2),
                assertion("ev:cb1", "t1", LabelSource.ISSUER_CHARGEBACK, LabelValue.FRAUD, 3),
                assertion("ev:cb2", "t2", LabelSource.ISSUER_CHARGEBACK, LabelValue.FRAUD, 5)));
    }

    @AfterAll
    static void close() {
        if (db != null) db.close();
    }

    private static LabelAssertion assertion(
            String id, String txn, LabelSource source, LabelValue value, int observedDay) {
        return new LabelAssertion(
                RUN,
                id,
                LabelSubject.transaction(txn),
                "acct-1",
                "card-1",
                value,
                null,
                source,
                source == LabelSource.INVESTIGATOR ? "DISPOSITION" : "CHARGEBACK",
                null,
                T0,
                T0.plus(java.time.Duration.ofDays(observedDay)),
                null,
                id.startsWith("case:") ? "case:c1" : "receipt:" + id,
                null,
                null,
                1_000L);
    }

    @Test
    void theLawHoldsOnTheLabelStore() {
        Check law = RunLaws.asOfLaw(store, RUN, 200);
        assertThat(law.passed()).as(law.detail()).isTrue();
        // t1: three assertions, each asked just before, at and just after: 9; t2: 3
        assertThat(law.detail()).isEqualTo("12 as-of answers on 2 of 2 labelled subjects");
        assertThat(store.asOf(RUN, LabelSubject.transaction("t1"), T0.plus(java.time.Duration.ofDays(4))))
                .hasValueSatisfying(a -> assertThat(a.assertionId()).isEqualTo("case:c1:4:t1"));
    }

    @Test
    void aStoreThatAnswersWithWhatItKnowsNowBreaksTheLaw() {
        Check law = RunLaws.asOfLaw(
                new Answering(store, (subject, t) -> store.asOf(RUN, subject, Instant.parse("9999-01-01T00:00:00Z"))),
                RUN,
                200);
        assertThat(law.passed()).isFalse();
        assertThat(law.detail()).contains("transaction:t1 as of").contains(", observed ");
    }

    @Test
    void aStoreThatTakesTheNewestOverTheInvestigatorBreaksTheLaw() {
        Check law = RunLaws.asOfLaw(
                new Answering(
                        store,
                        (subject, t) -> store.history(RUN, subject).stream()
                                .filter(a -> !a.observedTime().isAfter(t))
                                .reduce((a, b) -> b)),
                RUN,
                200);
        assertThat(law.passed()).isFalse();
        assertThat(law.detail()).contains("answered Optional[ev:cb1], the standing one is Optional[case:c1:4:t1]");
    }

    /** The Label Store, but for its as-of answers: a store with a flaw, to show the law sees it. */
    private record Answering(
            LabelStore real, java.util.function.BiFunction<LabelSubject, Instant, Optional<LabelAssertion>> asOf)
            implements LabelStore {
        @Override
        public List<LabelAssertion> append(List<LabelAssertion> assertions) {
            return real.append(assertions);
        }

        @Override
        public int reject(List<LabelRejection> rejections) {
            return real.reject(rejections);
        }

        @Override
        public Optional<LabelAssertion> asOf(String platformRunId, LabelSubject subject, Instant t) {
            return asOf.apply(subject, t);
        }

        @Override
        public List<LabelAssertion> effectiveIn(String platformRunId, Instant from, Instant to, Instant t) {
            return real.effectiveIn(platformRunId, from, to, t);
        }

        @Override
        public void forEachStanding(String platformRunId, Instant t, Consumer<LabelAssertion> sink) {
            real.forEachStanding(platformRunId, t, sink);
        }

        @Override
        public List<LabelAssertion> history(String platformRunId, LabelSubject subject) {
            return real.history(platformRunId, subject);
        }

        @Override
        public Map<String, Long> countsByProvenance(String platformRunId) {
            return real.countsByProvenance(platformRunId);
        }

        @Override
        public Map<String, Long> rejectionsByReason(String platformRunId) {
            return real.rejectionsByReason(platformRunId);
        }

        @Override
        public Optional<String> latestRun() {
            return real.latestRun();
        }
    }
}
