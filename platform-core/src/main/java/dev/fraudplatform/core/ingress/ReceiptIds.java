package dev.fraudplatform.core.ingress;

import java.security.SecureRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Receipt ids: {@code rcpt-} then 12 hex digits of wall-clock millis, 6 of a per-process counter and 12 random. They
 * sort roughly by time, so a database index takes them at its right edge instead of scattering random UUIDs over
 * every page, and they stay unique across processes by their random part.
 */
public final class ReceiptIds {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final AtomicLong COUNTER = new AtomicLong(RANDOM.nextInt(1 << 20));

    private ReceiptIds() {}

    public static String next() {
        long random = RANDOM.nextLong() & 0xFFFF_FFFF_FFFFL;
        return String.format(
                java.util.Locale.ROOT,
                "rcpt-%012x%06x%012x",
                System.currentTimeMillis() & 0xFFFF_FFFF_FFFFL,
                COUNTER.getAndIncrement() & 0xFF_FFFF,
                random);
    }
}
