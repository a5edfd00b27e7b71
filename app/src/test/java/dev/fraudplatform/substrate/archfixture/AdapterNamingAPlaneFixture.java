package dev.fraudplatform.substrate.archfixture;

import dev.fraudplatform.world.WorldReader;

/**
 * Test-only fixture for {@code ModuleArchitectureTest}: a class inside {@code dev.fraudplatform.substrate..} that
 * names a plane, so that the rule "adapters never depend on planes" can be shown to report it. Never shipped.
 */
public final class AdapterNamingAPlaneFixture {
    public boolean more(WorldReader reader) {
        return reader.hasNext();
    }
}
