package dev.fraudplatform.world.archfixture;

import dev.fraudplatform.rtdl.audit.AuditLog;

/**
 * Test-only fixture for {@code ModuleArchitectureTest}: a class inside a plane ({@code world}) that names another
 * plane's internals ({@code rtdl}), so that the plane rule can be shown to report it. Never shipped.
 */
public final class WorldNamingAnotherPlaneFixture {
    public String auditLogClass() {
        return AuditLog.class.getName();
    }
}
