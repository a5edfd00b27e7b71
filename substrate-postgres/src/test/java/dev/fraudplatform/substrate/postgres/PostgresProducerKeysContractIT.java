package dev.fraudplatform.substrate.postgres;

import dev.fraudplatform.core.ingress.ProducerKeys;
import dev.fraudplatform.testkit.ProducerKeysContract;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link ProducerKeysContract} on {@link PostgresProducerKeys}, on a real embedded PostgreSQL. */
class PostgresProducerKeysContractIT extends ProducerKeysContract {
    @RegisterExtension
    static final FreshDatabase DATABASE = new FreshDatabase();

    @Override
    protected ProducerKeys newProducerKeys() {
        return new PostgresProducerKeys(DATABASE.db().dataSource());
    }
}
