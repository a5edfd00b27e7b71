package dev.fraudplatform.app;

import dev.fraudplatform.core.bus.BusAdmin;
import dev.fraudplatform.core.labels.LabelAssertion;
import dev.fraudplatform.core.labels.LabelStore;
import dev.fraudplatform.core.run.RunEvidence;
import dev.fraudplatform.core.store.Manifest;
import dev.fraudplatform.core.store.ObjectStore;
import dev.fraudplatform.ops.ConformanceReport;
import dev.fraudplatform.ops.RunReport;
import dev.fraudplatform.ops.RunReport.Check;
import dev.fraudplatform.world.WorldBuilder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Judges a finished run against the platform's laws, from the stores themselves (the receipts and effects through
 * {@link RunEvidence}, the bus's offsets, the object store's manifests), and gathers the conformance report's series.
 */
public final class RunLaws {
    private RunLaws() {}

    /**
     * What the audit says of the run's decisions, counted while it is read; {@code shadow}: its shadow decisions', null
     * when no bundle was in shadow.
     */
    record DecisionTally(
            long degradedWithoutReason,
            long withMissingContext,
            long missingContextYetFull,
            ShadowScoring.Tally shadow) {}

    static ConformanceReport judge(
            Platform platform, RunReport run, List<String> auditManifestProblems, DecisionTally tally)
            throws Exception {
        RunEvidence evidence = platform.evidence();
        String runId = run.platformRunId();
        RunEvidence.BusCoordinateCount bus = evidence.busCoordinates(runId);
        List<String> beyondLog = recordsBeyondLog(platform.busAdmin(), bus.highestOffsetByPartition());
        List<Check> laws = storeLaws(
                evidence,
                runId,
                bus.admittedReceipts() == bus.distinctRecords() && beyondLog.isEmpty(),
                "; " + bus.admittedReceipts() + " admitted receipts name " + bus.distinctRecords()
                        + " distinct bus records" + (beyondLog.isEmpty() ? "" : "; beyond the log end: " + beyondLog));
        laws.add(new Check(
                "every decision that degrades says why",
                tally.degradedWithoutReason() == 0,
                tally.degradedWithoutReason() + " degraded decisions without a reason"));
        laws.add(new Check(
                "no decision with missing context claims FULL",
                tally.missingContextYetFull() == 0,
                tally.missingContextYetFull() + " of " + tally.withMissingContext()
                        + " decisions with missing context claim FULL"));
        laws.add(manifestLaw(platform.store(), run.worldId(), auditManifestProblems));
        if (tally.shadow() != null) laws.add(tally.shadow().law());
        laws.add(asOfLaw(platform.labels(), runId, AS_OF_SAMPLE));
        List<ConformanceReport.Throughput> throughput = evidence.throughput(runId).stream()
                .map(s -> new ConformanceReport.Throughput(s.second(), s.admitted(), s.decided()))
                .toList();
        RunEvidence.AppendOnlyDigest digest = evidence.appendOnlyDigest(runId, null);
        return new ConformanceReport(
                run,
                Instant.now(),
                bus.distinctRecords(),
                tally.withMissingContext(),
                evidence.quarantineByReason(runId),
                laws,
                digest.sha256(),
                digest.cutoff(),
                throughput,
                evidence.latencyHistogram(runId),
                null);
    }

    /**
     * Re-checks a finished run against the stores as they are now, from its written report: the run's receipts and
     * effects hash as they did when it ended (nothing updated or removed in place), the laws the stores can prove
     * still hold, the tables are still guarded, and the world and audit manifests (and the archive's, once sealed) still re-hash.
     */
    public static List<Check> recheck(ObjectStore store, RunEvidence evidence, String runId) throws Exception {
        String key = ConformanceReport.evidenceKey(runId, "report.json");
        if (!store.exists(key))
            throw new IllegalArgumentException("run " + runId + " has no conformance report (" + key + ")");
        com.fasterxml.jackson.databind.JsonNode written =
                dev.fraudplatform.core.json.Json.MAPPER.readTree(store.read(key));
        List<Check> out = new ArrayList<>();
        String then = written.path("append_only_digest").asText();
        Instant cutoff = Instant.parse(written.path("append_only_cutoff").asText());
        String now = evidence.appendOnlyDigest(runId, cutoff).sha256();
        long later = evidence.rowsAfter(runId, cutoff);
        out.add(new Check(
                "the run's receipts, effects and label assertions are unchanged since its report",
                then.equals(now),
                then + (then.equals(now) ? " = " : " != ") + now + " (rows up to " + cutoff + "; " + later
                        + " received for the run since, e.g. late retries, each with its own receipt)"));
        out.addAll(storeLaws(evidence, runId, true, ""));
        List<String> audit = new ArrayList<>(dev.fraudplatform.rtdl.audit.AuditLog.verify(store, runId));
        audit.addAll(dev.fraudplatform.rtdl.audit.AuditLog.verifyShadow(store, runId));
        out.add(manifestLaw(store, written.path("world_id").asText(), audit));
        if (dev.fraudplatform.learning.archive.ArchiveSeal.sealed(store, runId)) {
            List<String> archive = dev.fraudplatform.learning.archive.ArchiveSeal.verify(store, runId);
            out.add(new Check(
                    "the run's archive segments still match their manifest",
                    archive.isEmpty(),
                    archive.isEmpty() ? "every segment re-hashes" : String.join("; ", archive)));
        }
        return out;
    }

    /**
     * The laws the stores prove alone: no decision lost, no effect from nowhere or twice, no double admission (and
     * whatever the bus adds to it: {@code busHolds}, {@code busDetail}), every append-only table guarded.
     */
    private static List<Check> storeLaws(RunEvidence evidence, String runId, boolean busHolds, String busDetail) {
        List<Check> laws = new ArrayList<>();
        long lost = evidence.admittedWithoutEffect(runId);
        laws.add(new Check(
                "no admitted transaction without a decision",
                lost == 0,
                lost + " admitted transactions without a decision applied"));
        long orphans = evidence.effectsWithoutAdmission(runId);
        laws.add(new Check(
                "no effect without an admitted event",
                orphans == 0,
                orphans + " effects of events the gate did not admit"));
        long twice = evidence.effectsAppliedTwice(runId);
        laws.add(new Check("no effect applied twice", twice == 0, twice + " effects beyond one per event"));
        long doubleAdmitted = evidence.doubleAdmissions(runId);
        laws.add(new Check(
                "no event admitted twice; every admission names its own record on the bus",
                doubleAdmitted == 0 && busHolds,
                doubleAdmitted + " double admissions" + busDetail));
        List<String> unguarded = evidence.unguardedAppendOnlyTables();
        laws.add(new Check(
                "append-only tables are guarded against update, delete and truncate",
                unguarded.isEmpty(),
                unguarded.isEmpty()
                        ? evidence.appendOnlyTables().size() + " tables guarded"
                        : "unguarded: " + unguarded));
        return laws;
    }

    /** How many subjects the as-of law samples. */
    static final int AS_OF_SAMPLE = 200;

    /**
     * As-of answers never see the future, and each is the one that stands: for a sample of the run's labelled subjects
     * (a reservoir over every standing assertion, seeded by the run id), asks the Label Store as of just before, at and
     * after each assertion in the subject's history, and compares each answer with the history read back: nothing
     * observed after T, and the first in {@link LabelAssertion#STANDING} order of what was observed by T.
     */
    static Check asOfLaw(LabelStore labels, String runId, int sampleSize) {
        java.util.Random random = new java.util.Random(runId.hashCode());
        List<LabelAssertion> sample = new ArrayList<>();
        long[] seen = {0};
        labels.forEachStanding(runId, Instant.now(), a -> {
            seen[0]++;
            if (sample.size() < sampleSize) sample.add(a);
            else {
                long slot = (long) (random.nextDouble() * seen[0]);
                if (slot < sampleSize) sample.set((int) slot, a);
            }
        });
        long answers = 0;
        List<String> problems = new ArrayList<>();
        for (LabelAssertion a : sample) {
            List<LabelAssertion> history = labels.history(runId, a.subject());
            java.util.TreeSet<Instant> times = new java.util.TreeSet<>();
            for (LabelAssertion h : history) {
                times.add(h.observedTime().minusMillis(1));
                times.add(h.observedTime());
                times.add(h.observedTime().plusMillis(1));
            }
            for (Instant t : times) {
                answers++;
                java.util.Optional<LabelAssertion> got = labels.asOf(runId, a.subject(), t);
                java.util.Optional<LabelAssertion> standing = history.stream()
                        .filter(h -> !h.observedTime().isAfter(t))
                        .sorted(LabelAssertion.STANDING)
                        .findFirst();
                if (got.isPresent() && got.get().observedTime().isAfter(t)) {
                    problems.add(a.subject() + " as of " + t + " answered "
                            + got.get().assertionId() + ", observed "
                            + got.get().observedTime());
                } else if (!got.map(LabelAssertion::assertionId).equals(standing.map(LabelAssertion::assertionId))) {
                    problems.add(a.subject() + " as of " + t + " answered " + got.map(LabelAssertion::assertionId)
                            + ", the standing one is " + standing.map(LabelAssertion::assertionId));
                }
            }
        }
        return new Check(
                "no as-of label answer is observed after its time, and each is the standing assertion (a sample)",
                problems.isEmpty(),
                answers + " as-of answers on " + sample.size() + " of " + seen[0] + " labelled subjects"
                        + (problems.isEmpty()
                                ? ""
                                : "; " + problems.size() + " wrong: "
                                        + String.join("; ", problems.subList(0, Math.min(5, problems.size())))));
    }

    private static Check manifestLaw(ObjectStore store, String worldId, List<String> auditManifestProblems) {
        List<String> problems = new ArrayList<>(Manifest.verify(store, WorldBuilder.prefix(worldId)));
        problems.addAll(auditManifestProblems);
        return new Check(
                "every manifest re-hashes (world, audit segments)",
                problems.isEmpty(),
                problems.isEmpty() ? "world and audit manifests match" : String.join("; ", problems));
    }

    /** Topic-partitions where a receipt names an offset at or past the log's end: a record the bus does not hold. */
    private static List<String> recordsBeyondLog(BusAdmin bus, Map<String, Long> highestOffsets) throws Exception {
        Map<String, Long> ends = new java.util.HashMap<>();
        for (String topic : highestOffsets.keySet().stream()
                .map(tp -> tp.substring(0, tp.lastIndexOf('-')))
                .distinct()
                .toList()) {
            bus.endOffsets(topic).forEach((partition, end) -> ends.put(topic + "-" + partition, end));
        }
        List<String> out = new ArrayList<>();
        highestOffsets.forEach((tp, offset) -> {
            Long end = ends.get(tp);
            if (end == null || offset >= end) out.add(tp + "@" + offset + " (end " + end + ")");
        });
        return out;
    }
}
