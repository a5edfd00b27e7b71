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
    void theLedgerKnowsHowLongEachEffectTookFromAdmission() {
        PostgresEffectLedger ledger = new PostgresEffectLedger(DATABASE.db().dataSource());
        ledger.apply(
                List.of(effect(run, "dec-1", DecisionAction.DECLINE), effect(run, "dec-2", DecisionAction.APPROVE)));
        RunEvidence.LatencySummary lat = ledger.latency(run);
        assertThat(lat.samples()).isEqualTo(2);
        assertThat(lat.p50Millis()).isBetween(4.0, 6.0);
    }
}
