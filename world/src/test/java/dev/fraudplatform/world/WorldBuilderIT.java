package dev.fraudplatform.world;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fraudplatform.core.store.Manifest;
import dev.fraudplatform.substrate.objectstore.FilesystemObjectStore;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The thin world builder on a real filesystem store: determinism, sealing, the gate and the Scenario Runner. */
class WorldBuilderIT {

    private static FilesystemObjectStore newStore() throws Exception {
        return new FilesystemObjectStore(Files.createTempDirectory("fp-world-it-"));
    }

    @Test
    void sameSeedGivesByteIdenticalWorldsAndAnotherSeedAnotherWorld() throws Exception {
        WorldConfig config = WorldConfig.defaults(42, 5_000);
        FilesystemObjectStore a = newStore();
        FilesystemObjectStore b = newStore();
        WorldBuilder.Result ra = new WorldBuilder(a).build(config, n -> { });
        WorldBuilder.Result rb = new WorldBuilder(b).build(config, n -> { });
        assertThat(ra.worldId()).isEqualTo(rb.worldId()).startsWith("w-");
        assertThat(ra.verdict().passed()).as(String.join("; ", ra.verdict().failedChecks())).isTrue();
        List<String> keys = a.list(WorldBuilder.prefix(ra.worldId()) + "/");
        assertThat(keys).isEqualTo(b.list(WorldBuilder.prefix(rb.worldId()) + "/"));
        for (String k : keys) assertThat(a.read(k)).as(k).isEqualTo(b.read(k));

        WorldConfig other = WorldConfig.defaults(43, 5_000);
        WorldBuilder.Result rc = new WorldBuilder(a).build(other, n -> { });
        assertThat(rc.worldId()).isNotEqualTo(ra.worldId());
        assertThat(Manifest.fingerprint(a, WorldBuilder.prefix(rc.worldId())))
                .isNotEqualTo(Manifest.fingerprint(a, WorldBuilder.prefix(ra.worldId())));

        WorldBuilder.Result again = new WorldBuilder(a).build(config, n -> { });
        assertThat(again.alreadyBuilt()).isTrue();

        // A build that crashed before sealing resumes: the files it finds have exactly the bytes it would write.
        FilesystemObjectStore c = newStore();
        String cPrefix = WorldBuilder.prefix(ra.worldId());
        for (String k : keys) if (!k.endsWith("/manifest.json")) c.create(k, a.read(k));
        WorldBuilder.Result resumed = new WorldBuilder(c).build(config, n -> { });
        assertThat(resumed.alreadyBuilt()).isFalse();
        assertThat(c.read(cPrefix + "/manifest.json")).isEqualTo(a.read(cPrefix + "/manifest.json"));
    }

    @Test
    void truthStaysApartAndTheStreamIsInEventTimeOrder() throws Exception {
        FilesystemObjectStore store = newStore();
        WorldConfig config = WorldConfig.defaults(7, 4_000).withFraudRate(0.02);
        String id = new WorldBuilder(store).build(config, n -> { }).worldId();
        long txns = 0;
        Map<String, Long> classes = new HashMap<>();
        WorldEvent prev = null;
        try (WorldReader reader = new WorldReader(store, id, List.of())) {
            while (reader.hasNext()) {
                WorldRow row = reader.next();
                WorldEvent e = row.toEvent();
                assertThat(row.payloadJson()).isEqualTo(dev.fraudplatform.core.json.CanonicalJson.string(e.payload()));
                if (prev != null) assertThat(WorldEvent.EVENT_ORDER.compare(prev, e)).isLessThanOrEqualTo(0);
                prev = e;
                classes.merge(e.eventClass(), 1L, Long::sum);
                assertThat(e.payload().has("typology")).isFalse();
                assertThat(e.payload().has("is_fraud")).isFalse();
                if (e.eventClass().equals(WorldBuilder.TXN)) txns++;
            }
        }
        assertThat(txns).isEqualTo(4_000);
        assertThat(classes).containsKeys(WorldBuilder.LOGIN, WorldBuilder.PROFILE_CHANGE);
        assertThat(store.list(WorldBuilder.prefix(id) + "/truth/")).isNotEmpty();
        assertThat(store.list(WorldBuilder.prefix(id) + "/views/")).noneMatch(k -> k.contains("truth"));
    }

    @Test
    void theGateFailsAWorldWithoutFraudAndTheScenarioRunnerRefusesIt() throws Exception {
        FilesystemObjectStore store = newStore();
        WorldBuilder.Result r = new WorldBuilder(store).build(WorldConfig.defaults(1, 2_000).withFraudRate(0.0), n -> { });
        assertThat(r.verdict().passed()).isFalse();
        assertThat(r.verdict().failedChecks()).anyMatch(c -> c.startsWith("fraud_present"));
        assertThatThrownBy(() -> new ScenarioRunner(store).admit(r.worldId()))
                .isInstanceOf(ScenarioRunner.WorldRefusedException.class)
                .hasMessageContaining("did not pass its gate").hasMessageContaining("fraud_present")
                .hasMessageNotContaining("\n");
    }

    @Test
    void theScenarioRunnerRefusesAWorldWhoseFilesChangedAndNamesTheFile() throws Exception {
        FilesystemObjectStore store = newStore();
        String id = new WorldBuilder(store).build(WorldConfig.defaults(3, 2_000), n -> { }).worldId();
        ScenarioRunner sr = new ScenarioRunner(store);
        assertThat(sr.admit(id)).hasSize(64);

        String victim = store.list(WorldBuilder.prefix(id) + "/views/txn.authorization/").get(0);
        Path file = store.pathOf(victim);
        byte[] before = Files.readAllBytes(file);
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.seek(40);
            f.write(before[40] == '1' ? '2' : '1');
        }
        assertThat(Arrays.equals(before, Files.readAllBytes(file))).isFalse();
        assertThatThrownBy(() -> sr.admit(id))
                .isInstanceOf(ScenarioRunner.WorldRefusedException.class)
                .hasMessageContaining(victim).hasMessageContaining("manifest");
        assertThatThrownBy(() -> sr.admit("w-doesnotexist")).hasMessageContaining("not found");

        Files.writeString(store.pathOf(WorldBuilder.prefix(id) + "/manifest.json"), "{not json");
        assertThatThrownBy(() -> sr.admit(id)).isInstanceOf(ScenarioRunner.WorldRefusedException.class)
                .hasMessageContaining("manifest.json").hasMessageNotContaining("\n");
    }
}
