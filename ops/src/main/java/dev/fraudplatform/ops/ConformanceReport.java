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
 *
 * <p>The archive ({@link ArchiveRows}): the rows the archive sealed for the run, per topic, against the run's records
 * on the bus over the same offsets, a reconciliation check that passes only when they are equal on every topic and the
 * archive's manifest re-hashes. Null when the archive is not wired (shown as such, never as zero).
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
        Drill drill,
        ArchiveRows archive) {

    /** A report without the archive's reconciliation (not wired: {@code archive_rows} is null). */
    public ConformanceReport(
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
        this(
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
                drill,
                null);
    }

    /**
     * The archive's side of the run: rows sealed per topic ({@code archived}, from the segment names the manifest
     * lists), the run's records on the bus per topic over the offsets the archive was flushed through
     * ({@code onBus}: the records whose value names the run; the run's end-of-stream markers are not traffic), and
     * the problems verifying the archive's manifest.
     */
    public record ArchiveRows(Map<String, Long> archived, Map<String, Long> onBus, List<String> manifestProblems) {
        public ArchiveRows {
            archived = Map.copyOf(archived);
            onBus = Map.copyOf(onBus);
            manifestProblems = List.copyOf(manifestProblems);
        }

        public long total() {
            return archived.values().stream().mapToLong(Long::longValue).sum();
        }

        /** Per topic of either side: {@code archived = onBus}; and the manifest re-hashes. */
        public Check check() {
            java.util.Set<String> topics = new java.util.TreeSet<>(archived.keySet());
            topics.addAll(onBus.keySet());
            List<String> parts = new ArrayList<>();
            boolean equal = true;
            for (String t : topics) {
                long a = archived.getOrDefault(t, 0L);
                long b = onBus.getOrDefault(t, 0L);
                equal &= a == b;
                parts.add(t + " " + a + (a == b ? " = " : " != ") + b);
            }
            return new Check(
                    "archive rows = the run's records on the bus, per topic; the archive's manifest re-hashes",
                    equal && manifestProblems.isEmpty(),
                    String.join(", ", parts)
                            + (manifestProblems.isEmpty() ? "" : "; " + String.join("; ", manifestProblems)));
        }
    }

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

    /** The run reconciles across planes, and the archive (when wired) with the bus. */
    public boolean reconciled() {
        return run.reconciled() && (archive == null || archive.check().passed());
    }

    /** Reconciled, every law holds, and the drill (if any) met every expectation. */
    public boolean passed() {
        return reconciled() && lawsHold() && (drill == null || drill.passed());
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
                d,
                archive);
    }

    /** This report with the archive's reconciliation. */
    public ConformanceReport withArchive(ArchiveRows a) {
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
                drill,
                a);
    }

    /** The failed checks of every kind, one line each. */
    public List<String> failures() {
        List<String> out = new ArrayList<>();
        run.checks().stream()
                .filter(c -> !c.passed())
                .forEach(c -> out.add("reconciliation: " + c.name() + ": " + c.detail()));
        if (archive != null && !archive.check().passed())
            out.add("reconciliation: " + archive.check().name() + ": "
                    + archive.check().detail());
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
        n.put("reconciled", reconciled());
        n.put("laws_hold", lawsHold());
        n.put("passed", passed());
        ObjectNode counts = (ObjectNode) n.get("counts");
        counts.put("bus_records", busRecords);
        counts.put("decisions_with_missing_context", decisionsWithMissingContext);
        if (archive == null) {
            counts.putNull("archive_rows"); // no archive for this run: shown as "not wired", never as zero
        } else {
            counts.put("archive_rows", archive.total());
            counts.set("archive_rows_by_topic", Json.MAPPER.valueToTree(new TreeMap<>(archive.archived())));
            counts.set("bus_records_of_run_by_topic", Json.MAPPER.valueToTree(new TreeMap<>(archive.onBus())));
        }
        n.set("quarantine_by_reason", Json.MAPPER.valueToTree(new TreeMap<>(quarantineByReason)));
        n.put("append_only_digest", appendOnlyDigest);
        n.put("append_only_cutoff", appendOnlyCutoff.toString());
        ArrayNode checks = n.putArray("checks");
        run.checks().forEach(c -> check(checks, "reconciliation", c));
        if (archive != null) check(checks, "reconciliation", archive.check());
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
        if (archive != null) {
            Check a = archive.check();
            sb.append(String.format(Locale.ROOT, "  [%s] %s: %s%n", a.passed() ? "ok" : "FAIL", a.name(), a.detail()));
        }
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
