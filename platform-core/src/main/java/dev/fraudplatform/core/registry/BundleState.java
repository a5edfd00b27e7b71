package dev.fraudplatform.core.registry;

/**
 * Where a registered decision bundle stands (ARCHITECTURE.md §2, Model and Policy Registry). A bundle enters as a
 * {@link #CANDIDATE}; at most one bundle is {@link #SHADOW} (scored beside the active one, never acted on) and at most
 * one is {@link #ACTIVE} (what runs given no explicit bundle decide with) at any time; {@link #RETIRED} is where a
 * replaced or withdrawn bundle goes. A bundle's state is the latest of its state changes.
 */
public enum BundleState {
    CANDIDATE,
    SHADOW,
    ACTIVE,
    RETIRED
}
