package dev.fraudplatform.parquet.archfixture;

import dev.fraudplatform.world.View;

/**
 * Test-only fixture for {@code ModuleArchitectureTest}: a class inside the Parquet codec that names a plane, so that
 * the rule "the codec depends on nothing of ours but core" can be shown to report it. Never shipped.
 */
public final class CodecNamingAPlaneFixture {
    public String eventClassOf(View view) {
        return view.eventClass();
    }
}
