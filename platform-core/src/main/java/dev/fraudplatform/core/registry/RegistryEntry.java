package dev.fraudplatform.core.registry;

import java.time.Instant;

/**
 * A registered bundle as the registry knows it now.
 *
 * @param bundleId       the bundle's id ({@code bundle_id} of its {@code bundle.json})
 * @param bundleDigest   SHA-256 of the bundle's canonical JSON: what a run pins
 * @param manifestDigest SHA-256 of the manifest of its stored files (the object-store prefix's fingerprint)
 * @param location       the object-store prefix holding its files ({@code bundles/<bundle_id>})
 * @param registeredAt   when it was registered
 * @param state          its current state: that of {@code latest}
 * @param latest         its latest state change
 */
public record RegistryEntry(
        String bundleId,
        String bundleDigest,
        String manifestDigest,
        String location,
        Instant registeredAt,
        BundleState state,
        StateChange latest) {}
