package dev.fraudplatform.substrate.postgres;

import dev.fraudplatform.core.ingress.QuarantineIndex;
import dev.fraudplatform.core.ingress.ReceiptStore;
import dev.fraudplatform.testkit.QuarantineIndexContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** {@link QuarantineIndexContract} on {@link PostgresQuarantineIndex}, on a real embedded PostgreSQL. */
class PostgresQuarantineIndexContractIT extends QuarantineIndexContract {
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
    protected QuarantineIndex newQuarantineIndex() {
        return new PostgresQuarantineIndex(db.dataSource());
    }

    @Override
    protected ReceiptStore receiptsOfTheSameStorage() {
        return new PostgresReceiptStore(db.dataSource());
    }
}
