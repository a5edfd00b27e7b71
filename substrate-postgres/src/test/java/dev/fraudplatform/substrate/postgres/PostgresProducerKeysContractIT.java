package dev.fraudplatform.substrate.postgres;

import dev.fraudplatform.core.ingress.ProducerKeys;
import dev.fraudplatform.testkit.ProducerKeysContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** {@link ProducerKeysContract} on {@link PostgresProducerKeys}, on a real embedded PostgreSQL. */
class PostgresProducerKeysContractIT extends ProducerKeysContract {
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
    protected ProducerKeys newProducerKeys() {
        return new PostgresProducerKeys(db.dataSource());
    }
}
