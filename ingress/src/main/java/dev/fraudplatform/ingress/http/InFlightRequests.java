package dev.fraudplatform.ingress.http;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts the gate's open requests, per producer and in all, and the body bytes they hold, and refuses one that would
 * take any count over its bound:
 * {@code admit(p, b) = ADMITTED if inFlight(p) < perProducer AND inFlight() < total AND bytes() + b <= maxBytes}.
 *
 * <p>Every {@link Admission#ADMITTED} must be matched by exactly one {@link #release(String)} with the same producer
 * (in a {@code finally}); a refusal takes nothing and must not be released. Thread-safe and lock-free: two counters
 * are incremented and, on refusal, decremented again, so two racing requests may both be refused where one would
 * have fit; the bounds are never exceeded.
 */
final class InFlightRequests {
    /** What {@link #admit(String)} decided. */
    enum Admission {
        ADMITTED,
        /** The producer has its bound of requests open already (answer 429). */
        PRODUCER_FULL,
        /** The gate has its bound of requests open already (answer 503). */
        GATE_FULL,
        /** The open requests hold the gate's bound of body bytes already (answer 503). */
        BYTES_FULL
    }

    private final int perProducer;
    private final int total;
    private final long maxBytes;
    private final AtomicInteger open = new AtomicInteger();
    private final java.util.concurrent.atomic.AtomicLong bytes = new java.util.concurrent.atomic.AtomicLong();
    // One counter per producer that ever sent; producers are the holders of issued keys, so this stays small.
    private final Map<String, AtomicInteger> openByProducer = new ConcurrentHashMap<>();

    InFlightRequests(int perProducer, int total) {
        this(perProducer, total, Long.MAX_VALUE);
    }

    InFlightRequests(int perProducer, int total, long maxBytes) {
        if (perProducer <= 0 || total <= 0 || maxBytes <= 0) {
            throw new IllegalArgumentException(
                    "bounds must be positive: " + perProducer + ", " + total + ", " + maxBytes);
        }
        this.perProducer = perProducer;
        this.total = total;
        this.maxBytes = maxBytes;
    }

    /** Takes a place for one request of {@code producer} holding no body bytes. */
    Admission admit(String producer) {
        return admit(producer, 0);
    }

    /**
     * Takes a place for one request of {@code producer} that will hold {@code bodyBytes}, or takes nothing and says
     * which bound is reached.
     */
    Admission admit(String producer, long bodyBytes) {
        Admission a = admitRequest(producer);
        if (a != Admission.ADMITTED) return a;
        if (bytes.addAndGet(bodyBytes) > maxBytes) {
            bytes.addAndGet(-bodyBytes);
            release(producer);
            return Admission.BYTES_FULL;
        }
        return Admission.ADMITTED;
    }

    /** Gives back the place and the bytes an {@link Admission#ADMITTED} request of {@code producer} took. */
    void release(String producer, long bodyBytes) {
        bytes.addAndGet(-bodyBytes);
        release(producer);
    }

    /** Body bytes the open requests hold now. */
    long bytes() {
        return bytes.get();
    }

    long bytesBound() {
        return maxBytes;
    }

    private Admission admitRequest(String producer) {
        AtomicInteger mine = counter(producer);
        if (mine.incrementAndGet() > perProducer) {
            mine.decrementAndGet();
            return Admission.PRODUCER_FULL;
        }
        if (open.incrementAndGet() > total) {
            open.decrementAndGet();
            mine.decrementAndGet();
            return Admission.GATE_FULL;
        }
        return Admission.ADMITTED;
    }

    /** Gives back the place an {@link Admission#ADMITTED} request of {@code producer} took. */
    void release(String producer) {
        AtomicInteger mine = openByProducer.get(producer);
        if (mine == null || mine.get() <= 0)
            throw new IllegalStateException("release without admission for producer " + producer);
        mine.decrementAndGet();
        open.decrementAndGet();
    }

    /** Requests open now, all producers together. */
    int inFlight() {
        return open.get();
    }

    /** Requests of {@code producer} open now. */
    int inFlight(String producer) {
        AtomicInteger mine = openByProducer.get(producer);
        return mine == null ? 0 : mine.get();
    }

    int perProducerBound() {
        return perProducer;
    }

    int totalBound() {
        return total;
    }

    private AtomicInteger counter(String producer) {
        AtomicInteger c = openByProducer.get(producer); // the common case: no allocation, no bin lock
        return c != null ? c : openByProducer.computeIfAbsent(producer, p -> new AtomicInteger());
    }
}
