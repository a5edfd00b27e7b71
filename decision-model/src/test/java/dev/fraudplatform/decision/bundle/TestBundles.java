package dev.fraudplatform.decision.bundle;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fraudplatform.core.json.Json;
import dev.fraudplatform.core.json.Sha256;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** Bundles for tests: rules-v1, and rules-v1 with a hand-written XGBoost JSON model. */
public final class TestBundles {
    private TestBundles() {}

    /** One tree on feature 0 (amount_minor): below 50,000 a leaf of -2, else +2; base score 0.5 (margin 0). */
    public static byte[] model(int features) {
        String json =
                "{\"learner\":{\"learner_model_param\":{\"base_score\":\"[5E-1]\",\"num_class\":\"0\",\"num_feature\":\""
                        + features
                        + "\",\"num_target\":\"1\"},\"objective\":{\"name\":\"binary:logistic\"},\"gradient_booster\":{\"name\":\"gbtree\",\"model\":{\"trees\":[{"
                        + "\"left_children\":[1,-1,-1],\"right_children\":[2,-1,-1],\"split_indices\":[0,0,0],\"split_conditions\":[50000,-2.0,2.0],"
                        + "\"default_left\":[1,0,0],\"split_type\":[0,0,0]}]}}}}";
        return json.getBytes(StandardCharsets.UTF_8);
    }

    public static byte[] rulesV1() {
        try (InputStream in = TestBundles.class.getResourceAsStream("/bundles/rules-v1/bundle.json")) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** rules-v1 with a model named {@code model.json} pinned at {@code pinnedSha}, its files served from {@code files}. */
    public static DecisionBundle rulesV1WithModel(String pinnedSha, Map<String, byte[]> files) throws IOException {
        ObjectNode n = (ObjectNode) Json.MAPPER.readTree(rulesV1());
        n.put("bundle_id", "model-test");
        n.putObject("model").put("file", "model.json").put("sha256", pinnedSha).put("weight", 0.6);
        return DecisionBundle.parse(Json.MAPPER.writeValueAsBytes(n), name -> {
            byte[] b = files.get(name);
            if (b == null) throw new FileNotFoundException(name);
            return b;
        });
    }

    /** rules-v1 with its working model: decisions are FULL when their frame is complete. */
    public static DecisionBundle withModel() {
        try {
            byte[] m = model(DecisionBundle.builtIn("rules-v1").featureNames().size());
            return rulesV1WithModel(Sha256.hex(m), Map.of("model.json", m));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
