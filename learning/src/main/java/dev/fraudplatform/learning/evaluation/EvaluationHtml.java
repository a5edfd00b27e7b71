package dev.fraudplatform.learning.evaluation;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * {@code evaluation.html}: one self-contained page (inline CSS and SVG, no scripts, nothing fetched) showing an
 * {@link EvaluationReport}: headline metrics per window and series, the chosen thresholds with their recall, false
 * positive rate and alert load, recall by typology, and charts: ROC (whole and zoomed to FPR &lt;= 5%),
 * precision-recall, score distributions of fraud and legitimate rows, recall by typology, and calibration. Every string
 * from the report is HTML-escaped. Deterministic: the same report gives the same page.
 */
public final class EvaluationHtml {
    private static final String[] COLOURS = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b"};
    private static final int W = 440;
    private static final int H = 300;
    private static final int PAD_LEFT = 50;
    private static final int PAD_BOTTOM = 40;
    private static final int PAD_TOP = 28;
    private static final int PAD_RIGHT = 12;

    private EvaluationHtml() {}

    /** The page. */
    public static String render(EvaluationReport r) {
        StringBuilder h = new StringBuilder(64 * 1024);
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">");
        h.append("<title>Model Factory evaluation")
                .append(r.bundleId() == null ? "" : " — " + escape(r.bundleId()))
                .append("</title>");
        h.append("<style>body{font-family:system-ui,sans-serif;margin:24px;color:#222;max-width:1000px}"
                + "table{border-collapse:collapse;margin:8px 0 16px}td,th{border:1px solid #ccc;padding:3px 8px;"
                + "text-align:right}th{background:#f4f4f4}td:first-child,th:first-child{text-align:left}"
                + "code{font-size:12px}svg{margin:4px 12px 12px 0;background:#fff;border:1px solid #ddd}"
                + ".charts{display:flex;flex-wrap:wrap}</style></head><body>\n");
        h.append("<h1>Model Factory evaluation")
                .append(r.bundleId() == null ? "" : ": " + escape(r.bundleId()))
                .append("</h1>\n");
        h.append("<p>Dataset digest <code>").append(escape(r.datasetDigest())).append("</code>. ");
        h.append("Largest difference between the platform's evaluator and XGBoost: ")
                .append(fmt(r.evaluatorDifference(), "%.2e"))
                .append(".</p>\n");
        h.append("<p>Series: <b>bundle</b> is the Decision Fabric's score <code>round6(w·p + (1−w)·rules)</code> on "
                + "which the thresholds act; <b>model</b> is <code>p</code> alone; <b>rules</b> is the rules-only "
                + "bundle's score, the baseline. Thresholds were chosen on the validation window and are judged on "
                + "the test window, which neither training nor threshold choice saw.</p>\n");

        h.append("<h2>Windows</h2>\n<table><tr><th>window</th><th>from</th><th>to (exclusive)</th><th>rows</th>"
                + "<th>fraud</th></tr>");
        r.split()
                .fields()
                .forEachRemaining(e -> h.append("<tr><td>")
                        .append(escape(e.getKey()))
                        .append("</td><td>")
                        .append(escape(instant(e.getValue().path("from_ms").asLong())))
                        .append("</td><td>")
                        .append(escape(instant(e.getValue().path("to_ms").asLong())))
                        .append("</td><td>")
                        .append(e.getValue().path("rows").asLong())
                        .append("</td><td>")
                        .append(e.getValue().path("positives").asLong())
                        .append("</td></tr>"));
        h.append("</table>\n");

        h.append("<h2>Thresholds</h2>\n<table><tr><th>mode</th><th>decline</th><th>review</th><th>step-up</th></tr>");
        r.thresholds()
                .forEach((mode, t) -> h.append("<tr><td>")
                        .append(escape(mode))
                        .append("</td><td>")
                        .append(fmt(t.decline(), "%.6f"))
                        .append("</td><td>")
                        .append(fmt(t.review(), "%.6f"))
                        .append("</td><td>")
                        .append(fmt(t.stepUp(), "%.6f"))
                        .append("</td></tr>"));
        h.append("</table>\n");

        for (WindowEvaluation w : List.of(r.test(), r.validation())) window(h, w);
        h.append("<details><summary>Training config</summary><pre>")
                .append(escape(r.trainingConfig().toPrettyString()))
                .append("</pre></details>\n");
        h.append("</body></html>\n");
        return h.toString();
    }

    private static void window(StringBuilder h, WindowEvaluation w) {
        h.append("<h2>")
                .append(escape(w.window()))
                .append(" window: ")
                .append(w.rows())
                .append(" rows, ")
                .append(w.positives())
                .append(" fraud</h2>\n");
        h.append("<table><tr><th>series</th><th>ROC-AUC</th><th>PR-AUC</th><th>recall at 1% FPR</th>"
                + "<th>recall at 0.1% FPR</th><th>alerts/1000 at 1% FPR</th><th>calibration error</th></tr>");
        for (WindowEvaluation.Series s : w.series()) {
            h.append("<tr><td>").append(escape(s.name())).append("</td><td>");
            h.append(fmt(s.rocAuc(), "%.4f")).append("</td><td>").append(fmt(s.prAuc(), "%.4f"));
            h.append("</td><td>").append(fmt(s.atOnePercentFpr().recall(), "%.4f"));
            h.append("</td><td>").append(fmt(s.atTenthPercentFpr().recall(), "%.4f"));
            h.append("</td><td>").append(fmt(s.atOnePercentFpr().alertsPer1000(), "%.2f"));
            h.append("</td><td>")
                    .append(fmt(s.expectedCalibrationError(), "%.4f"))
                    .append("</td></tr>");
        }
        h.append("</table>\n");

        h.append("<table><tr><th>thresholds</th><th>action</th><th>threshold</th><th>recall</th><th>precision</th>"
                + "<th>FPR</th><th>alerts/1000 (at or above)</th><th>alerts/1000 (this action)</th></tr>");
        for (WindowEvaluation.Operating op : w.operating()) {
            double above = 0;
            for (WindowEvaluation.ActionPoint a : op.actions()) {
                Metrics.AtThreshold at = a.at();
                h.append("<tr><td>").append(escape(op.name())).append(" (").append(escape(op.series()));
                h.append(")</td><td>").append(escape(a.action())).append("</td><td>");
                h.append(fmt(at.threshold(), "%.6f")).append("</td><td>").append(fmt(at.recall(), "%.4f"));
                h.append("</td><td>").append(fmt(at.precision(), "%.4f")).append("</td><td>");
                h.append(fmt(at.falsePositiveRate(), "%.5f")).append("</td><td>");
                h.append(fmt(at.alertsPer1000(), "%.2f")).append("</td><td>");
                h.append(fmt(Math.max(0, at.alertsPer1000() - above), "%.2f")).append("</td></tr>");
                above = Math.max(above, at.alertsPer1000());
            }
        }
        h.append("</table>\n");

        TreeSet<String> typologies = new TreeSet<>(w.positivesByTypology().keySet());
        h.append("<table><tr><th>recall by typology</th>");
        for (String t : typologies)
            h.append("<th>")
                    .append(escape(t))
                    .append(" (")
                    .append(w.positivesByTypology().get(t))
                    .append(")</th>");
        h.append("</tr>");
        for (WindowEvaluation.Operating op : w.operating()) {
            for (WindowEvaluation.ActionPoint a : op.actions()) {
                h.append("<tr><td>")
                        .append(escape(op.name() + " " + a.action()))
                        .append("</td>");
                for (String t : typologies)
                    h.append("<td>")
                            .append(fmt(a.recallByTypology().getOrDefault(t, 0.0), "%.3f"))
                            .append("</td>");
                h.append("</tr>");
            }
        }
        h.append("</table>\n<div class=\"charts\">");

        Map<String, List<Metrics.Point>> roc = new LinkedHashMap<>();
        Map<String, List<Metrics.Point>> pr = new LinkedHashMap<>();
        for (WindowEvaluation.Series s : w.series()) {
            roc.put(s.name(), s.roc());
            pr.put(s.name(), s.precisionRecall());
        }
        h.append(lineChart("ROC (" + w.window() + ")", "false-positive rate", "recall", roc, 1, 1, true));
        h.append(lineChart("ROC, FPR ≤ 5% (" + w.window() + ")", "false-positive rate", "recall", roc, 0.05, 1, true));
        h.append(lineChart("Precision-recall (" + w.window() + ")", "recall", "precision", pr, 1, 1, false));
        WindowEvaluation.Series bundle = w.series().get(0);
        h.append(distribution("Score distribution, " + bundle.name() + " (" + w.window() + ")", bundle));
        h.append(typologyBars(w));
        h.append(calibration(w));
        h.append("</div>\n");
    }

    /** Lines over [0, xMax] x [0, yMax]; points outside are clipped to the frame. */
    static String lineChart(
            String title,
            String xLabel,
            String yLabel,
            Map<String, List<Metrics.Point>> lines,
            double xMax,
            double yMax,
            boolean diagonal) {
        StringBuilder s = frame(title, xLabel, yLabel, xMax, yMax);
        if (diagonal)
            s.append(polyline(
                    List.of(new Metrics.Point(0, 0), new Metrics.Point(xMax, xMax)), xMax, yMax, "#bbb", true));
        int c = 0;
        for (Map.Entry<String, List<Metrics.Point>> e : lines.entrySet()) {
            List<Metrics.Point> clipped = new ArrayList<>();
            for (Metrics.Point p : e.getValue()) {
                if (p.x() > xMax) {
                    clipped.add(new Metrics.Point(xMax, p.y()));
                    break;
                }
                clipped.add(p);
            }
            String colour = COLOURS[c % COLOURS.length];
            s.append(polyline(clipped, xMax, yMax, colour, false));
            legend(s, c, e.getKey(), colour);
            c++;
        }
        return s.append("</svg>").toString();
    }

    private static String distribution(String title, WindowEvaluation.Series series) {
        long[] fraud = series.fraudHistogram();
        long[] legit = series.legitimateHistogram();
        double[] f = share(fraud);
        double[] l = share(legit);
        double max = 0;
        for (int i = 0; i < f.length; i++) max = Math.max(max, Math.max(f[i], l[i]));
        double yMax = max == 0 ? 1 : Math.ceil(max * 10) / 10;
        StringBuilder s = frame(title, "score", "share of class", 1, yMax);
        int bins = f.length;
        double bw = (double) (W - PAD_LEFT - PAD_RIGHT) / bins;
        for (int i = 0; i < bins; i++) {
            bar(s, PAD_LEFT + i * bw, bw / 2, l[i] / yMax, "#2ca02c");
            bar(s, PAD_LEFT + i * bw + bw / 2, bw / 2, f[i] / yMax, "#d62728");
        }
        legend(s, 0, "legitimate", "#2ca02c");
        legend(s, 1, "fraud", "#d62728");
        return s.append("</svg>").toString();
    }

    private static double[] share(long[] counts) {
        long total = 0;
        for (long c : counts) total += c;
        double[] out = new double[counts.length];
        for (int i = 0; i < counts.length; i++) out[i] = total == 0 ? 0 : (double) counts[i] / total;
        return out;
    }

    /** Recall by typology at each threshold set's REVIEW threshold (decline and above included). */
    private static String typologyBars(WindowEvaluation w) {
        List<String> typologies =
                new ArrayList<>(new TreeSet<>(w.positivesByTypology().keySet()));
        StringBuilder s = frame("Recall by typology at REVIEW (" + w.window() + ")", "typology", "recall", 1, 1);
        int groups = Math.max(1, typologies.size());
        int sets = Math.max(1, w.operating().size());
        double gw = (double) (W - PAD_LEFT - PAD_RIGHT) / groups;
        double bw = gw * 0.8 / sets;
        for (int g = 0; g < typologies.size(); g++) {
            for (int k = 0; k < w.operating().size(); k++) {
                WindowEvaluation.ActionPoint review = w.operating().get(k).actions().stream()
                        .filter(a -> a.action().equals("REVIEW"))
                        .findFirst()
                        .orElseThrow();
                double recall = review.recallByTypology().getOrDefault(typologies.get(g), 0.0);
                bar(s, PAD_LEFT + g * gw + gw * 0.1 + k * bw, bw, recall, COLOURS[k % COLOURS.length]);
            }
            s.append("<text x=\"")
                    .append(fmt(PAD_LEFT + g * gw + gw / 2, "%.1f"))
                    .append("\" y=\"")
                    .append(H - PAD_BOTTOM + 14)
                    .append("\" font-size=\"10\" text-anchor=\"middle\">")
                    .append(escape(typologies.get(g)))
                    .append("</text>");
        }
        for (int k = 0; k < w.operating().size(); k++)
            legend(s, k, w.operating().get(k).name(), COLOURS[k % COLOURS.length]);
        return s.append("</svg>").toString();
    }

    /** Reliability diagram of every series: mean score against fraud rate per bin. */
    private static String calibration(WindowEvaluation w) {
        Map<String, List<Metrics.Point>> lines = new LinkedHashMap<>();
        for (WindowEvaluation.Series s : w.series()) {
            List<Metrics.Point> points = new ArrayList<>();
            for (Metrics.CalibrationBin b : s.calibration())
                if (b.rows() > 0) points.add(new Metrics.Point(b.meanScore(), b.fraudRate()));
            lines.put(s.name(), points);
        }
        return lineChart("Calibration (" + w.window() + ")", "mean score", "fraud rate", lines, 1, 1, true);
    }

    private static StringBuilder frame(String title, String xLabel, String yLabel, double xMax, double yMax) {
        StringBuilder s = new StringBuilder();
        s.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"")
                .append(W)
                .append("\" height=\"")
                .append(H)
                .append("\" viewBox=\"0 0 ")
                .append(W)
                .append(' ')
                .append(H)
                .append("\" role=\"img\"><title>")
                .append(escape(title))
                .append("</title>");
        s.append("<text x=\"")
                .append(W / 2)
                .append("\" y=\"16\" font-size=\"13\" text-anchor=\"middle\">")
                .append(escape(title))
                .append("</text>");
        int x0 = PAD_LEFT;
        int y0 = H - PAD_BOTTOM;
        s.append("<rect x=\"")
                .append(x0)
                .append("\" y=\"")
                .append(PAD_TOP)
                .append("\" width=\"")
                .append(W - PAD_LEFT - PAD_RIGHT)
                .append("\" height=\"")
                .append(H - PAD_TOP - PAD_BOTTOM)
                .append("\" fill=\"none\" stroke=\"#888\"/>");
        for (int i = 0; i <= 4; i++) {
            double fx = x0 + i * (W - PAD_LEFT - PAD_RIGHT) / 4.0;
            double fy = y0 - i * (H - PAD_TOP - PAD_BOTTOM) / 4.0;
            s.append("<text x=\"")
                    .append(fmt(fx, "%.1f"))
                    .append("\" y=\"")
                    .append(y0 + 12)
                    .append("\" font-size=\"9\" text-anchor=\"middle\">")
                    .append(fmt(xMax * i / 4, "%.3g"))
                    .append("</text>");
            s.append("<text x=\"")
                    .append(x0 - 4)
                    .append("\" y=\"")
                    .append(fmt(fy + 3, "%.1f"))
                    .append("\" font-size=\"9\" text-anchor=\"end\">")
                    .append(fmt(yMax * i / 4, "%.3g"))
                    .append("</text>");
        }
        s.append("<text x=\"")
                .append(x0 + (W - PAD_LEFT - PAD_RIGHT) / 2)
                .append("\" y=\"")
                .append(H - 8)
                .append("\" font-size=\"11\" text-anchor=\"middle\">")
                .append(escape(xLabel))
                .append("</text>");
        s.append("<text x=\"12\" y=\"")
                .append(PAD_TOP + (H - PAD_TOP - PAD_BOTTOM) / 2)
                .append("\" font-size=\"11\" text-anchor=\"middle\" transform=\"rotate(-90 12 ")
                .append(PAD_TOP + (H - PAD_TOP - PAD_BOTTOM) / 2)
                .append(")\">")
                .append(escape(yLabel))
                .append("</text>");
        return s;
    }

    private static String polyline(
            List<Metrics.Point> points, double xMax, double yMax, String colour, boolean dashed) {
        StringBuilder s = new StringBuilder("<polyline fill=\"none\" stroke=\"")
                .append(colour)
                .append('"');
        if (dashed) s.append(" stroke-dasharray=\"4 3\"");
        s.append(" stroke-width=\"1.5\" points=\"");
        double pw = W - PAD_LEFT - PAD_RIGHT;
        double ph = H - PAD_TOP - PAD_BOTTOM;
        for (Metrics.Point p : points) {
            double x = PAD_LEFT + Math.min(1, Math.max(0, p.x() / xMax)) * pw;
            double y = H - PAD_BOTTOM - Math.min(1, Math.max(0, p.y() / yMax)) * ph;
            s.append(fmt(x, "%.1f")).append(',').append(fmt(y, "%.1f")).append(' ');
        }
        return s.append("\"/>").toString();
    }

    /** A bar of height {@code fraction} of the plot, at x (pixels) and width w (pixels). */
    private static void bar(StringBuilder s, double x, double width, double fraction, String colour) {
        double ph = H - PAD_TOP - PAD_BOTTOM;
        double height = Math.min(1, Math.max(0, fraction)) * ph;
        s.append("<rect x=\"")
                .append(fmt(x, "%.1f"))
                .append("\" y=\"")
                .append(fmt(H - PAD_BOTTOM - height, "%.1f"))
                .append("\" width=\"")
                .append(fmt(width, "%.1f"))
                .append("\" height=\"")
                .append(fmt(height, "%.1f"))
                .append("\" fill=\"")
                .append(colour)
                .append("\"/>");
    }

    private static void legend(StringBuilder s, int i, String name, String colour) {
        int y = PAD_TOP + 12 + i * 14;
        s.append("<rect x=\"")
                .append(W - PAD_RIGHT - 110)
                .append("\" y=\"")
                .append(y - 8)
                .append("\" width=\"10\" height=\"10\" fill=\"")
                .append(colour)
                .append("\"/><text x=\"")
                .append(W - PAD_RIGHT - 96)
                .append("\" y=\"")
                .append(y + 1)
                .append("\" font-size=\"10\">")
                .append(escape(name))
                .append("</text>");
    }

    private static String instant(long ms) {
        return java.time.Instant.ofEpochMilli(ms).toString();
    }

    private static String fmt(double v, String pattern) {
        if (Double.isNaN(v)) return "–";
        if (Double.isInfinite(v)) return v > 0 ? "∞" : "−∞";
        return String.format(Locale.ROOT, pattern, v);
    }

    /** HTML-escapes text for element content and double-quoted attributes. */
    public static String escape(String s) {
        if (s == null) return "";
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
