package dev.fraudplatform.learning.evaluation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Every metric against cases computed by hand. */
class MetricsTest {
    private static final double E = 1e-12;

    // Two legitimate rows (0.1, 0.4) and two frauds (0.35, 0.8).
    private static final double[] S = {0.1, 0.4, 0.35, 0.8};
    private static final int[] L = {0, 0, 1, 1};

    @Test
    void rocAucIsTheShareOfFraudLegitimatePairsInOrder() {
        // pairs: 0.35>0.1 yes, 0.35>0.4 no, 0.8>0.1 yes, 0.8>0.4 yes: 3 of 4
        assertThat(Metrics.rocAuc(S, L)).isCloseTo(0.75, within(E));
        // a tie counts one half: fraud 0.5 vs legit 0.5 (1/2) and vs 0.2 (1): 1.5 of 2
        assertThat(Metrics.rocAuc(new double[] {0.5, 0.5, 0.2}, new int[] {1, 0, 0}))
                .isCloseTo(0.75, within(E));
        assertThat(Metrics.rocAuc(new double[] {0.9, 0.1}, new int[] {1, 0})).isEqualTo(1.0);
        assertThat(Metrics.rocAuc(new double[] {0.1, 0.9}, new int[] {1, 0})).isEqualTo(0.0);
    }

    @Test
    void prAucIsAveragePrecision() {
        // 0.8 (fraud): R 1/2, P 1 -> 0.5; 0.4 (legit): R unchanged; 0.35 (fraud): R 1, P 2/3 -> 1/3. AP = 5/6.
        assertThat(Metrics.prAuc(S, L)).isCloseTo(5.0 / 6, within(E));
        // tied at 0.5, a fraud and a legit row flagged together: R 1, P 1/2
        assertThat(Metrics.prAuc(new double[] {0.5, 0.5, 0.2}, new int[] {1, 0, 0}))
                .isCloseTo(0.5, within(E));
    }

    // Ten legitimate rows 0.0 .. 0.9 and four frauds.
    private static final double[] S2 = {0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.85, 0.55, 0.05};
    private static final int[] L2 = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1};

    @Test
    void recallAtAFalsePositiveRateFlagsWhatScoresAboveTheKPlusFirstLegitimateScore() {
        // f = 10%: k = 1, l_2 = 0.8: flagged 0.9 (legit), 0.95, 0.85 (fraud)
        Metrics.AtThreshold tenth = Metrics.atFalsePositiveRate(S2, L2, 0.10);
        assertThat(tenth.recall()).isEqualTo(0.5);
        assertThat(tenth.falsePositiveRate()).isEqualTo(0.1);
        assertThat(tenth.precision()).isCloseTo(2.0 / 3, within(E));
        assertThat(tenth.alertsPer1000()).isCloseTo(1000.0 * 3 / 14, within(E));
        // f = 5%: k = floor(0.5) = 0: only what is above every legitimate score
        Metrics.AtThreshold five = Metrics.atFalsePositiveRate(S2, L2, 0.05);
        assertThat(five.recall()).isEqualTo(0.25);
        assertThat(five.falsePositives()).isZero();
        // f = 35%: k = 3, l_4 = 0.6: flagged 0.7, 0.8, 0.9 and 0.95, 0.85
        Metrics.AtThreshold third = Metrics.atFalsePositiveRate(S2, L2, 0.35);
        assertThat(third.recall()).isEqualTo(0.5);
        assertThat(third.falsePositiveRate()).isCloseTo(0.3, within(E));
        // f = 100%: everything
        assertThat(Metrics.atFalsePositiveRate(S2, L2, 1.0).recall()).isEqualTo(1.0);
    }

    @Test
    void aThresholdNeverSeparatesTies() {
        // three legit rows tied at 0.5; f = 1/3 allows one false positive, but a tie cannot be split: none flagged
        Metrics.AtThreshold at =
                Metrics.atFalsePositiveRate(new double[] {0.5, 0.5, 0.5, 0.5}, new int[] {0, 0, 0, 1}, 1.0 / 3);
        assertThat(at.flagged()).isZero();
        assertThat(Metrics.at(new double[] {0.5, 0.5, 0.4}, new int[] {1, 0, 0}, 0.5)
                        .flagged())
                .isEqualTo(2);
    }

    @Test
    void calibrationBinsByScoreWithMeansAndFraudRates() {
        double[] s = {0.05, 0.15, 0.12, 0.95, 1.0};
        int[] l = {0, 0, 1, 1, 1};
        List<Metrics.CalibrationBin> bins = Metrics.calibration(s, l, 10);
        assertThat(bins).hasSize(10);
        assertThat(bins.get(0).rows()).isEqualTo(1);
        assertThat(bins.get(0).fraudRate()).isEqualTo(0.0);
        assertThat(bins.get(1).rows()).isEqualTo(2);
        assertThat(bins.get(1).meanScore()).isCloseTo(0.135, within(E));
        assertThat(bins.get(1).fraudRate()).isEqualTo(0.5);
        assertThat(bins.get(9).rows()).as("1.0 falls in the last bin").isEqualTo(2);
        assertThat(bins.get(5).rows()).isZero();
        assertThat(bins.get(5).meanScore()).isNaN();
        // ECE = 1/5*|0.05-0| + 2/5*|0.135-0.5| + 2/5*|0.975-1|
        assertThat(Metrics.expectedCalibrationError(bins))
                .isCloseTo(0.2 * 0.05 + 0.4 * 0.365 + 0.4 * 0.025, within(1e-9));
    }

    @Test
    void curvesRunFromTheOriginToTheCornerAndAreThinnedForDrawing() {
        List<Metrics.Point> roc = Metrics.rocCurve(S, L, 100);
        assertThat(roc)
                .containsExactly(
                        new Metrics.Point(0, 0),
                        new Metrics.Point(0, 0.5),
                        new Metrics.Point(0.5, 0.5),
                        new Metrics.Point(0.5, 1),
                        new Metrics.Point(1, 1));
        assertThat(Metrics.precisionRecallCurve(S, L, 100).get(0)).isEqualTo(new Metrics.Point(0.5, 1));
        double[] many = new double[10_000];
        int[] labels = new int[10_000];
        for (int i = 0; i < many.length; i++) {
            many[i] = i / 10_000.0;
            labels[i] = i % 3 == 0 ? 1 : 0;
        }
        List<Metrics.Point> thin = Metrics.rocCurve(many, labels, 50);
        assertThat(thin.size()).isBetween(50, 102);
        assertThat(thin.get(thin.size() - 1)).isEqualTo(new Metrics.Point(1, 1));
    }

    @Test
    void oneClassOrMismatchedLengthsAreRefused() {
        assertThatThrownBy(() -> Metrics.rocAuc(new double[] {0.1, 0.2}, new int[] {0, 0}))
                .hasMessageContaining("one class only");
        assertThatThrownBy(() -> Metrics.prAuc(new double[] {0.1}, new int[] {0, 1}))
                .hasMessageContaining("1 scores for 2 labels");
    }
}
