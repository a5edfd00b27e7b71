package dev.fraudplatform.learning.evaluation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fraudplatform.core.decision.DecisionAction;
import dev.fraudplatform.decision.bundle.DecisionBundle;
import org.junit.jupiter.api.Test;

class ThresholdPolicyTest {
    // Ten legitimate scores on the fabric's 6-decimal grid.
    private static final double[] LEGIT = {0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0};

    @Test
    void eachActionsThresholdIsTheNextGridScoreAboveTheKPlusFirstLegitimateScore() {
        ThresholdPolicy.Targets targets = new ThresholdPolicy.Targets(0.0, 0.1, 0.35);

        DecisionBundle.Thresholds t = targets.choose(LEGIT, 0.1);

        // decline: k = 0, l_1 = 1.0; review: k = 1, l_2 = 0.9; step-up: k = 3, l_4 = 0.7
        assertThat(t.decline()).isEqualTo(1.000001);
        assertThat(t.review()).isEqualTo(0.900001);
        assertThat(t.stepUp()).isEqualTo(0.700001);
        // and the fabric's actions at those thresholds flag at most k legitimate rows each
        long reviewed = java.util.Arrays.stream(LEGIT)
                .filter(s -> t.actionFor(s) != DecisionAction.APPROVE)
                .count();
        assertThat(reviewed).isEqualTo(3);
        assertThat(t.actionFor(0.9)).isEqualTo(DecisionAction.STEP_UP);
        assertThat(t.actionFor(0.900001)).isEqualTo(DecisionAction.REVIEW);
    }

    @Test
    void tiesFallBelowTheThresholdAndATargetOfEverythingTakesTheLowestScore() {
        double[] tied = {0.5, 0.5, 0.5, 0.2};
        assertThat(ThresholdPolicy.threshold(sorted(tied), 0.25, 0.2)).isEqualTo(0.500001);
        assertThat(ThresholdPolicy.threshold(sorted(tied), 1.0, 0.05)).isEqualTo(0.05);
    }

    @Test
    void theCombinedScoreIsTheFabricsRoundedToSixDecimals() {
        assertThat(ThresholdPolicy.combined(0.7, 0.123456789, 0.45)).isEqualTo(0.221420);
        assertThat(ThresholdPolicy.round6(0.4999995)).isEqualTo(0.5);
    }

    @Test
    void targetsOutOfOrderOrRangeAreRefused() {
        assertThatThrownBy(() -> new ThresholdPolicy.Targets(0.01, 0.001, 0.03))
                .hasMessageContaining("decline <= review <= step-up");
        assertThatThrownBy(() -> new ThresholdPolicy.Targets(-0.1, 0.1, 0.2)).hasMessageContaining("[0, 1]");
    }

    private static double[] sorted(double[] a) {
        double[] s = a.clone();
        java.util.Arrays.sort(s);
        return s;
    }
}
