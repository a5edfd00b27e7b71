package dev.fraudplatform.substrate.objectstore;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fraudplatform.core.store.ObjectStore;
import dev.fraudplatform.core.store.RoutedObjectStore;
import dev.fraudplatform.testkit.ObjectStoreContract;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The ObjectStore contract on one key space routed over four filesystem stores by root (as the cloud wiring routes
 * oracle/, archive/ and quarantine/ to buckets of their own); and each object lands, under its whole key, in its
 * root's store.
 */
class RoutedObjectStoreIT extends ObjectStoreContract {
    private Path fallback, oracle, archive, sealed;

    @Override
    protected ObjectStore newStore() throws Exception {
        fallback = Files.createTempDirectory("fp-routed-evidence-");
        oracle = Files.createTempDirectory("fp-routed-oracle-");
        archive = Files.createTempDirectory("fp-routed-archive-");
        sealed = Files.createTempDirectory("fp-routed-sealed-");
        return new RoutedObjectStore(
                new FilesystemObjectStore(fallback),
                Map.of(
                        "oracle", new FilesystemObjectStore(oracle),
                        "archive", new FilesystemObjectStore(archive),
                        "sealed", new FilesystemObjectStore(sealed)));
    }

    @Test
    void eachObjectLivesInItsRootsStoreUnderItsWholeKey() {
        store.create("oracle/w-1/manifest.json", new byte[] {1});
        store.create("archive/run-1/x.parquet", new byte[] {2});
        store.create("evidence/run-1/report.json", new byte[] {3});
        assertThat(oracle.resolve("oracle/w-1/manifest.json")).exists();
        assertThat(archive.resolve("archive/run-1/x.parquet")).exists();
        assertThat(fallback.resolve("evidence/run-1/report.json")).exists();
        assertThat(fallback.resolve("oracle")).doesNotExist();
        // a prefix of a root is listed from its store alone; the empty prefix from every store, in order
        assertThat(store.list("oracle/")).containsExactly("oracle/w-1/manifest.json");
        assertThat(store.list(""))
                .containsExactly("archive/run-1/x.parquet", "evidence/run-1/report.json", "oracle/w-1/manifest.json");
        assertThat(store.locationOf("oracle/w-1/manifest.json")).startsWith(oracle.toString());
    }
}
