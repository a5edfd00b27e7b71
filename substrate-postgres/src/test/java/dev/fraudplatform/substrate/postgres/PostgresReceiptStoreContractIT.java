package dev.fraudplatform.substrate.postgres;

import dev.fraudplatform.core.ingress.ReceiptStore;
import dev.fraudplatform.testkit.ReceiptStoreContract;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link ReceiptStoreContract} on {@link PostgresReceiptStore}, on a real embedded PostgreSQL. */
class PostgresReceiptStoreContractIT extends ReceiptStoreContract {
    @RegisterExtension
    static final FreshDatabase DATABASE = new FreshDatabase();

    @Override
    protected ReceiptStore newReceiptStore() {
        return new PostgresReceiptStore(DATABASE.db().dataSource());
    }

    @Override
    protected void tryToRewriteReceipts(String platformRunId) throws SQLException {
        try (Connection c = DATABASE.db().dataSource().getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "UPDATE ingress.receipts SET outcome = 'DUPLICATE' WHERE platform_run_id = ?")) {
            ps.setString(1, platformRunId);
            ps.executeUpdate();
        }
    }
}
