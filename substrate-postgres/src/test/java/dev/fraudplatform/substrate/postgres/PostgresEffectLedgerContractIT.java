package dev.fraudplatform.substrate.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fraudplatform.core.actions.EffectLedger;
import dev.fraudplatform.core.decision.DecisionAction;
import dev.fraudplatform.testkit.EffectLedgerContract;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@link EffectLedgerContract} on {@link PostgresEffectLedger}, on a real embedded PostgreSQL. */
class PostgresEffectLedgerContractIT extends EffectLedgerContract {
    static PostgresDatabase db;

    @BeforeAll
    static void startDatabase() throws Exception {
        db = TestDatabases.fresh();
    }

    @AfterAll
    static void closeDatabase() {
        if (db != null) db.close();
    }

    @Override
    protected EffectLedger newEffectLedger() {
        return new PostgresEffectLedger(db.dataSource());
    }

    @Test
    void theLedgerKnowsHowLongEachEffectTookFromAdmission() {
        PostgresEffectLedger ledger = new PostgresEffectLedger(db.dataSource());
        ledger.apply(
                List.of(effect(run, "dec-1", DecisionAction.DECLINE), effect(run, "dec-2", DecisionAction.APPROVE)));
        PostgresEffectLedger.LatencySummary lat = ledger.latency(run);
        assertThat(lat.samples()).isEqualTo(2);
        assertThat(lat.p50Millis()).isBetween(4.0, 6.0);
    }
}
