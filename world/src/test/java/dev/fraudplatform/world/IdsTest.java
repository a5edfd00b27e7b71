package dev.fraudplatform.world;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The world's ids are the bytes String.format gave them: a world built before and after is the same world. */
class IdsTest {
    @Test
    void aPaddedNumberIsWhatTheFormatGives() {
        SplittableRandom r = new SplittableRandom(18);
        long[] edges = {0, 1, 9, 10, 99_999, 100_000, 9_999_999, 10_000_000, Integer.MAX_VALUE, Long.MAX_VALUE, -1, -42
        };
        for (int width : new int[] {1, 5, 6, 7, 8, 10}) {
            for (long n : edges) assertPadded(n, width);
            for (int i = 0; i < 2_000; i++) assertPadded(r.nextLong(0, 100_000_000_000L), width);
        }
    }

    private static void assertPadded(long n, int width) {
        assertThat(Ids.pad(n, width))
                .as("%d to %d digits", n, width)
                .isEqualTo(String.format(Locale.ROOT, "%0" + width + "d", n));
    }
}
