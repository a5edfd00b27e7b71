package dev.fraudplatform.world;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fraudplatform.core.bus.EventPublisher;
import dev.fraudplatform.core.bus.OutboundRecord;
import dev.fraudplatform.core.bus.Topics;
import dev.fraudplatform.core.json.CanonicalJson;
import dev.fraudplatform.core.json.Json;
import dev.fraudplatform.core.run.RunFacts;
import dev.fraudplatform.core.run.RunRegistry;
import dev.fraudplatform.core.run.RunState;
import dev.fraudplatform.core.store.Manifest;
import dev.fraudplatform.core.store.ObjectStore;
import java.util.List;
import java.util.Map;

/**
 * The Scenario Runner: admits a world to a run only if its gate PASSED and every file still matches its
 * manifest; then pins the run facts and announces READY on {@code fp.control}.
 */
public final class ScenarioRunner {

    /** A world refused for a run; the message is one line that says why. */
    public static final class WorldRefusedException extends RuntimeException {
        public WorldRefusedException(String message) {
            super(message);
        }
    }

    private final ObjectStore store;

    public ScenarioRunner(ObjectStore store) {
        this.store = store;
    }

    /**
     * Checks that {@code worldId} may be run.
     *
     * @return the world's fingerprint (SHA-256 of its manifest)
     * @throws WorldRefusedException with a one-line reason otherwise
     */
    public String admit(String worldId) {
        String prefix = WorldBuilder.prefix(worldId);
        if (!store.exists(prefix + "/" + Manifest.FILE_NAME)) {
            throw new WorldRefusedException(
                    "world " + worldId + " not found: no sealed manifest at " + prefix + "/" + Manifest.FILE_NAME);
        }
        WorldGate.Verdict verdict = WorldGate.readReceipt(store, worldId);
        if (!verdict.passed()) {
            throw new WorldRefusedException(
                    "world " + worldId + " did not pass its gate: " + String.join("; ", verdict.failedChecks()));
        }
        List<String> problems;
        try {
            problems = Manifest.verify(store, prefix);
        } catch (RuntimeException e) {
            throw new WorldRefusedException(
                    "world " + worldId + " cannot be checked against its manifest: " + e.getMessage());
        }
        if (!problems.isEmpty()) {
            throw new WorldRefusedException("world " + worldId + " no longer matches its manifest: " + problems.get(0)
                    + (problems.size() > 1 ? " (and " + (problems.size() - 1) + " more)" : ""));
        }
        return Manifest.fingerprint(store, prefix);
    }

    /**
     * Pins {@code facts} (PLANNED), allows {@code producers} to write into the run (the gate refuses every other
     * producer's key for it), records GATED and READY, and publishes READY on the control topic.
     */
    public void pinAndAnnounce(
            RunFacts facts, java.util.Set<String> producers, RunRegistry registry, EventPublisher publisher)
            throws Exception {
        if (producers.isEmpty())
            throw new IllegalArgumentException("a run needs at least one producer allowed to write into it");
        registry.pin(facts);
        for (String producer : new java.util.TreeSet<>(producers))
            registry.allowProducer(facts.platformRunId(), producer);
        registry.transition(
                facts.platformRunId(),
                RunState.GATED,
                "world " + facts.worldId() + " passed its gate and manifest check");
        ObjectNode ready = Json.MAPPER.createObjectNode();
        ready.put("type", "READY");
        ready.setAll(facts.toJson());
        publisher.publish(List.of(new OutboundRecord(
                Topics.CONTROL,
                facts.platformRunId(),
                CanonicalJson.bytes(ready),
                facts.createdAt().toEpochMilli(),
                Map.of())));
        registry.transition(facts.platformRunId(), RunState.READY, "READY published on " + Topics.CONTROL);
    }
}
