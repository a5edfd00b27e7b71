package dev.fraudplatform.substrate.postgres;

import dev.fraudplatform.core.labels.LabelStore;
import dev.fraudplatform.testkit.LabelStoreProperties;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link LabelStoreProperties} on {@link PostgresLabelStore}, on a real embedded PostgreSQL. */
class PostgresLabelStorePropertiesIT extends LabelStoreProperties {
    @RegisterExtension
    static final FreshDatabase DATABASE = new FreshDatabase();

    @Override
    protected LabelStore newLabelStore() {
        return new PostgresLabelStore(DATABASE.db().dataSource());
    }
}
