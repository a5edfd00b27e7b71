package dev.fraudplatform.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fraudplatform.core.bus.Topics;
import dev.fraudplatform.core.registry.BundleState;
import dev.fraudplatform.core.registry.RegistryEntry;
import dev.fraudplatform.learning.registry.ModelRegistry;
import dev.fraudplatform.ops.ConformanceReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run given no bundle takes the registry's active bundle, pinned at READY: the built-in rules while none is active,
 * then the promoted one; and promoting another bundle while the run streams changes neither the run's facts nor the
 * bundle any of its decisions names. Embedded wiring, one partition.
 */
class RegistryPinnedRunIT {
    @TempDir
    Path files;

    @Test
    void promotingAnotherBundleMidRunDoesNotChangeTheRunsBundle() throws Exception {
        Path home = Files.createTempDirectory("fp-pinned-");
        try (Platform platform = Platform.start(PlatformConfig.from(Map.of("FP_HOME", home.toString(), "FP_LANES", "1"))
                .withTopology(1, 1))) {
            String worldId = TestWorlds.passed(platform, 21, 2_000);
            ModelRegistry registry = platform.registry();
            assertThat(platform.bundleForNewRun().id())
                    .as("no bundle is active: the built-in rules")
                    .isEqualTo(RunBundles.BUILT_IN_DEFAULT);

            RegistryEntry a = registry.register(
                    TestBundleDirs.write(
                            files.resolve("a"), "m-a", TestBundleDirs.evidence(0.62, 0.4, "w1", true, true)),
                    "ana",
                    "first model");
            registry.register(
                    TestBundleDirs.write(
                            files.resolve("b"), "m-b", TestBundleDirs.evidence(0.70, 0.5, "w1", true, true)),
                    "ana",
                    "second model");
            registry.promote("m-a", BundleState.ACTIVE, "lea", "go");

            PlatformRun run = PlatformRun.start(platform, worldId, s -> {});
            assertThat(run.facts().bundleId()).isEqualTo("m-a");
            assertThat(run.facts().bundleDigest()).isEqualTo(a.bundleDigest());

            // stream, and promote m-b once the run has decided something
            CompletableFuture<Void> streaming = CompletableFuture.runAsync(() -> {
                try {
                    run.stream();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            });
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (decisionsOnBus(platform) == 0 && System.nanoTime() < deadline) Thread.sleep(20);
            assertThat(decisionsOnBus(platform))
                    .as("decided something before the promotion")
                    .isPositive();
            registry.promote("m-b", BundleState.ACTIVE, "lea", "better, mid-run");
            assertThat(platform.registry().states().active())
                    .map(RegistryEntry::bundleId)
                    .contains("m-b");
            streaming.get();
            assertThat(run.awaitDrain(Duration.ofSeconds(120))).isTrue();
            ConformanceReport report = run.finish();
            assertThat(report.passed()).as(report.toText()).isTrue();

            List<JsonNode> decisions = BusReader.readAll(platform.bootstrap(), Topics.DECISIONS).stream()
                    .filter(d -> d.path("platform_run_id").asText().equals(run.runId()))
                    .toList();
            assertThat(decisions).hasSize(2_000);
            assertThat(decisions).extracting(d -> d.path("bundle_id").asText()).containsOnly("m-a");
            assertThat(platform.runs().facts(run.runId()).orElseThrow().bundleId())
                    .isEqualTo("m-a");
            // what the registry would give a run pinned from now on, in a process that serves no bundle yet
            assertThat(RunBundles.active(platform.wiring().bundleRegistry(), platform.store())
                            .id())
                    .isEqualTo("m-b");
        } finally {
            WorkDirectories.deleteTree(home);
        }
    }

    private static long decisionsOnBus(Platform platform) throws Exception {
        return platform.busAdmin().endOffsets(Topics.DECISIONS).values().stream()
                .mapToLong(Long::longValue)
                .sum();
    }
}
