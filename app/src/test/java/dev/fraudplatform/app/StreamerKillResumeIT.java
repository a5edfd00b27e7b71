package dev.fraudplatform.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fraudplatform.core.json.Json;
import dev.fraudplatform.core.store.Manifest;
import dev.fraudplatform.world.WorldBuilder;
import dev.fraudplatform.world.WorldConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The World Streamer Producer as its own process (the {@code fp stream} command): killed with SIGKILL mid-stream and
 * started again from its checkpoint, it leaves no gap; what it sends twice comes back DUPLICATE.
 */
class StreamerKillResumeIT {
    static Platform platform;
    static Path home;

    @BeforeAll
    static void start() throws Exception {
        home = Files.createTempDirectory("fp-wsp-kill-it-");
        platform = Platform.start(
                PlatformConfig.from(Map.of("FP_HOME", home.toString())).withTopology(3, 1));
    }

    @AfterAll
    static void stop() {
        if (platform != null) platform.close();
    }

    private static Process streamer(String worldId, String runId, String key, Path checkpoint, String rate, Path log)
            throws Exception {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m",
                "-cp",
                System.getProperty("java.class.path"),
                Fp.class.getName(),
                "stream",
                "--world",
                worldId,
                "--run",
                runId,
                "--gate",
                platform.gateUrl(),
                "--checkpoint",
                checkpoint.toString(),
                "--rate",
                rate,
                "--batch",
                "200"));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("FP_HOME", home.toString());
        pb.environment().put("FP_API_KEY", key);
        return pb.start();
    }

    @Test
    void aStreamerKilledMidStreamResumesFromItsCheckpointWithNoGap() throws Exception {
        // Given a READY run of a world with about 15,000 events, and a streamer process sending it at 2,000 events/s
        String worldId = new WorldBuilder(platform.store())
                .build(WorldConfig.defaults(31, 10_000), WorldBuilder.Progress.NONE)
                .worldId();
        long events = Manifest.read(platform.store(), WorldBuilder.prefix(worldId))
                .attributes()
                .path("row_counts")
                .path("views")
                .properties()
                .stream()
                .mapToLong(e -> e.getValue().asLong())
                .sum();
        PlatformRun run = PlatformRun.start(
                platform,
                worldId,
                dev.fraudplatform.decision.bundle.DecisionBundle.builtIn("rules-v1"),
                java.util.Set.of("wsp-kill-it"),
                s -> {});
        platform.runs().transition(run.runId(), dev.fraudplatform.core.run.RunState.STREAMING, "external streamer");
        String key = platform.producerKeys().issue("wsp-kill-it");
        Path checkpoint = home.resolve("wsp.checkpoint");
        Process first = streamer(worldId, run.runId(), key, checkpoint, "2000", home.resolve("wsp-1.log"));

        // When it is killed (SIGKILL) once its checkpoint has passed 4,000 events
        long deadline = System.currentTimeMillis() + 60_000;
        long position = 0;
        while (System.currentTimeMillis() < deadline && position < 4_000) {
            Thread.sleep(100);
            if (Files.exists(checkpoint))
                position = Json.MAPPER
                        .readTree(checkpoint.toFile())
                        .path("position")
                        .asLong();
        }
        assertThat(position).as(Files.readString(home.resolve("wsp-1.log"))).isGreaterThanOrEqualTo(4_000);
        first.destroyForcibly();
        assertThat(first.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(first.exitValue()).isNotZero();
        long admittedAtKill = platform.receipts().countsByOutcome(run.runId()).getOrDefault("ADMITTED", 0L);
        assertThat(admittedAtKill).isLessThan(events);

        // And started again, as fast as the gate takes it
        Process second = streamer(worldId, run.runId(), key, checkpoint, "0", home.resolve("wsp-2.log"));
        assertThat(second.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(second.exitValue())
                .as(Files.readString(home.resolve("wsp-2.log")))
                .isZero();

        // Then every event of the world is admitted exactly once, and what was sent twice is DUPLICATE
        Map<String, Long> receipts = platform.receipts().countsByOutcome(run.runId());
        assertThat(receipts.get("ADMITTED")).isEqualTo(events);
        assertThat(receipts).containsOnlyKeys("ADMITTED", "DUPLICATE");
        assertThat(Json.MAPPER.readTree(checkpoint.toFile()).path("position").asLong())
                .isEqualTo(events);
        assertThat(run.awaitDrain(Duration.ofSeconds(90))).isTrue();
    }
}
