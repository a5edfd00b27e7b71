package dev.fraudplatform.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fraudplatform.decision.bundle.DecisionBundle;
import dev.fraudplatform.ops.RunReport;
import dev.fraudplatform.rtdl.audit.AuditLog;
import dev.fraudplatform.rtdl.audit.RunComparison;
import dev.fraudplatform.rtdl.loop.DecisionTopology;
import dev.fraudplatform.world.WorldBuilder;
import dev.fraudplatform.world.WorldConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * One world in strict mode (one streamer lane, one partition, one stream thread) and in scaled mode (four lanes, six
 * partitions, two stream threads), on one home: scaled mode's decisions are compared with strict mode's, and every one
 * that differs must say why in its own record, even when the scaled run's input stalls long enough mid-run for its
 * projections to move on without hearing from every account task.
 */
class StrictAndScaledModesIT {

    /**
     * Runs the world; with {@code stallAt} &gt; 0 the streamer stops before that event until decisions have begun and
     * then been still for 1.5 s (what the lanes held is decided), and then for {@link DecisionTopology#IDLE_MS} more, so every account task's input goes quiet
     * mid-run and the projections move on on a guess (a lane starved on a slow box does the same to one partition).
     */
    private static String runOnce(
            Path home, Map<String, String> env, int partitions, int threads, String worldId, long stallAt)
            throws Exception {
        java.util.Map<String, String> all = new java.util.HashMap<>(env);
        all.put("FP_HOME", home.toString());
        try (Platform platform = Platform.start(PlatformConfig.from(all).withTopology(partitions, threads))) {
            PlatformRun run = PlatformRun.start(platform, worldId, DecisionBundle.builtIn("rules-v1"), s -> {});
            java.util.concurrent.atomic.AtomicLong read = new java.util.concurrent.atomic.AtomicLong();
            run.stream(
                    -1,
                    0,
                    platform.gateUrl(),
                    s -> s.withRewrite(row -> {
                        if (read.incrementAndGet() == stallAt) stallUntilQuiet(platform, run.runId());
                        return row;
                    }));
            assertThat(run.awaitDrain(Duration.ofSeconds(120))).isTrue();
            RunReport report = run.finish().run();
            assertThat(report.reconciled()).as(report.toText()).isTrue();
            return run.runId();
        }
    }

    private static void stallUntilQuiet(Platform platform, String runId) {
        try {
            long seen = -1;
            long stillSince = System.currentTimeMillis();
            long deadline = System.currentTimeMillis() + 60_000;
            while ((seen <= 0 || System.currentTimeMillis() - stillSince < 1_500)
                    && System.currentTimeMillis() < deadline) {
                long now = platform.ledger().count(runId);
                if (now != seen) {
                    seen = now;
                    stillSince = System.currentTimeMillis();
                }
                Thread.sleep(100);
            }
            Thread.sleep(DecisionTopology.IDLE_MS + 1_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void scaledModeReportsItsMatchRateAgainstStrictModeAndExplainsEveryDifference() throws Exception {
        Path home = Files.createTempDirectory("fp-modes-");
        String worldId;
        try (Platform p = Platform.start(PlatformConfig.from(Map.of("FP_HOME", home.toString())))) {
            worldId = new WorldBuilder(p.store())
                    .build(WorldConfig.defaults(21, 4_000), WorldBuilder.Progress.NONE)
                    .worldId();
        }
        String strict = runOnce(home, Map.of("FP_LANES", "1"), 1, 1, worldId, 0);
        // Small batches, so that the events before the stall are sent: all but each lane's part-filled batch (under 100
        // rows), which goes after the stall and so arrives behind what the projections applied meanwhile.
        String scaled = runOnce(home, Map.of("FP_LANES", "4", "FP_BATCH", "100"), 6, 2, worldId, 2_500);

        RunComparison.Result result = RunComparison.compare(
                PlatformConfig.from(Map.of("FP_HOME", home.toString())).objectStore(), strict, scaled);
        System.out.println("scaled vs strict: " + result.summary());
        assertThat(result.decisions()).isEqualTo(4_000);
        assertThat(result.missing()).isZero();
        assertThat(result.matched()).isPositive();
        assertThat(result.unexplainedExamples()).as(result.summary()).isEmpty();
        assertThat(result.everyDifferenceExplained()).isTrue();

        // The stall made the projections move on without the quiet tasks; what they applied so names them.
        long[] guessed = {0};
        AuditLog.forEach(PlatformConfig.from(Map.of("FP_HOME", home.toString())).objectStore(), scaled, a -> {
            if (a.decision().missingContext().stream().anyMatch(m -> m.contains("without word from account task")))
                guessed[0]++;
        });
        System.out.println("scaled decisions made on a guess of idleness: " + guessed[0]);
        assertThat(guessed[0]).isPositive();
    }
}
