package dev.fraudplatform.substrate.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fraudplatform.core.actions.EffectLedger;
import dev.fraudplatform.core.decision.DecisionAction;
import dev.fraudplatform.core.run.RunEvidence;
import dev.fraudplatform.testkit.EffectLedgerContract;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link EffectLedgerContract} on {@link PostgresEffectLedger}, on a real embedded PostgreSQL. */
class PostgresEffectLedgerContractIT extends EffectLedgerContract {
    @RegisterExtension
    static final FreshDatabase DATABASE = new FreshDatabase();

    @Override
    protected EffectLedger newEffectLedger() {
        return new PostgresEffectLedger(DATABASE.db().dataSource());
    }

    @Test
    void ledgersInSeveralProcessesTallyARunTogetherInSlotsOfTheirOwn() throws Exception {
        PostgresEffectLedger first = new PostgresEffectLedger(DATABASE.db().dataSource(), 3);
        PostgresEffectLedger second = new PostgresEffectLedger(DATABASE.db().dataSource(), 11);
        first.apply(
                List.of(effect(run, "dec-1", DecisionAction.DECLINE), effect(run, "dec-2", DecisionAction.APPROVE)));
        second.apply(
                List.of(effect(run, "dec-2", DecisionAction.APPROVE), effect(run, "dec-3", DecisionAction.APPROVE)));
        assertThat(first.tally(run)).isEqualTo(3).isEqualTo(second.tally(run)).isEqualTo(first.count(run));
        try (java.sql.Connection c = DATABASE.db().dataSource().getConnection();
                java.sql.PreparedStatement ps = c.prepareStatement(
                        "SELECT slot, applied FROM actions.effect_tallies WHERE platform_run_id = ? ORDER BY slot")) {
            ps.setString(1, run);
            try (java.sql.ResultSet rs = ps.executeQuery()) {
                java.util.Map<Integer, Long> rows = new java.util.LinkedHashMap<>();
                while (rs.next()) rows.put(rs.getInt(1), rs.getLong(2));
                assertThat(rows).containsExactly(java.util.Map.entry(3, 2L), java.util.Map.entry(11, 1L));
            }
        }
    }

    @Test
    void theLedgerKnowsHowLongEachEffectTookFromAdmission() {
        PostgresEffectLedger ledger = new PostgresEffectLedger(DATABASE.db().dataSource());
        ledger.apply(
                List.of(effect(run, "dec-1", DecisionAction.DECLINE), effect(run, "dec-2", DecisionAction.APPROVE)));
        RunEvidence.LatencySummary lat = ledger.latency(run);
        assertThat(lat.samples()).isEqualTo(2);
        assertThat(lat.p50Millis()).isBetween(4.0, 6.0);
    }
}
