package dev.fraudplatform.substrate.postgres;

import dev.fraudplatform.core.labels.LabelStore;
import dev.fraudplatform.testkit.LabelStoreContract;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link LabelStoreContract} on {@link PostgresLabelStore}, on a real embedded PostgreSQL. */
class PostgresLabelStoreContractIT extends LabelStoreContract {
    @RegisterExtension
    static final FreshDatabase DATABASE = new FreshDatabase();

    @Override
    protected LabelStore newLabelStore() {
        return new PostgresLabelStore(DATABASE.db().dataSource());
    }
}
