package dev.fraudplatform.core.registry;

import java.util.List;

/**
 * A registry change refused, not a fault: an unknown bundle, a move its state does not allow, a failed promotion gate,
 * nothing to roll back to, an active bundle that changed since the gates were checked. The registry is unchanged by a
 * refused change. The message is one line fit for an operator; {@link #reasons()} lists each cause (each failed gate
 * by name) on its own.
 */
public final class RegistryRefusal extends IllegalArgumentException {
    private final List<String> reasons;

    /** A refusal with one cause. */
    public RegistryRefusal(String message) {
        this(message, List.of(message));
    }

    /** A refusal summarised by {@code message}, with each of its {@code reasons}. */
    public RegistryRefusal(String message, List<String> reasons) {
        super(message);
        this.reasons = List.copyOf(reasons);
    }

    /** Each cause on its own, in the order found; never empty. */
    public List<String> reasons() {
        return reasons;
    }
}
