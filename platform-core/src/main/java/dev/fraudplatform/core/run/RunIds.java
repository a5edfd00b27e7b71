package dev.fraudplatform.core.run;

import java.security.SecureRandom;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;

/** Makes run ids of the form {@code run-20261125-7f3a9c1e}: the UTC date and 32 random bits. */
public final class RunIds {
    private static final SecureRandom RANDOM = new SecureRandom();

    private RunIds() {}

    public static String newRunId() {
        byte[] b = new byte[4];
        RANDOM.nextBytes(b);
        return "run-" + LocalDate.now(ZoneOffset.UTC).format(DateTimeFormatter.BASIC_ISO_DATE) + "-"
                + HexFormat.of().formatHex(b);
    }
}
