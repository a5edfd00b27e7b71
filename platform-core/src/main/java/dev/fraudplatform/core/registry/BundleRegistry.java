package dev.fraudplatform.core.registry;

import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Port: the Model and Policy Registry's record of decision bundles and of every state change they went through,
 * append-only (a change is a new row with who, when and why; nothing is updated or deleted). A bundle's current state
 * is its latest change. The bundles' files live in the object store; this port records their ids and digests.
 *
 * <p>Laws every adapter keeps:
 *
 * <ul>
 *   <li>At most one bundle is {@link BundleState#ACTIVE} and at most one is {@link BundleState#SHADOW}: moving a
 *       bundle into either retires the one that held it, in the same atomic change (a row for each).
 *   <li>A refused change ({@link RegistryRefusal}) leaves the registry as it was; an accepted one is all its rows or
 *       none (changes are serialised: two concurrent changes behave as one after the other).
 *   <li>Registering is idempotent: the same id with the same digests is the same bundle (no new row); another digest
 *       under a registered id is refused.
 * </ul>
 *
 * <p>This port applies a change when its state rules allow it; whether a promotion is deserved (the promotion gates)
 * is decided above it, which passes the active bundle it judged against as {@code expectedActive}.
 */
public interface BundleRegistry {
    /** An operator's name: 1-64 letters, digits, {@code ._@-}. */
    Pattern OPERATOR = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@-]{0,63}");

    /** A bundle id: what the object-store keys and the decision bundles allow. */
    Pattern BUNDLE_ID = Pattern.compile("[a-z0-9][a-z0-9._-]{0,127}");

    /**
     * Registers a bundle whose files are stored at {@code location}, as a {@link BundleState#CANDIDATE}.
     *
     * @return the bundle's entry (the existing one when the same bundle was registered before)
     * @throws RegistryRefusal when the id is registered with other digests, or an argument is bad
     */
    RegistryEntry register(
            String bundleId, String bundleDigest, String manifestDigest, String location, String by, String reason);

    /**
     * Moves {@code bundleId} to {@code to}: {@link BundleState#SHADOW} or {@link BundleState#ACTIVE} (retiring the
     * bundle that held that place), or {@link BundleState#RETIRED} (not the active bundle: it is replaced by a promotion
     * or a rollback, never left empty by hand). Only registration makes a candidate.
     *
     * @param expectedActive the bundle the caller believes is active (null: none); the change is refused when the
     *                       registry's active bundle differs, since what the caller checked may no longer hold
     * @param detail         what the registry adds to the operator's reason (the gates passed); may be null
     * @return the rows written, in order (the retired holder first)
     * @throws RegistryRefusal for an unknown bundle, a move its state does not allow, a changed active bundle
     */
    List<StateChange> change(
            String bundleId, BundleState to, String expectedActive, String by, String reason, String detail);

    /**
     * Makes the previous active bundle ({@link #previousActive()}) active again and retires the current one, in one
     * atomic change.
     *
     * @param expectedActive the bundle the caller believes is active; refused when it is not
     * @return the rows written (the retired bundle first, then the restored one)
     * @throws RegistryRefusal when there is no active bundle or none was active before it
     */
    List<StateChange> rollback(String expectedActive, String by, String reason);

    /**
     * The bundle a {@link #rollback} would make active: of the bundles that were active before the current active
     * bundle last became active, the most recent one other than it. Empty when nothing is active or nothing was before.
     */
    Optional<RegistryEntry> previousActive();

    Optional<RegistryEntry> entry(String bundleId);

    /** The active bundle, if any. */
    Optional<RegistryEntry> active();

    /** The bundle in shadow, if any. */
    Optional<RegistryEntry> shadow();

    /** Every registered bundle, most recently changed first. */
    List<RegistryEntry> list();

    /** A bundle's changes, oldest first; empty for an unknown bundle. */
    List<StateChange> history(String bundleId);

    /** Refuses a bad operator name or a blank reason: every change says who and why. */
    static void checkWhoAndWhy(String by, String reason) {
        if (by == null || !OPERATOR.matcher(by).matches())
            throw new RegistryRefusal("an operator name (--by) is 1-64 letters, digits, '.', '_', '@' or '-'; was "
                    + (by == null ? "nothing" : "'" + by + "'"));
        if (reason == null || reason.isBlank())
            throw new RegistryRefusal("every registry change needs a reason (--reason): none was given");
        if (reason.length() > 2000) throw new RegistryRefusal("a reason is at most 2000 characters");
    }

    /** Refuses a malformed bundle id. */
    static void checkBundleId(String bundleId) {
        if (bundleId == null || !BUNDLE_ID.matcher(bundleId).matches())
            throw new RegistryRefusal("a bundle id is 1-128 lower-case letters, digits, '.', '_' or '-'; was "
                    + (bundleId == null ? "nothing" : "'" + bundleId + "'"));
    }
}
