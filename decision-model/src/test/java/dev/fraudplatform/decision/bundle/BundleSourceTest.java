package dev.fraudplatform.decision.bundle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fraudplatform.core.json.Json;
import dev.fraudplatform.core.json.Sha256;
import java.io.IOException;
import org.junit.jupiter.api.Test;

class BundleSourceTest {

    /** rules-v1 with a working model, as bundle.json and model.json bytes. */
    static byte[][] rulesV1WithModelFiles() throws IOException {
        byte[] model = TestBundles.model(
                BundleSource.fromClasspath("rules-v1").featureNames().size());
        ObjectNode n = (ObjectNode) Json.MAPPER.readTree(TestBundles.rulesV1());
        n.put("bundle_id", "rules-v1-model");
        n.putObject("model")
                .put("file", "model.json")
                .put("sha256", Sha256.hex(model))
                .put("weight", 0.6);
        return new byte[][] {Json.MAPPER.writeValueAsBytes(n), model};
    }

    @Test
    void theBuiltInBundleIsTheClasspathOne() {
        DecisionBundle fromClasspath = BundleSource.fromClasspath("rules-v1");
        assertThat(DecisionBundle.builtIn("rules-v1").digest()).isEqualTo(fromClasspath.digest());
        assertThat(fromClasspath.id()).isEqualTo("rules-v1");
    }

    @Test
    void aBundleInTheObjectStoreIsTheSameBundleAsOnTheClasspath() {
        // Given rules-v1's bytes stored under a prefix
        InMemoryObjectStore store = new InMemoryObjectStore();
        store.create("bundles/rules-v1/bundle.json", TestBundles.rulesV1());
        // When it is read from the store
        DecisionBundle stored = BundleSource.fromObjectStore(store, "bundles/rules-v1");
        // Then it is the very bundle shipped on the classpath
        DecisionBundle shipped = BundleSource.fromClasspath("rules-v1");
        assertThat(stored.id()).isEqualTo(shipped.id());
        assertThat(stored.digest()).isEqualTo(shipped.digest());
        assertThat(stored.featureNames()).isEqualTo(shipped.featureNames());
        assertThat(stored.rules()).isEqualTo(shipped.rules());
    }

    @Test
    void aStoredBundleReadsTheModelItNamesBesideIt() throws IOException {
        byte[][] files = rulesV1WithModelFiles();
        InMemoryObjectStore store = new InMemoryObjectStore();
        store.create("registry/b1/bundle.json", files[0]);
        store.create("registry/b1/model.json", files[1]);

        DecisionBundle b = BundleSource.fromObjectStore(store, "registry/b1");

        assertThat(b.id()).isEqualTo("rules-v1-model");
        assertThat(b.model()).isPresent();
        assertThat(b.modelProblem()).isNull();
        assertThat(b.digest()).isEqualTo(DecisionBundle.parse(files[0]).digest());
    }

    @Test
    void aMissingModelFileIsTheBundlesModelProblemNotAFailure() throws IOException {
        InMemoryObjectStore store = new InMemoryObjectStore();
        store.create("registry/b1/bundle.json", rulesV1WithModelFiles()[0]);

        DecisionBundle b = BundleSource.fromObjectStore(store, "registry/b1");

        assertThat(b.hasModel()).isTrue();
        assertThat(b.model()).isEmpty();
        assertThat(b.modelProblem()).contains("model.json").contains("cannot be read");
    }

    @Test
    void aNamedFileCannotReachOutsideItsPrefix() throws IOException {
        ObjectNode n = (ObjectNode) Json.MAPPER.readTree(rulesV1WithModelFiles()[0]);
        ((ObjectNode) n.get("model")).put("file", "../other/model.json");
        InMemoryObjectStore store = new InMemoryObjectStore();
        store.create("registry/b1/bundle.json", Json.MAPPER.writeValueAsBytes(n));
        store.create("registry/other/model.json", rulesV1WithModelFiles()[1]);

        DecisionBundle b = BundleSource.fromObjectStore(store, "registry/b1");

        assertThat(b.model()).isEmpty();
        assertThat(b.modelProblem()).contains("bad file name");
    }

    @Test
    void noBundleAtThePrefixIsRefused() {
        InMemoryObjectStore store = new InMemoryObjectStore();
        assertThatThrownBy(() -> BundleSource.fromObjectStore(store, "registry/none"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("registry/none/bundle.json");
        assertThatThrownBy(() -> BundleSource.fromClasspath("no-such-bundle"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no bundle no-such-bundle");
    }
}
