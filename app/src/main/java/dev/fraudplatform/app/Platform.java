package dev.fraudplatform.app;

import dev.fraudplatform.casework.cases.CaseManagement;
import dev.fraudplatform.casework.cases.DispositionLabels;
import dev.fraudplatform.casework.console.InvestigatorConsole;
import dev.fraudplatform.casework.labels.LabelIntake;
import dev.fraudplatform.core.actions.EffectLedger;
import dev.fraudplatform.core.bus.AtomicPublisher;
import dev.fraudplatform.core.bus.BusAdmin;
import dev.fraudplatform.core.bus.BusConsumers;
import dev.fraudplatform.core.bus.EventPublisher;
import dev.fraudplatform.core.bus.TopicReader;
import dev.fraudplatform.core.bus.Topics;
import dev.fraudplatform.core.cases.CaseStore;
import dev.fraudplatform.core.cases.Investigators;
import dev.fraudplatform.core.ingress.ProducerKeys;
import dev.fraudplatform.core.ingress.ReceiptStore;
import dev.fraudplatform.core.join.JoinPlane;
import dev.fraudplatform.core.labels.LabelStore;
import dev.fraudplatform.core.run.RunEvidence;
import dev.fraudplatform.core.run.RunRegistry;
import dev.fraudplatform.core.store.ObjectStore;
import dev.fraudplatform.decision.bundle.DecisionBundle;
import dev.fraudplatform.decision.scoring.DecisionFabric;
import dev.fraudplatform.ingress.decide.DecisionWaiter;
import dev.fraudplatform.ingress.decide.LoopBacklog;
import dev.fraudplatform.ingress.gate.AdmissionRelay;
import dev.fraudplatform.ingress.gate.IngestionGate;
import dev.fraudplatform.ingress.http.IngestionHttpServer;
import dev.fraudplatform.ingress.http.ReceiptJson;
import dev.fraudplatform.learning.archive.Archive;
import dev.fraudplatform.rtdl.actions.ActionLayer;
import dev.fraudplatform.rtdl.audit.DecisionLogAudit;
import dev.fraudplatform.rtdl.loop.DecisionFabricRole;
import dev.fraudplatform.rtdl.loop.DecisionTopology;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One platform process: the substrate of the configured {@link Wiring} (Kafka, PostgreSQL, object store, behind their
 * ports), the gate, the real-time roles (Decision Fabric, Action Layer, Decision Log and Audit) and the case and label
 * roles (Label Store intake, Case Management, the sweep that asserts dispositions' labels; the investigator's
 * console when configured) and the learning plane's archive (every run is archived, and sealed when it ends). Roles talk only through Kafka,
 * PostgreSQL and the object store, never through references to each other.
 *
 * <p>Lifecycle: {@link #start} brings everything up; {@link #close()} stops it in reverse order and removes the
 * process's work directory (embedded broker data, stream state). Closing twice is harmless.
 */
public final class Platform implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Platform.class);

    private final PlatformConfig config;
    private final ClosingStack closeables = new ClosingStack(LOG);
    private final Path workDir;
    private final Wiring wiring;
    private final IngestionGate gate;
    private final AdmissionRelay relay;
    private final IngestionHttpServer http;
    private final int httpPort;
    private final Wiring.Listener busIngress;
    /** Decisions the gate's waiter keeps in memory for {@code /v1/decide} (a few hundred bytes each). */
    private static final int RECENT_DECISIONS = 100_000;
    /** How often the gate samples the decision loop's backlog for load shedding. */
    private static final long LOOP_BACKLOG_SAMPLE_MS = 250;
    /**
     * How long the roles off the decision's latency path (Decision Log and Audit, archive, Case Management, Label Store)
     * let a fetch wait to fill a batch ({@link BusConsumers#batching}). The decision loop, the Action Layer and the
     * gate's decision waiter fetch as soon as a record is there.
     */
    static final java.time.Duration OFF_PATH_BATCH_WAIT = java.time.Duration.ofMillis(100);

    private DecisionWaiter decisionWaiter;
    private BusConsumers.Role waiterRole;
    private final List<String> abandonedRuns;
    private volatile boolean gateStopped;
    private int opsPort = -1;
    private String streamerKey;
    private DecisionFabricRole fabricRole;
    private BusConsumers.Role actionLayer;
    private BusConsumers.Role auditRole;
    private BusConsumers.Role labelRole;
    private BusConsumers.Role caseRole;
    private BusConsumers.Role archiveRole;
    private BusConsumers.Role follower;
    private Archive archive;
    private final DispositionLabels dispositionLabels;
    private int consolePort = -1;
    private DecisionLogAudit audit;
    private DecisionBundle bundle;
    // ---- shadow scoring (issue 15 §5): the bundle in shadow and the audit of its decisions; null when none ----
    private DecisionBundle shadowBundle;
    private DecisionLogAudit shadowAudit;
    private BusConsumers.Role shadowAuditRole;
    /** The producer id of the platform's own World Streamer: every run it plans allows it. */
    public static final String STREAMER_PRODUCER = "fp-wsp";

    private Platform(PlatformConfig config) {
        this.config = config;
        try {
            Files.createDirectories(config.home());
            WorkDirectories.Owned owned = WorkDirectories.claim(config.home().resolve("work"));
            workDir = owned.path();
            closeables.push(owned);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create work directory under " + config.home(), e);
        }
        try {
            wiring = Wiring.start(config, workDir);
            closeables.push(wiring);
            RunRegistry runs = wiring.runs();
            abandonedRuns = runs.failAbandoned(
                    "abandoned: the process that ran it stopped before the run ended; found when process "
                            + ProcessHandle.current().pid() + " started");
            for (String run : abandonedRuns)
                LOG.warn("run {} was left open by a process that stopped: marked FAILED", run);
            if (config.roles().contains(PlatformRoles.IG)) {
                AtomicPublisher relayPublisher = wiring.atomicPublisher("ig-relay");
                closeables.push(relayPublisher);
                relay = new AdmissionRelay(wiring.receipts(), relayPublisher);
                closeables.push(relay);
                gate = new IngestionGate(relay, runs, wiring.store());
                // The decision API's waiter reads every decision committed from now on, before the gate takes any
                // request: a caller registered for a decision can never miss it.
                decisionWaiter = new DecisionWaiter(wiring.ledger(), RECENT_DECISIONS);
                waiterRole = wiring.consumers().fromNow(DecisionWaiter.NAME, DecisionWaiter.TOPICS, decisionWaiter);
                closeables.push(waiterRole);
                awaitStarted(List.of(waiterRole));
                LoopBacklog loopBacklog = new LoopBacklog(
                        wiring.busAdmin(), DecisionFabricRole.APPLICATION_ID, Topics.TRAFFIC, LOOP_BACKLOG_SAMPLE_MS);
                closeables.push(loopBacklog);
                http = new IngestionHttpServer(
                        gate, relay, wiring.producerKeys(), config.gateLimits(), decisionWaiter, loopBacklog);
                closeables.push(http);
                httpPort = http.start(config.gateHost(), config.gatePort());
                busIngress = wiring.busIngress(gate, ReceiptJson::bytes);
                closeables.push(busIngress);
            } else {
                relay = null;
                gate = null;
                http = null;
                httpPort = -1;
                busIngress = null;
                gateStopped = true;
            }
            if (config.roles().contains(PlatformRoles.CM)) {
                // Labels of dispositions that a crash left unasserted are asserted by the sweep, whoever serves the
                // console.
                dispositionLabels = new DispositionLabels(wiring.cases(), wiring.labels());
                closeables.push(dispositionLabels);
                dispositionLabels.start();
                if (config.consolePort() >= 0) {
                    InvestigatorConsole console = new InvestigatorConsole(
                            wiring.cases(),
                            wiring.activity(),
                            wiring.labels(),
                            wiring.investigators(),
                            dispositionLabels::drain);
                    closeables.push(console);
                    consolePort = console.start(config.consolePort());
                }
            } else {
                dispositionLabels = null;
            }
            PlatformTelemetry.prometheus();
            PlatformTelemetry.exportTracesTo(config.otlpEndpoint(), config.traceRatio());
            closeables.push(PlatformTelemetry::flushTraces);
            if (config.opsPort() >= 0) {
                PlatformTelemetry.LagSampler lag = new PlatformTelemetry.LagSampler(wiring.busAdmin());
                closeables.push(lag);
                OpsServer ops = new OpsServer(OpsServer.Sources.of(this, lag::lagByGroup));
                closeables.push(ops);
                opsPort = ops.start(config.opsPort());
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** Brings up the substrate for {@code config}. */
    public static Platform start(PlatformConfig config) {
        return new Platform(config);
    }

    /**
     * Starts the real-time roles with {@code decisionBundle}, beside whatever bundle is in shadow when they already
     * run (none otherwise); a process serves one bundle at a time.
     */
    public synchronized void startRoles(DecisionBundle decisionBundle) {
        startRoles(decisionBundle, null);
    }

    /**
     * Starts the real-time roles with {@code decisionBundle} active and {@code shadow} in shadow (null: none): every
     * transaction is also decided by the shadow bundle, whose decisions are audited, marked shadow, and never reach the
     * Action Layer or Case Management. A process serves one active bundle and at most one shadow at a time: once the
     * roles run, asking for another active bundle, or for a shadow other than the one running, is refused; a null
     * shadow then asks nothing of it.
     */
    public synchronized void startRoles(DecisionBundle decisionBundle, DecisionBundle shadow) {
        if (bundle != null) {
            if (!bundle.digest().equals(decisionBundle.digest())) {
                throw new IllegalStateException(
                        "roles already serve bundle " + bundle.id() + "; one bundle per process");
            }
            if (shadow != null
                    && (shadowBundle == null || !shadowBundle.digest().equals(shadow.digest())))
                throw new IllegalStateException("roles already run with "
                        + (shadowBundle == null ? "no bundle" : "bundle " + shadowBundle.id())
                        + " in shadow; one shadow per process, chosen when the roles start");
            return;
        }
        bundle = decisionBundle;
        shadowBundle = shadow;
        DecisionTopology.Settings settings = loopSettings(decisionBundle, shadow);
        java.util.Set<PlatformRoles> roles = config.roles();
        if (roles.contains(PlatformRoles.DF)) startFabric(decisionBundle, settings);
        BusConsumers consumers = wiring.consumers();
        BusConsumers offPath = consumers.batching(OFF_PATH_BATCH_WAIT);
        List<BusConsumers.Role> started = new ArrayList<>();
        if (roles.contains(PlatformRoles.AL)) {
            actionLayer = consumers.atLeastOnce(
                    ActionLayer.NAME,
                    ActionLayer.GROUP,
                    ActionLayer.TOPICS,
                    new ActionLayer(wiring.ledger(), wiring.publisher()));
            closeables.push(actionLayer);
            started.add(actionLayer);
        }
        if (roles.contains(PlatformRoles.DLA)) {
            audit = new DecisionLogAudit(wiring.store());
            auditRole = offPath.transactional(
                    DecisionLogAudit.NAME,
                    DecisionLogAudit.GROUP,
                    DecisionLogAudit.TOPICS,
                    audit.transactionTimeout(),
                    audit);
            closeables.push(auditRole);
            started.add(auditRole);
            if (shadow != null) {
                shadowAudit = DecisionLogAudit.shadow(wiring.store());
                shadowAuditRole = offPath.transactional(
                        DecisionLogAudit.SHADOW_NAME,
                        DecisionLogAudit.SHADOW_GROUP,
                        DecisionLogAudit.SHADOW_TOPICS,
                        shadowAudit.transactionTimeout(),
                        shadowAudit);
                closeables.push(shadowAuditRole);
                started.add(shadowAuditRole);
            }
        }
        if (roles.contains(PlatformRoles.LS)) {
            labelRole = offPath.atLeastOnce(
                    LabelIntake.NAME,
                    LabelIntake.GROUP,
                    LabelIntake.TOPICS,
                    new LabelIntake(wiring.labels(), wiring.activity(), wiring.publisher()));
            closeables.push(labelRole);
            started.add(labelRole);
        }
        if (roles.contains(PlatformRoles.CM)) started.add(startCases(decisionBundle));
        if (roles.contains(PlatformRoles.ARCHIVE)) {
            archive = new Archive(wiring.store());
            archiveRole = offPath.transactional(
                    Archive.NAME, Archive.GROUP, Archive.TOPICS, archive.transactionTimeout(), archive);
            closeables.push(archiveRole);
            started.add(archiveRole);
        }
        // A run is READY only when the loop can take traffic: otherwise its first decisions wait for start-up. Roles of
        // other processes are theirs to start; traffic waits for them on the bus.
        awaitStarted(started);
    }

    /** The decision loop's settings for {@code active}, with {@code shadow} in shadow (null: none). */
    private DecisionTopology.Settings loopSettings(DecisionBundle active, DecisionBundle shadow) {
        DecisionTopology.Settings settings = DecisionTopology.Settings.defaults()
                .withJoinWait(Duration.ofMillis(config.joinWaitMs()))
                .withPartitions(config.partitions());
        if (shadow != null) settings = settings.withShadow(shadowFabric(active, shadow));
        JoinPlane joinPlane = wiring.joinPlane();
        if (joinPlane != null) settings = settings.withJoinPlane(store -> joinPlane);
        return settings;
    }

    /** Starts the decision loop deciding with {@code active}; {@link #awaitStarted} waits for it. */
    private void startFabric(DecisionBundle active, DecisionTopology.Settings settings) {
        fabricRole = new DecisionFabricRole(
                wiring.streams(DecisionFabricRole.APPLICATION_ID, DecisionFabricRole.NAME),
                new DecisionFabric(active),
                workDir.resolve("streams"),
                config.streamThreads(),
                settings,
                config.commitMs());
        closeables.push(fabricRole);
        fabricRole.start();
    }

    /** Starts Case Management with the case actions of {@code active}; returns its role. */
    private BusConsumers.Role startCases(DecisionBundle active) {
        caseRole = wiring.consumers()
                .batching(OFF_PATH_BATCH_WAIT)
                .atLeastOnce(
                        CaseManagement.NAME,
                        CaseManagement.GROUP,
                        CaseManagement.TOPICS,
                        new CaseManagement(wiring.cases(), wiring.publisher(), active.caseActions()));
        closeables.push(caseRole);
        return caseRole;
    }

    /** Waits until the decision loop (if it runs here) and {@code started} can take records. */
    private void awaitStarted(List<BusConsumers.Role> started) {
        try {
            Duration limit = Duration.ofSeconds(60);
            boolean up = fabricRole == null || fabricRole.awaitRunning(limit);
            for (BusConsumers.Role role : started) up = up && role.awaitAssignment(limit);
            if (!up)
                throw new IllegalStateException(
                        "real-time roles did not start within " + limit + ": " + roleFailures());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting roles", e);
        }
    }

    /**
     * Holds this process's decision loop until {@link #releaseLoop()}: nothing is decided, nothing is lost (the traffic
     * waits on the bus, and the gate sheds once the loop is past its backlog bound). What a loop that has fallen behind
     * does to the gate and its callers, made certain rather than hoped for under load.
     */
    synchronized void holdLoop() {
        if (fabricRole == null) throw new IllegalStateException("no decision loop runs in this process");
        fabricRole.pause();
    }

    /** Ends {@link #holdLoop()}: the loop goes on from where it stopped. */
    synchronized void releaseLoop() {
        if (fabricRole == null) throw new IllegalStateException("no decision loop runs in this process");
        fabricRole.resume();
    }

    /**
     * Serves {@code next} from now on: the roles that decide with a bundle (the decision loop, and Case Management for
     * its case actions) stop and start again with it; the Action Layer, the audit, the archive and the Label Store go
     * on as they are. For a process following runs between them: the caller makes sure no run it served is still
     * open, since a frame still pending would be decided with {@code next}. Starts the roles if none run yet; refused
     * while a bundle runs in shadow (a follower starts none).
     */
    public synchronized void switchBundle(DecisionBundle next) {
        if (bundle == null) {
            startRoles(next);
            return;
        }
        if (bundle.digest().equals(next.digest())) return;
        if (shadowBundle != null)
            throw new IllegalStateException("roles run with bundle " + shadowBundle.id()
                    + " in shadow; one shadow per process, chosen when the roles start");
        closeables.closeEarly(fabricRole);
        fabricRole = null;
        closeables.closeEarly(caseRole);
        caseRole = null;
        LOG.info("roles stopped serving bundle {}; starting with bundle {}", bundle.id(), next.id());
        bundle = next;
        java.util.Set<PlatformRoles> roles = config.roles();
        if (roles.contains(PlatformRoles.DF)) startFabric(next, loopSettings(next, null));
        awaitStarted(roles.contains(PlatformRoles.CM) ? List.of(startCases(next)) : List.of());
    }

    /**
     * Follows the runs other processes pin, through the control topic ({@link RunFollower}): this process's roles start
     * with the bundle of the first open run, and its audit and archive answer flush requests. For a process of some
     * roles, whose runs are driven elsewhere ({@code fp serve --roles}).
     */
    public synchronized void followRuns() {
        if (follower != null) return;
        follower = wiring.consumers().everyRecord(RunFollower.NAME, List.of(Topics.CONTROL), new RunFollower(this));
        closeables.push(follower);
    }

    /** The partition of {@code fp.traffic} a partition key lands on (Kafka's default partitioner). */
    public int busPartitionOf(String partitionKey) {
        return wiring.partitioner().partitionOf(partitionKey, config.partitions());
    }

    /** Batches this process's gate has taken but not yet handed to its relay's claims (0 when the gate runs elsewhere). */
    public int gateBacklog() {
        return gateStopped ? 0 : relay.backlog();
    }

    /**
     * One record key per partition of the traffic topic as the broker has it, in partition order, each landing on its
     * partition under the producer's default partitioner: {@code <prefix>#<n>}.
     */
    public List<String> keyPerTrafficPartition(String prefix) throws Exception {
        String[] keys = new String[wiring.busAdmin().partitionCount(Topics.TRAFFIC)];
        int found = 0;
        for (int n = 0; found < keys.length; n++) {
            String key = prefix + "#" + n;
            int p = wiring.partitioner().partitionOf(key, keys.length);
            if (keys[p] == null) {
                keys[p] = key;
                found++;
            }
        }
        return List.of(keys);
    }

    /**
     * The end of a run for the Decision Log and Audit: every decision now on {@code fp.decisions} (its end offsets)
     * goes into audit segments as soon as the audit has read it, without waiting for the segment roll's size or age.
     * Call it once every decision of the run is applied, before the run's segments are sealed.
     *
     * @return completes when those decisions are in segments; at once when the roles do not run here
     */
    public CompletableFuture<Void> flushAudit() throws Exception {
        return flushAudit("");
    }

    /**
     * As {@link #flushAudit()} for the run {@code runId}. When the audit runs in other processes, they are asked
     * through the control topic ({@link RunFollower}); the future then completes after a short pause, and the caller
     * counts the run's audit records to know when they are written.
     */
    public CompletableFuture<Void> flushAudit(String runId) throws Exception {
        if (!config.roles().contains(PlatformRoles.DLA)) {
            Map<String, Map<Integer, Long>> through = new TreeMap<>();
            through.put(Topics.DECISIONS, new TreeMap<>(wiring.busAdmin().endOffsets(Topics.DECISIONS)));
            through.put(Topics.SHADOW_DECISIONS, new TreeMap<>(wiring.busAdmin().endOffsets(Topics.SHADOW_DECISIONS)));
            RunFollower.requestFlush(this, runId, PlatformRoles.DLA.id(), through);
            return CompletableFuture.runAsync(
                    () -> {}, CompletableFuture.delayedExecutor(1, java.util.concurrent.TimeUnit.SECONDS));
        }
        DecisionLogAudit role;
        synchronized (this) {
            role = audit;
        }
        if (role == null) return CompletableFuture.completedFuture(null);
        CompletableFuture<Void> active =
                role.flushThrough(new java.util.TreeMap<>(wiring.busAdmin().endOffsets(Topics.DECISIONS)));
        DecisionLogAudit shadow;
        synchronized (this) {
            shadow = shadowAudit;
        }
        if (shadow == null) return active;
        // A shadow decision commits with its active one: once the active ones are all applied, so are they on the bus.
        return CompletableFuture.allOf(
                active,
                shadow.flushThrough(new java.util.TreeMap<>(wiring.busAdmin().endOffsets(Topics.SHADOW_DECISIONS))));
    }

    /**
     * A flush another process asked for through the control topic ({@link RunFollower}): this process's audit
     * ({@code dla}) or archive writes what it holds of {@code through} now. Nothing when the role does not run here.
     */
    void flushLocal(String role, Map<String, Map<Integer, Long>> through) {
        DecisionLogAudit a;
        DecisionLogAudit sa;
        Archive ar;
        synchronized (this) {
            a = audit;
            sa = shadowAudit;
            ar = archive;
        }
        if (role.equals(PlatformRoles.DLA.id())) {
            if (a != null && through.containsKey(Topics.DECISIONS)) a.flushThrough(through.get(Topics.DECISIONS));
            if (sa != null && through.containsKey(Topics.SHADOW_DECISIONS))
                sa.flushThrough(through.get(Topics.SHADOW_DECISIONS));
        } else if (role.equals(PlatformRoles.ARCHIVE.id()) && ar != null) {
            ar.flushThrough(through);
        }
    }

    /** The bundle in shadow beside the active one, or null when none (or before {@link #startRoles}). */
    public synchronized DecisionBundle shadowBundle() {
        return shadowBundle;
    }

    /**
     * The shadow's fabric. It is scored on the frames the loop builds with the active bundle's feature parameters: a
     * shadow bundle whose parameters differ is scored on features it would not have computed itself, said once here.
     */
    private static DecisionFabric shadowFabric(DecisionBundle active, DecisionBundle shadow) {
        if (!active.highRiskMcc().equals(shadow.highRiskMcc())
                || active.smallAmountMinor() != shadow.smallAmountMinor())
            LOG.warn(
                    "bundle {} in shadow names other feature parameters than the active bundle {}; it is scored on the "
                            + "features the loop computes for {}",
                    shadow.id(),
                    active.id(),
                    active.id());
        return new DecisionFabric(shadow);
    }

    /**
     * The bundle a run given no explicit bundle decides with: the one the real-time roles serve once started (a process
     * serves one bundle), else the registry's active bundle, else the built-in {@value RunBundles#BUILT_IN_DEFAULT}
     * ({@link RunBundles}). Read when the run is pinned, never again for that run.
     */
    public synchronized DecisionBundle bundleForNewRun() {
        return bundle != null ? bundle : RunBundles.active(wiring.bundleRegistry(), wiring.store());
    }

    /** The Model and Policy Registry over this platform's stores. */
    public dev.fraudplatform.learning.registry.ModelRegistry registry() {
        return RunBundles.registry(wiring.bundleRegistry(), wiring.store());
    }

    /**
     * The end of a run for the archive: every record below {@code endOffsets} (topic to partition to offset, of
     * {@link Archive#TOPICS}) goes into archive segments as soon as the archive has read it, without waiting for its
     * roll's size or age. Call it before the run's archive is sealed.
     *
     * @return completes when those records are in segments; null when the roles do not run here (no archive)
     */
    public CompletableFuture<Void> flushArchive(java.util.Map<String, java.util.Map<Integer, Long>> endOffsets) {
        return flushArchive("", endOffsets);
    }

    /**
     * As {@link #flushArchive(Map)} for the run {@code runId}. When the archive runs in other processes, they are asked
     * through the control topic, and the future completes once the archive's consumer group has committed through
     * {@code endOffsets} on every partition: it commits only what its segments hold.
     */
    public CompletableFuture<Void> flushArchive(String runId, Map<String, Map<Integer, Long>> endOffsets) {
        if (!config.roles().contains(PlatformRoles.ARCHIVE)) {
            try {
                RunFollower.requestFlush(this, runId, PlatformRoles.ARCHIVE.id(), endOffsets);
            } catch (Exception e) {
                return CompletableFuture.failedFuture(e);
            }
            return CompletableFuture.runAsync(() -> awaitCommitted(Archive.GROUP, endOffsets));
        }
        Archive role;
        synchronized (this) {
            role = archive;
        }
        return role == null ? null : role.flushThrough(endOffsets);
    }

    /**
     * Waits until {@code group} has committed through {@code through} on every partition (polled; the caller times):
     * its committed offset reaches the target, or nothing committed lies between the two (a transaction's commit
     * marker takes an offset that no consumer is handed, so a role that read everything may commit one short of it).
     */
    private void awaitCommitted(String group, Map<String, Map<Integer, Long>> through) {
        try {
            while (true) {
                boolean all = true;
                for (Map.Entry<String, Map<Integer, Long>> t : through.entrySet()) {
                    Map<Integer, Long> committed = wiring.busAdmin().committedOffsets(group, t.getKey());
                    for (Map.Entry<Integer, Long> p : t.getValue().entrySet()) {
                        long at = committed.getOrDefault(p.getKey(), 0L);
                        if (at >= p.getValue()) continue;
                        long[] records = {0};
                        wiring.topicReader()
                                .readCommitted(
                                        t.getKey(),
                                        Map.of(p.getKey(), at),
                                        Map.of(p.getKey(), p.getValue()),
                                        10_000,
                                        v -> records[0]++);
                        if (records[0] > 0) all = false;
                    }
                }
                if (all) return;
                Thread.sleep(200);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.util.concurrent.CompletionException(e);
        } catch (Exception e) {
            throw new java.util.concurrent.CompletionException(e);
        }
    }

    /** The bundle the real-time roles serve, or null before {@link #startRoles}. */
    public synchronized DecisionBundle bundle() {
        return bundle;
    }

    /** Failures of roles that have stopped, one line each. */
    public List<String> roleFailures() {
        List<String> out = new ArrayList<>();
        if (fabricRole != null && fabricRole.failure() != null) out.add("decision fabric: " + fabricRole.failure());
        if (actionLayer != null && actionLayer.failure() != null) out.add("action layer: " + actionLayer.failure());
        if (auditRole != null && auditRole.failure() != null) out.add("decision log and audit: " + auditRole.failure());
        if (shadowAuditRole != null && shadowAuditRole.failure() != null)
            out.add("decision log and audit of shadow decisions: " + shadowAuditRole.failure());
        if (labelRole != null && labelRole.failure() != null) out.add("label store: " + labelRole.failure());
        if (caseRole != null && caseRole.failure() != null) out.add("case management: " + caseRole.failure());
        if (archiveRole != null && archiveRole.failure() != null) out.add("archive: " + archiveRole.failure());
        if (follower != null && follower.failure() != null) out.add("run follower: " + follower.failure());
        if (waiterRole != null && waiterRole.failure() != null)
            out.add("gate decision waiter: " + waiterRole.failure());
        if (!gateStopped && relay != null && relay.failure() != null)
            out.add("gate admission relay: " + relay.failure());
        if (!gateStopped && busIngress != null && busIngress.failure() != null)
            out.add("gate bus ingress: " + busIngress.failure());
        return out;
    }

    public PlatformConfig config() {
        return config;
    }

    /** The substrate this process runs on: its ports, and the servers' addresses. */
    public Wiring wiring() {
        return wiring;
    }

    public ObjectStore store() {
        return wiring.store();
    }

    /** The bus's bootstrap address (the embedded broker's, or FP_KAFKA_BOOTSTRAP): for a Kafka client or a role. */
    public String bootstrap() {
        return wiring.kafkaBootstrap();
    }

    public BusAdmin busAdmin() {
        return wiring.busAdmin();
    }

    public TopicReader topicReader() {
        return wiring.topicReader();
    }

    public EventPublisher publisher() {
        return wiring.publisher();
    }

    public ReceiptStore receipts() {
        return wiring.receipts();
    }

    public EffectLedger ledger() {
        return wiring.ledger();
    }

    public RunRegistry runs() {
        return wiring.runs();
    }

    /** What the stores can prove about a run: the run report's and the console's reads. */
    public RunEvidence evidence() {
        return wiring.evidence();
    }

    /** Runs that processes killed before they ended, marked FAILED when this platform started. */
    public List<String> abandonedRuns() {
        return abandonedRuns;
    }

    /** The wiring, with the embedded broker's bootstrap address (so that a Kafka client can be pointed at it). */
    public String describe() {
        return config.describe().replace("kafka embedded", "kafka embedded at " + bootstrap());
    }

    /**
     * The gate's HTTP base URL, e.g. {@code http://127.0.0.1:41234}: this process's own, else the gate of another
     * process (FP_GATE_URL).
     *
     * @throws IllegalStateException when this process runs no gate and none is configured
     */
    public String gateUrl() {
        if (http != null) return "http://127.0.0.1:" + httpPort;
        if (config.gateUrl() != null) return config.gateUrl();
        throw new IllegalStateException("this process runs no gate (roles " + PlatformRoles.format(config.roles())
                + ") and FP_GATE_URL names none");
    }

    /** PostgreSQL's JDBC URL (the embedded server's, or FP_PG_URL): for a role started as its own process. */
    public String jdbcUrl() {
        return wiring.jdbcUrl();
    }

    /**
     * Stops this process's gate (HTTP API, admission relay, bus ingress) so that a gate in another process can take
     * its place: there is one admission relay at a time. The rest of the platform goes on.
     */
    public synchronized void stopGate() {
        if (http == null) return;
        gateStopped = true;
        http.close();
        busIngress.close();
        relay.close();
    }

    /** Restarts the embedded broker, down for {@code down} (drills); refused on an external cluster. */
    public void restartBroker(Duration down) throws InterruptedException {
        wiring.restartBroker(down);
    }

    /** Does this process run the gate? */
    public boolean hasGate() {
        return http != null;
    }

    /** The investigator's console's base URL, or null when this process serves none. */
    public String consoleUrl() {
        return consolePort < 0 ? null : "http://127.0.0.1:" + consolePort;
    }

    /** The Label Store. */
    public LabelStore labels() {
        return wiring.labels();
    }

    /** Case Management's store. */
    public CaseStore cases() {
        return wiring.cases();
    }

    /** Investigators' accounts and sessions. */
    public Investigators investigators() {
        return wiring.investigators();
    }

    /** The ops console's base URL (it also serves {@code /metrics}), or null when this process serves none. */
    public String opsUrl() {
        return opsPort < 0 ? null : "http://127.0.0.1:" + opsPort;
    }

    /** The API key of the platform's own World Streamer: a producer like any other, with a key of its own. */
    public synchronized String streamerKey() {
        if (streamerKey == null) streamerKey = wiring.producerKeys().issue(STREAMER_PRODUCER);
        return streamerKey;
    }

    /** Each consuming stage's backlog now, in records, in the order events pass the stages. */
    public Map<String, Long> stageBacklogs() {
        return StageBacklogs.sample(wiring.busAdmin());
    }

    /**
     * One line of what {@code report}'s run cost at its scale: events, events/s, peak RSS, PostgreSQL on disk, and the
     * slowest stage by its backlog when the input stopped ({@code backlogs}, from {@link #stageBacklogs()}).
     */
    public String scaleLine(dev.fraudplatform.ops.RunReport report, Map<String, Long> backlogs) {
        long pg = StageBacklogs.databaseBytes(wiring.dataSource());
        return String.format(
                java.util.Locale.ROOT,
                "scale: %,d transactions, %,d events, %,.0f events/s end to end, peak RSS %,d MiB, PostgreSQL %,d MiB on"
                        + " disk, this process's Kafka log %,d MiB and stream state %,d MiB; slowest stage %s (backlog"
                        + " when the streamer finished: %s)",
                report.admittedTransactions(),
                report.ingress().sent(),
                report.performance().eventsPerSecond(),
                report.performance().peakRssMegabytes(),
                pg < 0 ? -1 : pg >> 20,
                StageBacklogs.directoryBytes(workDir.resolve("kafka")) >> 20,
                StageBacklogs.directoryBytes(workDir.resolve("streams")) >> 20,
                StageBacklogs.slowest(backlogs),
                backlogs);
    }

    public ProducerKeys producerKeys() {
        return wiring.producerKeys();
    }

    public AdmissionRelay relay() {
        return relay;
    }

    public IngestionGate gate() {
        return gate;
    }

    @Override
    public synchronized void close() {
        closeables.close();
    }
}
