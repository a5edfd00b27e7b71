package dev.fraudplatform.decision.bundle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fraudplatform.core.json.Json;
import java.io.IOException;
import java.util.NoSuchElementException;
import org.junit.jupiter.api.Test;

class DecisionBundlesTest {

    private static DecisionBundle rulesV1With(String id, double highAmountWeight) throws IOException {
        ObjectNode n = (ObjectNode) Json.MAPPER.readTree(TestBundles.rulesV1());
        n.put("bundle_id", id);
        ((ObjectNode) n.withArray("rules").get(0)).put("weight", highAmountWeight);
        return DecisionBundle.parse(Json.MAPPER.writeValueAsBytes(n));
    }

    @Test
    void holdsSeveralBundlesAndReturnsTheOneAskedFor() throws IOException {
        DecisionBundles bundles = new DecisionBundles();
        DecisionBundle live = bundles.add(DecisionBundle.builtIn("rules-v1"));
        DecisionBundle shadow = bundles.add(rulesV1With("rules-v2", 0.9));

        assertThat(bundles.get("rules-v1")).isSameAs(live);
        assertThat(bundles.get("rules-v2")).isSameAs(shadow);
        assertThat(bundles.ids()).containsExactly("rules-v1", "rules-v2");
        assertThat(bundles.find("rules-v3")).isEmpty();
        assertThatThrownBy(() -> bundles.get("rules-v3"))
                .isInstanceOf(NoSuchElementException.class)
                .hasMessageContaining("rules-v3");
    }

    @Test
    void theSameBundleAddedTwiceIsHeldOnce() {
        DecisionBundles bundles = new DecisionBundles();
        DecisionBundle first = bundles.add(DecisionBundle.builtIn("rules-v1"));

        DecisionBundle again = bundles.add(DecisionBundle.builtIn("rules-v1"));

        assertThat(again).isSameAs(first);
        assertThat(bundles.ids()).containsExactly("rules-v1");
    }

    @Test
    void aDifferentBundleUnderAHeldIdIsRefused() throws IOException {
        DecisionBundles bundles = new DecisionBundles();
        DecisionBundle held = bundles.add(DecisionBundle.builtIn("rules-v1"));
        DecisionBundle impostor = rulesV1With("rules-v1", 0.01);
        assertThat(impostor.digest()).isNotEqualTo(held.digest());

        assertThatThrownBy(() -> bundles.add(impostor))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("rules-v1");
        assertThat(bundles.get("rules-v1")).isSameAs(held);
    }

    @Test
    void holdersAreIndependent() {
        DecisionBundles one = new DecisionBundles();
        one.add(DecisionBundle.builtIn("rules-v1"));
        assertThat(new DecisionBundles().ids()).isEmpty();
    }
}
