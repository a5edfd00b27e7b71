package dev.fraudplatform.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fraudplatform.decision.bundle.DecisionBundle;
import dev.fraudplatform.learning.features.ParityReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The Offline Feature Shadow of a scaled run (four partitions, two stream threads, four streamer lanes): its archived
 * traffic, merged across partitions by record time, replayed through the loop's topology in strict mode, matches what
 * the scaled loop computed on at least 99.9% of decisions for every feature, the bar for scaled mode.
 */
class ScaledOfflineFeatureShadowIT {
    @Test
    void aScaledRunsFeaturesAreRecomputedFromItsArchiveToTheScaledBar() throws Exception {
        Path home = Files.createTempDirectory("fp-ofs-scaled-");
        try (Platform platform = Platform.start(PlatformConfig.from(Map.of("FP_HOME", home.toString(), "FP_LANES", "4"))
                .withTopology(4, 2))) {
            String worldId = TestWorlds.passed(platform, 29, 3_000);
            PlatformRun run = PlatformRun.start(platform, worldId, DecisionBundle.builtIn("rules-v1"), s -> {});
            run.stream();
            assertThat(run.awaitDrain(Duration.ofSeconds(120))).isTrue();
            assertThat(run.finish().run().reconciled()).isTrue();

            ParityReport report = LearningPipeline.offlineFeatureShadow(
                    platform.store(), run.runId(), DecisionBundle.builtIn("rules-v1"), Duration.ofSeconds(2), 4);

            assertThat(report.mode()).isEqualTo("SCALED");
            assertThat(report.recomputed()).isEqualTo(report.recorded()).isEqualTo(3_000);
            assertThat(report.lowestMatchRate())
                    .as("%s %s", report.causes(), report.mismatches())
                    .isGreaterThanOrEqualTo(0.999);
            assertThat(report.passed()).isTrue();
        }
    }
}
