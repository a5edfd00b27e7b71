package dev.fraudplatform.ingress.gate;

import dev.fraudplatform.core.run.RunRegistry;
import dev.fraudplatform.core.run.RunState;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Answers "does this run accept traffic?" from the run registry, remembering each answer for a short time so
 * that the gate does not ask the database once per event. A run that closes is refused within that time.
 */
final class OpenRuns {
    private record Answer(boolean open, long atNanos) {}

    private final RunRegistry registry;
    private final long ttlNanos;
    private final ConcurrentHashMap<String, Answer> cache = new ConcurrentHashMap<>();

    OpenRuns(RunRegistry registry, long ttlMillis) {
        this.registry = registry;
        this.ttlNanos = ttlMillis * 1_000_000L;
    }

    boolean acceptsTraffic(String runId) {
        long now = System.nanoTime();
        Answer a = cache.get(runId);
        if (a == null || now - a.atNanos() > ttlNanos) {
            a = new Answer(registry.state(runId).map(RunState::acceptsTraffic).orElse(false), now);
            if (cache.size() > 10_000) cache.clear();
            cache.put(runId, a);
        }
        return a.open();
    }
}
