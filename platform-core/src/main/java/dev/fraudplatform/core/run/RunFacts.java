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

    /** The facts as JSON, by their wire names ({@code platform_run_id}, {@code world_id}, ...): a new object. */
    public com.fasterxml.jackson.databind.node.ObjectNode toJson() {
        var n = dev.fraudplatform.core.json.Json.MAPPER.createObjectNode();
        n.put("platform_run_id", platformRunId);
        n.put("world_id", worldId);
        n.put("world_fingerprint", worldFingerprint);
        n.put("bundle_id", bundleId);
        n.put("bundle_digest", bundleDigest);
        n.put("config_digest", configDigest);
        n.put("code_version", codeVersion);
        n.put("created_at", dev.fraudplatform.core.envelope.Times.format(createdAt));
        return n;
    }
}
