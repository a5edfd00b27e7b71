package dev.fraudplatform.core.run;

import java.time.Instant;
import java.util.Objects;

/**
 * The facts a run is pinned to before any event flows. Everything that can change a decision is here,
 * so that two runs with equal facts (less the run id and time) must give the same decision-log digest.
 *
 * @param platformRunId    the run's id; every envelope of the run carries it
 * @param worldId          the sealed world being replayed
 * @param worldFingerprint SHA-256 of the world's manifest
 * @param bundleId         the decision bundle in force
 * @param bundleDigest     SHA-256 of the bundle's canonical JSON
 * @param configDigest     SHA-256 of the canonical run configuration
 * @param codeVersion      the platform version that ran it
 * @param createdAt        when the facts were pinned (outside every digest)
 */
public record RunFacts(
        String platformRunId,
        String worldId,
        String worldFingerprint,
        String bundleId,
        String bundleDigest,
        String configDigest,
        String codeVersion,
        Instant createdAt) {
    public RunFacts {
        Objects.requireNonNull(platformRunId);
        Objects.requireNonNull(worldId);
        Objects.requireNonNull(worldFingerprint);
        Objects.requireNonNull(bundleId);
        Objects.requireNonNull(bundleDigest);
        Objects.requireNonNull(configDigest);
        Objects.requireNonNull(codeVersion);
        Objects.requireNonNull(createdAt);
    }
}
