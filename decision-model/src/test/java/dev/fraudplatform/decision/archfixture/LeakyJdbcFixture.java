package dev.fraudplatform.decision.archfixture;

import java.sql.Connection;

/**
 * Test-only fixture for {@code DecisionModelArchitectureTest}: a class inside {@code dev.fraudplatform.decision..}
 * that depends on JDBC, so that the rule can be shown to report a violation. Never shipped.
 */
public final class LeakyJdbcFixture {
    private final Connection connection;

    public LeakyJdbcFixture(Connection connection) {
        this.connection = connection;
    }

    public boolean isOpen() throws java.sql.SQLException {
        return !connection.isClosed();
    }
}
