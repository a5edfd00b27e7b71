package dev.fraudplatform.app;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fraudplatform.core.bus.Topics;
import dev.fraudplatform.core.decision.Decision;
import dev.fraudplatform.core.decision.DecisionLogDigest;
import dev.fraudplatform.core.decision.DegradeMode;
import dev.fraudplatform.core.json.CanonicalJson;
import dev.fraudplatform.core.json.Json;
import dev.fraudplatform.core.run.RunFacts;
import dev.fraudplatform.core.run.RunIds;
import dev.fraudplatform.core.run.RunState;
import dev.fraudplatform.decision.bundle.DecisionBundle;
import dev.fraudplatform.decision.scoring.DecisionFabric;
import dev.fraudplatform.ingress.gate.IngestionGate;
import dev.fraudplatform.ingress.http.HttpIngressClient;
import dev.fraudplatform.ops.ConformanceReport;
import dev.fraudplatform.ops.RunReport;
import dev.fraudplatform.rtdl.audit.AuditLog;
import dev.fraudplatform.rtdl.audit.AuditReplay;
import dev.fraudplatform.substrate.kafka.KafkaTopics;
import dev.fraudplatform.substrate.postgres.PostgresEffectLedger;
import dev.fraudplatform.world.ScenarioRunner;
import dev.fraudplatform.world.streamer.WorldStreamer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
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
 */
public final class PlatformRun {
    private static final Logger LOG = LoggerFactory.getLogger(PlatformRun.class);
    /** The logging-context key every log line of a run carries. */
    static final String RUN_ID_KEY = "platform_run_id";

    private final Platform platform;
    private final RunFacts facts;
    private final Map<TopicPartition, Long> decisionsStart;
    private final Consumer<String> status;
    private final java.util.concurrent.atomic.AtomicLong sent = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong resentUnanswered =
            new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicInteger streamsRunning =
            new java.util.concurrent.atomic.AtomicInteger();
    private long streamStartedAt;
    private long drainedAt;

    private PlatformRun(
            Platform platform, RunFacts facts, Map<TopicPartition, Long> decisionsStart, Consumer<String> status) {
        this.platform = platform;
        this.facts = facts;
        this.decisionsStart = decisionsStart;
        this.status = status;
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
        ScenarioRunner sr = new ScenarioRunner(platform.store());
        String fingerprint = sr.admit(worldId);
        platform.startRoles(bundle);
        RunFacts facts = new RunFacts(
                RunIds.newRunId(),
                worldId,
                fingerprint,
                bundle.id(),
                bundle.digest(),
                platform.config().decisionConfigDigest(bundle.id()),
                PlatformConfig.codeVersion(),
                Instant.now());
        Map<TopicPartition, Long> start = KafkaTopics.endOffsets(platform.admin(), Topics.DECISIONS);
        java.util.Set<String> producers = new java.util.TreeSet<>(otherProducers);
        producers.add(Platform.STREAMER_PRODUCER);
        sr.pinAndAnnounce(facts, producers, platform.runs(), platform.publisher());
        try (MDC.MDCCloseable c = MDC.putCloseable(RUN_ID_KEY, facts.platformRunId())) {
            LOG.info(
                    "run READY: world {}, bundle {} ({}), config {}",
                    worldId,
                    bundle.id(),
                    bundle.digest(),
                    facts.configDigest());
        }
        return new PlatformRun(platform, facts, start, status);
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
        long[] lastPrint = {0};
        WorldStreamer.Stats stats;
        streamsRunning.incrementAndGet();
        try {
            stats = streamer.stream(facts.worldId(), runId(), n -> {
                long now = System.currentTimeMillis();
                if (expectedEvents >= 0 && now - lastPrint[0] >= 500) {
                    synchronized (lastPrint) {
                        lastPrint[0] = now;
                        double achieved = n * 1000.0 / Math.max(1, now - t0);
                        status.accept(String.format(
                                java.util.Locale.ROOT,
                                "streaming %,d/%,d events (%,.0f/s), decisions applied %,d",
                                n,
                                expectedEvents,
                                achieved,
                                platform.ledger().count(runId())));
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
                .transition(runId(), RunState.DRAINING, "streamer finished; waiting for decisions, effects and audit");
        announceStreamEnd();
        long expected = admittedTransactions(platform.receipts().admittedByEventClass(runId()));
        long lastProgress = System.currentTimeMillis();
        long lastSeen = -1;
        java.util.concurrent.CompletableFuture<Void> auditFlush = null;
        while (true) {
            long effects = platform.ledger().count(runId());
            long audited = AuditLog.count(platform.store(), runId());
            if (effects >= expected && audited >= expected) {
                drainedAt = System.currentTimeMillis();
                return true;
            }
            // Asked again only after the last request was answered: one end-of-run segment per partition, not one per
            // loop.
            if (effects >= expected && (auditFlush == null || auditFlush.isDone())) {
                try {
                    auditFlush = platform.flushAudit();
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
            if (effects + audited != lastSeen) {
                lastSeen = effects + audited;
                lastProgress = System.currentTimeMillis();
            } else if (System.currentTimeMillis() - lastProgress > stall.toMillis()) {
                return false;
            }
            status.accept(String.format(
                    java.util.Locale.ROOT,
                    "draining: effects %,d/%,d, audit records %,d/%,d",
                    effects,
                    expected,
                    audited,
                    expected));
            Thread.sleep(100);
        }
    }

    /**
     * Has the audit write every decision now on the bus before the run's segments are sealed, also when the drain
     * stalled: a record it still held would otherwise land in a segment after the seal, outside the manifest. Bounded:
     * an audit that cannot answer leaves its records out, and the report's reconciliation says so.
     */
    private void writeHeldAuditRecords() {
        try {
            platform.flushAudit().get(60, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.warn(
                    "run {}: the audit did not write what it holds before the seal ({}); the report counts what is sealed",
                    runId(),
                    e.toString());
        }
    }

    /**
     * Writes the run's end-of-stream record ({@link Topics#HEADER_STREAM_END}) on every traffic partition, after every
     * record of the run. The gate stops taking the run's traffic within {@link IngestionGate#RUN_STATE_CACHE_MS} of
     * DRAINING; an ADMITTED receipt is written only once its record is committed on the bus; what may still be on its
     * way is a batch the gate took but has not published (its sender may have given up on it), so the wait includes the
     * gate's outbox and queue. If they do not empty within a minute, no end is announced: the decision loop then takes
     * each partition's quiet input as a guess, which its decisions name.
     */
    private void announceStreamEnd() throws InterruptedException {
        Thread.sleep(IngestionGate.RUN_STATE_CACHE_MS + 100);
        announceEnd(p -> true, true);
    }

    /**
     * A lane of the run's only stream has every receipt: the partitions it alone feeds (lanes are by partition) have
     * nothing more of the run, so their end is announced now rather than at DRAINING. Otherwise a partition whose lane
     * finished early would be passed over on a guess while the other lanes finish. Not when another stream of the run
     * is running, nor when the topic's partitions are not the ones the lanes were cut by.
     */
    private void laneEnded(int lane, int lanes) {
        if (streamsRunning.get() != 1 || lane >= platform.config().partitions())
            return; // another stream, or a lane without partitions
        try {
            announceEnd(p -> p % lanes == lane, false);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Announces the end on the traffic partitions {@code partitions} accepts, once the gate's outbox holds none of the
     * run's records for them; for the {@code wholeRun}, also once the gate's queue is empty, and whatever the topic's
     * partition count (a lane's partitions are those the lanes were cut by, so only when the topic has that count).
     */
    private void announceEnd(java.util.function.IntPredicate partitions, boolean wholeRun) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 60_000;
        while ((wholeRun && platform.gateBacklog() > 0)
                || platform.receipts().unpublished().stream()
                        .anyMatch(p -> runId().equals(p.tuple().platformRunId())
                                && partitions.test(
                                        platform.busPartitionOf(p.record().key())))) {
            if (System.currentTimeMillis() > deadline) {
                LOG.warn(
                        "the gate still holds unpublished records of run {} after 60 s; its end of stream is not announced",
                        runId());
                return;
            }
            Thread.sleep(100);
        }
        try {
            List<String> keys = platform.keyPerTrafficPartition(runId());
            if (!wholeRun && keys.size() != platform.config().partitions())
                return; // the lanes were cut for another count
            List<dev.fraudplatform.core.bus.OutboundRecord> ends = new java.util.ArrayList<>();
            byte[] value = CanonicalJson.bytes(Json.MAPPER.createObjectNode().put("stream_end", runId()));
            for (int p = 0; p < keys.size(); p++) {
                if (!partitions.test(p)) continue;
                ends.add(new dev.fraudplatform.core.bus.OutboundRecord(
                        Topics.TRAFFIC,
                        keys.get(p),
                        value,
                        System.currentTimeMillis(),
                        Map.of(Topics.HEADER_STREAM_END, runId())));
            }
            platform.publisher().publish(ends);
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) {
            // Not fatal: quiet input is then taken as a guess, as for a producer that never announces an end.
            LOG.warn("could not announce the end of run {} on {}: {}", runId(), Topics.TRAFFIC, e.getMessage());
        }
    }

    /** Builds the conformance report, writes it under {@code evidence/<run>/}, and records COMPLETED or FAILED. */
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
        DecisionLogDigest auditDigest = new DecisionLogDigest();
        Map<String, Long> byAction = new TreeMap<>();
        Map<String, Long> byMode = new TreeMap<>();
        long[] auditRecords = {0};
        long[] conflicts = {0};
        long[] tally = new long[3]; // degraded without a reason; with missing context; missing context yet FULL
        AuditLog.forEach(platform.store(), runId(), a -> {
            auditRecords[0]++;
            try {
                if (auditDigest.add(a.decision())) {
                    byAction.merge(a.decision().action().name(), 1L, Long::sum);
                    byMode.merge(a.decision().degradeMode().name(), 1L, Long::sum);
                    Decision d = a.decision();
                    if (d.degradeMode() != DegradeMode.FULL && d.degradeReason().isBlank()) tally[0]++;
                    if (!d.missingContext().isEmpty()) tally[1]++;
                    if (!d.missingContext().isEmpty() && d.degradeMode() == DegradeMode.FULL) tally[2]++;
                }
            } catch (DecisionLogDigest.ConflictingDecisionException e) {
                conflicts[0]++;
            }
        });
        DecisionLogDigest busDigest = new DecisionLogDigest();
        long busRecords = scanDecisions(d -> {
            try {
                busDigest.add(d);
            } catch (DecisionLogDigest.ConflictingDecisionException e) {
                conflicts[0]++;
            }
        });
        Map<String, Long> admittedByClass = platform.receipts().admittedByEventClass(runId());
        long admittedTxns = admittedTransactions(admittedByClass);
        PostgresEffectLedger.LatencySummary latency = platform.ledger().latency(runId());
        long end = drainedAt > 0 ? drainedAt : System.currentTimeMillis();
        double eps = sent.get() * 1000.0 / Math.max(1, end - streamStartedAt);
        long jvmStart =
                java.lang.management.ManagementFactory.getRuntimeMXBean().getStartTime();
        double toFirst = latency.firstDecisionSeenAtMillis() > 0
                ? (latency.firstDecisionSeenAtMillis() - jvmStart) / 1000.0
                : -1;
        writeHeldAuditRecords();
        AuditLog.seal(platform.store(), runId());
        AuditReplay.Result replay =
                AuditReplay.replay(platform.store(), runId(), new DecisionFabric(platform.bundle()));
        List<String> auditProblems = new java.util.ArrayList<>(replay.manifestProblems());
        auditProblems.addAll(replay.mismatches());
        RunReport runReport = new RunReport(
                runId(),
                facts.worldId(),
                facts.bundleId(),
                sent.get(),
                resentUnanswered.get(),
                platform.receipts().countsByOutcome(runId()),
                admittedByClass,
                admittedTxns,
                busRecords,
                busDigest.size(),
                platform.ledger().count(runId()),
                auditRecords[0],
                byAction,
                byMode,
                auditDigest.digest(),
                busDigest.digest(),
                eps,
                latency.p50Millis(),
                latency.p99Millis(),
                latency.maxMillis(),
                toFirst,
                peakRssMegabytes(),
                conflicts[0],
                platform.roleFailures(),
                replay.matched(),
                auditProblems);
        ConformanceReport report;
        try {
            report = RunLaws.judge(
                    platform,
                    runReport,
                    replay.manifestProblems(),
                    new RunLaws.DecisionTally(tally[0], tally[1], tally[2]));
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

    /** Reads this run's decisions from the bus (committed only), from the offsets at run start to the end. */
    private long scanDecisions(Consumer<Decision> action) throws Exception {
        Map<TopicPartition, Long> end = KafkaTopics.endOffsets(platform.admin(), Topics.DECISIONS);
        Properties p = platform.kafka()
                .consumer(
                        null,
                        "run-decisions-scan",
                        Map.of(
                                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
                                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000"));
        long records = 0;
        String runMarker = "\"platform_run_id\":" + Json.MAPPER.writeValueAsString(runId());
        try (KafkaConsumer<String, byte[]> c =
                new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> tps = List.copyOf(end.keySet());
            c.assign(tps);
            Map<TopicPartition, Long> remaining = new HashMap<>();
            for (TopicPartition tp : tps) {
                long from = decisionsStart.getOrDefault(tp, 0L);
                c.seek(tp, from);
                if (end.get(tp) > from) remaining.put(tp, end.get(tp));
            }
            long deadline = System.currentTimeMillis() + 300_000;
            while (!remaining.isEmpty() && System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
                    String text = new String(r.value(), java.nio.charset.StandardCharsets.UTF_8);
                    if (!text.contains(runMarker)) continue;
                    JsonNode n = Json.MAPPER.readTree(text);
                    records++;
                    action.accept(Decision.fromJson(n));
                }
                remaining.entrySet().removeIf(e -> c.position(e.getKey()) >= e.getValue());
            }
        }
        return records;
    }

    /** Admitted events that the decision loop must decide: the transactions. */
    private static long admittedTransactions(Map<String, Long> admittedByClass) {
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
