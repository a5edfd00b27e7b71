package dev.fraudplatform.ingress.http;

/**
 * The gate's limits: what one request may carry, how fast one producer may send, how many requests may be open at
 * once, how slowly a client may send its body, and how far the bus may lag before the gate pushes back (429 with
 * Retry-After) rather than buffer without bound.
 *
 * <p>The in-flight bounds are checked after authentication and before any of the body is read, so a client that
 * holds connections open cannot tie up more than {@code maxInFlightPerProducer} of the server's threads, and all
 * clients together no more than {@code maxInFlightRequests} (which is kept below Jetty's 250 threads so that 429,
 * 503 and {@code /healthz} answers still find a thread).
 *
 * @param maxBodyBytes             largest request body; a declared {@code Content-Length} above it gets 413 before
 *                                 any of the body is read, and the connection is closed
 * @param maxEventsPerBatch        most events in one request (413 above)
 * @param producerEventsPerSecond  sustained events/s per producer (token bucket, burst of one second); 429 above
 * @param maxRelayBacklog          batches waiting for the admission relay; 429 above
 * @param maxInFlightPerProducer   requests one producer may have open at once (from authentication to answer);
 *                                 the next gets 429 with Retry-After, without its body being read
 * @param maxInFlightRequests      requests all producers together may have open at once; the next gets 503 with
 *                                 Retry-After, without its body being read
 * @param minRequestBytesPerSecond slowest average body upload, since its first byte, that the gate waits for; a
 *                                 slower client is cut (0: no minimum)
 * @param idleTimeoutMillis        longest silence the gate waits for on a connection, between requests or in the
 *                                 middle of one, before it closes it
 * @param maxBufferedBytes         request bodies all open requests together may hold in memory, counted by declared
 *                                 {@code Content-Length} (a body without one counts as {@code maxBodyBytes}); the next
 *                                 request that would go over gets 503 with Retry-After, without its body being read
 * @param maxLoopBacklog           events admitted to the bus that the decision loop has not consumed yet, sampled (see
 *                                 {@code LoopBacklog}); above it every request that would ingest gets 429 with
 *                                 Retry-After, so the queue between the gate and the loop stays bounded
 */
public record GateLimits(
        long maxBodyBytes,
        int maxEventsPerBatch,
        double producerEventsPerSecond,
        int maxRelayBacklog,
        int maxInFlightPerProducer,
        int maxInFlightRequests,
        long minRequestBytesPerSecond,
        long idleTimeoutMillis,
        long maxBufferedBytes,
        long maxLoopBacklog) {
    /**
     * 16 MiB and 10,000 events a request, 200,000 events/s per producer, 64 batches of relay backlog, 64 requests
     * in flight per producer (a card switch calling {@code /v1/decide} at 1,000/s keeps dozens open) and 128 in all, at least 4 KiB/s of body, 15 s of silence, and 256 MiB of bodies held at
     * once (so 128 requests of the largest body cannot take 2 GiB of heap), and 20,000 events of decision-loop backlog
     * (a few seconds of the loop's work on a small box). The rate is far below any working network's and far above a
     * trickle; Jetty checks it at every read, averaged since the body's first byte.
     */
    public static final GateLimits DEFAULT =
            new GateLimits(16L << 20, 10_000, 200_000, 64, 64, 128, 4 * 1024, 15_000, 256L << 20, 20_000);

    public GateLimits {
        if (maxBodyBytes <= 0 || maxBodyBytes > Integer.MAX_VALUE - 8)
            throw new IllegalArgumentException("maxBodyBytes out of range: " + maxBodyBytes);
        if (maxInFlightPerProducer <= 0 || maxInFlightRequests <= 0) {
            throw new IllegalArgumentException(
                    "in-flight bounds must be positive: " + maxInFlightPerProducer + ", " + maxInFlightRequests);
        }
        if (minRequestBytesPerSecond < 0)
            throw new IllegalArgumentException("minRequestBytesPerSecond must not be negative");
        if (idleTimeoutMillis <= 0) throw new IllegalArgumentException("idleTimeoutMillis must be positive");
        if (maxLoopBacklog <= 0) throw new IllegalArgumentException("maxLoopBacklog must be positive");
        if (maxBufferedBytes < maxBodyBytes) {
            throw new IllegalArgumentException("maxBufferedBytes (" + maxBufferedBytes
                    + ") must hold at least one body of maxBodyBytes (" + maxBodyBytes + ")");
        }
    }

    /** These limits with other body, batch, rate and backlog limits, and the default in-flight bounds and timeouts. */
    public static GateLimits of(
            long maxBodyBytes, int maxEventsPerBatch, double producerEventsPerSecond, int maxRelayBacklog) {
        return new GateLimits(
                maxBodyBytes,
                maxEventsPerBatch,
                producerEventsPerSecond,
                maxRelayBacklog,
                DEFAULT.maxInFlightPerProducer,
                DEFAULT.maxInFlightRequests,
                DEFAULT.minRequestBytesPerSecond,
                DEFAULT.idleTimeoutMillis,
                Math.max(DEFAULT.maxBufferedBytes, maxBodyBytes),
                DEFAULT.maxLoopBacklog);
    }

    /** These limits with other in-flight bounds. */
    public GateLimits withInFlight(int perProducer, int total) {
        return new GateLimits(
                maxBodyBytes,
                maxEventsPerBatch,
                producerEventsPerSecond,
                maxRelayBacklog,
                perProducer,
                total,
                minRequestBytesPerSecond,
                idleTimeoutMillis,
                maxBufferedBytes,
                maxLoopBacklog);
    }

    /** These limits with another minimum body rate and idle timeout. */
    public GateLimits withSlowClientCuts(long minBytesPerSecond, long idleMillis) {
        return new GateLimits(
                maxBodyBytes,
                maxEventsPerBatch,
                producerEventsPerSecond,
                maxRelayBacklog,
                maxInFlightPerProducer,
                maxInFlightRequests,
                minBytesPerSecond,
                idleMillis,
                maxBufferedBytes,
                maxLoopBacklog);
    }

    /** These limits with another bound on the bodies held in memory at once. */
    public GateLimits withMaxBufferedBytes(long bytes) {
        return new GateLimits(
                maxBodyBytes,
                maxEventsPerBatch,
                producerEventsPerSecond,
                maxRelayBacklog,
                maxInFlightPerProducer,
                maxInFlightRequests,
                minRequestBytesPerSecond,
                idleTimeoutMillis,
                bytes,
                maxLoopBacklog);
    }

    /** These limits with another bound on the decision loop's backlog, in events. */
    public GateLimits withMaxLoopBacklog(long events) {
        return new GateLimits(
                maxBodyBytes,
                maxEventsPerBatch,
                producerEventsPerSecond,
                maxRelayBacklog,
                maxInFlightPerProducer,
                maxInFlightRequests,
                minRequestBytesPerSecond,
                idleTimeoutMillis,
                maxBufferedBytes,
                events);
    }
}
