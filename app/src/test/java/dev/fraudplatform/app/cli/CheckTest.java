package dev.fraudplatform.app.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import picocli.CommandLine.TypeConversionException;

/** The command line's range checks, without I/O. */
class CheckTest {

    @Test
    void portsAreFromOneTo65535OrZero() {
        assertThat(new Check.Port().convert("8088")).isEqualTo(8088);
        assertThat(new Check.Port().convert("0")).isZero();
        for (String bad : new String[] {"-1", "65536", "99999", "http"}) {
            assertThatThrownBy(() -> new Check.Port().convert(bad))
                    .isInstanceOf(TypeConversionException.class)
                    .hasMessage("must be a port from 1 to 65535 (or 0: any free port), was " + bad);
        }
    }

    @Test
    void ratesAreFiniteAndNotNegative() {
        assertThat(new Check.Rate().convert("0")).isZero();
        assertThat(new Check.Rate().convert("2500.5")).isEqualTo(2500.5);
        for (String bad : new String[] {"-1", "NaN", "Infinity", "-0.001"}) {
            assertThatThrownBy(() -> new Check.Rate().convert(bad))
                    .hasMessageStartingWith("must be a finite number of 0 or more");
        }
        assertThatThrownBy(() -> new Check.PositiveRate().convert("0"))
                .hasMessage("must be a finite number above 0, was 0");
        assertThatThrownBy(() -> new Check.Rate().convert("fast")).hasMessage("must be a number, was 'fast'");
    }

    @Test
    void countsSharesAndDaysHaveTheirRanges() {
        assertThat(new Check.Positive().convert("1")).isEqualTo(1);
        assertThatThrownBy(() -> new Check.Positive().convert("0")).hasMessage("must be at least 1, was 0");
        assertThat(new Check.NonNegative().convert("0")).isZero();
        assertThatThrownBy(() -> new Check.NonNegative().convert("-3")).hasMessage("must be 0 or more, was -3");
        assertThat(new Check.FraudShare().convert("0.5")).isEqualTo(0.5);
        assertThatThrownBy(() -> new Check.FraudShare().convert("-0.5"))
                .hasMessageContaining("share from 0 to 0.5")
                .hasMessageEndingWith("was -0.5");
        assertThatThrownBy(() -> new Check.FraudShare().convert("NaN")).hasMessageEndingWith("was NaN");
        assertThatThrownBy(() -> new Check.Days().convert("3661")).hasMessage("must be from 1 to 3660 days, was 3661");
    }

    @Test
    void aGateUrlIsHttpWithAHost() {
        assertThat(Check.gateUrl("http://127.0.0.1:8080").getPort()).isEqualTo(8080);
        assertThatThrownBy(() -> Check.gateUrl("not a url")).hasMessageStartingWith("--gate not a url is not a URL");
        assertThatThrownBy(() -> Check.gateUrl("ftp://host/"))
                .hasMessageStartingWith("--gate ftp://host/ is not an http URL");
    }
}
