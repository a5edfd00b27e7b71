package dev.fraudplatform.substrate.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fraudplatform.core.cases.CaseAction;
import dev.fraudplatform.core.cases.CaseStore;
import dev.fraudplatform.core.cases.CaseSummary;
import dev.fraudplatform.core.cases.Disposition;
import dev.fraudplatform.core.cases.PendingLabels;
import dev.fraudplatform.testkit.CaseStoreContract;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link CaseStoreContract} on {@link PostgresCaseStore}, on a real embedded PostgreSQL. */
class PostgresCaseStoreContractIT extends CaseStoreContract {
    @RegisterExtension
    static final FreshDatabase DATABASE = new FreshDatabase();

    @Override
    protected CaseStore newCaseStore() {
        return new PostgresCaseStore(DATABASE.db().dataSource());
    }

    @Test
    void aCaseIdDerivesFromItsRunAndOpeningDecision() {
        store.attach(List.of(trigger("acct-1", "dec-1")));
        String id = PostgresCaseStore.caseIdFor(run, "dec-1");
        assertThat(id).matches("case-[0-9a-f]{20}");
        assertThat(store.find(id)).isPresent();
    }

    @Test
    void theLabelSubjectIsThePayloadsTransactionIdWhenTheProjectionKnowsTheEvent() throws Exception {
        // the decision's event id is the envelope's; the projection maps it to the payload's txn_id
        try (Connection c = DATABASE.db().dataSource().getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "INSERT INTO casework.activity (platform_run_id, event_id, "
                                + "event_class, account_id, event_time, txn_id, payload) VALUES (?, ?, 'txn.authorization', 'acct-1', ?, ?, '{}')")) {
            ps.setString(1, run);
            ps.setString(2, "evt-dec-1");
            ps.setObject(3, OffsetDateTime.of(2026, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC));
            ps.setString(4, "t0000000042");
            ps.executeUpdate();
        }
        store.attach(List.of(trigger("acct-1", "dec-1"), trigger("acct-1", "dec-2")));
        CaseSummary c = store.find(PostgresCaseStore.caseIdFor(run, "dec-1")).orElseThrow();
        store.act(c.caseId(), c.version(), new CaseAction.Dispose(Disposition.CONFIRMED_FRAUD, null), "ann");

        PendingLabels p = store.pendingLabels(10_000).stream()
                .filter(x -> x.caseId().equals(c.caseId()))
                .findFirst()
                .orElseThrow();
        assertThat(p.transactions())
                .containsExactly(
                        new PendingLabels.Transaction("t0000000042", Instant.parse("2026-01-01T00:00:00Z")),
                        new PendingLabels.Transaction("evt-dec-2", Instant.parse("2026-01-01T00:00:00Z")));
    }
}
