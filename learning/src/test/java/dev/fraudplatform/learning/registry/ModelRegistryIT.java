package dev.fraudplatform.learning.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fraudplatform.core.registry.BundleState;
import dev.fraudplatform.core.registry.RegistryEntry;
import dev.fraudplatform.core.registry.RegistryRefusal;
import dev.fraudplatform.core.registry.StateChange;
import dev.fraudplatform.core.store.Manifest;
import dev.fraudplatform.decision.bundle.DecisionBundle;
import dev.fraudplatform.substrate.objectstore.FilesystemObjectStore;
import dev.fraudplatform.substrate.postgres.PostgresBundleRegistry;
import dev.fraudplatform.substrate.postgres.PostgresDatabase;
import dev.fraudplatform.testkit.servers.EmbeddedServers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The registry end to end on its real ports (PostgreSQL, a filesystem object store): registration stores and seals a
 * bundle, promotion runs the gates, a refused promotion or rollback leaves the registry and the store unchanged.
 */
class ModelRegistryIT {
    @TempDir
    Path tmp;

    private PostgresDatabase db;
    private FilesystemObjectStore store;
    private ModelRegistry registry;

    @BeforeEach
    void open() {
        db = EmbeddedServers.freshPostgresDatabase();
        store = new FilesystemObjectStore(tmp.resolve("store"));
        registry = new ModelRegistry(
                new PostgresBundleRegistry(db.dataSource()), store, new PromotionGates(PromotionGates.DEFAULTS));
    }

    @AfterEach
    void close() {
        db.close();
    }

    private String snapshot() {
        StringBuilder b = new StringBuilder();
        for (RegistryEntry e : registry.states().list())
            b.append(e).append(registry.states().history(e.bundleId())).append('\n');
        b.append(store.list("bundles/"));
        return b.toString();
    }

    private void refusedUnchanged(Runnable r, String... parts) {
        String before = snapshot();
        assertThatThrownBy(r::run).isInstanceOf(RegistryRefusal.class).satisfies(e -> {
            for (String p : parts) assertThat(e.getMessage()).contains(p);
        });
        assertThat(snapshot()).as("the registry and the store are unchanged").isEqualTo(before);
    }

    @Test
    void registeringStoresAndSealsTheBundleAndMakesACandidate() throws Exception {
        Path dir = BundleDirs.write(tmp.resolve("m-1"), "m-1", PromotionGatesTest.good());
        RegistryEntry e = registry.register(dir, "ana", "trained on w-7");
        assertThat(e.state()).isEqualTo(BundleState.CANDIDATE);
        assertThat(e.location()).isEqualTo("bundles/m-1");
        assertThat(store.list("bundles/m-1/"))
                .containsExactly(
                        "bundles/m-1/bundle.json",
                        "bundles/m-1/evaluation/metrics.json",
                        "bundles/m-1/manifest.json",
                        "bundles/m-1/model.json");
        assertThat(Manifest.verify(store, "bundles/m-1")).isEmpty();
        assertThat(e.manifestDigest()).isEqualTo(Manifest.fingerprint(store, "bundles/m-1"));
        DecisionBundle loaded = registry.load("m-1");
        assertThat(loaded.digest()).isEqualTo(e.bundleDigest());
        assertThat(loaded.model()).isPresent();
        // again: the same bundle, no new row
        assertThat(registry.register(dir, "ana", "again")).isEqualTo(e);
        assertThat(registry.states().history("m-1")).hasSize(1);
    }

    @Test
    void aTamperedModelFileIsRefusedAndNothingIsStored() throws Exception {
        Path dir = BundleDirs.write(tmp.resolve("m-1"), "m-1", PromotionGatesTest.good());
        byte[] model = Files.readAllBytes(dir.resolve("model.json"));
        model[model.length - 3] = (byte) '1';
        Files.write(dir.resolve("model.json"), model);
        refusedUnchanged(() -> registry.register(dir, "ana", "x"), "model file model.json has SHA-256");
        assertThat(store.list("bundles/")).isEmpty();
        assertThat(registry.states().entry("m-1")).isEmpty();
    }

    @Test
    void anotherBundleUnderAStoredIdIsRefused() throws Exception {
        registry.register(BundleDirs.write(tmp.resolve("a"), "m-1", PromotionGatesTest.good()), "ana", "first");
        Path other = BundleDirs.write(tmp.resolve("b"), "m-1", PromotionGatesTest.active());
        refusedUnchanged(() -> registry.register(other, "ana", "second"), "is stored already with other files");
    }

    @Test
    void promotionRunsTheGatesAndARefusedPromotionChangesNothing() throws Exception {
        registry.register(BundleDirs.write(tmp.resolve("a"), "m-a", PromotionGatesTest.active()), "ana", "a");
        registry.register(BundleDirs.write(tmp.resolve("b"), "m-b", PromotionGatesTest.good()), "ana", "b");
        registry.register(
                BundleDirs.write(
                        tmp.resolve("c"),
                        "m-c",
                        PromotionGatesTest.bundle(0.66, 0.4, "other-window", false, 0.5, false)),
                "ana",
                "c");
        registry.register(BundleDirs.write(tmp.resolve("d"), "m-d", null), "ana", "no evidence");

        ModelRegistry.Promotion first = registry.promote("m-a", BundleState.ACTIVE, "lea", "first model");
        assertThat(first.verdict().passed()).isTrue();
        assertThat(registry.states().active()).map(RegistryEntry::bundleId).contains("m-a");
        assertThat(registry.states().history("m-a").get(1).detail()).contains("evaluation passed");

        // m-c fails three gates against m-a: each is named
        assertThatThrownBy(() -> registry.promote("m-c", BundleState.ACTIVE, "lea", "try"))
                .isInstanceOfSatisfying(
                        RegistryRefusal.class,
                        r -> assertThat(r.reasons())
                                .hasSize(3)
                                .anySatisfy(s -> assertThat(s).startsWith("gate beats-active failed: not the same"))
                                .anySatisfy(s -> assertThat(s).startsWith("gate parity failed"))
                                .anySatisfy(s -> assertThat(s).startsWith("gate replay-proof failed")));
        refusedUnchanged(() -> registry.promote("m-c", BundleState.ACTIVE, "lea", "try"), "gate parity failed");
        refusedUnchanged(
                () -> registry.promote("m-d", BundleState.ACTIVE, "lea", "try"),
                "gate evaluation failed: the bundle carries no evidence");

        // shadow takes no gates; m-b beats m-a on the same window and replaces it
        registry.promote("m-d", BundleState.SHADOW, "lea", "watch it");
        assertThat(registry.states().shadow()).map(RegistryEntry::bundleId).contains("m-d");
        List<StateChange> rows = registry.promote("m-b", BundleState.ACTIVE, "lea", "better recall")
                .changes();
        assertThat(rows).extracting(StateChange::bundleId).containsExactly("m-a", "m-b");
        assertThat(registry.active()).map(DecisionBundle::id).contains("m-b");
    }

    @Test
    void rollbackRestoresThePreviousActiveAndIsRefusedWithNothingToRollBackTo() throws Exception {
        refusedUnchanged(() -> registry.rollback("lea", "oops"), "no bundle is active");
        registry.register(BundleDirs.write(tmp.resolve("a"), "m-a", PromotionGatesTest.active()), "ana", "a");
        registry.register(BundleDirs.write(tmp.resolve("b"), "m-b", PromotionGatesTest.good()), "ana", "b");
        registry.promote("m-a", BundleState.ACTIVE, "lea", "first");
        refusedUnchanged(() -> registry.rollback("lea", "oops"), "nothing to roll back to");
        registry.promote("m-b", BundleState.ACTIVE, "lea", "second");

        List<StateChange> rows = registry.rollback("lea", "m-b declines too much");
        assertThat(rows)
                .extracting(StateChange::bundleId, StateChange::state)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("m-b", BundleState.RETIRED),
                        org.assertj.core.groups.Tuple.tuple("m-a", BundleState.ACTIVE));
        assertThat(registry.active()).map(DecisionBundle::id).contains("m-a");
    }

    @Test
    void aStoredBundleThatNoLongerVerifiesIsNeitherPromotedNorRestored() throws Exception {
        registry.register(BundleDirs.write(tmp.resolve("a"), "m-a", PromotionGatesTest.active()), "ana", "a");
        Files.writeString(
                tmp.resolve("store").resolve("bundles/m-a/evaluation/metrics.json"), "{\"note\":\"changed\"}");
        refusedUnchanged(
                () -> registry.promote("m-a", BundleState.ACTIVE, "lea", "go"),
                "fails its manifest",
                "bundles/m-a/evaluation/metrics.json");
    }
}
