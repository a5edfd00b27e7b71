package dev.fraudplatform.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fraudplatform.core.json.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Same laws, different wiring (ARCHITECTURE.md §1): one world run on two profiles, each run's conformance report
 * ({@code evidence/<run>/report.json}) compared. The two agree when
 *
 * <pre>
 *   passed = both reports reconciled AND both laws hold
 *        AND decision_log_digest(A) = decision_log_digest(B)
 *        AND for every count c of {@link #COMPARED_COUNTS}: c(A) = c(B)
 * </pre>
 *
 * Counts that depend on timing or on the wiring itself (bus records, resends after a lost answer, throughput) are not
 * compared. Pure: it reads only the two reports.
 */
public final class WiringComparison {
    /** The deterministic counts of a run: the same world, bundle and config give the same ones on any wiring. */
    public static final List<String> COMPARED_COUNTS = List.of(
            "sent",
            "receipts_total",
            "admitted_transactions",
            "decisions",
            "effects",
            "audit_records",
            "audit_replay_matched",
            "decisions_calling_for_case",
            "cases_opened",
            "label_events_admitted",
            "label_assertions_from_events");

    /** One compared fact. */
    public record Check(String name, boolean passed, String detail) {}

    private final String profileA;
    private final String profileB;
    private final JsonNode reportA;
    private final JsonNode reportB;
    private final List<Check> checks;

    public WiringComparison(String profileA, JsonNode reportA, String profileB, JsonNode reportB) {
        this.profileA = Objects.requireNonNull(profileA);
        this.profileB = Objects.requireNonNull(profileB);
        this.reportA = Objects.requireNonNull(reportA);
        this.reportB = Objects.requireNonNull(reportB);
        List<Check> out = new ArrayList<>();
        out.add(holds("reconciled on " + profileA, reportA.path("reconciled")));
        out.add(holds("reconciled on " + profileB, reportB.path("reconciled")));
        out.add(holds("laws hold on " + profileA, reportA.path("laws_hold")));
        out.add(holds("laws hold on " + profileB, reportB.path("laws_hold")));
        out.add(same("decision_log_digest", reportA.path("decision_log_digest"), reportB.path("decision_log_digest")));
        out.add(same("world_id", reportA.path("world_id"), reportB.path("world_id")));
        out.add(same("bundle_id", reportA.path("bundle_id"), reportB.path("bundle_id")));
        for (String count : COMPARED_COUNTS)
            out.add(same(
                    "count " + count,
                    reportA.path("counts").path(count),
                    reportB.path("counts").path(count)));
        this.checks = List.copyOf(out);
    }

    private static Check holds(String name, JsonNode flag) {
        return new Check(
                name, flag.isBoolean() && flag.booleanValue(), flag.isMissingNode() ? "absent" : flag.toString());
    }

    private Check same(String name, JsonNode a, JsonNode b) {
        boolean present = !a.isMissingNode() && !a.isNull() && !b.isMissingNode() && !b.isNull();
        boolean equal = present && a.equals(b);
        String detail = equal
                ? a.asText()
                : profileA + " " + (a.isMissingNode() ? "absent" : a.asText()) + ", " + profileB + " "
                        + (b.isMissingNode() ? "absent" : b.asText());
        return new Check(name, equal, detail);
    }

    public List<Check> checks() {
        return checks;
    }

    /** Do the two wirings agree on everything compared? */
    public boolean passed() {
        return checks.stream().allMatch(Check::passed);
    }

    /** The checks that failed, one line each. */
    public List<String> failures() {
        return checks.stream()
                .filter(c -> !c.passed())
                .map(c -> c.name() + ": " + c.detail())
                .toList();
    }

    public ObjectNode toJson() {
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.put("kind", "wiring_conformance");
        n.put("passed", passed());
        n.put("world_id", reportA.path("world_id").asText());
        ObjectNode profiles = n.putObject("profiles");
        profiles.set(profileA, summary(reportA));
        profiles.set(profileB, summary(reportB));
        ArrayNode cs = n.putArray("checks");
        checks.forEach(c ->
                cs.addObject().put("name", c.name()).put("passed", c.passed()).put("detail", c.detail()));
        return n;
    }

    private static ObjectNode summary(JsonNode report) {
        ObjectNode s = Json.MAPPER.createObjectNode();
        s.put("platform_run_id", report.path("platform_run_id").asText());
        s.put("decision_log_digest", report.path("decision_log_digest").asText());
        s.put("reconciled", report.path("reconciled").asBoolean(false));
        s.put("laws_hold", report.path("laws_hold").asBoolean(false));
        s.set("performance", report.path("performance").deepCopy());
        return s;
    }

    /** A self-contained page: verdict, the two runs, every check. */
    public String toHtml() {
        StringBuilder out = new StringBuilder(8_192);
        out.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Wiring conformance ")
                .append(ConformanceHtml.escape(profileA + " vs " + profileB))
                .append(
                        "</title>\n<style>body{font:14px system-ui,sans-serif;margin:2em}table{border-collapse:collapse}"
                                + "td,th{border:1px solid #ccc;padding:4px 8px;text-align:left}.ok{color:#17692c}"
                                + ".bad{color:#b00020;font-weight:bold}</style>\n</head>\n<body>\n<h1>Same laws, different "
                                + "wiring</h1>\n<p id=\"verdict\" class=\"")
                .append(passed() ? "ok\">AGREE" : "bad\">DISAGREE")
                .append("</p>\n<p>world ")
                .append(ConformanceHtml.escape(reportA.path("world_id").asText()))
                .append("</p>\n<table>\n<tr><th>profile</th><th>run</th><th>decision-log digest</th>"
                        + "<th>events/s</th></tr>\n");
        row(out, profileA, reportA);
        row(out, profileB, reportB);
        out.append("</table>\n<h2>Checks</h2>\n<table>\n<tr><th>check</th><th>result</th><th>detail</th></tr>\n");
        for (Check c : checks)
            out.append("<tr><td>")
                    .append(ConformanceHtml.escape(c.name()))
                    .append("</td><td class=\"")
                    .append(c.passed() ? "ok\">pass" : "bad\">FAIL")
                    .append("</td><td>")
                    .append(ConformanceHtml.escape(c.detail()))
                    .append("</td></tr>\n");
        return out.append("</table>\n</body>\n</html>\n").toString();
    }

    private static void row(StringBuilder out, String profile, JsonNode report) {
        out.append("<tr><td>")
                .append(ConformanceHtml.escape(profile))
                .append("</td><td>")
                .append(ConformanceHtml.escape(report.path("platform_run_id").asText()))
                .append("</td><td>")
                .append(ConformanceHtml.escape(
                        report.path("decision_log_digest").asText()))
                .append("</td><td>")
                .append(ConformanceHtml.escape(
                        report.path("performance").path("events_per_second").asText()))
                .append("</td></tr>\n");
    }
}
