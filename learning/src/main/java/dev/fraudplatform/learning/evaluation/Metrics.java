package dev.fraudplatform.learning.evaluation;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Ranking and calibration metrics of scores against 0/1 labels (1 = fraud), as pure functions. Higher score = more
 * likely fraud. Every function refuses arrays of different lengths; those needing both classes refuse one class.
 * Ties are handled exactly (a threshold never separates equal scores).
 */
public final class Metrics {
    private Metrics() {}

    /**
     * ROC-AUC: the probability that a random fraud scores above a random legitimate row, ties counting one half
     * (Mann-Whitney): {@code AUC = (sum of fraud ranks - P(P+1)/2) / (P * N)}, ranks 1-based ascending with ties given
     * their average rank.
     */
    public static double rocAuc(double[] scores, int[] labels) {
        check(scores, labels, true);
        int n = scores.length;
        Integer[] order = ascending(scores);
        double fraudRankSum = 0;
        long positives = 0;
        int i = 0;
        while (i < n) {
            int j = i;
            while (j + 1 < n && scores[order[j + 1]] == scores[order[i]]) j++;
            double averageRank = (i + 1 + j + 1) / 2.0;
            for (int k = i; k <= j; k++) {
                if (labels[order[k]] == 1) {
                    fraudRankSum += averageRank;
                    positives++;
                }
            }
            i = j + 1;
        }
        long negatives = n - positives;
        return (fraudRankSum - positives * (positives + 1) / 2.0) / ((double) positives * negatives);
    }

    /**
     * PR-AUC as average precision: {@code AP = sum over distinct thresholds t, descending, of (R(t) - R(t_prev)) *
     * P(t)}, where at threshold {@code t} the rows scoring {@code >= t} are flagged, {@code R} is recall and {@code P}
     * precision (scikit-learn's {@code average_precision_score}).
     */
    public static double prAuc(double[] scores, int[] labels) {
        check(scores, labels, true);
        Integer[] order = ascending(scores);
        int n = scores.length;
        long positives = 0;
        for (int l : labels) positives += l;
        double ap = 0;
        long tp = 0;
        long flagged = 0;
        double previousRecall = 0;
        int i = n - 1;
        while (i >= 0) {
            int j = i;
            while (j - 1 >= 0 && scores[order[j - 1]] == scores[order[i]]) j--;
            for (int k = j; k <= i; k++) tp += labels[order[k]];
            flagged += i - j + 1;
            double recall = (double) tp / positives;
            ap += (recall - previousRecall) * ((double) tp / flagged);
            previousRecall = recall;
            i = j - 1;
        }
        return ap;
    }

    /** What flagging the rows scoring {@code >= threshold} gives: counts, rates and the alert load. */
    public record AtThreshold(
            double threshold, long flagged, long truePositives, long falsePositives, long positives, long negatives) {
        public double recall() {
            return positives == 0 ? 0 : (double) truePositives / positives;
        }

        public double falsePositiveRate() {
            return negatives == 0 ? 0 : (double) falsePositives / negatives;
        }

        /** Precision; 0 when nothing is flagged. */
        public double precision() {
            return flagged == 0 ? 0 : (double) truePositives / flagged;
        }

        /** Alerts per 1,000 transactions: {@code 1000 * flagged / rows}. */
        public double alertsPer1000() {
            long rows = positives + negatives;
            return rows == 0 ? 0 : 1000.0 * flagged / rows;
        }
    }

    /** Flags the rows scoring {@code >= threshold}. */
    public static AtThreshold at(double[] scores, int[] labels, double threshold) {
        check(scores, labels, false);
        long flagged = 0;
        long tp = 0;
        long positives = 0;
        for (int i = 0; i < scores.length; i++) {
            positives += labels[i];
            if (scores[i] >= threshold) {
                flagged++;
                tp += labels[i];
            }
        }
        return new AtThreshold(threshold, flagged, tp, flagged - tp, positives, scores.length - positives);
    }

    /**
     * The operating point at a false-positive-rate target {@code f}: the lowest threshold at which at most {@code
     * floor(f * N)} of the {@code N} legitimate rows are flagged. With {@code l_1 >= ... >= l_N} the legitimate scores
     * and {@code k = floor(f * N)}: every row scoring above {@code l_(k+1)} is flagged (all rows when {@code k >= N}).
     * Its recall is the recall at {@code f} FPR.
     */
    public static AtThreshold atFalsePositiveRate(double[] scores, int[] labels, double f) {
        check(scores, labels, true);
        double[] legit = legitimate(scores, labels);
        Arrays.sort(legit);
        int n = legit.length;
        long k = (long) Math.floor(f * n);
        double threshold = k >= n ? Double.NEGATIVE_INFINITY : Math.nextUp(legit[(int) (n - 1 - k)]);
        return at(scores, labels, threshold);
    }

    /** The scores of the legitimate rows (label 0), in row order. */
    public static double[] legitimate(double[] scores, int[] labels) {
        check(scores, labels, false);
        return select(scores, labels, 0);
    }

    /** The scores of the fraud rows (label 1), in row order. */
    public static double[] fraud(double[] scores, int[] labels) {
        check(scores, labels, false);
        return select(scores, labels, 1);
    }

    private static double[] select(double[] scores, int[] labels, int label) {
        int n = 0;
        for (int l : labels) if (l == label) n++;
        double[] out = new double[n];
        int j = 0;
        for (int i = 0; i < scores.length; i++) if (labels[i] == label) out[j++] = scores[i];
        return out;
    }

    /** One reliability bin: scores in {@code [from, to)} (the last bin includes 1), how many, their mean, the fraud rate. */
    public record CalibrationBin(double from, double to, long rows, double meanScore, double fraudRate) {}

    /**
     * Reliability bins: {@code bins} equal-width bins over [0, 1]; a score {@code s} falls in bin {@code min(bins - 1,
     * floor(s * bins))} (scores outside [0, 1] are clamped). Empty bins are listed with 0 rows and NaN mean and rate.
     */
    public static List<CalibrationBin> calibration(double[] scores, int[] labels, int bins) {
        check(scores, labels, false);
        if (bins < 1) throw new IllegalArgumentException("bins must be positive");
        long[] rows = new long[bins];
        double[] sum = new double[bins];
        long[] fraud = new long[bins];
        for (int i = 0; i < scores.length; i++) {
            double s = Math.min(1, Math.max(0, scores[i]));
            int b = Math.min(bins - 1, (int) Math.floor(s * bins));
            rows[b]++;
            sum[b] += scores[i];
            fraud[b] += labels[i];
        }
        List<CalibrationBin> out = new ArrayList<>(bins);
        for (int b = 0; b < bins; b++) {
            out.add(new CalibrationBin(
                    (double) b / bins,
                    (double) (b + 1) / bins,
                    rows[b],
                    rows[b] == 0 ? Double.NaN : sum[b] / rows[b],
                    rows[b] == 0 ? Double.NaN : (double) fraud[b] / rows[b]));
        }
        return out;
    }

    /**
     * Expected calibration error over the bins: {@code sum over bins of rows_b / rows * |meanScore_b - fraudRate_b|}.
     */
    public static double expectedCalibrationError(List<CalibrationBin> bins) {
        long total = 0;
        for (CalibrationBin b : bins) total += b.rows();
        if (total == 0) return 0;
        double e = 0;
        for (CalibrationBin b : bins)
            if (b.rows() > 0) e += (double) b.rows() / total * Math.abs(b.meanScore() - b.fraudRate());
        return e;
    }

    /** One point of a curve. */
    public record Point(double x, double y) {}

    /**
     * The ROC curve (x = false-positive rate, y = recall) at every distinct score, from (0, 0) to (1, 1); for drawing,
     * with more than {@code maxPoints} points it keeps both ends and each point at least {@code 1 / maxPoints} from the
     * last kept one in x or y (at most about {@code 2 * maxPoints} points).
     */
    public static List<Point> rocCurve(double[] scores, int[] labels, int maxPoints) {
        return curve(scores, labels, maxPoints, true);
    }

    /** The precision-recall curve (x = recall, y = precision) at every distinct score, thinned as {@link #rocCurve}. */
    public static List<Point> precisionRecallCurve(double[] scores, int[] labels, int maxPoints) {
        return curve(scores, labels, maxPoints, false);
    }

    private static List<Point> curve(double[] scores, int[] labels, int maxPoints, boolean roc) {
        check(scores, labels, true);
        Integer[] order = ascending(scores);
        int n = scores.length;
        long positives = 0;
        for (int l : labels) positives += l;
        long negatives = n - positives;
        List<Point> all = new ArrayList<>();
        if (roc) all.add(new Point(0, 0));
        long tp = 0;
        long flagged = 0;
        int i = n - 1;
        while (i >= 0) {
            int j = i;
            while (j - 1 >= 0 && scores[order[j - 1]] == scores[order[i]]) j--;
            for (int k = j; k <= i; k++) tp += labels[order[k]];
            flagged += i - j + 1;
            double recall = (double) tp / positives;
            if (roc) all.add(new Point((double) (flagged - tp) / negatives, recall));
            else all.add(new Point(recall, (double) tp / flagged));
            i = j - 1;
        }
        if (all.size() <= maxPoints || maxPoints < 2) return all;
        // Kept where the curve has moved 1/maxPoints in x or y since the last kept point: detail where it bends.
        double step = 1.0 / maxPoints;
        List<Point> thin = new ArrayList<>();
        Point last = all.get(0);
        thin.add(last);
        for (int p = 1; p < all.size() - 1; p++) {
            Point q = all.get(p);
            if (Math.abs(q.x() - last.x()) >= step || Math.abs(q.y() - last.y()) >= step) {
                thin.add(q);
                last = q;
            }
        }
        thin.add(all.get(all.size() - 1));
        return thin;
    }

    /** A histogram of scores over [0, 1] in {@code bins} equal bins (as {@link #calibration} bins them): counts. */
    public static long[] histogram(double[] scores, int bins) {
        long[] out = new long[bins];
        for (double v : scores) {
            double s = Math.min(1, Math.max(0, v));
            out[Math.min(bins - 1, (int) Math.floor(s * bins))]++;
        }
        return out;
    }

    private static Integer[] ascending(double[] scores) {
        Integer[] order = new Integer[scores.length];
        for (int i = 0; i < order.length; i++) order[i] = i;
        Arrays.sort(order, (a, b) -> Double.compare(scores[a], scores[b]));
        return order;
    }

    private static void check(double[] scores, int[] labels, boolean bothClasses) {
        if (scores.length != labels.length)
            throw new IllegalArgumentException(scores.length + " scores for " + labels.length + " labels");
        if (!bothClasses) return;
        long positives = 0;
        for (int l : labels) {
            if (l != 0 && l != 1) throw new IllegalArgumentException("labels are 0 or 1, not " + l);
            positives += l;
        }
        if (positives == 0 || positives == labels.length)
            throw new IllegalArgumentException("one class only: " + positives + " fraud of " + labels.length + " rows");
    }
}
