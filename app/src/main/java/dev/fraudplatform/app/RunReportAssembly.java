package dev.fraudplatform.app;

import dev.fraudplatform.core.bus.Topics;
import dev.fraudplatform.core.decision.Decision;
import dev.fraudplatform.core.decision.DecisionAction;
import dev.fraudplatform.core.decision.DecisionLogDigest;
import dev.fraudplatform.core.decision.DegradeMode;
import dev.fraudplatform.core.json.Json;
import dev.fraudplatform.core.run.RunEvidence;
import dev.fraudplatform.core.run.RunFacts;
import dev.fraudplatform.decision.scoring.DecisionFabric;
import dev.fraudplatform.ops.RunReport;
import dev.fraudplatform.rtdl.audit.AuditLog;
import dev.fraudplatform.rtdl.audit.AuditReplay;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The assembly of one run's {@link RunReport} once its stream has drained (or stalled): reads the run's audit
 * records and its decisions on the bus, has the audit write what it still holds, seals the run's audit segments,
 * replays them, and counts receipts and effects. Sealing is part of it: a report is assembled once per run.
 */
final class RunReportAssembly {
    private static final Logger LOG = LoggerFactory.getLogger(RunReportAssembly.class);

    /** What the run's streams sent, and when they started and the run drained (0: it did not drain). */
    record StreamTotals(long sent, long resentUnanswered, long streamStartedAtMillis, long drainedAtMillis) {}

    /** The report, and what the laws judge beside it: the audit manifest's problems, and the audit's tally. */
    record Assembled(RunReport report, List<String> auditManifestProblems, RunLaws.DecisionTally tally) {}

    /**
     * What the audit says of the run's decisions: its records, counted while it is read, and of each decision that
     * stands for its id (a record written twice counts once), what {@link #tag} kept of it.
     */
    private static final class AuditCounts {
        private static final int DEGRADED_WITHOUT_REASON = 1 << 16;
        private static final int WITH_MISSING_CONTEXT = 1 << 17;
        private static final int MISSING_CONTEXT_YET_FULL = 1 << 18;
        long records;
        long degradedWithoutReason;
        long withMissingContext;
        long missingContextYetFull;
        final Map<String, Long> byAction = new TreeMap<>();
        final Map<String, Long> byMode = new TreeMap<>();

        /** What is counted of a decision, in an int: its action, its degrade mode and three flags. */
        static int tag(Decision d) {
            int tag = d.action().ordinal() | d.degradeMode().ordinal() << 8;
            if (d.degradeMode() != DegradeMode.FULL && d.degradeReason().isBlank()) tag |= DEGRADED_WITHOUT_REASON;
            if (!d.missingContext().isEmpty()) tag |= WITH_MISSING_CONTEXT;
            if (!d.missingContext().isEmpty() && d.degradeMode() == DegradeMode.FULL) tag |= MISSING_CONTEXT_YET_FULL;
            return tag;
        }

        void countStanding(int tag) {
            byAction.merge(DecisionAction.values()[tag & 0xff].name(), 1L, Long::sum);
            byMode.merge(DegradeMode.values()[(tag >> 8) & 0xff].name(), 1L, Long::sum);
            if ((tag & DEGRADED_WITHOUT_REASON) != 0) degradedWithoutReason++;
            if ((tag & WITH_MISSING_CONTEXT) != 0) withMissingContext++;
            if ((tag & MISSING_CONTEXT_YET_FULL) != 0) missingContextYetFull++;
        }
    }

    private final Platform platform;
    private final RunFacts facts;
    private final Map<Integer, Long> decisionsStart;

    /** {@code decisionsStart}: the end offsets of the decision topic when the run started, by partition. */
    RunReportAssembly(Platform platform, RunFacts facts, Map<Integer, Long> decisionsStart) {
        this.platform = platform;
        this.facts = facts;
        this.decisionsStart = decisionsStart;
    }

    private String runId() {
        return facts.platformRunId();
    }

    Assembled assemble(StreamTotals totals) throws Exception {
        // The audit writes what it still holds and its segments are sealed first, so that one read of the sealed
        // segments counts, digests and replays the same records.
        writeHeldAuditRecords();
        AuditLog.seal(platform.store(), runId());
        // The decisions on the bus are read beside the audit, on a thread of their own: two reads of the run, each as
        // long as the run, at once.
        java.util.concurrent.CompletableFuture<BusDecisions> bus = new java.util.concurrent.CompletableFuture<>();
        Thread busReader = new Thread(
                () -> {
                    try {
                        bus.complete(scanDecisions());
                    } catch (Throwable e) {
                        bus.completeExceptionally(e);
                    }
                },
                "fp-report-bus-" + runId());
        busReader.setDaemon(true);
        busReader.start();
        AuditCounts audit = new AuditCounts();
        AuditReplay.Result replay;
        DecisionLogDigest.Summary auditLog;
        ShadowScoring.Tally shadow;
        // Shadow scoring: sealed with the run, matched against the same read of the audit and judged by its own law
        // (null without a bundle in shadow).
        try (DecisionLogDigest auditDigest = new DecisionLogDigest();
                ShadowScoring.Matching shadowMatch =
                        ShadowScoring.match(platform.store(), runId(), platform.shadowBundle())) {
            replay = AuditReplay.replay(platform.store(), runId(), new DecisionFabric(platform.bundle()), a -> {
                audit.records++;
                auditDigest.add(a.decision(), AuditCounts.tag(a.decision()));
                if (shadowMatch != null) shadowMatch.active(a);
            });
            auditLog = auditDigest.finish(audit::countStanding);
            shadow = shadowMatch == null ? null : shadowMatch.finish();
        }
        BusDecisions onBus;
        try {
            onBus = bus.get();
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof Exception cause) throw cause;
            throw e;
        }
        long conflicts = auditLog.conflicts() + onBus.log().conflicts();
        Map<String, Long> admittedByClass = platform.receipts().admittedByEventClass(runId());
        long admittedTxns = admittedTransactions(admittedByClass);
        RunEvidence.LatencySummary latency = platform.evidence().latency(runId());
        long end = totals.drainedAtMillis() > 0 ? totals.drainedAtMillis() : System.currentTimeMillis();
        double eps = totals.sent() * 1000.0 / Math.max(1, end - totals.streamStartedAtMillis());
        long jvmStart =
                java.lang.management.ManagementFactory.getRuntimeMXBean().getStartTime();
        double toFirst = latency.firstDecisionSeenAtMillis() > 0
                ? (latency.firstDecisionSeenAtMillis() - jvmStart) / 1000.0
                : -1;
        List<String> auditProblems = new ArrayList<>(replay.manifestProblems());
        auditProblems.addAll(replay.mismatches());
        RunReport report = new RunReport(
                runId(),
                facts.worldId(),
                facts.bundleId(),
                new RunReport.Ingress(
                        totals.sent(),
                        totals.resentUnanswered(),
                        platform.receipts().countsByOutcome(runId()),
                        admittedByClass,
                        admittedTxns),
                new RunReport.Decisions(
                        onBus.records(),
                        onBus.log().distinct(),
                        audit.byAction,
                        audit.byMode,
                        onBus.log().digest(),
                        conflicts),
                platform.ledger().count(runId()),
                new RunReport.Audit(audit.records, auditLog.digest(), replay.matched(), auditProblems),
                casework(platform, runId(), admittedByClass, audit.byAction),
                new RunReport.Performance(
                        eps,
                        new RunReport.Latency(latency.p50Millis(), latency.p99Millis(), latency.maxMillis()),
                        toFirst,
                        peakRssMegabytes()),
                platform.roleFailures());
        return new Assembled(
                report,
                replay.manifestProblems(),
                new RunLaws.DecisionTally(
                        audit.degradedWithoutReason, audit.withMissingContext, audit.missingContextYetFull, shadow));
    }

    /**
     * Has the audit write every decision now on the bus before the run's segments are sealed, also when the drain
     * stalled: a record it still held would otherwise land in a segment after the seal, outside the manifest. Bounded:
     * an audit that cannot answer leaves its records out, and the report's reconciliation says so.
     */
    private void writeHeldAuditRecords() {
        try {
            platform.flushAudit().get(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.warn(
                    "run {}: the audit did not write what it holds before the seal ({}); the report counts what is sealed",
                    runId(),
                    e.toString());
        }
    }

    /** The run's decision records on the bus, and the log they make. */
    private record BusDecisions(long records, DecisionLogDigest.Summary log) {}

    /** Reads this run's decisions from the bus (committed only), from the offsets at run start to the end. */
    private BusDecisions scanDecisions() throws Exception {
        Map<Integer, Long> end = platform.busAdmin().endOffsets(Topics.DECISIONS);
        java.util.concurrent.atomic.AtomicLong records = new java.util.concurrent.atomic.AtomicLong();
        RunMarker marker = new RunMarker(runId());
        try (DecisionLogDigest log = new DecisionLogDigest()) {
            platform.topicReader().readCommitted(Topics.DECISIONS, decisionsStart, end, 300_000, value -> {
                if (!marker.names(value)) return;
                try {
                    records.incrementAndGet();
                    log.add(Decision.fromJson(Json.MAPPER.readTree(value)));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            return new BusDecisions(records.get(), log.finish());
        }
    }

    /** Admitted {@code label.*} events among {@link dev.fraudplatform.core.ingress.ReceiptStore#admittedByEventClass}. */
    static long admittedLabelEvents(Map<String, Long> admittedByClass) {
        return admittedByClass.entrySet().stream()
                .filter(e -> e.getKey().startsWith("label."))
                .mapToLong(Map.Entry::getValue)
                .sum();
    }

    /**
     * The case and label plane's counts of a run: what calls for a case (decisions by action, as the audit or the
     * ledger counts them, for the bundle's case actions) and what Case Management attached; the label events the gate
     * admitted and what the Label Store made of them.
     */
    static RunReport.Casework casework(
            Platform platform, String runId, Map<String, Long> admittedByClass, Map<String, Long> decisionsByAction) {
        java.util.Set<dev.fraudplatform.core.decision.DecisionAction> actions =
                platform.bundle().caseActions();
        long calling = decisionsByAction.entrySet().stream()
                .filter(e -> actions.stream().anyMatch(a -> a.name().equals(e.getKey())))
                .mapToLong(Map.Entry::getValue)
                .sum();
        Map<String, Long> cases = platform.cases().countsForRun(runId);
        Map<String, Long> assertions = platform.labels().countsByProvenance(runId);
        return new RunReport.Casework(
                actions.stream().map(Enum::name).sorted().toList(),
                calling,
                // decisions_attached counts those that joined an open case; each case was opened by one more
                cases.getOrDefault("cases_opened", 0L) + cases.getOrDefault("decisions_attached", 0L),
                cases.getOrDefault("cases_opened", 0L),
                admittedLabelEvents(admittedByClass),
                assertions.getOrDefault("event", 0L),
                platform.labels().rejectionsByReason(runId),
                assertions.getOrDefault("case", 0L));
    }

    /** Admitted events that the decision loop must decide: the transactions. */
    static long admittedTransactions(Map<String, Long> admittedByClass) {
        return admittedByClass.entrySet().stream()
                .filter(e -> Topics.isTransaction(e.getKey()))
                .mapToLong(Map.Entry::getValue)
                .sum();
    }

    static long peakRssMegabytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
            }
        } catch (Exception ignored) {
            // not Linux: no RSS to report
        }
        return -1;
    }
}
