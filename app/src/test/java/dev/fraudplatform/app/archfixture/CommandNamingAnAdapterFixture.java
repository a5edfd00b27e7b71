package dev.fraudplatform.app.archfixture;

import dev.fraudplatform.substrate.postgres.PostgresRunRegistry;

/**
 * Test-only fixture for {@code ModuleArchitectureTest}: a class of the app that is not a wiring class (as an
 * administrative command is not) and names a substrate adapter instead of its port, so that the rule keeping adapter
 * choices in the wiring classes can be shown to report it. Never shipped.
 */
public final class CommandNamingAnAdapterFixture {
    public boolean knows(PostgresRunRegistry runs, String runId) {
        return runs.facts(runId).isPresent();
    }
}
