package dev.fraudplatform.learning.evaluation;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fraudplatform.core.json.Json;
import dev.fraudplatform.decision.bundle.DecisionBundle;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The evaluation of one window (validation or test): for each score series (the bundle's combined score, the model's
 * probability alone, the rules-only baseline) its ranking metrics, operating points at 1% and 0.1% FPR, calibration
 * and curves; and for each set of thresholds (the bundle's per degrade mode, the base bundle's RULES_ONLY for the
 * baseline) what each action's threshold flags: recall, precision, false-positive rate, alerts per 1,000 transactions
 * and recall by typology. Immutable; {@link #toJson()} is deterministic.
 *
 * <p>Alert load: {@code alerts_per_1000 = 1000 * (rows scoring >= the action's threshold) / rows}, cumulative from the
 * top (a declined row is also above the review threshold); {@code band_per_1000} is the action's own share, the
 * rows between its threshold and the next higher one's: the review load of REVIEW is its band.
 *
 * @param window "validation" or "test"
 * @param positivesByTypology fraud rows per typology ({@value #UNKNOWN_TYPOLOGY} for none recorded), sorted by name
 */
public record WindowEvaluation(
        String window,
        int rows,
        int positives,
        Map<String, Integer> positivesByTypology,
        List<Series> series,
        List<Operating> operating) {

    /** The typology of fraud rows that carry none. */
    public static final String UNKNOWN_TYPOLOGY = "unknown";

    /** Bins of the score histograms and of calibration's reliability diagram. */
    public static final int HISTOGRAM_BINS = 50;

    public static final int CALIBRATION_BINS = 10;

    /** Points kept per curve for drawing. */
    public static final int CURVE_POINTS = 300;

    /** One score series' metrics on the window. */
    public record Series(
            String name,
            double rocAuc,
            double prAuc,
            Metrics.AtThreshold atOnePercentFpr,
            Metrics.AtThreshold atTenthPercentFpr,
            List<Metrics.CalibrationBin> calibration,
            double expectedCalibrationError,
            List<Metrics.Point> roc,
            List<Metrics.Point> precisionRecall,
            long[] fraudHistogram,
            long[] legitimateHistogram) {}

    /** One action's threshold of one set of thresholds, applied to one series, with recall by typology. */
    public record ActionPoint(String action, Metrics.AtThreshold at, Map<String, Double> recallByTypology) {}

    /** A set of thresholds (e.g. the bundle's FULL ones) applied to a series. */
    public record Operating(String name, String series, List<ActionPoint> actions) {}

    /**
     * Evaluates a window. Every array is indexed by the window's rows.
     *
     * @param scores named score series, in the order reported (e.g. bundle, model, rules)
     * @param thresholds named sets of thresholds, each with the series it applies to
     * @param labels 1 fraud, 0 legitimate; both classes present
     * @param typologies each row's typology, null for none
     */
    public static WindowEvaluation evaluate(
            String window,
            Map<String, double[]> scores,
            Map<String, Map.Entry<String, DecisionBundle.Thresholds>> thresholds,
            int[] labels,
            String[] typologies) {
        int positives = 0;
        Map<String, Integer> byTypology = new TreeMap<>();
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] == 1) {
                positives++;
                byTypology.merge(typology(typologies[i]), 1, Integer::sum);
            }
        }
        List<Series> series = new ArrayList<>();
        for (Map.Entry<String, double[]> e : scores.entrySet()) {
            double[] s = e.getValue();
            List<Metrics.CalibrationBin> calibration = Metrics.calibration(s, labels, CALIBRATION_BINS);
            series.add(new Series(
                    e.getKey(),
                    Metrics.rocAuc(s, labels),
                    Metrics.prAuc(s, labels),
                    Metrics.atFalsePositiveRate(s, labels, 0.01),
                    Metrics.atFalsePositiveRate(s, labels, 0.001),
                    calibration,
                    Metrics.expectedCalibrationError(calibration),
                    Metrics.rocCurve(s, labels, CURVE_POINTS),
                    Metrics.precisionRecallCurve(s, labels, CURVE_POINTS),
                    Metrics.histogram(Metrics.fraud(s, labels), HISTOGRAM_BINS),
                    Metrics.histogram(Metrics.legitimate(s, labels), HISTOGRAM_BINS)));
        }
        List<Operating> operating = new ArrayList<>();
        for (Map.Entry<String, Map.Entry<String, DecisionBundle.Thresholds>> e : thresholds.entrySet()) {
            String seriesName = e.getValue().getKey();
            double[] s = scores.get(seriesName);
            if (s == null)
                throw new IllegalArgumentException("thresholds " + e.getKey() + " name no series " + seriesName);
            DecisionBundle.Thresholds t = e.getValue().getValue();
            List<ActionPoint> actions = List.of(
                    point("DECLINE", s, labels, typologies, t.decline(), byTypology),
                    point("REVIEW", s, labels, typologies, t.review(), byTypology),
                    point("STEP_UP", s, labels, typologies, t.stepUp(), byTypology));
            operating.add(new Operating(e.getKey(), seriesName, actions));
        }
        return new WindowEvaluation(window, labels.length, positives, byTypology, series, operating);
    }

    /**
     * What the rows scoring at or above {@code threshold} are: the action and everything above it (a row declined is
     * also a row the review threshold would have flagged), so recall and alert load are cumulative from the top.
     */
    private static ActionPoint point(
            String action,
            double[] s,
            int[] labels,
            String[] typologies,
            double threshold,
            Map<String, Integer> byTypology) {
        Map<String, Integer> caught = new TreeMap<>();
        for (int i = 0; i < s.length; i++)
            if (labels[i] == 1 && s[i] >= threshold) caught.merge(typology(typologies[i]), 1, Integer::sum);
        Map<String, Double> recall = new LinkedHashMap<>();
        byTypology.forEach((k, n) -> recall.put(k, (double) caught.getOrDefault(k, 0) / n));
        return new ActionPoint(action, Metrics.at(s, labels, threshold), recall);
    }

    private static String typology(String t) {
        return t == null || t.isEmpty() ? UNKNOWN_TYPOLOGY : t;
    }

    /** The series of this name. */
    public Series series(String name) {
        for (Series s : series) if (s.name().equals(name)) return s;
        throw new IllegalArgumentException("no series " + name);
    }

    /** The operating points of the thresholds of this name. */
    public Operating operating(String name) {
        for (Operating o : operating) if (o.name().equals(name)) return o;
        throw new IllegalArgumentException("no thresholds " + name);
    }

    /** The full evaluation as JSON: metrics, operating points, calibration, histograms and curves. */
    public ObjectNode toJson() {
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.put("window", window);
        n.put("rows", rows);
        n.put("positives", positives);
        ObjectNode typ = n.putObject("positives_by_typology");
        positivesByTypology.forEach(typ::put);
        ObjectNode ser = n.putObject("series");
        for (Series s : series) {
            ObjectNode o = ser.putObject(s.name());
            number(o, "roc_auc", s.rocAuc());
            number(o, "pr_auc", s.prAuc());
            o.set("at_1pct_fpr", at(s.atOnePercentFpr()));
            o.set("at_0_1pct_fpr", at(s.atTenthPercentFpr()));
            number(o, "expected_calibration_error", s.expectedCalibrationError());
            ArrayNode cal = o.putArray("calibration");
            for (Metrics.CalibrationBin b : s.calibration()) {
                ObjectNode c = cal.addObject();
                number(c, "from", b.from());
                number(c, "to", b.to());
                c.put("rows", b.rows());
                number(c, "mean_score", b.meanScore());
                number(c, "fraud_rate", b.fraudRate());
            }
            o.set("fraud_histogram", longs(s.fraudHistogram()));
            o.set("legitimate_histogram", longs(s.legitimateHistogram()));
            o.set("roc_curve", points(s.roc()));
            o.set("precision_recall_curve", points(s.precisionRecall()));
        }
        ObjectNode ops = n.putObject("thresholds");
        for (Operating op : operating) {
            ObjectNode o = ops.putObject(op.name());
            o.put("series", op.series());
            double above = 0;
            for (ActionPoint a : op.actions()) {
                ObjectNode p = at(a.at());
                number(p, "band_per_1000", Math.max(0, a.at().alertsPer1000() - above));
                above = Math.max(above, a.at().alertsPer1000());
                ObjectNode r = p.putObject("recall_by_typology");
                a.recallByTypology().forEach((k, v) -> number(r, k, v));
                o.set(a.action().toLowerCase(java.util.Locale.ROOT), p);
            }
        }
        return n;
    }

    /** The headline numbers only (for a bundle's evidence): per series AUCs and recall at 1% and 0.1% FPR. */
    public ObjectNode summaryJson() {
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.put("rows", rows);
        n.put("positives", positives);
        for (Series s : series) {
            ObjectNode o = n.putObject(s.name());
            number(o, "roc_auc", s.rocAuc());
            number(o, "pr_auc", s.prAuc());
            number(o, "recall_at_1pct_fpr", s.atOnePercentFpr().recall());
            number(o, "recall_at_0_1pct_fpr", s.atTenthPercentFpr().recall());
        }
        for (Operating op : operating) {
            ObjectNode o = n.putObject("thresholds_" + op.name());
            double above = 0;
            for (ActionPoint a : op.actions()) {
                ObjectNode p = o.putObject(a.action().toLowerCase(java.util.Locale.ROOT));
                number(p, "threshold", a.at().threshold());
                number(p, "recall", a.at().recall());
                number(p, "false_positive_rate", a.at().falsePositiveRate());
                number(p, "alerts_per_1000", a.at().alertsPer1000());
                number(p, "band_per_1000", Math.max(0, a.at().alertsPer1000() - above));
                above = Math.max(above, a.at().alertsPer1000());
            }
        }
        return n;
    }

    private static ObjectNode at(Metrics.AtThreshold a) {
        ObjectNode o = Json.MAPPER.createObjectNode();
        number(o, "threshold", a.threshold());
        o.put("flagged", a.flagged());
        o.put("true_positives", a.truePositives());
        o.put("false_positives", a.falsePositives());
        number(o, "recall", a.recall());
        number(o, "precision", a.precision());
        number(o, "false_positive_rate", a.falsePositiveRate());
        number(o, "alerts_per_1000", a.alertsPer1000());
        return o;
    }

    /** A number, or null where JSON has none (NaN, infinities: an empty bin, a threshold below every score). */
    static void number(ObjectNode o, String key, double v) {
        if (Double.isFinite(v)) o.put(key, v);
        else o.putNull(key);
    }

    private static ArrayNode longs(long[] values) {
        ArrayNode a = Json.MAPPER.createArrayNode();
        for (long v : values) a.add(v);
        return a;
    }

    private static ArrayNode points(List<Metrics.Point> points) {
        ArrayNode a = Json.MAPPER.createArrayNode();
        for (Metrics.Point p : points) {
            ArrayNode xy = a.addArray();
            xy.add(p.x());
            xy.add(p.y());
        }
        return a;
    }
}
