package dev.fraudplatform.substrate.postgres;

import dev.fraudplatform.core.ingress.QuarantineIndex;
import dev.fraudplatform.core.ingress.ReceiptStore;
import dev.fraudplatform.testkit.QuarantineIndexContract;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link QuarantineIndexContract} on {@link PostgresQuarantineIndex}, on a real embedded PostgreSQL. */
class PostgresQuarantineIndexContractIT extends QuarantineIndexContract {
    @RegisterExtension
    static final FreshDatabase DATABASE = new FreshDatabase();

    @Override
    protected QuarantineIndex newQuarantineIndex() {
        return new PostgresQuarantineIndex(DATABASE.db().dataSource());
    }

    @Override
    protected ReceiptStore receiptsOfTheSameStorage() {
        return new PostgresReceiptStore(DATABASE.db().dataSource());
    }
}
