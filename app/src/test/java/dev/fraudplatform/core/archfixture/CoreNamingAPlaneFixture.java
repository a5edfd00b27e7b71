package dev.fraudplatform.core.archfixture;

import dev.fraudplatform.world.WorldRow;

/**
 * Test-only fixture for {@code ModuleArchitectureTest}: a class inside {@code dev.fraudplatform.core..} that names a
 * plane, so that the rule "core depends on nothing of ours" can be shown to report it. Never shipped.
 */
public final class CoreNamingAPlaneFixture {
    public String eventClassOf(WorldRow row) {
        return row.eventClass();
    }
}
