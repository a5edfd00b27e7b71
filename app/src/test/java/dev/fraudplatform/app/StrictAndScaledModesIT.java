package dev.fraudplatform.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fraudplatform.ops.RunReport;
import dev.fraudplatform.rtdl.audit.RunComparison;
import dev.fraudplatform.rtdl.fabric.DecisionBundle;
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
 * that differs must say why in its own record.
 */
class StrictAndScaledModesIT {

    private static String runOnce(Path home, Map<String, String> env, int partitions, int threads, String worldId) throws Exception {
        java.util.Map<String, String> all = new java.util.HashMap<>(env);
        all.put("FP_HOME", home.toString());
        try (Platform platform = Platform.start(PlatformConfig.from(all).withTopology(partitions, threads))) {
            PlatformRun run = PlatformRun.start(platform, worldId, DecisionBundle.builtIn("rules-v1"), s -> { });
            run.stream();
            assertThat(run.awaitDrain(Duration.ofSeconds(120))).isTrue();
            RunReport report = run.finish().run();
            assertThat(report.reconciled()).as(report.toText()).isTrue();
            return run.runId();
        }
    }

    @Test
    void scaledModeReportsItsMatchRateAgainstStrictModeAndExplainsEveryDifference() throws Exception {
        Path home = Files.createTempDirectory("fp-modes-");
        String worldId;
        try (Platform p = Platform.start(PlatformConfig.from(Map.of("FP_HOME", home.toString())))) {
            worldId = new WorldBuilder(p.store()).build(WorldConfig.defaults(21, 4_000), WorldBuilder.Progress.NONE).worldId();
        }
        String strict = runOnce(home, Map.of("FP_LANES", "1"), 1, 1, worldId);
        String scaled = runOnce(home, Map.of("FP_LANES", "4"), 6, 2, worldId);

        RunComparison.Result result = RunComparison.compare(PlatformConfig.from(Map.of("FP_HOME", home.toString())).objectStore(), strict, scaled);
        System.out.println("scaled vs strict: " + result.summary());
        assertThat(result.decisions()).isEqualTo(4_000);
        assertThat(result.missing()).isZero();
        assertThat(result.matched()).isPositive();
        assertThat(result.unexplainedExamples()).as(result.summary()).isEmpty();
        assertThat(result.everyDifferenceExplained()).isTrue();
    }
}
