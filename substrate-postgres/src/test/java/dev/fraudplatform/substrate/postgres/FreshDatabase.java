package dev.fraudplatform.substrate.postgres;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One fresh, migrated database per IT class on the module's shared embedded PostgreSQL ({@link TestDatabases}):
 * register it as a static {@code @RegisterExtension} field; it opens before the class's first test and closes after
 * its last.
 */
final class FreshDatabase implements BeforeAllCallback, AfterAllCallback {
    private PostgresDatabase db;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        db = TestDatabases.fresh();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (db != null) db.close();
    }

    /** The open database; only between the class's first and last test. */
    PostgresDatabase db() {
        if (db == null) throw new IllegalStateException("the database opens before the class's first test");
        return db;
    }
}
