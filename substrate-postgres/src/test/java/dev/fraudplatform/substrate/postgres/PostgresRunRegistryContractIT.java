package dev.fraudplatform.substrate.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fraudplatform.core.run.RunRegistry;
import dev.fraudplatform.testkit.RunRegistryContract;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link RunRegistryContract} on {@link PostgresRunRegistry}, on a real embedded PostgreSQL. */
class PostgresRunRegistryContractIT extends RunRegistryContract {
    @RegisterExtension
    static final FreshDatabase DATABASE = new FreshDatabase();

    @Override
    protected RunRegistry newRunRegistry() {
        return new PostgresRunRegistry(DATABASE.db().dataSource());
    }

    /** Ends the session that holds the owner's lock, as the server does when the owning process is killed. */
    @Override
    protected void killOwner(RunRegistry owner, String platformRunId) throws SQLException {
        try (Connection admin = DriverManager.getConnection(DATABASE.db().adminJdbcUrl());
                PreparedStatement ps = admin.prepareStatement(
                        "SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND objsubid = 2 "
                                + "AND objid = hashtext(?)::oid AND database = (SELECT oid FROM pg_database WHERE datname = current_database())")) {
            ps.setString(1, platformRunId);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next())
                        .as("the owner's lock is held by a session")
                        .isTrue();
                assertThat(rs.getBoolean(1)).isTrue();
            }
        }
    }
}
