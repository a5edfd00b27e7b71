package dev.fraudplatform.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.DoubleUnaryOperator;

/**
 * Renders a run's conformance report JSON as one self-contained HTML page: inline CSS and inline SVG charts, no
 * script, no font and no external URL of any kind, so the page can be archived next to the run and opened offline.
 *
 * <p>The renderer is total: any field may be absent, null or of an unexpected type. A missing section renders as
 * "not available", a null count as "not wired", and every string taken from the JSON is HTML-escaped. The verdict is
 * <pre>
 *   laws hold  = laws_hold != false AND no check of kind "law" failed            (unknown if neither is present)
 *   reconciled = reconciled != false AND no check of kind "reconciliation" failed (unknown if neither is present)
 * </pre>
 * and is green only when both hold, red when either is broken.
 *
 * <p>Escaping covers {@code & < > " '} and also {@code /}, so even a URL inside a report string does not appear
 * literally in the page source.
 *
 * <p>Stateless and thread-safe.
 */
public final class ConformanceHtml {

    private static final String NOT_AVAILABLE = "not available";

    private ConformanceHtml() {}

    /**
     * @param report the conformance report; may be null or any JSON node
     * @return a complete HTML document, never null
     */
    public static String render(JsonNode report) {
        JsonNode r = report == null ? MissingNode.getInstance() : report;
        StringBuilder out = new StringBuilder(16_384);
        String runId = text(r.path("platform_run_id"));
        out.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<title>Conformance report ")
                .append(escape(runId == null ? "" : runId))
                .append("</title>\n")
                .append("<style>")
                .append(CSS)
                .append("</style>\n</head>\n<body>\n");
        header(out, r);
        counts(out, r);
        performance(out, r);
        checks(out, r.path("checks"));
        drill(out, r.path("drill"));
        charts(out, r);
        out.append("</body>\n</html>\n");
        return out.toString();
    }

    // ---- sections ----

    private static void header(StringBuilder out, JsonNode r) {
        Boolean lawsHold = verdictPart(r.path("laws_hold"), r.path("checks"), "law");
        Boolean reconciled = verdictPart(r.path("reconciled"), r.path("checks"), "reconciliation");
        // A drill's verdict is its own: a run that conforms but missed a drill expectation failed the drill.
        Boolean drillPassed =
                verdictPart(r.path("drill").path("passed"), r.path("drill").path("expectations"), null);
        boolean failed = Boolean.FALSE.equals(lawsHold)
                || Boolean.FALSE.equals(reconciled)
                || Boolean.FALSE.equals(drillPassed)
                || (r.path("passed").isBoolean() && !r.path("passed").booleanValue());
        String state =
                failed ? "fail" : Boolean.TRUE.equals(lawsHold) && Boolean.TRUE.equals(reconciled) ? "pass" : "unknown";
        String verdict = (lawsHold == null ? "LAWS NOT AVAILABLE" : lawsHold ? "LAWS HOLD" : "LAW BROKEN") + " / "
                + (reconciled == null ? "RECONCILIATION NOT AVAILABLE" : reconciled ? "RECONCILED" : "NOT RECONCILED")
                + (drillPassed == null ? "" : drillPassed ? " / DRILL PASSED" : " / DRILL FAILED");
        out.append("<header>\n<h1>Conformance report</h1>\n<dl class=\"meta\">\n");
        meta(out, "run", r.path("platform_run_id"));
        meta(out, "world", r.path("world_id"));
        meta(out, "bundle", r.path("bundle_id"));
        meta(out, "generated at", r.path("generated_at"));
        meta(out, "decision-log digest", r.path("decision_log_digest"));
        out.append("</dl>\n<div id=\"verdict\" class=\"verdict ")
                .append(state)
                .append("\">")
                .append(verdict)
                .append("</div>\n</header>\n");
    }

    /** The explicit flag, overruled by any failed check of the given kind (null: any kind); null when neither says anything. */
    private static Boolean verdictPart(JsonNode flag, JsonNode checks, String kind) {
        Boolean result = flag.isBoolean() ? flag.booleanValue() : null;
        for (JsonNode c : iterable(checks)) {
            if (kind == null || kind.equalsIgnoreCase(c.path("kind").asText(""))) {
                result = (result == null || result) && passed(c);
            }
        }
        return result;
    }

    private static void meta(StringBuilder out, String label, JsonNode value) {
        String v = text(value);
        out.append("<dt>")
                .append(label)
                .append("</dt><dd>")
                .append(
                        v == null
                                ? "<span class=\"na\">" + NOT_AVAILABLE + "</span>"
                                : "<code>" + escape(v) + "</code>")
                .append("</dd>\n");
    }

    /** The reconciliation across planes, in the order an event crosses them. */
    private static void counts(StringBuilder out, JsonNode r) {
        out.append("<section id=\"counts\">\n<h2>Counts across planes</h2>\n");
        JsonNode c = r.path("counts");
        if (!c.isObject()) {
            notAvailable(out);
            out.append("</section>\n");
            return;
        }
        out.append(
                "<table>\n<thead><tr><th>plane</th><th>count</th><th class=\"num\">value</th></tr></thead>\n<tbody>\n");
        countRow(out, "world", "events sent", c.path("sent"), false);
        countRow(out, "ingestion gate", "receipts", c.path("receipts_total"), false);
        breakdown(out, "ingestion gate", "receipts: ", c.path("receipts"));
        breakdown(out, "ingestion gate", "quarantined: ", r.path("quarantine_by_reason"));
        breakdown(out, "ingestion gate", "admitted: ", c.path("admitted_by_event_class"));
        countRow(out, "ingestion gate", "admitted transactions", c.path("admitted_transactions"), false);
        countRow(out, "event bus", "bus records", c.path("bus_records"), false);
        countRow(out, "event bus", "decision records on bus", c.path("decision_records_on_bus"), false);
        countRow(out, "decision fabric", "decisions", c.path("decisions"), false);
        countRow(out, "actions", "effects", c.path("effects"), false);
        countRow(out, "audit", "audit records", c.path("audit_records"), false);
        countRow(out, "audit", "audit replay matched", c.path("audit_replay_matched"), false);
        countRow(out, "case management", "decisions calling for a case", c.path("decisions_calling_for_case"), false);
        countRow(out, "case management", "decisions attached to cases", c.path("decisions_attached_to_cases"), false);
        countRow(out, "case management", "cases opened", c.path("cases_opened"), false);
        countRow(out, "label store", "label events admitted", c.path("label_events_admitted"), false);
        countRow(out, "label store", "assertions from label events", c.path("label_assertions_from_events"), false);
        breakdown(out, "label store", "rejected: ", c.path("label_events_rejected"));
        countRow(out, "label store", "assertions from dispositions", c.path("label_assertions_from_cases"), false);
        countRow(out, "archive", "archive rows", c.path("archive_rows"), false);
        breakdown(out, "archive", "archived: ", c.path("archive_rows_by_topic"));
        breakdown(out, "archive", "on the bus: ", c.path("bus_records_of_run_by_topic"));
        out.append("</tbody>\n</table>\n</section>\n");
    }

    private static void breakdown(StringBuilder out, String plane, String prefix, JsonNode map) {
        if (!map.isObject()) return;
        map.properties().forEach(e -> countRow(out, plane, prefix + e.getKey(), e.getValue(), true));
    }

    private static void countRow(StringBuilder out, String plane, String label, JsonNode value, boolean detail) {
        out.append(detail ? "<tr class=\"sub\">" : "<tr>")
                .append("<td>")
                .append(escape(plane))
                .append("</td><td>")
                .append(escape(label))
                .append("</td><td class=\"num\">")
                .append(valueCell(value))
                .append("</td></tr>\n");
    }

    private static String valueCell(JsonNode v) {
        if (v.isMissingNode()) return "<span class=\"na\">" + NOT_AVAILABLE + "</span>";
        if (v.isNull()) return "<span class=\"na\">not wired</span>";
        Double d = number(v);
        return d != null ? formatNumber(d) : escape(text(v));
    }

    private static void performance(StringBuilder out, JsonNode r) {
        out.append("<section id=\"performance\">\n<h2>Performance</h2>\n");
        JsonNode p = r.path("performance");
        if (!p.isObject()) {
            notAvailable(out);
        } else {
            out.append("<table>\n<tbody>\n");
            perfRow(out, "events per second (end to end)", p.path("events_per_second"), "");
            perfRow(out, "decision latency p50", p.path("decision_latency_p50_ms"), " ms");
            perfRow(out, "decision latency p99", p.path("decision_latency_p99_ms"), " ms");
            perfRow(out, "decision latency max", p.path("decision_latency_max_ms"), " ms");
            perfRow(out, "first decision after start", p.path("seconds_to_first_decision"), " s");
            perfRow(out, "peak RSS", p.path("peak_rss_mb"), " MiB");
            out.append("</tbody>\n</table>\n");
        }
        out.append("</section>\n");
    }

    private static void perfRow(StringBuilder out, String label, JsonNode value, String unit) {
        out.append("<tr><td>")
                .append(label)
                .append("</td><td class=\"num\">")
                .append(valueCell(value))
                .append(number(value) != null ? unit : "")
                .append("</td></tr>\n");
    }

    /** Checks grouped by kind, kinds in order of first appearance; a check without a kind is "other". */
    private static void checks(StringBuilder out, JsonNode checks) {
        out.append("<section>\n<h2>Checks</h2>\n<table id=\"checks\">\n")
                .append("<thead><tr><th>result</th><th>check</th><th>detail</th></tr></thead>\n<tbody>\n");
        Map<String, List<JsonNode>> byKind = new LinkedHashMap<>();
        for (JsonNode c : iterable(checks)) {
            String kind = text(c.path("kind"));
            byKind.computeIfAbsent(kind == null ? "other" : kind, k -> new ArrayList<>())
                    .add(c);
        }
        if (byKind.isEmpty()) {
            out.append("<tr><td colspan=\"3\" class=\"na\">")
                    .append(NOT_AVAILABLE)
                    .append("</td></tr>\n");
        }
        for (Map.Entry<String, List<JsonNode>> group : byKind.entrySet()) {
            long passed =
                    group.getValue().stream().filter(ConformanceHtml::passed).count();
            out.append("<tr class=\"group\"><th colspan=\"3\">")
                    .append(escape(group.getKey()))
                    .append(String.format(
                            Locale.ROOT,
                            " <span class=\"tally\">%d of %d passed</span>",
                            passed,
                            group.getValue().size()))
                    .append("</th></tr>\n");
            for (JsonNode c : group.getValue()) resultRow(out, c);
        }
        out.append("</tbody>\n</table>\n</section>\n");
    }

    private static void resultRow(StringBuilder out, JsonNode c) {
        String name = text(c.path("name"));
        String detail = text(c.path("detail"));
        out.append("<tr><td>")
                .append(badge(c.path("passed")))
                .append("</td><td>")
                .append(name == null ? "<span class=\"na\">unnamed</span>" : escape(name))
                .append("</td><td>")
                .append(detail == null ? "" : "<code>" + escape(detail) + "</code>")
                .append("</td></tr>\n");
    }

    /** Only a JSON {@code true} passes; a missing or odd "passed" does not. */
    private static boolean passed(JsonNode check) {
        return check.path("passed").isBoolean() && check.path("passed").booleanValue();
    }

    private static String badge(JsonNode passed) {
        if (!passed.isBoolean()) return "<span class=\"badge unknown\">N/A</span>";
        return passed.booleanValue()
                ? "<span class=\"badge pass\">PASS</span>"
                : "<span class=\"badge fail\">FAIL</span>";
    }

    /** Optional: absent when the run was not a drill. */
    private static void drill(StringBuilder out, JsonNode d) {
        if (d.isMissingNode() || d.isNull()) return;
        out.append("<section id=\"drill\">\n<h2>Drill</h2>\n");
        if (!d.isObject()) {
            notAvailable(out);
        } else {
            String name = text(d.path("name"));
            out.append("<p>")
                    .append(badge(d.path("passed")))
                    .append(" drill <code>")
                    .append(escape(name == null ? NOT_AVAILABLE : name))
                    .append("</code></p>\n")
                    .append(
                            "<table>\n<thead><tr><th>result</th><th>expectation</th><th>detail</th></tr></thead>\n<tbody>\n");
            boolean any = false;
            for (JsonNode e : iterable(d.path("expectations"))) {
                resultRow(out, e);
                any = true;
            }
            if (!any)
                out.append("<tr><td colspan=\"3\" class=\"na\">")
                        .append(NOT_AVAILABLE)
                        .append("</td></tr>\n");
            out.append("</tbody>\n</table>\n");
        }
        out.append("</section>\n");
    }

    private static void charts(StringBuilder out, JsonNode r) {
        out.append("<section>\n<h2>Charts</h2>\n<div class=\"charts\">\n");
        JsonNode series = r.path("series");

        List<double[]> admitted = new ArrayList<>();
        List<double[]> decided = new ArrayList<>();
        int i = 0;
        for (JsonNode p : iterable(series.path("throughput"))) {
            Double second = number(p.path("second"));
            double x = second == null ? i : second;
            addPoint(admitted, x, number(p.path("admitted")));
            addPoint(decided, x, number(p.path("decided")));
            i++;
        }
        lineChart(
                out,
                "chart-throughput",
                "Throughput over time: events admitted and decided per second",
                "seconds since run start",
                "events/s",
                List.of(new Line("admitted", admitted), new Line("decided", decided)));

        List<Bar> buckets = new ArrayList<>();
        for (JsonNode b : iterable(series.path("latency_histogram"))) {
            Double le = number(b.path("le_ms"));
            String leText = text(b.path("le_ms"));
            // the unit is on the axis; a bucket is named by its upper bound
            String label = le != null ? "\u2264" + formatNumber(le) : leText == null ? "?" : leText;
            buckets.add(bar(label, b.path("count"), 0));
        }
        barChart(
                out,
                "chart-latency",
                "Decision latency histogram: admission to decision",
                "latency (ms), bucket upper bound",
                "decisions",
                buckets,
                false);

        barChart(
                out,
                "chart-actions",
                "Decision mix: decisions by action",
                "action",
                "decisions",
                shareBars(r.path("decisions_by_action")),
                true);
        barChart(
                out,
                "chart-degrade",
                "Degrade modes: decisions by degrade mode",
                "degrade mode",
                "decisions",
                shareBars(r.path("decisions_by_degrade_mode")),
                true);
        out.append("</div>\n</section>\n");
    }

    private static void addPoint(List<double[]> line, double x, Double y) {
        if (y != null) line.add(new double[] {x, y});
    }

    /** One bar per field of the object, labelled with its count and its share of the total. */
    private static List<Bar> shareBars(JsonNode map) {
        List<Bar> bars = new ArrayList<>();
        if (!map.isObject()) return bars;
        double total = 0;
        for (JsonNode v : map) total += Math.max(0, orZero(number(v)));
        final double sum = total;
        map.properties().forEach(e -> bars.add(bar(e.getKey(), e.getValue(), sum)));
        return bars;
    }

    private static Bar bar(String label, JsonNode count, double total) {
        Double v = number(count);
        String text = v == null
                ? "n/a"
                : formatNumber(v) + (total > 0 ? String.format(Locale.ROOT, " (%.1f%%)", 100.0 * v / total) : "");
        return new Bar(label, Math.max(0, orZero(v)), text);
    }

    // ---- charts ----

    private record Bar(String label, double value, String valueText) {}

    private record Line(String name, List<double[]> points) {}

    private static final int CHART_WIDTH = 640;

    /**
     * One bar per entry, its length on a value axis from zero to a round top ({@link #scale}), with ticks and labelled
     * axes. Horizontal bars are rows labelled on the left (the category axis's name above them) with the value axis
     * underneath; vertical bars are columns labelled underneath (slanted when they would not fit side by side), with
     * the value axis on the left. Each bar carries its value text at its tip.
     */
    private static void barChart(
            StringBuilder out,
            String id,
            String title,
            String categoryLabel,
            String valueLabel,
            List<Bar> bars,
            boolean horizontal) {
        int n = bars.size();
        double labelWidth = bars.stream()
                .mapToDouble(b -> textWidth(shorten(b.label(), horizontal ? 28 : 14)))
                .max()
                .orElse(0);
        double columnBand = (CHART_WIDTH - 20 - 70) / (double) Math.max(n, 1);
        boolean slanted = !horizontal && labelWidth > columnBand - 6;
        // Room under vertical columns for their labels, upright or slanted at 40 degrees.
        double underColumns = slanted ? 14 + labelWidth * Math.sin(Math.toRadians(40)) : 20;
        int height = horizontal ? 30 + 26 * Math.max(n, 3) + 50 : (int) Math.ceil(230 + underColumns + 26);
        openChart(out, id, title, height);
        if (n == 0) {
            noData(out, height);
            closeChart(out);
            return;
        }
        double max = bars.stream().mapToDouble(Bar::value).max().orElse(0);
        Scale scale = scale(max, true);
        // Plot rectangle; horizontal bars leave room for category labels on the left and values on the right.
        double left = horizontal ? 190 : 70;
        double right = horizontal ? CHART_WIDTH - 110 : CHART_WIDTH - 20;
        double top = 30;
        double bottom = horizontal ? height - 50 : height - 26 - underColumns;
        double band = (horizontal ? bottom - top : right - left) / n;
        double thickness = band * 0.7;
        double maxLength = horizontal ? right - left : bottom - top;
        DoubleUnaryOperator length = v -> Math.max(0, v) / scale.top() * maxLength;

        out.append("<g class=\"value-axis\" data-axis=\"")
                .append(horizontal ? "x" : "y")
                .append("\">");
        for (int k = 0; k < scale.ticks().size(); k++) {
            double v = scale.ticks().get(k);
            double at = horizontal ? left + length.applyAsDouble(v) : bottom - length.applyAsDouble(v);
            if (horizontal) {
                out.append(String.format(
                        Locale.ROOT,
                        "<line class=\"grid\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>",
                        at,
                        top,
                        at,
                        bottom + 5));
                tick(out, at, bottom + 18, "middle", v);
            } else {
                out.append(String.format(
                        Locale.ROOT,
                        "<line class=\"grid\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>",
                        left - 5,
                        at,
                        right,
                        at));
                tick(out, left - 8, at + 4, "end", v);
            }
        }
        if (horizontal) {
            label(out, (left + right) / 2, height - 10, "middle", "axis-label", valueLabel);
        } else {
            yAxisLabel(out, (top + bottom) / 2, valueLabel);
        }
        out.append("</g>\n<g class=\"category-axis\" data-axis=\"")
                .append(horizontal ? "y" : "x")
                .append("\">");
        out.append(String.format(
                Locale.ROOT, "<path class=\"axis\" d=\"M%.1f %.1fV%.1fH%.1f\"/>", left, top, bottom, right));
        if (horizontal) {
            label(out, left - 6, top - 10, "end", "axis-label", categoryLabel);
        } else {
            label(out, (left + right) / 2, height - 10, "middle", "axis-label", categoryLabel);
        }
        out.append("</g>\n");
        for (int i = 0; i < n; i++) {
            Bar b = bars.get(i);
            double len = length.applyAsDouble(b.value());
            double start = (horizontal ? top : left) + i * band + (band - thickness) / 2;
            double mid = start + thickness / 2;
            out.append("<g class=\"bar\"><title>")
                    .append(escape(b.label()))
                    .append(": ")
                    .append(escape(b.valueText()))
                    .append("</title>");
            if (horizontal) {
                out.append(String.format(
                        Locale.ROOT,
                        "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\"/>",
                        left,
                        start,
                        len,
                        thickness));
                label(out, left - 6, mid + 4, "end", "label", shorten(b.label(), 28));
                label(out, left + len + 6, mid + 4, "start", "value", b.valueText());
            } else {
                out.append(String.format(
                        Locale.ROOT,
                        "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\"/>",
                        start,
                        bottom - len,
                        thickness,
                        len));
                if (slanted) {
                    out.append(String.format(
                            Locale.ROOT,
                            "<text class=\"label\" text-anchor=\"end\" transform=\"translate(%.1f %.1f) rotate(-40)\">%s</text>",
                            mid + 4,
                            bottom + 14,
                            escape(shorten(b.label(), 14))));
                } else {
                    label(out, mid, bottom + 16, "middle", "label", shorten(b.label(), 14));
                }
                label(out, mid, bottom - len - 5, "middle", "value", b.valueText());
            }
            out.append("</g>\n");
        }
        closeChart(out);
    }

    /** Lines over a shared x axis (ticks on both axes, y from zero) with a legend; a lone point is drawn as a dot. */
    private static void lineChart(
            StringBuilder out, String id, String title, String xLabel, String yLabel, List<Line> lines) {
        int height = 300;
        openChart(out, id, title, height);
        if (lines.stream().allMatch(l -> l.points().isEmpty())) {
            noData(out, height);
            closeChart(out);
            return;
        }
        double left = 70, right = CHART_WIDTH - 20, top = 36, bottom = height - 46;
        double xMin = Double.POSITIVE_INFINITY, xMax = Double.NEGATIVE_INFINITY, yMax = 0;
        boolean wholeX = true, wholeY = true;
        for (Line l : lines) {
            for (double[] p : l.points()) {
                xMin = Math.min(xMin, p[0]);
                xMax = Math.max(xMax, p[0]);
                yMax = Math.max(yMax, p[1]);
                wholeX &= p[0] == Math.rint(p[0]);
                wholeY &= p[1] == Math.rint(p[1]);
            }
        }
        // Whole seconds and whole counts get whole ticks: no "0.5 s" between two samples.
        Scale yScale = scale(yMax, wholeY);
        boolean singleX = xMax == xMin;
        double x0 = xMin, x1 = xMax, yT = yScale.top();
        DoubleUnaryOperator sx = x -> singleX ? (left + right) / 2 : left + (x - x0) / (x1 - x0) * (right - left);
        DoubleUnaryOperator sy = y -> bottom - Math.max(0, y) / yT * (bottom - top);

        out.append(String.format(
                Locale.ROOT, "<path class=\"axis\" d=\"M%.1f %.1fV%.1fH%.1f\"/>\n", left, top, bottom, right));
        out.append("<g class=\"value-axis\" data-axis=\"y\">");
        for (double y : yScale.ticks()) {
            double py = sy.applyAsDouble(y);
            out.append(String.format(
                    Locale.ROOT,
                    "<line class=\"grid\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>",
                    left - 5,
                    py,
                    right,
                    py));
            tick(out, left - 8, py + 4, "end", y);
        }
        yAxisLabel(out, (top + bottom) / 2, yLabel);
        out.append("</g>\n<g class=\"time-axis\" data-axis=\"x\">");
        double xStep = singleX ? 1 : niceStep((xMax - xMin) / 8);
        if (wholeX) xStep = Math.max(1, xStep);
        double firstX = singleX ? xMin : Math.ceil(xMin / xStep) * xStep;
        for (int k = 0; k <= 10 && firstX + k * xStep <= xMax + xStep * 1e-9; k++) {
            double x = firstX + k * xStep;
            double px = sx.applyAsDouble(x);
            out.append(String.format(
                    Locale.ROOT,
                    "<line class=\"axis\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>",
                    px,
                    bottom,
                    px,
                    bottom + 5));
            tick(out, px, bottom + 18, "middle", x);
        }
        label(out, (left + right) / 2, height - 8, "middle", "axis-label", xLabel);
        out.append("</g>\n");

        for (int i = 0; i < lines.size(); i++) {
            Line l = lines.get(i);
            String css = "series s" + i;
            if (l.points().size() == 1) {
                double[] p = l.points().get(0);
                out.append(String.format(
                        Locale.ROOT,
                        "<circle class=\"%s\" cx=\"%.1f\" cy=\"%.1f\" r=\"4\"/>\n",
                        css,
                        sx.applyAsDouble(p[0]),
                        sy.applyAsDouble(p[1])));
            }
            if (!l.points().isEmpty()) {
                out.append("<polyline class=\"")
                        .append(css)
                        .append("\" data-series=\"")
                        .append(escape(l.name()))
                        .append("\" points=\"");
                for (int j = 0; j < l.points().size(); j++) {
                    double[] p = l.points().get(j);
                    out.append(j == 0 ? "" : " ")
                            .append(String.format(
                                    Locale.ROOT, "%.1f,%.1f", sx.applyAsDouble(p[0]), sy.applyAsDouble(p[1])));
                }
                out.append("\"/>\n");
            }
            double lx = left + 10 + i * 120;
            out.append(String.format(
                    Locale.ROOT, "<rect class=\"swatch s%d\" x=\"%.1f\" y=\"12\" width=\"14\" height=\"4\"/>", i, lx));
            label(out, lx + 20, 18, "start", "legend", l.name());
            out.append('\n');
        }
        closeChart(out);
    }

    /** The smallest of 1, 2, 5 x 10^k that is at least {@code raw}. */
    private static double niceStep(double raw) {
        double magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
        double f = raw / magnitude;
        return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * magnitude;
    }

    /** A value axis from zero: its round top and its ticks (0, step, 2 step, ..., top), at most six intervals. */
    private record Scale(double top, List<Double> ticks) {}

    /**
     * The value axis for data up to {@code max}: a step of 1, 2 or 5 x 10^k giving at most five or six intervals (at
     * least 1 when {@code whole}: counts get no "0.5"), and a top that is the first tick at or above {@code max}.
     */
    private static Scale scale(double max, boolean whole) {
        double step = niceStep(max > 0 ? max / 5 : 1);
        if (whole) step = Math.max(1, step);
        // Ticks are counted, not accumulated, so float rounding cannot run a loop away.
        long intervals = Math.max(1, (long) Math.ceil(max / step - 1e-9));
        List<Double> ticks = new ArrayList<>();
        for (long k = 0; k <= intervals; k++) ticks.add(k * step);
        return new Scale(intervals * step, ticks);
    }

    /** A tick's label: the value rounded as {@link #formatNumber} shows it, and the exact value in {@code data-value}. */
    private static void tick(StringBuilder out, double x, double y, String anchor, double value) {
        out.append(String.format(
                        Locale.ROOT,
                        "<text class=\"tick\" data-value=\"%s\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\">",
                        plain(value),
                        x,
                        y,
                        anchor))
                .append(escape(formatNumber(value)))
                .append("</text>");
    }

    /** The name of a vertical axis, written upwards along its left edge. */
    private static void yAxisLabel(StringBuilder out, double middle, String text) {
        out.append(String.format(
                Locale.ROOT,
                "<text class=\"axis-label\" text-anchor=\"middle\" transform=\"translate(14 %.1f) rotate(-90)\">%s</text>",
                middle,
                escape(text)));
    }

    /** The width of a text at the charts' 11 px font, estimated (about 0.6 em a character): enough to keep labels apart. */
    private static double textWidth(String s) {
        return s.codePointCount(0, s.length()) * 6.6;
    }

    /** A number without separators or exponent, for attributes: {@code 300}, {@code 0.2}. */
    private static String plain(double v) {
        return java.math.BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
    }

    private static void openChart(StringBuilder out, String id, String title, int height) {
        // Inline SVG in HTML needs no xmlns; leaving it out keeps the page free of any URL. The caption is the visible
        // title; the SVG's own title names the image for a screen reader.
        out.append("<figure id=\"")
                .append(id)
                .append("\" class=\"chart\">\n")
                .append("<figcaption class=\"chart-title\">")
                .append(escape(title))
                .append("</figcaption>\n")
                .append(String.format(
                        Locale.ROOT,
                        "<svg viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" role=\"img\" aria-labelledby=\"%s-title\">\n",
                        CHART_WIDTH,
                        height,
                        CHART_WIDTH,
                        height,
                        id))
                .append("<title id=\"")
                .append(id)
                .append("-title\">")
                .append(escape(title))
                .append("</title>\n");
    }

    private static void closeChart(StringBuilder out) {
        out.append("</svg>\n</figure>\n");
    }

    private static void noData(StringBuilder out, int height) {
        out.append(String.format(
                Locale.ROOT,
                "<rect class=\"frame\" x=\"1\" y=\"1\" width=\"%d\" height=\"%d\"/>\n",
                CHART_WIDTH - 2,
                height - 2));
        label(out, CHART_WIDTH / 2.0, height / 2.0, "middle", "nodata", "no data");
        out.append('\n');
    }

    private static void label(StringBuilder out, double x, double y, String anchor, String css, String text) {
        out.append(String.format(
                        Locale.ROOT, "<text class=\"%s\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\">", css, x, y, anchor))
                .append(escape(text))
                .append("</text>");
    }

    // ---- JSON and text helpers ----

    private static void notAvailable(StringBuilder out) {
        out.append("<p class=\"na\">").append(NOT_AVAILABLE).append("</p>\n");
    }

    /** Elements of an array; nothing for any other node. */
    private static Iterable<JsonNode> iterable(JsonNode node) {
        return node.isArray() ? node : List.of();
    }

    /** A finite number, or a numeric string such as "12.5"; null otherwise. */
    private static Double number(JsonNode n) {
        double d;
        if (n.isNumber()) {
            d = n.doubleValue();
        } else if (n.isTextual()) {
            try {
                d = Double.parseDouble(n.textValue().trim());
            } catch (NumberFormatException e) {
                return null;
            }
        } else {
            return null;
        }
        return Double.isFinite(d) ? d : null;
    }

    private static double orZero(Double d) {
        return d == null ? 0 : d;
    }

    /** Scalar text as is, containers as compact JSON; null when missing or JSON null. */
    private static String text(JsonNode n) {
        if (n.isMissingNode() || n.isNull()) return null;
        return n.isValueNode() ? n.asText() : n.toString();
    }

    private static String shorten(String s, int max) {
        if (s.codePointCount(0, s.length()) <= max) return s;
        return s.substring(0, s.offsetByCodePoints(0, max - 1)) + "\u2026";
    }

    /** Whole numbers with thousands separators, others with one decimal. */
    private static String formatNumber(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) return String.format(Locale.ROOT, "%,d", (long) v);
        return String.format(Locale.ROOT, "%,.1f", v);
    }

    /** {@code s} safe inside HTML text and attributes (also {@code /}); null as "". */
    static String escape(String s) {
        if (s == null) return "";
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                // A slash is escaped too, so no URL from the report can appear in the page's source as "https://".
                case '/' -> b.append("&#47;");
                default -> b.append(c < 0x20 && c != '\n' && c != '\t' ? ' ' : c);
            }
        }
        return b.toString();
    }

    private static final String CSS = """
            body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:1360px;padding:0 1rem;color:#1f2328;background:#fff}
            h1{margin:0 0 .5rem}h2{margin-top:2rem;border-bottom:1px solid #d0d7de;padding-bottom:.25rem}
            dl.meta{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem;margin:0 0 1rem}dt{color:#57606a}dd{margin:0}
            code{font-family:monospace;font-size:.9em;word-break:break-all}
            .verdict{font-size:2rem;font-weight:700;padding:.6rem 1rem;border-radius:6px;display:inline-block}
            .verdict.pass{background:#dafbe1;color:#1a7f37;border:2px solid #1a7f37}
            .verdict.fail{background:#ffebe9;color:#cf222e;border:2px solid #cf222e}
            .verdict.unknown{background:#f6f8fa;color:#57606a;border:2px solid #8c959f}
            table{border-collapse:collapse;margin:.5rem 0}th,td{border:1px solid #d0d7de;padding:.3rem .6rem;text-align:left;vertical-align:top}
            thead th{background:#f6f8fa}td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
            tr.sub td:nth-child(2){padding-left:1.6rem;color:#57606a}tr.group th{background:#eaeef2;text-transform:uppercase;font-size:.85em}
            .tally{font-weight:400;text-transform:none;color:#57606a;margin-left:.5rem}
            .na{color:#8c959f;font-style:italic}
            .badge{display:inline-block;min-width:3em;text-align:center;border-radius:1em;padding:0 .5em;font-size:.8em;font-weight:700;color:#fff}
            .badge.pass{background:#1a7f37}.badge.fail{background:#cf222e}.badge.unknown{background:#8c959f}
            .charts{display:flex;flex-wrap:wrap;gap:1rem}figure.chart{margin:0;border:1px solid #d0d7de;border-radius:6px;padding:.5rem}
            figcaption.chart-title{font-weight:600;margin:0 0 .25rem}
            svg{max-width:100%;height:auto;font-size:11px}svg text{fill:#1f2328}
            .axis{stroke:#57606a;fill:none}.grid{stroke:#eaeef2}.frame{fill:#f6f8fa;stroke:#d0d7de}
            svg text.nodata{fill:#8c959f;font-size:16px}svg text.axis-label{fill:#57606a;font-weight:600}svg text.value{fill:#57606a}
            svg text.tick{fill:#57606a;font-variant-numeric:tabular-nums}
            .bar rect{fill:#0969da}polyline.series{fill:none;stroke-width:2}
            .s0{stroke:#0969da;fill:#0969da}.s1{stroke:#bf8700;fill:#bf8700}polyline.s0,polyline.s1{fill:none}
            """;
}
