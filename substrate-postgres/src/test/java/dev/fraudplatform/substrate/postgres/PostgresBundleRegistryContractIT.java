package dev.fraudplatform.substrate.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fraudplatform.core.registry.BundleRegistry;
import dev.fraudplatform.core.registry.BundleState;
import dev.fraudplatform.testkit.BundleRegistryContract;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link BundleRegistryContract} on {@link PostgresBundleRegistry}, on a real embedded PostgreSQL (a fresh database
 * per test: the registry is global), and the guards below the port: the history refuses change, and two active
 * bundles are refused at commit even to the schema's owner.
 */
class PostgresBundleRegistryContractIT extends BundleRegistryContract {
    private PostgresDatabase db;

    @Override
    protected BundleRegistry newRegistry() throws Exception {
        db = TestDatabases.fresh();
        return new PostgresBundleRegistry(db.dataSource());
    }

    @AfterEach
    void closeDatabase() {
        if (db != null) db.close();
    }

    @Test
    void theHistoryRefusesChangeAndTheStoresListItAsAppendOnly() throws SQLException {
        registry.register("m-1", "bd", "md", "bundles/m-1", "ana", "first");
        registry.change("m-1", BundleState.ACTIVE, null, "ana", "go", null);
        try (Connection app = db.dataSource().getConnection();
                Connection owner = DriverManager.getConnection(db.adminJdbcUrl())) {
            for (Connection c : List.of(app, owner)) {
                String refusal = c == app ? "permission denied" : "append-only";
                try (Statement s = c.createStatement()) {
                    assertThatThrownBy(() -> s.executeUpdate("UPDATE registry.bundle_changes SET state = 'RETIRED'"))
                            .hasMessageContaining(refusal);
                    assertThatThrownBy(() -> s.executeUpdate("DELETE FROM registry.bundles"))
                            .hasMessageContaining(refusal);
                    assertThatThrownBy(() -> s.executeUpdate("TRUNCATE registry.bundle_changes CASCADE"))
                            .hasMessageContaining(refusal);
                }
            }
        }
        assertThat(registry.history("m-1")).hasSize(2);
        assertThat(PostgresRunEvidence.APPEND_ONLY_TABLES).contains("registry.bundles", "registry.bundle_changes");
        assertThat(new PostgresRunEvidence(db.dataSource()).unguardedAppendOnlyTables())
                .isEmpty();
    }

    @Test
    void twoActiveBundlesAreRefusedAtCommitEvenBelowTheAdapter() throws SQLException {
        registry.register("m-1", "bd1", "md1", "bundles/m-1", "ana", "first");
        registry.register("m-2", "bd2", "md2", "bundles/m-2", "ana", "second");
        registry.change("m-1", BundleState.ACTIVE, null, "ana", "go", null);
        try (Connection owner = DriverManager.getConnection(db.adminJdbcUrl());
                Statement s = owner.createStatement()) {
            assertThatThrownBy(() -> s.executeUpdate("INSERT INTO registry.bundle_changes (bundle_id, state, actor, "
                            + "reason) VALUES ('m-2', 'ACTIVE', 'mallory', 'by hand')"))
                    .hasMessageContaining("at most one may be");
        }
        assertThat(registry.active()).map(e -> e.bundleId()).contains("m-1");
        assertThat(registry.history("m-2")).hasSize(1);
    }
}
