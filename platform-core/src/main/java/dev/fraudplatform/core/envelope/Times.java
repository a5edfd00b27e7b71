package dev.fraudplatform.core.envelope;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.util.Optional;

/** The platform's one time format: UTC ISO-8601 with exactly three fraction digits, e.g. {@code 2026-03-02T14:07:31.250Z}. */
public final class Times {
    private static final DateTimeFormatter FORMAT = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'")
            .withZone(ZoneOffset.UTC)
            .withResolverStyle(ResolverStyle.STRICT);

    private Times() {}

    public static String format(Instant instant) {
        return FORMAT.format(instant);
    }

    public static String formatMillis(long epochMillis) {
        return FORMAT.format(Instant.ofEpochMilli(epochMillis));
    }

    /** Parses the platform format strictly; anything else (offsets, missing millis, local times) is empty. */
    public static Optional<Instant> parse(String text) {
        if (text == null || text.length() != 24 || text.charAt(23) != 'Z') {
            return Optional.empty();
        }
        try {
            return Optional.of(FORMAT.parse(text, Instant::from));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }
}
