package dev.fraudplatform.ops;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fraudplatform.core.json.CanonicalJson;
import dev.fraudplatform.core.json.Json;
import dev.fraudplatform.core.store.ObjectStore;
import dev.fraudplatform.ops.RunReport.Check;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * A run's conformance report: the reconciliation across planes ({@link RunReport}), the laws checked against the
 * stores, the series its charts draw, and, for a drill, the drill's own expectations. It passes only when the run
 * reconciles, every law holds and every drill expectation is met; {@code fp run}, {@code fp demo} and
 * {@code fp drill} exit non-zero otherwise.
 *
 * <p>Laws (each one a check of kind {@code law}): no admitted transaction without a decision and its effect; no
 * effect without an admitted event; no effect applied twice; no event admitted twice; every append-only table still
 * guarded; every manifest (world, audit segments) re-hashes.
 */
public record ConformanceReport(
        RunReport run,
        Instant generatedAt,
        long busRecords,
        long decisionsWithMissingContext,
        Map<String, Long> quarantineByReason,
        List<Check> laws,
        String appendOnlyDigest,
        Instant appendOnlyCutoff,
        List<Throughput> throughput,
        Map<String, Long> latencyHistogram,
        Drill drill) {

    /** Events admitted and decisions applied in one second of the run, counted from its first receipt. */
    public record Throughput(int second, long admitted, long decided) {}

    /** A drill's name and the outcomes it expects of the run, each a check. */
    public record Drill(String name, String fault, List<Check> expectations) {
        public boolean passed() {
            return !expectations.isEmpty() && expectations.stream().allMatch(Check::passed);
        }
    }

    public boolean lawsHold() {
        return laws.stream().allMatch(Check::passed);
    }

    /** Reconciled, every law holds, and the drill (if any) met every expectation. */
    public boolean passed() {
        return run.reconciled() && lawsHold() && (drill == null || drill.passed());
    }

    public ConformanceReport withDrill(Drill d) {
        return new ConformanceReport(
                run,
                generatedAt,
                busRecords,
                decisionsWithMissingContext,
                quarantineByReason,
                laws,
                appendOnlyDigest,
                appendOnlyCutoff,
                throughput,
                latencyHistogram,
                d);
    }

    /** The failed checks of every kind, one line each. */
    public List<String> failures() {
        List<String> out = new ArrayList<>();
        run.checks().stream()
                .filter(c -> !c.passed())
                .forEach(c -> out.add("reconciliation: " + c.name() + ": " + c.detail()));
        laws.stream().filter(c -> !c.passed()).forEach(c -> out.add("law: " + c.name() + ": " + c.detail()));
        if (drill != null)
            drill.expectations().stream()
                    .filter(c -> !c.passed())
                    .forEach(c -> out.add("drill " + drill.name() + ": " + c.name() + ": " + c.detail()));
        if (drill != null && drill.expectations().isEmpty())
            out.add("drill " + drill.name() + ": no expectation was checked");
        return out;
    }

    public ObjectNode toJson() {
        ObjectNode n = run.toJson();
        n.put("generated_at", generatedAt.toString());
        n.put("laws_hold", lawsHold());
        n.put("passed", passed());
        ObjectNode counts = (ObjectNode) n.get("counts");
        counts.put("bus_records", busRecords);
        counts.put("decisions_with_missing_context", decisionsWithMissingContext);
        counts.putNull("archive_rows"); // no archive role in this build yet: shown as "not wired", never as zero
        n.set("quarantine_by_reason", Json.MAPPER.valueToTree(new TreeMap<>(quarantineByReason)));
        n.put("append_only_digest", appendOnlyDigest);
        n.put("append_only_cutoff", appendOnlyCutoff.toString());
        ArrayNode checks = n.putArray("checks");
        run.checks().forEach(c -> check(checks, "reconciliation", c));
        laws.forEach(c -> check(checks, "law", c));
        ObjectNode series = n.putObject("series");
        ArrayNode tp = series.putArray("throughput");
        throughput.forEach(t -> tp.addObject()
                .put("second", t.second())
                .put("admitted", t.admitted())
                .put("decided", t.decided()));
        ArrayNode hist = series.putArray("latency_histogram");
        latencyHistogram.forEach((le, count) -> {
            ObjectNode b = hist.addObject();
            if (le.equals("+Inf")) b.put("le_ms", le);
            else b.put("le_ms", Long.parseLong(le));
            b.put("count", count);
        });
        if (drill != null) {
            ObjectNode d = n.putObject("drill");
            d.put("name", drill.name()).put("fault", drill.fault()).put("passed", drill.passed());
            ArrayNode ex = d.putArray("expectations");
            drill.expectations()
                    .forEach(c -> ex.addObject()
                            .put("name", c.name())
                            .put("passed", c.passed())
                            .put("detail", c.detail()));
        }
        return n;
    }

    private static void check(ArrayNode into, String kind, Check c) {
        into.addObject()
                .put("name", c.name())
                .put("kind", kind)
                .put("passed", c.passed())
                .put("detail", c.detail());
    }

    /** Where a run's report lives in the object store, without extension. */
    public static String evidenceKey(String runId, String name) {
        return "evidence/" + runId + "/" + name;
    }

    /**
     * Writes {@code evidence/<run>/report.json} and the self-contained {@code report.html} (or
     * {@code drill-<name>.json/.html} for a drill). Evidence is written once: a second write of the same report fails.
     */
    public List<String> write(ObjectStore store) {
        String base = evidenceKey(run.platformRunId(), drill == null ? "report" : "drill-" + drill.name());
        ObjectNode json = toJson();
        store.create(base + ".json", CanonicalJson.bytes(json));
        store.create(base + ".html", ConformanceHtml.render(json).getBytes(StandardCharsets.UTF_8));
        return List.of(base + ".json", base + ".html");
    }

    /** A human summary: the run's own, then the laws and the drill. */
    public String toText() {
        StringBuilder sb = new StringBuilder(run.toText()).append(System.lineSeparator());
        for (Check c : laws)
            sb.append(String.format(
                    Locale.ROOT, "  [%s] law: %s: %s%n", c.passed() ? "ok" : "BROKEN", c.name(), c.detail()));
        if (drill != null) {
            sb.append(String.format(Locale.ROOT, "  drill %s (%s)%n", drill.name(), drill.fault()));
            for (Check c : drill.expectations())
                sb.append(String.format(
                        Locale.ROOT, "  [%s] expect: %s: %s%n", c.passed() ? "ok" : "FAIL", c.name(), c.detail()));
        }
        sb.append(passed() ? "  CONFORMS" : "  DOES NOT CONFORM: " + failures().size() + " failed check(s)");
        return sb.toString();
    }
}
