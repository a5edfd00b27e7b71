package dev.fraudplatform.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fraudplatform.core.json.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The conformance page: self-contained, escaped, total over odd input, and its charts and verdict follow the data. */
class ConformanceHtmlTest {

    private static final String[] CHART_IDS = {"chart-throughput", "chart-latency", "chart-actions", "chart-degrade"};

    private static ObjectNode full() throws Exception {
        return (ObjectNode) Json.MAPPER.readTree("""
                {
                  "platform_run_id": "run-42", "world_id": "w-1", "bundle_id": "rules-v1",
                  "generated_at": "2026-11-26T05:30:00Z", "reconciled": true, "laws_hold": true,
                  "counts": {"sent": 1000, "receipts_total": 1000,
                             "receipts": {"ADMITTED": 990, "DUPLICATE": 5, "QUARANTINED": 5},
                             "admitted_by_event_class": {"txn.card_auth": 700, "ctx.login": 290},
                             "admitted_transactions": 700, "bus_records": 990, "decision_records_on_bus": 700,
                             "decisions": 700, "effects": 700, "audit_records": 700, "audit_replay_matched": 700,
                             "archive_rows": 2690,
                             "archive_rows_by_topic": {"fp.actions": 700, "fp.decisions": 700, "fp.labels": 300, "fp.traffic": 990},
                             "bus_records_of_run_by_topic": {"fp.actions": 700, "fp.decisions": 700, "fp.labels": 300, "fp.traffic": 990}},
                  "quarantine_by_reason": {"INTEGRITY_MISMATCH": 5},
                  "decisions_by_action": {"APPROVE": 650, "REVIEW": 30, "DECLINE": 20},
                  "decisions_by_degrade_mode": {"FULL": 600, "PARTIAL_CONTEXT": 100},
                  "decision_log_digest": "abc123",
                  "performance": {"events_per_second": 3400, "decision_latency_p50_ms": 180.5,
                                  "decision_latency_p99_ms": 430.0, "decision_latency_max_ms": 500.0,
                                  "seconds_to_first_decision": 12.3, "peak_rss_mb": 1600},
                  "checks": [
                    {"name": "events sent = receipts", "kind": "reconciliation", "passed": true, "detail": "1000 = 1000"},
                    {"name": "no effect applied twice", "kind": "law", "passed": true, "detail": "0 repeats"}
                  ],
                  "series": {
                    "throughput": [{"second": 0, "admitted": 120, "decided": 80}, {"second": 1, "admitted": 300, "decided": 290},
                                   {"second": 2, "admitted": 310, "decided": 305}, {"second": 3, "admitted": 260, "decided": 25},
                                   {"second": 4, "admitted": 10, "decided": 0}],
                    "latency_histogram": [{"le_ms": 1, "count": 0}, {"le_ms": 5, "count": 10}, {"le_ms": 10, "count": 40},
                                          {"le_ms": 50, "count": 300}, {"le_ms": 100, "count": 200},
                                          {"le_ms": 500, "count": 140}, {"le_ms": "+Inf", "count": 10}]
                  }
                }
                """);
    }

    /** The element with the given id, up to the first closing div, figure or section after it. */
    private static String element(String html, String id) {
        int start = html.indexOf("id=\"" + id + "\"");
        assertThat(start).as("element #%s", id).isGreaterThanOrEqualTo(0);
        int end = html.length();
        for (String close : new String[] {"</div>", "</figure>", "</section>"}) {
            int at = html.indexOf(close, start);
            if (at >= 0) end = Math.min(end, at);
        }
        return html.substring(start, end);
    }

    private static int polylinePoints(String html, String series) {
        Matcher m = Pattern.compile("<polyline[^>]*data-series=\"" + series + "\"[^>]*points=\"([^\"]*)\"")
                .matcher(html);
        assertThat(m.find()).as("polyline for %s", series).isTrue();
        return m.group(1).trim().split("\\s+").length;
    }

    @Test
    void everyChartIsAnInlineSvgWithATitle() throws Exception {
        String html = ConformanceHtml.render(full());

        for (String id : CHART_IDS) {
            String chart = element(html, id);
            assertThat(chart)
                    .as(id)
                    .contains("<svg")
                    .contains("<title")
                    .contains("</svg>")
                    .doesNotContain("no data");
        }
        assertThat(element(html, "chart-actions")).contains("APPROVE").contains("650 (92.9%)");
        assertThat(element(html, "chart-degrade")).contains("PARTIAL_CONTEXT").contains("100 (14.3%)");
        assertThat(element(html, "chart-latency")).contains("+Inf").contains(">\u2264500<");
        assertThat(element(html, "chart-throughput"))
                .contains(">admitted</text>")
                .contains(">decided</text>");
    }

    /** A tick label of a chart axis: its value, as shown and as data, and where it is drawn. */
    private record Tick(double value, String shown, double x, double y) {}

    /** The group of the chart's axis {@code axis} ("x" or "y"), up to its closing tag. */
    private static String axis(String chart, String axis) {
        int start = chart.indexOf("data-axis=\"" + axis + "\"");
        assertThat(start).as("axis %s", axis).isGreaterThanOrEqualTo(0);
        return chart.substring(start, chart.indexOf("</g>", start));
    }

    private static List<Tick> ticks(String axis) {
        Matcher m = Pattern.compile(
                        "<text class=\"tick\" data-value=\"([^\"]*)\" x=\"([^\"]*)\" y=\"([^\"]*)\"[^>]*>([^<]*)</text>")
                .matcher(axis);
        List<Tick> out = new ArrayList<>();
        while (m.find()) {
            out.add(new Tick(
                    Double.parseDouble(m.group(1)),
                    m.group(4),
                    Double.parseDouble(m.group(2)),
                    Double.parseDouble(m.group(3))));
        }
        return out;
    }

    private static List<String> axisLabels(String axis) {
        Matcher m = Pattern.compile("<text class=\"axis-label\"[^>]*>([^<]*)</text>")
                .matcher(axis);
        List<String> out = new ArrayList<>();
        while (m.find()) out.add(m.group(1).replace("&#47;", "/"));
        return out;
    }

    /** Whether {@code step} is 1, 2 or 5 times a power of ten. */
    private static boolean round(double step) {
        double f = step / Math.pow(10, Math.floor(Math.log10(step) + 1e-9));
        return Math.abs(f - 1) < 1e-9 || Math.abs(f - 2) < 1e-9 || Math.abs(f - 5) < 1e-9;
    }

    @Test
    void everyChartHasAVisibleTitleAndAxesNamedWithTheirUnits() throws Exception {
        String html = ConformanceHtml.render(full());

        String[][] expected = {
            {"chart-throughput", "Throughput over time", "seconds since run start", "events/s"},
            {"chart-latency", "Decision latency histogram", "latency (ms), bucket upper bound", "decisions"},
            {"chart-actions", "Decision mix", "decisions", "action"},
            {"chart-degrade", "Degrade modes", "decisions", "degrade mode"}
        };
        for (String[] e : expected) {
            String chart = element(html, e[0]);
            assertThat(chart)
                    .as(e[0])
                    .contains("<figcaption class=\"chart-title\">" + e[1])
                    .contains("<title id=\"" + e[0] + "-title\">" + e[1]);
            assertThat(axisLabels(axis(chart, "x"))).as(e[0] + " x axis").containsExactly(e[2]);
            assertThat(axisLabels(axis(chart, "y"))).as(e[0] + " y axis").containsExactly(e[3]);
        }
    }

    @Test
    void valueAxesRunFromZeroInRoundStepsToJustAboveTheLargestValue() throws Exception {
        String html = ConformanceHtml.render(full());

        // largest value per chart: 310 admitted in a second, 300 decisions in a bucket, 650 APPROVE, 600 FULL
        Object[][] expected = {
            {"chart-throughput", "y", 310.0},
            {"chart-latency", "y", 300.0},
            {"chart-actions", "x", 650.0},
            {"chart-degrade", "x", 600.0},
            {"chart-throughput", "x", 4.0}
        };
        for (Object[] e : expected) {
            List<Tick> ticks = ticks(axis(element(html, (String) e[0]), (String) e[1]));
            String what = e[0] + " " + e[1] + " ticks " + ticks;
            assertThat(ticks).as(what).hasSizeBetween(3, 11);
            assertThat(ticks.get(0).value()).as(what).isZero();
            double step = ticks.get(1).value() - ticks.get(0).value();
            assertThat(round(step)).as(what + ": step " + step).isTrue();
            for (int i = 1; i < ticks.size(); i++) {
                assertThat(ticks.get(i).value() - ticks.get(i - 1).value())
                        .as(what)
                        .isCloseTo(step, org.assertj.core.data.Offset.offset(1e-9));
            }
            double max = (double) e[2];
            double last = ticks.get(ticks.size() - 1).value();
            assertThat(last).as(what).isGreaterThanOrEqualTo(max).isLessThan(max + step);
        }
        // rounded labels, with the page's thousands separator
        ObjectNode big = full();
        big.putObject("decisions_by_action").put("APPROVE", 123_456).put("DECLINE", 7);
        List<Tick> ticks = ticks(axis(element(ConformanceHtml.render(big), "chart-actions"), "x"));
        assertThat(ticks).extracting(Tick::shown).containsExactly("0", "50,000", "100,000", "150,000");
    }

    @Test
    void aValueInTheDataIsDrawnAtItsPlaceOnTheAxisScale() throws Exception {
        // Given counts that fall on ticks: 400 APPROVE on a 0..600 axis, 300 admitted in second 1
        ObjectNode report = full();
        report.putObject("decisions_by_action").put("APPROVE", 400).put("REVIEW", 550);
        String html = ConformanceHtml.render(report);

        // Then the APPROVE bar ends where the axis says 400
        String actions = element(html, "chart-actions");
        Tick t400 = ticks(axis(actions, "x")).stream()
                .filter(t -> t.value() == 400)
                .findFirst()
                .orElseThrow();
        Matcher bar = Pattern.compile(
                        "<title>APPROVE: [^<]*</title><rect x=\"([^\"]*)\" y=\"[^\"]*\" width=\"([^\"]*)\"")
                .matcher(actions);
        assertThat(bar.find()).isTrue();
        assertThat(Double.parseDouble(bar.group(1)) + Double.parseDouble(bar.group(2)))
                .isCloseTo(t400.x(), org.assertj.core.data.Offset.offset(0.11));

        // And the admitted line passes through second 1 at the height of the tick 300 (tick text sits 4 px under its
        // line)
        String throughput = element(html, "chart-throughput");
        Tick y300 = ticks(axis(throughput, "y")).stream()
                .filter(t -> t.value() == 300)
                .findFirst()
                .orElseThrow();
        Tick x1 = ticks(axis(throughput, "x")).stream()
                .filter(t -> t.value() == 1)
                .findFirst()
                .orElseThrow();
        Matcher line =
                Pattern.compile("data-series=\"admitted\" points=\"([^\"]*)\"").matcher(throughput);
        assertThat(line.find()).isTrue();
        String second = line.group(1).split(" ")[1];
        assertThat(second).isEqualTo(String.format(java.util.Locale.ROOT, "%.1f,%.1f", x1.x(), y300.y() - 4));
    }

    @Test
    void tickAndBucketLabelsDoNotOverlap() throws Exception {
        // Given the histogram as the platform reports it: twelve buckets up to 10 s and beyond
        ObjectNode report = full();
        ArrayNode hist = ((ObjectNode) report.path("series")).putArray("latency_histogram");
        int[] bounds = {5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000};
        for (int b : bounds) hist.addObject().put("le_ms", b).put("count", 12_345);
        hist.addObject().put("le_ms", "+Inf").put("count", 3);
        String html = ConformanceHtml.render(report);

        // Then labels along a horizontal axis are further apart than they are wide (11 px text, at most 0.6 em a
        // character)
        for (String id : new String[] {"chart-throughput", "chart-actions", "chart-degrade"}) {
            List<Tick> ticks = ticks(axis(element(html, id), "x"));
            for (int i = 1; i < ticks.size(); i++) {
                double room = ticks.get(i).x() - ticks.get(i - 1).x();
                double needed = 6.6
                        * (ticks.get(i).shown().length()
                                + ticks.get(i - 1).shown().length())
                        / 2;
                assertThat(room).as(id + " " + ticks).isGreaterThan(needed);
            }
        }
        // and along a vertical axis further apart than a line of text
        for (String id : new String[] {"chart-throughput", "chart-latency"}) {
            List<Tick> ticks = ticks(axis(element(html, id), "y"));
            for (int i = 1; i < ticks.size(); i++)
                assertThat(ticks.get(i - 1).y() - ticks.get(i).y()).as(id).isGreaterThan(14);
        }
        // and the bucket names under the histogram's columns are either side by side with room, or slanted
        String latency = element(html, "chart-latency");
        Matcher upright = Pattern.compile("<text class=\"label\" x=\"([^\"]*)\"[^>]*>([^<]*)</text>")
                .matcher(latency);
        List<double[]> placed = new ArrayList<>();
        while (upright.find())
            placed.add(new double[] {
                Double.parseDouble(upright.group(1)), upright.group(2).length()
            });
        for (int i = 1; i < placed.size(); i++) {
            assertThat(placed.get(i)[0] - placed.get(i - 1)[0])
                    .isGreaterThan(6.6 * (placed.get(i)[1] + placed.get(i - 1)[1]) / 2);
        }
        assertThat(placed.size() + (latency.split("rotate\\(-40\\)", -1).length - 1))
                .isEqualTo(12);
    }

    @Test
    void aThroughputSeriesOfNPointsDrawsNPointsPerLine() throws Exception {
        String html = ConformanceHtml.render(full());

        assertThat(polylinePoints(html, "admitted")).isEqualTo(5);
        assertThat(polylinePoints(html, "decided")).isEqualTo(5);
    }

    @Test
    void aSinglePointIsStillDrawn() throws Exception {
        ObjectNode report = full();
        ArrayNode one = ((ObjectNode) report.path("series")).putArray("throughput");
        one.addObject().put("second", 7).put("admitted", 12).put("decided", 9);

        String chart = element(ConformanceHtml.render(report), "chart-throughput");

        assertThat(polylinePoints(chart, "admitted")).isEqualTo(1);
        assertThat(chart)
                .contains("<circle")
                .doesNotContain("NaN")
                .doesNotContain("Infinity")
                .doesNotContain("no data");
    }

    @Test
    void aGoodRunShowsTheGreenVerdict() throws Exception {
        String verdict = element(ConformanceHtml.render(full()), "verdict");

        assertThat(verdict).contains("class=\"verdict pass\"").contains("LAWS HOLD / RECONCILED");
    }

    @Test
    void aFailingLawCheckBreaksTheVerdictEvenIfTheFlagSaysOtherwise() throws Exception {
        // Given a report whose summary flag claims the laws hold but one law check failed
        ObjectNode report = full();
        ((ObjectNode) report.path("checks").get(1)).put("passed", false);

        // When
        String html = ConformanceHtml.render(report);

        // Then the check wins over the flag
        assertThat(element(html, "verdict"))
                .contains("class=\"verdict fail\"")
                .contains("LAW BROKEN")
                .doesNotContain("LAWS HOLD");
        assertThat(element(html, "checks")).contains("badge fail");
    }

    @Test
    void aDrillThatMissedAnExpectationIsRedThoughTheRunConforms() throws Exception {
        ObjectNode report = full();
        ObjectNode drill = report.putObject("drill").put("name", "duplicates").put("fault", "10% resent");
        drill.putArray("expectations")
                .addObject()
                .put("name", "every event admitted once")
                .put("passed", false)
                .put("detail", "expected 10, got 9");

        String verdict = element(ConformanceHtml.render(report), "verdict");

        assertThat(verdict).contains("class=\"verdict fail\"").contains("LAWS HOLD / RECONCILED / DRILL FAILED");
        drill.withArray("expectations").removeAll();
        drill.withArray("expectations")
                .addObject()
                .put("name", "every event admitted once")
                .put("passed", true);
        assertThat(element(ConformanceHtml.render(report), "verdict"))
                .contains("class=\"verdict pass\"")
                .contains("DRILL PASSED");
    }

    @Test
    void anUnreconciledRunIsRed() throws Exception {
        ObjectNode report = full().put("reconciled", false);

        assertThat(element(ConformanceHtml.render(report), "verdict"))
                .contains("class=\"verdict fail\"")
                .contains("NOT RECONCILED")
                .contains("LAWS HOLD");
    }

    @Test
    void checksAreGroupedByKindInOrderOfFirstAppearance() throws Exception {
        ObjectNode report = full();
        ((ArrayNode) report.path("checks"))
                .addObject()
                .put("name", "audit digest = bus digest")
                .put("kind", "reconciliation")
                .put("passed", true);

        String checks = element(ConformanceHtml.render(report), "checks");

        assertThat(checks.indexOf(">reconciliation")).isLessThan(checks.indexOf(">law"));
        assertThat(checks.indexOf("audit digest = bus digest")).isLessThan(checks.indexOf(">law"));
        assertThat(checks).contains("2 of 2 passed").contains("1 of 1 passed");
    }

    @Test
    void countsFollowThePlanesAndShowTheArchivePerTopic() throws Exception {
        String counts = element(ConformanceHtml.render(full()), "counts");

        int previous = -1;
        for (String label : new String[] {
            "events sent",
            "receipts: ADMITTED",
            "quarantined: INTEGRITY_MISMATCH",
            "bus records",
            ">decisions<",
            "effects",
            "audit records",
            "archive rows",
            "archived: fp.actions",
            "archived: fp.traffic",
            "on the bus: fp.actions",
            "on the bus: fp.traffic"
        }) {
            int at = counts.indexOf(label);
            assertThat(at).as(label).isGreaterThan(previous);
            previous = at;
        }
        assertThat(counts.substring(counts.indexOf("archive rows")))
                .contains("2,690")
                .doesNotContain("not wired");
        assertThat(counts).contains("1,000");
    }

    @Test
    void anArchiveThatIsNotWiredShowsAsSuchNeverAsZero() throws Exception {
        ObjectNode report = full();
        ObjectNode c = (ObjectNode) report.get("counts");
        c.putNull("archive_rows");
        c.remove("archive_rows_by_topic");
        c.remove("bus_records_of_run_by_topic");

        String counts = element(ConformanceHtml.render(report), "counts");

        assertThat(counts.substring(counts.indexOf("archive rows")))
                .contains("not wired")
                .doesNotContain("archived:");
    }

    @Test
    void everyStringFromTheReportIsEscaped() throws Exception {
        String evil = "<script>alert(1)</script>";
        ObjectNode report = full().put("world_id", evil).put("bundle_id", "\"><img src=x onerror=alert(2)>");
        ((ObjectNode) report.path("checks").get(0))
                .put("name", evil)
                .put("kind", evil)
                .put("detail", evil);
        ((ObjectNode) report.path("decisions_by_action")).put(evil, 1);
        report.putObject("drill")
                .put("name", evil)
                .putArray("expectations")
                .addObject()
                .put("name", evil)
                .put("passed", true);

        String html = ConformanceHtml.render(report);

        assertThat(html)
                .doesNotContain("<script")
                .doesNotContain("<img")
                .contains("&lt;script&gt;alert(1)&lt;&#47;script&gt;");
    }

    @Test
    void thePageReferencesNothingOutsideItself() throws Exception {
        ObjectNode report = full().put("world_id", "https://example.org/w");
        String html = ConformanceHtml.render(report);

        assertThat(html)
                .doesNotContain("http://")
                .doesNotContain("https://")
                .doesNotContain("<script")
                .doesNotContain("@import")
                .doesNotContain("@font-face")
                .doesNotContain("url(")
                .doesNotContain(" src=");
        assertThat(html).contains("https:&#47;&#47;example.org");
    }

    @Test
    void emptyOrMissingSeriesRenderNoData() throws Exception {
        ObjectNode report = full();
        ObjectNode series = report.putObject("series");
        series.putArray("throughput");
        series.put("latency_histogram", "garbage");
        report.remove("decisions_by_action");
        report.putObject("decisions_by_degrade_mode");

        String html = ConformanceHtml.render(report);

        for (String id : CHART_IDS) {
            assertThat(element(html, id)).as(id).contains("<svg").contains("no data");
        }
    }

    @Test
    void anEmptyReportRendersAsNotAvailable() throws Exception {
        String html = ConformanceHtml.render(Json.MAPPER.createObjectNode());

        assertThat(html).startsWith("<!DOCTYPE html>").endsWith("</html>\n").contains("not available");
        assertThat(element(html, "verdict")).contains("verdict unknown");
        assertThat(html).doesNotContain("id=\"drill\"");
        for (String id : CHART_IDS) assertThat(element(html, id)).contains("no data");
    }

    @Test
    void oddShapesAndNullNeverThrow() throws Exception {
        JsonNode odd = Json.MAPPER.readTree("""
                {"platform_run_id": 7, "world_id": {"a": [1]}, "reconciled": "yes", "counts": [1, 2], "checks": {"x": 1},
                 "drill": [], "performance": {"events_per_second": "fast"},
                 "series": {"throughput": [null, 3, {"second": "x", "admitted": "12"}, {"admitted": -5, "decided": 1e308}],
                            "latency_histogram": [{"le_ms": null}, {}]},
                 "decisions_by_action": {"APPROVE": "many", "DECLINE": -3}}
                """);

        assertThat(ConformanceHtml.render(odd)).contains("</html>").contains("id=\"drill\"");
        assertThat(ConformanceHtml.render(null)).contains("not available");
        assertThat(ConformanceHtml.render(Json.MAPPER.readTree("[]"))).contains("</html>");
    }
}
