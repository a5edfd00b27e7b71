package dev.fraudplatform.decision.bundle;

import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The decision bundles one process holds, by bundle id (the live bundle and, for shadow scoring or a registry, others
 * beside it). An id names one bundle: adding a second bundle under a held id with another digest is refused, adding
 * the same bundle again is a no-op. Bundles are never removed. Thread-safe; each holder is independent (there is no
 * process-wide one).
 */
public final class DecisionBundles {
    private final Map<String, DecisionBundle> byId = new ConcurrentHashMap<>();

    /**
     * Holds {@code bundle} under its id and returns the bundle held under that id.
     *
     * @throws IllegalStateException if another bundle (another digest) is already held under that id
     */
    public DecisionBundle add(DecisionBundle bundle) {
        DecisionBundle held = byId.putIfAbsent(bundle.id(), bundle);
        if (held == null) return bundle;
        if (!held.digest().equals(bundle.digest())) {
            throw new IllegalStateException("bundle id " + bundle.id() + " is held with digest " + held.digest()
                    + "; a different bundle (digest " + bundle.digest() + ") cannot take the same id");
        }
        return held;
    }

    /** The bundle held under {@code bundleId}; throws {@link NoSuchElementException} when there is none. */
    public DecisionBundle get(String bundleId) {
        DecisionBundle b = byId.get(bundleId);
        if (b == null) throw new NoSuchElementException("no bundle " + bundleId + " is held (held: " + ids() + ")");
        return b;
    }

    /** The bundle held under {@code bundleId}, if any. */
    public Optional<DecisionBundle> find(String bundleId) {
        return Optional.ofNullable(byId.get(bundleId));
    }

    /** The ids held, sorted. */
    public Set<String> ids() {
        return new TreeSet<>(byId.keySet());
    }
}
