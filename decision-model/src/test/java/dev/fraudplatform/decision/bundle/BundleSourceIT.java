package dev.fraudplatform.decision.bundle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fraudplatform.substrate.objectstore.FilesystemObjectStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bundles read from real files: a directory, and the filesystem adapter of the object store. */
class BundleSourceIT {

    @Test
    void aBundleInADirectoryIsTheSameBundleAsOnTheClasspath(@TempDir Path dir) throws IOException {
        Files.write(dir.resolve("bundle.json"), TestBundles.rulesV1());

        DecisionBundle fromDirectory = BundleSource.fromDirectory(dir);

        DecisionBundle shipped = BundleSource.fromClasspath("rules-v1");
        assertThat(fromDirectory.id()).isEqualTo(shipped.id());
        assertThat(fromDirectory.digest()).isEqualTo(shipped.digest());
    }

    @Test
    void aDirectoryBundleReadsItsModelBesideIt(@TempDir Path dir) throws IOException {
        byte[][] files = BundleSourceTest.rulesV1WithModelFiles();
        Files.write(dir.resolve("bundle.json"), files[0]);
        Files.write(dir.resolve("model.json"), files[1]);

        DecisionBundle b = BundleSource.fromDirectory(dir);

        assertThat(b.model()).isPresent();
        assertThat(b.digest()).isEqualTo(DecisionBundle.parse(files[0]).digest());
        Files.delete(dir.resolve("model.json"));
        assertThat(BundleSource.fromDirectory(dir).modelProblem()).contains("cannot be read");
    }

    @Test
    void aBundleInTheFilesystemObjectStoreIsTheSameBundle(@TempDir Path root) throws IOException {
        byte[][] files = BundleSourceTest.rulesV1WithModelFiles();
        FilesystemObjectStore store = new FilesystemObjectStore(root);
        store.create("bundles/rules-v1/bundle.json", TestBundles.rulesV1());
        store.create("bundles/rules-v1-model/bundle.json", files[0]);
        store.create("bundles/rules-v1-model/model.json", files[1]);

        assertThat(BundleSource.fromObjectStore(store, "bundles/rules-v1").digest())
                .isEqualTo(BundleSource.fromClasspath("rules-v1").digest());
        DecisionBundle withModel = BundleSource.fromObjectStore(store, "bundles/rules-v1-model");
        assertThat(withModel.model()).isPresent();
        assertThat(withModel.modelProblem()).isNull();
    }

    @Test
    void aDirectoryWithoutABundleIsRefused(@TempDir Path dir) {
        assertThatThrownBy(() -> BundleSource.fromDirectory(dir))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no bundle in");
    }
}
