package dev.fraudplatform.app;

import dev.fraudplatform.core.registry.BundleRegistry;
import dev.fraudplatform.core.store.ObjectStore;
import dev.fraudplatform.decision.bundle.DecisionBundle;
import dev.fraudplatform.learning.registry.ModelRegistry;
import dev.fraudplatform.learning.registry.PromotionGates;
import java.util.Optional;

/**
 * Which decision bundle a run decides with. Given a bundle id, the bundle shipped with the platform of that id, else
 * the registered one; given none, the registry's active bundle, else the built-in {@value #BUILT_IN_DEFAULT}. The
 * choice is made once, when the run is pinned (READY): its facts name the bundle and its digest, and the real-time
 * roles hold that bundle object, so a later promotion or rollback never reaches a run in progress.
 */
public final class RunBundles {
    /**
     * What runs decide with while no bundle is active in the registry: the trained bundle the platform ships (an
     * XGBoost model over the loop's features with rules-v1's rules, learned by {@code fp learn} from a world of seed 2,
     * which the demo's seed-1 world is not).
     */
    public static final String BUILT_IN_DEFAULT = "fraud-xgb-v1";

    /** The rules-only bundle: the Model Factory's base (its rules carry over) and every evaluation's baseline. */
    public static final String RULES_BASELINE = "rules-v1";

    private RunBundles() {}

    /** The Model and Policy Registry over {@code states} and {@code store}, with the platform's promotion gates. */
    public static ModelRegistry registry(BundleRegistry states, ObjectStore store) {
        return new ModelRegistry(states, store, new PromotionGates(PromotionGates.DEFAULTS));
    }

    /** The registry's active bundle (loaded, verified), else the built-in {@value #BUILT_IN_DEFAULT}. */
    public static DecisionBundle active(BundleRegistry states, ObjectStore store) {
        return registry(states, store).activeOr(() -> DecisionBundle.builtIn(BUILT_IN_DEFAULT));
    }

    /**
     * The bundle named {@code bundleId} with {@code digest} (null: any digest): the built-in one when it matches, else
     * the registered one.
     *
     * @throws IllegalArgumentException when neither has that id (and digest)
     */
    public static DecisionBundle byId(BundleRegistry states, ObjectStore store, String bundleId, String digest) {
        Optional<DecisionBundle> builtIn = builtIn(bundleId);
        if (builtIn.isPresent() && (digest == null || builtIn.get().digest().equals(digest))) return builtIn.get();
        if (bundleId != null && states.entry(bundleId).isPresent()) {
            DecisionBundle registered = registry(states, store).load(bundleId);
            if (digest == null || registered.digest().equals(digest)) return registered;
            throw new IllegalArgumentException(
                    "bundle " + bundleId + " is registered with digest " + registered.digest() + ", not " + digest);
        }
        if (builtIn.isPresent())
            throw new IllegalArgumentException(
                    "bundle " + bundleId + " is now " + builtIn.get().digest() + ", not " + digest);
        throw new IllegalArgumentException("no bundle " + bundleId + " (neither built in nor registered)");
    }

    private static Optional<DecisionBundle> builtIn(String bundleId) {
        try {
            return Optional.of(DecisionBundle.builtIn(bundleId));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
