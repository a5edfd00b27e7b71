package dev.fraudplatform.core.cases;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CasePriorityTest {

    @Test
    void theScoreAloneGivesUpToSeventy() {
        assertThat(CasePriority.of(0, 0)).isZero();
        assertThat(CasePriority.of(0.5, 0)).isEqualTo(35);
        assertThat(CasePriority.of(1, 0)).isEqualTo(70);
    }

    @Test
    void theAmountAddsUpToThirtyLogarithmicallyReachingItAtTenThousandMajorUnits() {
        assertThat(CasePriority.of(0, 999_900)).isEqualTo(30); // 9,999.00: log10(10,000) / 4 = 1
        assertThat(CasePriority.of(0, 10_000_000_00L)).isEqualTo(30);
        assertThat(CasePriority.of(0, 9_900)).isEqualTo(15); // 99.00: log10(100) / 4 = 0.5
        assertThat(CasePriority.of(1, 999_900)).isEqualTo(100);
    }

    @Test
    void aHigherScoreOrAmountNeverLowersIt() {
        int previous = -1;
        for (long amount = 0; amount < 5_000_000; amount += 12_345) {
            int p = CasePriority.of(0.4, amount);
            assertThat(p).isGreaterThanOrEqualTo(previous).isBetween(0, 100);
            previous = p;
        }
        assertThat(CasePriority.of(0.91, 100)).isGreaterThan(CasePriority.of(0.9, 100));
    }

    @Test
    void outOfRangeInputsAreClamped() {
        assertThat(CasePriority.of(7, -5)).isEqualTo(70);
        assertThat(CasePriority.of(-1, 0)).isZero();
        assertThat(CasePriority.of(Double.NaN, 0)).isZero();
    }
}
