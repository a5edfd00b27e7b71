package dev.fraudplatform.core.ingress;

/**
 * Thrown by an {@link IngressPort} when a batch must be sent again after {@link #retryAfterMillis()}: the gate pushed
 * back (nothing of it was ingested), or nothing is known of it ({@link #unanswered()}: unreachable, or a 503
 * mid-admission), in which case some of it may have been admitted and comes back DUPLICATE. Resending the same batch
 * is always safe: the gate deduplicates.
 */
public final class BackpressureException extends RuntimeException {
    private final long retryAfterMillis;
    private final boolean unanswered;

    public BackpressureException(String message, long retryAfterMillis) {
        this(message, retryAfterMillis, false);
    }

    public BackpressureException(String message, long retryAfterMillis, boolean unanswered) {
        super(message);
        this.retryAfterMillis = retryAfterMillis;
        this.unanswered = unanswered;
    }

    /** True when the gate may have receipted some of the batch before the answer was lost. */
    public boolean unanswered() {
        return unanswered;
    }

    /** How long to wait before sending the batch again. */
    public long retryAfterMillis() {
        return retryAfterMillis;
    }
}
