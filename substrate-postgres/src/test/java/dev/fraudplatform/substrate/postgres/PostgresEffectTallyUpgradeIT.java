package dev.fraudplatform.substrate.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fraudplatform.core.actions.Effect;
import dev.fraudplatform.core.decision.DecisionAction;
import dev.fraudplatform.core.decision.DegradeMode;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A database an older build left, with effects applied before runs kept a tally of them: the migration that adds the
 * tallies (V14) tallies them once, and the new build's ledger adds to it as it applies more.
 */
class PostgresEffectTallyUpgradeIT {
    @Test
    void effectsAppliedBeforeTheTalliesAreTalliedByTheUpgrade() throws Exception {
        String url = TestDatabases.migratedTo("13");
        try (Connection c = DriverManager.getConnection(url);
                Statement s = c.createStatement()) {
            s.executeUpdate("INSERT INTO actions.effects (platform_run_id, decision_id, event_id, action, effect_type) "
                    + "SELECT CASE WHEN i <= 4 THEN 'run-a' ELSE 'run-b' END, 'dec-' || i, 'evt-' || i, 'APPROVE', "
                    + "'APPROVE_TXN' FROM generate_series(1, 6) AS i");
        }
        try (PostgresDatabase db = PostgresDatabase.open(url, 2)) {
            PostgresEffectLedger ledger = new PostgresEffectLedger(db.dataSource(), 5);
            assertThat(ledger.tally("run-a")).isEqualTo(4);
            assertThat(ledger.tally("run-b")).isEqualTo(2);
            long now = System.currentTimeMillis();
            ledger.apply(List.of(
                    new Effect(
                            "dec-1",
                            "run-a",
                            "evt-1",
                            DecisionAction.APPROVE,
                            "APPROVE_TXN",
                            now,
                            now,
                            DegradeMode.FULL),
                    new Effect(
                            "dec-9",
                            "run-a",
                            "evt-9",
                            DecisionAction.APPROVE,
                            "APPROVE_TXN",
                            now,
                            now,
                            DegradeMode.FULL)));
            assertThat(ledger.tally("run-a")).isEqualTo(5).isEqualTo(ledger.count("run-a"));
        }
    }
}
