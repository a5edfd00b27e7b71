package dev.fraudplatform.learning.registry;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fraudplatform.core.registry.BundleRegistry;
import dev.fraudplatform.core.registry.BundleState;
import dev.fraudplatform.core.registry.RegistryEntry;
import dev.fraudplatform.core.registry.RegistryRefusal;
import dev.fraudplatform.core.registry.StateChange;
import dev.fraudplatform.core.store.ObjectStore;
import dev.fraudplatform.decision.bundle.DecisionBundle;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The Model and Policy Registry (issue 15 §4): bundles stored in the object store ({@link StoredBundles}), their
 * states in the {@link BundleRegistry} port, and promotion decided by the {@link PromotionGates}, never by hand.
 *
 * <ul>
 *   <li>{@link #register}: a bundle directory that loads (its model's digest checked) is stored and becomes a
 *       candidate.
 *   <li>{@link #promote}: to shadow after its stored files verify; to active only when every gate passes against the
 *       bundle active at that moment (the port refuses the change if the active bundle changed meanwhile).
 *   <li>{@link #rollback}: the previous active bundle is active again, the current one retired, in one change.
 * </ul>
 *
 * Every refusal is a {@link RegistryRefusal} and leaves the registry as it was (and the object store too, except that a
 * registration refused after its files were stored leaves those files, sealed, for a later registration of the same
 * bundle). Thread-safe as its ports are.
 */
public final class ModelRegistry {
    private final BundleRegistry registry;
    private final StoredBundles stored;
    private final PromotionGates gates;

    public ModelRegistry(BundleRegistry registry, ObjectStore store, PromotionGates gates) {
        this.registry = Objects.requireNonNull(registry);
        this.stored = new StoredBundles(store);
        this.gates = Objects.requireNonNull(gates);
    }

    /** The port, for reads (list, show, history). */
    public BundleRegistry states() {
        return registry;
    }

    /**
     * Stores the bundle in {@code directory} and registers it as a candidate, {@code by} an operator, for
     * {@code reason}. Registering the same bundle again returns its entry unchanged.
     */
    public RegistryEntry register(Path directory, String by, String reason) {
        BundleRegistry.checkWhoAndWhy(by, reason);
        StoredBundles.Stored s = stored.store(directory);
        return registry.register(s.bundleId(), s.bundleDigest(), s.manifestDigest(), s.location(), by, reason);
    }

    /** What a promotion did: the rows written and, for active, the gates it passed. */
    public record Promotion(List<StateChange> changes, PromotionGates.Verdict verdict) {}

    /**
     * Moves {@code bundleId} to {@link BundleState#SHADOW} or {@link BundleState#ACTIVE}. Its stored files must verify
     * and load; for active every promotion gate must pass against the bundle active now.
     *
     * @throws RegistryRefusal naming each failed gate, or what else does not hold
     */
    public Promotion promote(String bundleId, BundleState to, String by, String reason) {
        BundleRegistry.checkBundleId(bundleId);
        BundleRegistry.checkWhoAndWhy(by, reason);
        if (to != BundleState.SHADOW && to != BundleState.ACTIVE)
            throw new RegistryRefusal("a bundle is promoted to shadow or active, not " + to);
        RegistryEntry entry = registry.entry(bundleId)
                .orElseThrow(() -> new RegistryRefusal("no bundle " + bundleId + " is registered"));
        if (entry.state() == to) throw new RegistryRefusal("bundle " + bundleId + " is " + to + " already");
        stored.load(entry); // its files still verify and its model is usable
        Optional<RegistryEntry> active = registry.active();
        String activeId = active.map(RegistryEntry::bundleId).orElse(null);
        if (to == BundleState.SHADOW) {
            return new Promotion(registry.change(bundleId, to, activeId, by, reason, "stored files verified"), null);
        }
        JsonNode activeJson = active.map(stored::bundleJson).orElse(null);
        PromotionGates.Verdict verdict = gates.check(stored.bundleJson(entry), activeId, activeJson);
        if (!verdict.passed()) {
            List<String> failed = verdict.failed().stream()
                    .map(g -> "gate " + g.name() + " failed: " + g.detail())
                    .toList();
            throw new RegistryRefusal(
                    "promotion of " + bundleId + " to active refused: " + String.join("; ", failed), failed);
        }
        List<StateChange> rows = registry.change(bundleId, to, activeId, by, reason, "gates: " + verdict.summary());
        return new Promotion(rows, verdict);
    }

    /**
     * Makes the previous active bundle active again and retires the current one. Refused when there is nothing to roll
     * back to, or when the previous bundle's stored files no longer verify.
     */
    public List<StateChange> rollback(String by, String reason) {
        BundleRegistry.checkWhoAndWhy(by, reason);
        RegistryEntry active =
                registry.active().orElseThrow(() -> new RegistryRefusal("nothing to roll back: no bundle is active"));
        RegistryEntry previous = registry.previousActive()
                .orElseThrow(() -> new RegistryRefusal(
                        "nothing to roll back to: no bundle was active before " + active.bundleId()));
        stored.load(previous); // refuse to restore a bundle that can no longer decide
        return registry.rollback(active.bundleId(), by, reason);
    }

    /** The registered bundle {@code bundleId}, loaded and verified. */
    public DecisionBundle load(String bundleId) {
        RegistryEntry entry = registry.entry(bundleId)
                .orElseThrow(() -> new RegistryRefusal("no bundle " + bundleId + " is registered"));
        return stored.load(entry);
    }

    /** The active bundle, loaded and verified; empty when none is active. */
    public Optional<DecisionBundle> active() {
        return registry.active().map(stored::load);
    }

    /** The bundle in shadow, loaded and verified; empty when none is. */
    public Optional<DecisionBundle> shadow() {
        return registry.shadow().map(stored::load);
    }

    /**
     * The bundle a run given no explicit bundle decides with: the active bundle, else {@code fallback} (the built-in
     * rules). Read once, when the run is pinned: a later promotion does not reach a run in progress.
     */
    public DecisionBundle activeOr(java.util.function.Supplier<DecisionBundle> fallback) {
        return active().orElseGet(fallback);
    }
}
