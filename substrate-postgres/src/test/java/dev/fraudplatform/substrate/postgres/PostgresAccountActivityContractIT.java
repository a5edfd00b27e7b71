package dev.fraudplatform.substrate.postgres;

import dev.fraudplatform.core.cases.AccountActivity;
import dev.fraudplatform.testkit.AccountActivityContract;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link AccountActivityContract} on {@link PostgresAccountActivity}, on a real embedded PostgreSQL. */
class PostgresAccountActivityContractIT extends AccountActivityContract {
    @RegisterExtension
    static final FreshDatabase DATABASE = new FreshDatabase();

    @Override
    protected AccountActivity newAccountActivity() {
        return new PostgresAccountActivity(DATABASE.db().dataSource());
    }
}
