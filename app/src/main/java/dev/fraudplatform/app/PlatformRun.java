package dev.fraudplatform.app;

import dev.fraudplatform.core.bus.Topics;
import dev.fraudplatform.core.run.RunFacts;
import dev.fraudplatform.core.run.RunIds;
import dev.fraudplatform.core.run.RunState;
import dev.fraudplatform.decision.bundle.DecisionBundle;
import dev.fraudplatform.ingress.http.HttpIngressClient;
import dev.fraudplatform.ops.ConformanceReport;
import dev.fraudplatform.ops.RunReport;
import dev.fraudplatform.rtdl.audit.AuditLog;
import dev.fraudplatform.world.ScenarioRunner;
import dev.fraudplatform.world.streamer.WorldStreamer;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * One run of a world through every plane: the Scenario Runner admits the world and pins the run facts (READY),
 * the streamer sends the world through the gate (STREAMING), the platform drains (DRAINING), and the run report
 * reconciles every count (COMPLETED, or FAILED with the reason).
 *
 * <p>Use: {@link #start}, then {@link #stream} (any number of times: a second stream of the same world only
 * produces DUPLICATE receipts), {@link #awaitDrain}, {@link #finish}.
 *
 * <p>This class holds the run's lifecycle; the end-of-stream announcement is {@link StreamEndAnnouncer}'s, the report's
 * assembly {@link RunReportAssembly}'s and the laws {@link RunLaws}'.
 */
public final class PlatformRun {
    private static final Logger LOG = LoggerFactory.getLogger(PlatformRun.class);
    /** The logging-context key every log line of a run carries. */
    static final String RUN_ID_KEY = "platform_run_id";

    private final Platform platform;
    private final RunFacts facts;
    private final Map<Integer, Long> decisionsStart;
    /** The archived topics' end offsets when the run started: where its records on them begin. */
    private final Map<String, Map<Integer, Long>> archiveStart;

    private final Consumer<String> status;
    private final StreamEndAnnouncer streamEnd;
    private final java.util.concurrent.atomic.AtomicLong sent = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong resentUnanswered =
            new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicInteger streamsRunning =
            new java.util.concurrent.atomic.AtomicInteger();
    private long streamStartedAt;
    private long drainedAt;

    private PlatformRun(
            Platform platform,
            RunFacts facts,
            Map<Integer, Long> decisionsStart,
            Map<String, Map<Integer, Long>> archiveStart,
            Consumer<String> status) {
        this.platform = platform;
        this.facts = facts;
        this.decisionsStart = decisionsStart;
        this.archiveStart = archiveStart;
        this.status = status;
        this.streamEnd = new StreamEndAnnouncer(platform, facts.platformRunId());
    }

    /**
     * As {@link #start(Platform, String, DecisionBundle, Consumer)} with the bundle the platform gives a run that names
     * none ({@link Platform#bundleForNewRun()}: the registry's active bundle, else the built-in rules), pinned now.
     */
    public static PlatformRun start(Platform platform, String worldId, Consumer<String> status) throws Exception {
        return start(platform, worldId, platform.bundleForNewRun(), java.util.Set.of(), status);
    }

    /**
     * Admits {@code worldId} (gate PASSED, manifest intact), pins the run facts, announces READY and makes sure the
     * roles serve {@code bundle}.
     *
     * @throws ScenarioRunner.WorldRefusedException when the world may not be run
     */
    public static PlatformRun start(Platform platform, String worldId, DecisionBundle bundle, Consumer<String> status)
            throws Exception {
        return start(platform, worldId, bundle, java.util.Set.of(), status);
    }

    /**
     * As {@link #start(Platform, String, DecisionBundle, Consumer)}, also allowing {@code otherProducers} to write into
     * the run beside the platform's own streamer; every other producer's key is refused for it (403).
     */
    public static PlatformRun start(
            Platform platform,
            String worldId,
            DecisionBundle bundle,
            java.util.Set<String> otherProducers,
            Consumer<String> status)
            throws Exception {
        return start(platform, worldId, bundle, otherProducers, null, status);
    }

    /** As {@link #start(Platform, String, DecisionBundle, java.util.Set, Consumer)}, named {@code runId} (null: new). */
    public static PlatformRun start(
            Platform platform,
            String worldId,
            DecisionBundle bundle,
            java.util.Set<String> otherProducers,
            String runId,
            Consumer<String> status)
            throws Exception {
        ScenarioRunner sr = new ScenarioRunner(platform.store());
        String fingerprint = sr.admit(worldId);
        platform.startRoles(bundle);
        RunFacts facts = new RunFacts(
                runId == null ? RunIds.newRunId() : runId,
                worldId,
                fingerprint,
                bundle.id(),
                bundle.digest(),
                platform.config().decisionConfigDigest(bundle.id()),
                PlatformConfig.codeVersion(),
                Instant.now());
        Map<Integer, Long> start = platform.busAdmin().endOffsets(Topics.DECISIONS);
        Map<String, Map<Integer, Long>> archiveStart = RunArchive.endOffsets(platform);
        java.util.Set<String> producers = new java.util.TreeSet<>(otherProducers);
        producers.add(Platform.STREAMER_PRODUCER);
        sr.pinAndAnnounce(facts, producers, platform.runs(), platform.publisher());
        // The facts beside the run's evidence from the start: what it is pinned to, and the code and image it runs.
        platform.store()
                .create(
                        dev.fraudplatform.ops.ConformanceReport.evidenceKey(facts.platformRunId(), "facts.json"),
                        dev.fraudplatform.core.json.CanonicalJson.bytes(
                                EvidenceExport.factsJson(facts, RunState.READY)));
        try (MDC.MDCCloseable c = MDC.putCloseable(RUN_ID_KEY, facts.platformRunId())) {
            LOG.info(
                    "run READY: world {}, bundle {} ({}), config {}",
                    worldId,
                    bundle.id(),
                    bundle.digest(),
                    facts.configDigest());
        }
        return new PlatformRun(platform, facts, start, archiveStart, status);
    }

    public RunFacts facts() {
        return facts;
    }

    public String runId() {
        return facts.platformRunId();
    }

    /** Streams the whole world through the gate, quietly; returns the streamer's stats. */
    public WorldStreamer.Stats stream() throws InterruptedException {
        return stream(-1, 0);
    }

    /**
     * Streams the whole world through the gate with a progress line (when {@code expectedEvents >= 0}), offering
     * {@code rate} events/s (0: as fast as the gate takes them).
     */
    public WorldStreamer.Stats stream(long expectedEvents, double rate) throws InterruptedException {
        return stream(expectedEvents, rate, platform.gateUrl(), s -> s);
    }

    /**
     * Streams the world through the gate at {@code gateUrl}, shaped by {@code shape} (drills: a filter, a rewrite).
     * Streams may run side by side; every event they send counts as sent.
     */
    public WorldStreamer.Stats stream(
            long expectedEvents, double rate, String gateUrl, java.util.function.UnaryOperator<WorldStreamer> shape)
            throws InterruptedException {
        try (MDC.MDCCloseable c = MDC.putCloseable(RUN_ID_KEY, runId())) {
            WorldStreamer.Stats stats = streamLogged(expectedEvents, rate, gateUrl, shape);
            LOG.info("streamed {} events: receipts {}", stats.sent(), stats.receiptsByOutcome());
            return stats;
        }
    }

    private WorldStreamer.Stats streamLogged(
            long expectedEvents, double rate, String gateUrl, java.util.function.UnaryOperator<WorldStreamer> shape)
            throws InterruptedException {
        platform.runs().transition(runId(), RunState.STREAMING, "streamer started");
        synchronized (this) {
            if (streamStartedAt == 0) streamStartedAt = System.currentTimeMillis();
        }
        long t0 = System.currentTimeMillis();
        int lanes = platform.config().lanes();
        WorldStreamer streamer = shape.apply(new WorldStreamer(
                        platform.store(),
                        new HttpIngressClient(gateUrl, platform.streamerKey()),
                        platform.config().batchSize(),
                        lanes,
                        rate)
                .withShards(platform::busPartitionOf)
                .withLaneDone(lane -> laneEnded(lane, lanes)));
        java.util.concurrent.atomic.AtomicLong lastPrint = new java.util.concurrent.atomic.AtomicLong();
        WorldStreamer.Stats stats;
        streamsRunning.incrementAndGet();
        try {
            stats = streamer.stream(facts.worldId(), runId(), n -> {
                long now = System.currentTimeMillis();
                if (expectedEvents >= 0 && now - lastPrint.get() >= 500) {
                    synchronized (lastPrint) {
                        lastPrint.set(now);
                        double achieved = n * 1000.0 / Math.max(1, now - t0);
                        status.accept(String.format(
                                java.util.Locale.ROOT,
                                "streaming %,d/%,d events (%,.0f/s), decisions applied %,d",
                                n,
                                expectedEvents,
                                achieved,
                                platform.ledger().tally(runId())));
                    }
                }
            });
        } finally {
            streamsRunning.decrementAndGet();
        }
        sent.addAndGet(stats.sent());
        resentUnanswered.addAndGet(stats.resentUnanswered());
        return stats;
    }

    /**
     * Waits until every admitted transaction has its effect and its audit record, or until nothing has moved for
     * {@code stall}. Returns true when drained. Once every effect is applied, every decision of the run is on the bus:
     * the audit is asked to write what it holds of them ({@link Platform#flushAudit}) rather than wait for its segment
     * roll, so that {@link #finish} seals every record of the run.
     */
    public boolean awaitDrain(Duration stall) throws InterruptedException {
        platform.runs()
                .transition(
                        runId(),
                        RunState.DRAINING,
                        "streamer finished; waiting for decisions, effects, audit, cases and labels");
        streamEnd.announceRunEnd();
        Map<String, Long> admittedByClass = platform.receipts().admittedByEventClass(runId());
        long expected = RunReportAssembly.admittedTransactions(admittedByClass);
        long lastProgress = System.currentTimeMillis();
        long lastSeen = -1;
        java.util.concurrent.CompletableFuture<Void> auditFlush = null;
        // The run's effects by action, read once they are all applied: final from then on, and a scan of every effect
        // of the run (ten million rows at 10M), not to be repeated on every pass while cases and labels catch up.
        Map<String, Long> effectsByAction = null;
        while (true) {
            long effects = platform.ledger().tally(runId());
            long audited = AuditLog.count(platform.store(), runId());
            // The case and label roles are asked only once the decisions are all in: their counts cost more.
            if (effectsByAction == null && effects >= expected && audited >= expected)
                effectsByAction = platform.evidence().countsByAction(runId());
            dev.fraudplatform.ops.RunReport.Casework casework = effectsByAction != null
                    ? RunReportAssembly.casework(platform, runId(), admittedByClass, effectsByAction)
                    : null;
            long caseworkTaken = casework == null
                    ? 0
                    : casework.decisionsAttached() + casework.assertionsFromEvents() + casework.rejections();
            if (casework != null
                    && casework.decisionsAttached() >= casework.decisionsCallingForCase()
                    && casework.assertionsFromEvents() + casework.rejections() >= casework.labelEventsAdmitted()) {
                drainedAt = System.currentTimeMillis();
                return true;
            }
            // Asked again only after the last request was answered: one end-of-run segment per partition, not one per
            // loop.
            if (effects >= expected && (auditFlush == null || auditFlush.isDone())) {
                try {
                    auditFlush = platform.flushAudit(runId());
                } catch (InterruptedException e) {
                    throw e;
                } catch (Exception e) {
                    LOG.warn(
                            "could not ask the audit to write run {} now ({}); its segments roll by size and age",
                            runId(),
                            e.getMessage());
                    auditFlush = java.util.concurrent.CompletableFuture.runAsync(
                            () -> {},
                            java.util.concurrent.CompletableFuture.delayedExecutor(
                                    5, java.util.concurrent.TimeUnit.SECONDS));
                }
            }
            if (!platform.roleFailures().isEmpty()) return false;
            if (effects + audited + caseworkTaken != lastSeen) {
                lastSeen = effects + audited + caseworkTaken;
                lastProgress = System.currentTimeMillis();
            } else if (System.currentTimeMillis() - lastProgress > stall.toMillis()) {
                return false;
            }
            status.accept(
                    casework == null
                            ? String.format(
                                    java.util.Locale.ROOT,
                                    "draining: effects %,d/%,d, audit records %,d/%,d",
                                    effects,
                                    expected,
                                    audited,
                                    expected)
                            : String.format(
                                    java.util.Locale.ROOT,
                                    "draining: decisions attached to cases %,d/%,d, label events taken %,d/%,d",
                                    casework.decisionsAttached(),
                                    casework.decisionsCallingForCase(),
                                    casework.assertionsFromEvents() + casework.rejections(),
                                    casework.labelEventsAdmitted()));
            Thread.sleep(100);
        }
    }

    /**
     * A lane of the run's only stream has every receipt: the partitions it alone feeds have nothing more of the run,
     * so their end is announced now rather than at DRAINING ({@link StreamEndAnnouncer#announceLaneEnd}). Not when
     * another stream of the run is running, nor for a lane without partitions.
     */
    private void laneEnded(int lane, int lanes) {
        if (streamsRunning.get() != 1 || lane >= platform.config().partitions()) return;
        try {
            streamEnd.announceLaneEnd(lane, lanes);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Builds the conformance report, writes it under {@code evidence/<run>/}, and records COMPLETED or FAILED. The run's
     * archive is flushed and sealed first ({@link RunArchive}), and the report's archive row reconciles it with the bus.
     */
    /**
     * Counts {@code events} that a sender other than this run's streams (a bench or a test calling the gate's API in
     * this process) sent into the run and had receipted: the run's reconciliation holds them to receipts like the
     * streamer's.
     */
    public void countSent(long events) {
        sent.addAndGet(events);
    }

    public ConformanceReport finish() throws Exception {
        return finish(null);
    }

    /**
     * Builds the conformance report; when {@code drill} is given, attaches the drill's expectations, judged on the
     * report. Writes it under {@code evidence/<run>/} as JSON and HTML, and records COMPLETED when it passes, FAILED
     * with the failed checks otherwise.
     */
    public ConformanceReport finish(java.util.function.Function<ConformanceReport, ConformanceReport.Drill> drill)
            throws Exception {
        long streamStarted;
        synchronized (this) {
            streamStarted = streamStartedAt;
        }
        RunReportAssembly.Assembled assembled = new RunReportAssembly(platform, facts, decisionsStart)
                .assemble(new RunReportAssembly.StreamTotals(
                        sent.get(), resentUnanswered.get(), streamStarted, drainedAt));
        RunReport runReport = assembled.report();
        ConformanceReport report;
        try {
            report = RunLaws.judge(platform, runReport, assembled.auditManifestProblems(), assembled.tally());
            report = report.withArchive(RunArchive.sealAndReconcile(platform, runId(), archiveStart));
            if (drill != null) report = report.withDrill(drill.apply(report));
            report.write(platform.store());
        } catch (Exception | Error e) {
            // A run whose evidence cannot be made does not conform: it is FAILED with the reason, never left DRAINING.
            platform.runs().transition(runId(), RunState.FAILED, "conformance report could not be made: " + e);
            throw e;
        }
        platform.runs()
                .transition(
                        runId(),
                        report.passed() ? RunState.COMPLETED : RunState.FAILED,
                        report.passed() ? "reconciled; every law holds" : "does not conform: " + report.failures());
        try (MDC.MDCCloseable c = MDC.putCloseable(RUN_ID_KEY, runId())) {
            if (report.passed())
                LOG.info("run COMPLETED: conforms; decision-log digest {}", runReport.decisionLogDigest());
            else LOG.warn("run FAILED: does not conform: {}", report.failures());
        }
        return report;
    }
}
