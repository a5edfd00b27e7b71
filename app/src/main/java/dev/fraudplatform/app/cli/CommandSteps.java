package dev.fraudplatform.app.cli;

import dev.fraudplatform.app.Drills;
import dev.fraudplatform.app.Platform;
import dev.fraudplatform.app.PlatformConfig;
import dev.fraudplatform.app.PlatformRun;
import dev.fraudplatform.app.RunBundles;
import dev.fraudplatform.core.run.RunState;
import dev.fraudplatform.core.store.ObjectStore;
import dev.fraudplatform.decision.bundle.DecisionBundle;
import dev.fraudplatform.ops.ConformanceReport;
import dev.fraudplatform.world.ScenarioRunner;
import dev.fraudplatform.world.WorldBuilder;
import dev.fraudplatform.world.WorldConfig;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;

/**
 * What several commands do alike, printing as they go: build a world, start a platform and run a world through every
 * plane, name the runs a start found abandoned. Stateless; what prints goes to stdout, the status line to stderr.
 */
final class CommandSteps {
    private CommandSteps() {}

    /** Builds (or finds already built) the world of {@code config} in {@code store}, showing its progress. */
    static WorldBuilder.Result buildWorld(ObjectStore store, WorldConfig config) {
        long t0 = System.nanoTime();
        WorldBuilder.Result r =
                new WorldBuilder(store).build(config, new WorldBuildProgress(config.transactions(), StatusLine::show));
        StatusLine.end();
        double secs = (System.nanoTime() - t0) / 1e9;
        if (r.alreadyBuilt()) {
            System.out.printf(
                    Locale.ROOT,
                    "world %s already built and sealed (gate %s)%n",
                    r.worldId(),
                    r.verdict().passed() ? "PASSED" : "FAILED");
        } else {
            System.out.printf(
                    Locale.ROOT,
                    "world %s built: %,d transactions in %.1f s (%,.0f/min); gate %s%n",
                    r.worldId(),
                    r.transactions(),
                    secs,
                    r.transactions() / secs * 60,
                    r.verdict().passed() ? "PASSED" : "FAILED");
        }
        for (String f : r.verdict().failedChecks()) System.out.println("  gate check failed: " + f);
        return r;
    }

    /** Names the runs this platform's start found left open by a killed process, and closed. */
    static void printAbandoned(Platform platform) {
        for (String run : platform.abandonedRuns()) {
            System.out.println("run " + run + " was left open by a process that stopped: marked FAILED");
        }
    }

    /**
     * Runs a world through every plane, taking traffic from {@code producers} too; returns the report. A null
     * {@code bundleId} runs the registry's active bundle (else the built-in rules).
     */
    static ConformanceReport runWorld(
            PlatformConfig config, String worldId, String bundleId, double rate, Set<String> producers)
            throws Exception {
        return runWorld(config, worldId, bundleId, null, rate, producers);
    }

    /** As {@link #runWorld(PlatformConfig, String, String, double, Set)}, with {@code shadow} in shadow (null: none). */
    static ConformanceReport runWorld(
            PlatformConfig config,
            String worldId,
            String bundleId,
            DecisionBundle shadow,
            double rate,
            Set<String> producers)
            throws Exception {
        return runWorld(config, worldId, bundleId, shadow, rate, producers, null);
    }

    /**
     * As {@link #runWorld(PlatformConfig, String, String, DecisionBundle, double, Set)}, the run named {@code runId}
     * (null: a new id): a caller that must know the run's id before it starts, such as a state machine that exports its
     * evidence afterwards, chooses it.
     */
    static ConformanceReport runWorld(
            PlatformConfig config,
            String worldId,
            String bundleId,
            DecisionBundle shadow,
            double rate,
            Set<String> producers,
            String runId)
            throws Exception {
        // Refuse a world or a bundle before starting any server: the checks need only the object store and the
        // classpath (a registered bundle's files are in the store; its registry entry is read once PostgreSQL is up).
        if (bundleId != null) checkBundleExists(config.objectStore(), bundleId);
        new ScenarioRunner(config.objectStore()).admit(worldId);
        refuseExistingRun(config, runId);
        return runWorld(Platform.start(config), worldId, bundleId, shadow, rate, producers, runId);
    }

    /**
     * Refuses a run id that names a run which left evidence, before any server starts (the run registry, once
     * PostgreSQL is up, refuses the rest); nothing for a null id (a new one).
     */
    static void refuseExistingRun(PlatformConfig config, String runId) {
        if (runId != null
                && !config.objectStore()
                        .list(ConformanceReport.evidenceKey(runId, ""))
                        .isEmpty())
            throw new IllegalArgumentException("run " + runId + " exists: a run id names one run");
    }

    /** Refuses a bundle id that is neither built in nor stored by the registry, before anything starts. */
    private static void checkBundleExists(ObjectStore store, String bundleId) {
        try {
            DecisionBundle.builtIn(bundleId);
            return;
        } catch (IllegalArgumentException notBuiltIn) {
            if (!bundleId.matches("[a-z0-9][a-z0-9._-]{0,127}")) throw notBuiltIn;
        }
        if (!store.exists(dev.fraudplatform.learning.registry.StoredBundles.location(bundleId) + "/"
                + dev.fraudplatform.core.store.Manifest.FILE_NAME))
            throw new IllegalArgumentException("no bundle " + bundleId + " (neither built in nor registered)");
    }

    /** Runs a world on a started platform, which this closes; returns the report. */
    static ConformanceReport runWorld(Platform started, String worldId, String bundleId, double rate) throws Exception {
        return runWorld(started, worldId, bundleId, null, rate, Set.of(), null);
    }

    private static ConformanceReport runWorld(
            Platform started,
            String worldId,
            String bundleId,
            DecisionBundle shadow,
            double rate,
            Set<String> producers,
            String runId)
            throws Exception {
        try (Platform platform = started) {
            // Ctrl-C stops the roles, the broker and PostgreSQL cleanly and removes the work directory.
            Thread hook = new Thread(platform::close, "fp-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
            System.out.println("platform up: " + platform.describe() + ", gate " + platform.gateUrl());
            printAbandoned(platform);
            DecisionBundle bundle = bundleId == null
                    ? platform.bundleForNewRun()
                    : RunBundles.byId(platform.wiring().bundleRegistry(), platform.store(), bundleId, null);
            // A bundle in shadow is chosen with the roles, before the run pins its facts: the one asked for, else the
            // registry's bundle in shadow (fp registry promote B --to shadow), if any.
            if (shadow == null) shadow = platform.registry().shadow().orElse(null);
            if (shadow != null) platform.startRoles(bundle, shadow);
            if (runId != null && platform.runs().state(runId).isPresent())
                throw new IllegalArgumentException("run " + runId + " exists: a run id names one run");
            PlatformRun run = PlatformRun.start(platform, worldId, bundle, producers, runId, StatusLine::show);
            System.out.println("run " + run.runId() + " READY (world " + worldId + ", bundle " + bundle.id()
                    + (shadow == null ? "" : ", bundle " + shadow.id() + " in shadow")
                    + ", producers " + platform.runs().producers(run.runId()) + ")");
            long events = Drills.worldEvents(platform.store(), worldId);
            ConformanceReport report;
            java.util.Map<String, Long> backlogs;
            try {
                run.stream(events, rate);
                // Where the work stands as the input stops: the stage furthest behind is the slowest.
                backlogs = platform.stageBacklogs();
                boolean drained = run.awaitDrain(Duration.ofSeconds(120));
                StatusLine.end();
                if (!drained) System.out.println("run " + run.runId() + " did not drain: " + platform.roleFailures());
                report = run.finish();
            } catch (Exception | Error e) {
                StatusLine.end();
                // A run that cannot finish is FAILED, with its reason: never left open to traffic.
                platform.runs().transition(run.runId(), RunState.FAILED, "aborted: " + e);
                throw e;
            }
            System.out.println(report.toText());
            System.out.println(platform.scaleLine(report.run(), backlogs));
            System.out.println("evidence: " + platform.store().locationOf("evidence/" + run.runId() + "/report.html"));
            System.out.println("cases: " + report.run().casework().casesOpened() + " opened for this run; `fp serve` "
                    + "serves the investigator's console to work them, `fp labels` reads the labels");
            Runtime.getRuntime().removeShutdownHook(hook);
            return report;
        }
    }
}
