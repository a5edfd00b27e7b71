package dev.fraudplatform.ingress.gate;

import dev.fraudplatform.core.run.RunRegistry;
import dev.fraudplatform.core.run.RunState;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Answers "does this run accept traffic?" from the run registry, remembering each answer for a short time so
 * that the gate does not ask the database once per event. A run that closes is refused within that time.
 */
final class OpenRuns {
    private record Answer(boolean open, java.util.Set<String> producers, long atNanos) {}

    private final RunRegistry registry;
    private final long ttlNanos;
    private final ConcurrentHashMap<String, Answer> cache = new ConcurrentHashMap<>();

    OpenRuns(RunRegistry registry, long ttlMillis) {
        this.registry = registry;
        this.ttlNanos = ttlMillis * 1_000_000L;
    }

    boolean acceptsTraffic(String runId) {
        return answer(runId).open();
    }

    /**
     * Whether the run is open and {@code producerId} is not one of the producers it allows, from one answer (grants
     * come before READY, so caching them is safe).
     */
    boolean refuses(String runId, String producerId) {
        Answer a = answer(runId);
        return a.open() && !a.producers().contains(producerId);
    }

    private Answer answer(String runId) {
        long now = System.nanoTime();
        Answer a = cache.get(runId);
        if (a == null || now - a.atNanos() > ttlNanos) {
            boolean open = registry.state(runId).map(RunState::acceptsTraffic).orElse(false);
            a = new Answer(open, open ? java.util.Set.copyOf(registry.producers(runId)) : java.util.Set.of(), now);
            if (cache.size() > 10_000) cache.clear();
            cache.put(runId, a);
        }
        return a;
    }
}
