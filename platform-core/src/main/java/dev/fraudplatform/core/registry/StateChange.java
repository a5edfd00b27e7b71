package dev.fraudplatform.core.registry;

import java.time.Instant;

/**
 * One row of a bundle's append-only history: it entered {@code state} at {@code at}, by {@code by}, for
 * {@code reason}.
 *
 * @param seq      the change's place in the registry's one total order (ascending, with gaps)
 * @param bundleId the bundle that changed
 * @param state    the state it entered
 * @param by       the operator (or role) who made the change
 * @param reason   why, in the operator's words (never blank)
 * @param detail   what the registry adds: the gates it checked, the bundle a promotion replaced; may be null
 * @param at       when the registry recorded it
 */
public record StateChange(
        long seq, String bundleId, BundleState state, String by, String reason, String detail, Instant at) {}
