package dev.fraudplatform.substrate.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fraudplatform.core.cases.Investigators;
import dev.fraudplatform.testkit.InvestigatorsContract;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link InvestigatorsContract} on {@link PostgresInvestigators}, on a real embedded PostgreSQL; and its tables are
 * append-only: a sign-out appends, and neither the platform's role nor the owner can change an account or a session.
 */
class PostgresInvestigatorsContractIT extends InvestigatorsContract {
    @RegisterExtension
    static final FreshDatabase DATABASE = new FreshDatabase();

    @Override
    protected Investigators newInvestigators() {
        return new PostgresInvestigators(DATABASE.db().dataSource());
    }

    @Test
    void accountsAndSessionsRefuseChangeEvenToTheirOwner() throws Exception {
        Instant now = Instant.now();
        investigators.add(new Investigators.Investigator(user, Investigators.Role.ANALYST, "h", now));
        investigators.open(new Investigators.Session("s-" + user, user, "c", now, now.plus(Duration.ofHours(8))));
        investigators.close("s-" + user);
        try (Connection app = DATABASE.db().dataSource().getConnection();
                Connection owner = DriverManager.getConnection(DATABASE.db().adminJdbcUrl())) {
            for (Connection c : List.of(app, owner)) {
                String refusal = c == app ? "permission denied" : "append-only";
                try (Statement s = c.createStatement()) {
                    assertThatThrownBy(() -> s.executeUpdate(
                                    "UPDATE casework.investigators SET role = 'LEAD' WHERE username = '" + user + "'"))
                            .hasMessageContaining(refusal);
                    assertThatThrownBy(() -> s.executeUpdate(
                                    "UPDATE casework.sessions SET expires_at = expires_at + interval '1 day'"))
                            .hasMessageContaining(refusal);
                    assertThatThrownBy(() -> s.executeUpdate("DELETE FROM casework.session_ends"))
                            .hasMessageContaining(refusal);
                }
            }
        }
        assertThat(investigators.find(user))
                .get()
                .extracting(Investigators.Investigator::role)
                .isEqualTo(Investigators.Role.ANALYST);
        assertThat(investigators.findSession("s-" + user)).isEmpty();
        // and the run's evidence counts them among the guarded tables
        PostgresRunEvidence evidence = new PostgresRunEvidence(DATABASE.db().dataSource());
        assertThat(evidence.appendOnlyTables())
                .contains("casework.investigators", "casework.sessions", "casework.session_ends");
        assertThat(evidence.unguardedAppendOnlyTables()).isEmpty();
    }
}
