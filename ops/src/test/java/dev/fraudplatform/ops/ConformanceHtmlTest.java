package dev.fraudplatform.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fraudplatform.core.json.Json;
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
                             "archive_rows": null},
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
        Matcher m = Pattern.compile("<polyline[^>]*data-series=\"" + series + "\"[^>]*points=\"([^\"]*)\"").matcher(html);
        assertThat(m.find()).as("polyline for %s", series).isTrue();
        return m.group(1).trim().split("\\s+").length;
    }

    @Test
    void everyChartIsAnInlineSvgWithATitle() throws Exception {
        String html = ConformanceHtml.render(full());

        for (String id : CHART_IDS) {
            String chart = element(html, id);
            assertThat(chart).as(id).contains("<svg").contains("<title").contains("</svg>").doesNotContain("no data");
        }
        assertThat(element(html, "chart-actions")).contains("APPROVE").contains("650 (92.9%)");
        assertThat(element(html, "chart-degrade")).contains("PARTIAL_CONTEXT").contains("100 (14.3%)");
        assertThat(element(html, "chart-latency")).contains("+Inf").contains("\u2264500 ms");
        assertThat(element(html, "chart-throughput")).contains(">admitted</text>").contains(">decided</text>");
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
        assertThat(chart).contains("<circle").doesNotContain("NaN").doesNotContain("Infinity").doesNotContain("no data");
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
        assertThat(element(html, "verdict")).contains("class=\"verdict fail\"").contains("LAW BROKEN").doesNotContain("LAWS HOLD");
        assertThat(element(html, "checks")).contains("badge fail");
    }

    @Test
    void aDrillThatMissedAnExpectationIsRedThoughTheRunConforms() throws Exception {
        ObjectNode report = full();
        ObjectNode drill = report.putObject("drill").put("name", "duplicates").put("fault", "10% resent");
        drill.putArray("expectations").addObject().put("name", "every event admitted once").put("passed", false).put("detail", "expected 10, got 9");

        String verdict = element(ConformanceHtml.render(report), "verdict");

        assertThat(verdict).contains("class=\"verdict fail\"").contains("LAWS HOLD / RECONCILED / DRILL FAILED");
        drill.withArray("expectations").removeAll();
        drill.withArray("expectations").addObject().put("name", "every event admitted once").put("passed", true);
        assertThat(element(ConformanceHtml.render(report), "verdict")).contains("class=\"verdict pass\"").contains("DRILL PASSED");
    }

    @Test
    void anUnreconciledRunIsRed() throws Exception {
        ObjectNode report = full().put("reconciled", false);

        assertThat(element(ConformanceHtml.render(report), "verdict"))
                .contains("class=\"verdict fail\"").contains("NOT RECONCILED").contains("LAWS HOLD");
    }

    @Test
    void checksAreGroupedByKindInOrderOfFirstAppearance() throws Exception {
        ObjectNode report = full();
        ((ArrayNode) report.path("checks")).addObject().put("name", "audit digest = bus digest").put("kind", "reconciliation").put("passed", true);

        String checks = element(ConformanceHtml.render(report), "checks");

        assertThat(checks.indexOf(">reconciliation")).isLessThan(checks.indexOf(">law"));
        assertThat(checks.indexOf("audit digest = bus digest")).isLessThan(checks.indexOf(">law"));
        assertThat(checks).contains("2 of 2 passed").contains("1 of 1 passed");
    }

    @Test
    void countsFollowThePlanesAndShowUnwiredPlanes() throws Exception {
        String counts = element(ConformanceHtml.render(full()), "counts");

        int previous = -1;
        for (String label : new String[] {"events sent", "receipts: ADMITTED", "quarantined: INTEGRITY_MISMATCH", "bus records",
                ">decisions<", "effects", "audit records", "archive rows"}) {
            int at = counts.indexOf(label);
            assertThat(at).as(label).isGreaterThan(previous);
            previous = at;
        }
        assertThat(counts.substring(counts.indexOf("archive rows"))).contains("not wired");
        assertThat(counts).contains("1,000");
    }

    @Test
    void everyStringFromTheReportIsEscaped() throws Exception {
        String evil = "<script>alert(1)</script>";
        ObjectNode report = full().put("world_id", evil).put("bundle_id", "\"><img src=x onerror=alert(2)>");
        ((ObjectNode) report.path("checks").get(0)).put("name", evil).put("kind", evil).put("detail", evil);
        ((ObjectNode) report.path("decisions_by_action")).put(evil, 1);
        report.putObject("drill").put("name", evil).putArray("expectations").addObject().put("name", evil).put("passed", true);

        String html = ConformanceHtml.render(report);

        assertThat(html).doesNotContain("<script").doesNotContain("<img").contains("&lt;script&gt;alert(1)&lt;&#47;script&gt;");
    }

    @Test
    void thePageReferencesNothingOutsideItself() throws Exception {
        ObjectNode report = full().put("world_id", "https://example.org/w");
        String html = ConformanceHtml.render(report);

        assertThat(html).doesNotContain("http://").doesNotContain("https://").doesNotContain("<script")
                .doesNotContain("@import").doesNotContain("@font-face").doesNotContain("url(").doesNotContain(" src=");
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
