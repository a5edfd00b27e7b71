package dev.fraudplatform.core.decision;

/**
 * The degrade ladder, best first. Every decision names exactly one mode and the reason for it; each mode
 * has its own thresholds in the bundle.
 */
public enum DegradeMode {
    /** Model, rules and all context were available. */
    FULL,
    /** Scored, but named context fragments were missing. */
    PARTIAL_CONTEXT,
    /** The model was unavailable or failed (or the bundle has none); rules alone decided. */
    RULES_ONLY,
    /** Nothing could be scored; the policy's default action applies. */
    FAIL_SAFE
}
