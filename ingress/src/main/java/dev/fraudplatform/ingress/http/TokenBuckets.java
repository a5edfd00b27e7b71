package dev.fraudplatform.ingress.http;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** A token bucket per producer: {@code rate} tokens a second, holding at most one second's worth. */
final class TokenBuckets {
    private final double rate;
    private final Map<String, double[]> buckets = new ConcurrentHashMap<>(); // {tokens, last refill nanos}

    TokenBuckets(double rate) {
        this.rate = rate;
    }

    /** Takes {@code n} tokens and returns 0, or takes none and returns the millis until {@code n} are there. */
    long take(String producer, int n) {
        double[] b = buckets.computeIfAbsent(producer, k -> new double[] {rate, System.nanoTime()});
        synchronized (b) {
            long now = System.nanoTime();
            b[0] = Math.min(Math.max(rate, n), b[0] + (now - b[1]) / 1e9 * rate);
            b[1] = now;
            if (b[0] >= n) {
                b[0] -= n;
                return 0;
            }
            return (long) Math.ceil((n - b[0]) / rate * 1000);
        }
    }
}
