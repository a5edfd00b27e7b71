package dev.fraudplatform.ingress.archfixture;

import dev.fraudplatform.substrate.objectstore.FilesystemObjectStore;

/**
 * Test-only fixture for {@code ModuleArchitectureTest}: a class inside a plane ({@code ingress}) that names a substrate
 * adapter instead of its port, so that the plane rule and the wiring rule can be shown to report it. Never shipped.
 */
public final class IngressNamingAnAdapterFixture {
    public String describe(FilesystemObjectStore store) {
        return store.describe();
    }
}
