package dev.fraudplatform.ingress.http;

/**
 * The gate's limits: what one request may carry, how fast one producer may send, and how far the bus may lag before
 * the gate pushes back (429 with Retry-After) rather than buffer without bound.
 *
 * @param maxBodyBytes          largest request body (413 above)
 * @param maxEventsPerBatch     most events in one request (413 above)
 * @param producerEventsPerSecond sustained events/s per producer (token bucket, burst of one second); 429 above
 * @param maxRelayBacklog       batches waiting for the admission relay; 429 above
 */
public record GateLimits(long maxBodyBytes, int maxEventsPerBatch, double producerEventsPerSecond, int maxRelayBacklog) {
    public static final GateLimits DEFAULT = new GateLimits(16L << 20, 10_000, 200_000, 64);
}
