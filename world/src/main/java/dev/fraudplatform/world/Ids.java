package dev.fraudplatform.world;

import java.util.Locale;

/**
 * Zero-padded decimal numbers for the world's ids ({@code card-00000042}, {@code t0000012345}): what
 * {@code String.format("%0<width>d", n)} gives, without a {@link java.util.Formatter} per id. A world of 100,000
 * transactions makes several hundred thousand ids, and formatting them was nearly half of its build's CPU.
 */
final class Ids {
    private Ids() {}

    /** {@code n} in decimal, zero-padded on the left to {@code width} digits (longer when it needs more). */
    static String pad(long n, int width) {
        if (n < 0) return String.format(Locale.ROOT, "%0" + width + "d", n); // never in a world; kept exact
        String digits = Long.toString(n);
        if (digits.length() >= width) return digits;
        StringBuilder sb = new StringBuilder(width);
        for (int i = digits.length(); i < width; i++) sb.append('0');
        return sb.append(digits).toString();
    }
}
