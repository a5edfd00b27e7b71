package dev.fraudplatform.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fraudplatform.core.bus.Topics;
import dev.fraudplatform.core.json.Json;
import dev.fraudplatform.decision.bundle.DecisionBundle;
import dev.fraudplatform.learning.features.OfflineFeatureShadow;
import dev.fraudplatform.learning.features.ParityReport;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Offline Feature Shadow on a real run (embedded wiring, strict mode): the loop's topology replayed offline over
 * the run's traffic recomputes every feature the audit recorded, 100%; replayed with feature parameters that differ
 * from the run's, it finds the mismatches and names their cause.
 */
class OfflineFeatureShadowIT {
    static Platform platform;
    static String runId;
    static final List<byte[]> traffic = new ArrayList<>();

    @BeforeAll
    static void run() throws Exception {
        Path home = Files.createTempDirectory("fp-ofs-");
        platform = Platform.start(PlatformConfig.from(Map.of("FP_HOME", home.toString(), "FP_LANES", "1"))
                .withTopology(1, 1));
        String worldId = TestWorlds.passed(platform, 23, 2_000);
        PlatformRun run = PlatformRun.start(platform, worldId, DecisionBundle.builtIn("rules-v1"), s -> {});
        run.stream();
        assertThat(run.awaitDrain(Duration.ofSeconds(120))).isTrue();
        run.finish();
        runId = run.runId();
        String marker = "\"platform_run_id\":" + Json.MAPPER.writeValueAsString(runId);
        platform.topicReader()
                .readCommitted(Topics.TRAFFIC, Map.of(), platform.busAdmin().endOffsets(Topics.TRAFFIC), 60_000, v -> {
                    if (new String(v, StandardCharsets.UTF_8).contains(marker)) traffic.add(v);
                });
    }

    @AfterAll
    static void stop() {
        if (platform != null) platform.close();
    }

    private static OfflineShadowStep.TrafficRecords fromBus() {
        return each -> {
            for (byte[] v : traffic) {
                JsonNode envelope = Json.MAPPER.readTree(v);
                each.accept(envelope.path("partition_key").asText(), v, 0L, Map.of());
            }
        };
    }

    @Test
    void theLoopsOwnFeaturesRecomputedOfflineMatchTheAuditEveryOne() throws Exception {
        ParityReport report = OfflineShadowStep.run(
                platform.store(), runId, DecisionBundle.builtIn("rules-v1"), Duration.ofSeconds(2), 1, fromBus());

        assertThat(report.recorded()).isGreaterThan(1_500);
        assertThat(report.recomputed()).isEqualTo(report.recorded());
        assertThat(report.causes()).as(report.mismatches().toString()).isEmpty();
        assertThat(report.matched()).isEqualTo(report.recorded());
        assertThat(report.matchRates())
                .containsKeys("txn_count_1h", "card_txn_count_24h", "merchant_distinct_cards_1h");
        assertThat(report.lowestMatchRate()).isEqualTo(1.0);
        // the loop's feature catalogue, which bundles' schemas are checked against, is what the loop computes
        assertThat(dev.fraudplatform.learning.dataset.DatasetAssembly.recordedFeatures(platform.store(), runId))
                .isEqualTo(dev.fraudplatform.decision.features.LoopFeatures.NAMES);
        assertThat(report.passed()).isTrue();
        // the feature tables hold one row per decision, and a second call reads the sealed report back
        assertThat(platform.store().list(OfflineFeatureShadow.featuresPrefix(runId)))
                .isNotEmpty();
        assertThat(OfflineShadowStep.run(
                                platform.store(),
                                runId,
                                DecisionBundle.builtIn("rules-v1"),
                                Duration.ofSeconds(2),
                                1,
                                each -> {
                                    throw new AssertionError("a sealed run is not recomputed");
                                })
                        .matched())
                .isEqualTo(report.matched());
    }

    @Test
    void featuresComputedWithOtherParametersAreFoundAndExplained() throws Exception {
        // Given the run's bundle with one more high-risk MCC: the loop's high_risk_mcc feature changes for some rows
        String json = new String(
                        DecisionBundle.class
                                .getResourceAsStream("/bundles/rules-v1/bundle.json")
                                .readAllBytes(),
                        StandardCharsets.UTF_8)
                .replace("\"high_risk_mcc\": [\"4829\"", "\"high_risk_mcc\": [\"5411\", \"5812\", \"5999\", \"4829\"");
        DecisionBundle other = DecisionBundle.parse(json.getBytes(StandardCharsets.UTF_8));
        String shadowRun = runId;
        // a fresh prefix: the comparison of the run is sealed by the first test when it ran first
        var store = new dev.fraudplatform.substrate.objectstore.FilesystemObjectStore(
                Files.createTempDirectory("fp-ofs-other-"));
        dev.fraudplatform.rtdl.audit.AuditLog.segments(platform.store(), runId)
                .forEach(k -> store.create(k, platform.store().read(k)));

        ParityReport report = OfflineShadowStep.run(store, shadowRun, other, Duration.ofSeconds(2), 1, fromBus());

        assertThat(report.passed()).isFalse();
        assertThat(report.matchRates().get("high_risk_mcc")).isLessThan(1.0);
        assertThat(report.matchRates().get("txn_count_1h")).isEqualTo(1.0);
        assertThat(report.causes()).containsKey("feature high_risk_mcc differs");
        assertThat(report.mismatches().get(0).cause()).contains("high_risk_mcc online 0 offline 1");
    }

    @Test
    void noFeatureReadsTheFuture() throws Exception {
        // Given the run's traffic in its log order, and the same log cut at its middle
        java.util.Map<String, String> whole = recompute(traffic);
        java.util.Map<String, String> cut = recompute(traffic.subList(0, traffic.size() / 2));
        // Then every decision made before the cut has the very features it has with the whole log
        assertThat(cut).hasSizeGreaterThan(500);
        assertThat(cut.size()).isLessThan(whole.size());
        cut.forEach((decision, features) ->
                assertThat(whole.get(decision)).as(decision).isEqualTo(features));
    }

    /** Decision id to feature-snapshot digest, recomputed over {@code records}. */
    private static java.util.Map<String, String> recompute(List<byte[]> records) throws Exception {
        java.util.Map<String, String> out = new java.util.HashMap<>();
        try (var loop = new dev.fraudplatform.rtdl.offline.OfflineLoop(
                DecisionBundle.builtIn("rules-v1"),
                Duration.ofSeconds(2),
                d -> out.put(d.decisionId(), d.featureDigest()))) {
            for (byte[] v : records)
                loop.accept(Json.MAPPER.readTree(v).path("partition_key").asText(), v, 0L, Map.of());
            loop.finish();
        }
        return out;
    }
}
