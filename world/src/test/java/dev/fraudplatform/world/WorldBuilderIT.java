package dev.fraudplatform.world;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fraudplatform.core.json.CanonicalJson;
import dev.fraudplatform.core.store.Manifest;
import dev.fraudplatform.substrate.objectstore.FilesystemObjectStore;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The world builder on a real filesystem store: determinism, sealing, the stream views, the gate and the Scenario Runner. */
class WorldBuilderIT {
    private static FilesystemObjectStore shared;
    private static WorldConfig config;
    private static WorldBuilder.Result world;

    private static FilesystemObjectStore newStore() throws Exception {
        return new FilesystemObjectStore(Files.createTempDirectory("fp-world-it-"));
    }

    @BeforeAll
    static void buildOnce() throws Exception {
        shared = newStore();
        config = WorldConfig.defaults(42, 30_000);
        world = new WorldBuilder(shared).build(config, WorldBuilder.Progress.NONE);
    }

    @Test
    void aWorldBuiltWithDefaultSettingsPassesEveryGateCheck() {
        assertThat(world.verdict().failedChecks()).isEmpty();
        assertThat(world.verdict().passed()).isTrue();
        assertThat(world.verdict().checks())
                .extracting(WorldGate.Check::name)
                .contains(
                        "schema",
                        "referential_integrity",
                        "time_order",
                        "typology_mix",
                        "label_delays",
                        "labels_after_transactions",
                        "unlabelled_share",
                        "trivial_rule_canary");
        assertThat(shared.list(WorldBuilder.prefix(world.worldId()) + "/"))
                .allMatch(k -> k.endsWith(".parquet") || k.endsWith(".json"));
    }

    @Test
    void sameSeedGivesByteIdenticalWorldsAndAnotherSeedAnotherWorld() throws Exception {
        FilesystemObjectStore b = newStore();
        WorldBuilder.Result rb = new WorldBuilder(b).build(config, WorldBuilder.Progress.NONE);
        assertThat(rb.worldId()).isEqualTo(world.worldId()).startsWith("w-");
        // Pinned: the id seals every file's bytes, so a change to the generator or the Parquet codec shows here.
        assertThat(world.worldId()).isEqualTo("w-90d5091fba16075f");
        List<String> keys = shared.list(WorldBuilder.prefix(world.worldId()) + "/");
        assertThat(keys).isEqualTo(b.list(WorldBuilder.prefix(rb.worldId()) + "/"));
        for (String k : keys) assertThat(b.read(k)).as(k).isEqualTo(shared.read(k));

        WorldBuilder.Result rc = new WorldBuilder(b).build(config.withSeed(43), WorldBuilder.Progress.NONE);
        assertThat(rc.worldId()).isNotEqualTo(world.worldId());
        String txnFile = "/views/txn.authorization/day=" + config.startDate() + "/part-00000.parquet";
        assertThat(b.read(WorldBuilder.prefix(rc.worldId()) + txnFile))
                .isNotEqualTo(b.read(WorldBuilder.prefix(world.worldId()) + txnFile));

        assertThat(new WorldBuilder(b).build(config, WorldBuilder.Progress.NONE).alreadyBuilt())
                .isTrue();

        // A build that crashed before sealing resumes: the files it finds have exactly the bytes it would write.
        FilesystemObjectStore c = newStore();
        for (String k : keys) if (!k.endsWith("/manifest.json")) c.create(k, shared.read(k));
        WorldBuilder.Result resumed = new WorldBuilder(c).build(config, WorldBuilder.Progress.NONE);
        assertThat(resumed.alreadyBuilt()).isFalse();
        String manifest = WorldBuilder.prefix(world.worldId()) + "/manifest.json";
        assertThat(c.read(manifest)).isEqualTo(shared.read(manifest));
    }

    @Test
    void theManifestRecordsEngineConfigSeedSchemaRowCountsAndADigestPerFile() {
        Manifest m = Manifest.read(shared, WorldBuilder.prefix(world.worldId()));
        var attrs = m.attributes();
        assertThat(attrs.path("engine_version").asText()).isEqualTo(WorldBuilder.ENGINE_VERSION);
        assertThat(attrs.path("seed").asLong()).isEqualTo(42);
        assertThat(attrs.path("config").path("typology_rates").path("bust_out").asDouble())
                .isEqualTo(Typology.BUST_OUT.defaultRate());
        assertThat(attrs.path("schema").path("txn.authorization").findValuesAsText("name"))
                .contains("amount_minor", "device_id", "flow_id");
        assertThat(attrs.path("row_counts")
                        .path("views")
                        .path("txn.authorization")
                        .asLong())
                .isEqualTo(30_000);
        for (String view : WorldBuilder.VIEWS)
            assertThat(attrs.path("row_counts").path("views").path(view).asLong())
                    .as(view)
                    .isPositive();
        assertThat(m.entries())
                .hasSize(shared.list(WorldBuilder.prefix(world.worldId()) + "/").size() - 1);
        assertThat(m.entries().values()).allMatch(e -> e.sha256().length() == 64);
    }

    @Test
    void streamViewsReadBackInEventTimeOrderWithCanonicalPayloadsAndNoTruth() {
        long txns = 0;
        Map<String, Long> classes = new HashMap<>();
        WorldRow prev = null;
        try (WorldReader reader = new WorldReader(shared, world.worldId(), List.of())) {
            while (reader.hasNext()) {
                WorldRow row = reader.next();
                WorldEvent e = row.toEvent();
                assertThat(row.payloadJson()).isEqualTo(CanonicalJson.string(e.payload()));
                if (prev != null)
                    assertThat(WorldRow.EVENT_ORDER.compare(prev, row)).isLessThanOrEqualTo(0);
                prev = row;
                classes.merge(row.eventClass(), 1L, Long::sum);
                assertThat(e.payload().has("typology")).isFalse();
                assertThat(e.payload().has("is_fraud")).isFalse();
                assertThat(row.partitionKey())
                        .isEqualTo(e.payload().path("account_id").asText());
                if (row.eventClass().equals(WorldBuilder.TXN)) txns++;
            }
        }
        assertThat(txns).isEqualTo(30_000);
        assertThat(classes).containsOnlyKeys(WorldBuilder.VIEWS.toArray(String[]::new));
        assertThat(shared.list(WorldBuilder.prefix(world.worldId()) + "/truth/"))
                .isNotEmpty();
        assertThat(shared.list(WorldBuilder.prefix(world.worldId()) + "/views/"))
                .noneMatch(k -> k.contains("truth"));
        // Labels are observed after the traffic: the last label day is later than the last traffic day.
        List<String> labelDays = shared.list(WorldBuilder.prefix(world.worldId()) + "/views/label.assertion/");
        assertThat(labelDays.get(labelDays.size() - 1))
                .isGreaterThan(WorldBuilder.prefix(world.worldId()) + "/views/label.assertion/day="
                        + config.startDate().plusDays(config.days()));
    }

    @Test
    void theGateFailsAWorldWithoutFraudAndTheScenarioRunnerRefusesIt() throws Exception {
        FilesystemObjectStore store = newStore();
        WorldBuilder.Result r = new WorldBuilder(store)
                .build(WorldConfig.defaults(1, 5_000).withFraudRate(0.0), WorldBuilder.Progress.NONE);
        assertThat(r.verdict().passed()).isFalse();
        assertThat(r.verdict().failedChecks()).anyMatch(c -> c.startsWith("fraud_present"));
        assertThatThrownBy(() -> new ScenarioRunner(store).admit(r.worldId()))
                .isInstanceOf(ScenarioRunner.WorldRefusedException.class)
                .hasMessageContaining("did not pass its gate")
                .hasMessageContaining("fraud_present")
                .hasMessageNotContaining("\n");
    }

    @Test
    void theGateFailsAWorldWhoseLabelsAreObservedBeforeTheirTransactions() throws Exception {
        FilesystemObjectStore store = newStore();
        LabelPolicy broken = new LabelPolicy(-10, -1, 5, 30, 90, 0.15);
        WorldBuilder.Result r = new WorldBuilder(store)
                .build(WorldConfig.defaults(5, 20_000).withLabels(broken), WorldBuilder.Progress.NONE);
        assertThat(r.verdict().passed()).isFalse();
        assertThat(r.verdict().check("labels_after_transactions").passed()).isFalse();
        assertThat(r.verdict().check("labels_after_transactions").detail())
                .contains("observed before their transaction");
        assertThat(r.verdict().check("label_delays").detail())
                .contains("CHARGEBACK")
                .contains("OUT OF BOUNDS");
        assertThat(r.verdict().check("schema").passed()).isTrue();
    }

    @Test
    void theCanaryFailsAWorldWhoseAmountGivesFraudAway() throws Exception {
        FilesystemObjectStore store = newStore();
        WorldBuilder.Result r = new WorldBuilder(store)
                .build(WorldConfig.defaults(42, 30_000).withLeak(WorldConfig.Leak.AMOUNT), WorldBuilder.Progress.NONE);
        WorldGate.Check canary = r.verdict().check("trivial_rule_canary");
        assertThat(canary.passed()).isFalse();
        assertThat(canary.detail())
                .startsWith("best single-feature rules at FPR <= 1%: amount_minor > ")
                .contains("recall 1.0000");
        // The same world without the leak passes: the canary judges the data, not the config flag.
        assertThat(world.verdict().check("trivial_rule_canary").passed()).isTrue();
    }

    @Test
    void verifyAndTheScenarioRunnerNameASingleChangedByte() throws Exception {
        FilesystemObjectStore store = newStore();
        String id = new WorldBuilder(store)
                .build(WorldConfig.defaults(3, 5_000), WorldBuilder.Progress.NONE)
                .worldId();
        ScenarioRunner sr = new ScenarioRunner(store);
        assertThat(sr.admit(id)).hasSize(64);
        assertThat(Manifest.verify(store, WorldBuilder.prefix(id))).isEmpty();

        String victim = store.list(WorldBuilder.prefix(id) + "/views/txn.authorization/")
                .get(0);
        Path file = store.pathOf(victim);
        byte[] before = Files.readAllBytes(file);
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.seek(before.length / 2);
            f.write(before[before.length / 2] ^ 0x01);
        }
        assertThat(Manifest.verify(store, WorldBuilder.prefix(id)))
                .singleElement()
                .asString()
                .contains(victim);
        assertThatThrownBy(() -> sr.admit(id))
                .isInstanceOf(ScenarioRunner.WorldRefusedException.class)
                .hasMessageContaining(victim)
                .hasMessageContaining("manifest");
        assertThatThrownBy(() -> sr.admit("w-doesnotexist")).hasMessageContaining("not found");
        // Building it again does not pass the changed world off as sealed.
        assertThatThrownBy(
                        () -> new WorldBuilder(store).build(WorldConfig.defaults(3, 5_000), WorldBuilder.Progress.NONE))
                .isInstanceOf(ScenarioRunner.WorldRefusedException.class)
                .hasMessageContaining("no longer match its manifest")
                .hasMessageContaining(victim)
                .hasMessageNotContaining("\n");

        Files.writeString(store.pathOf(WorldBuilder.prefix(id) + "/manifest.json"), "{not json");
        assertThatThrownBy(() -> sr.admit(id))
                .isInstanceOf(ScenarioRunner.WorldRefusedException.class)
                .hasMessageContaining("manifest.json")
                .hasMessageNotContaining("\n");
        assertThat(Manifest.verify(store, WorldBuilder.prefix(id)))
                .singleElement()
                .asString()
                .contains("is not JSON: unexpected character 'n' at column 2")
                .doesNotContain("Source")
                .doesNotContain("Exception");
    }

    @Test
    void inspectShowsCountsTypologyMixLabelDelaysAndSamples() {
        String text = WorldInspector.inspect(shared, world.worldId(), 1);
        assertThat(text)
                .contains("gate PASSED")
                .contains("txn.authorization")
                .contains("30,000")
                .contains("card_testing")
                .contains("merchant_compromise")
                .contains("friendly_fraud")
                .contains("CHARGEBACK")
                .contains("FRAUD_REPORT")
                .contains("sample rows")
                .contains("amount_minor=");
        assertThatThrownBy(() -> WorldInspector.inspect(shared, "w-nope", 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not found");
    }
}
