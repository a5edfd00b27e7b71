package dev.fraudplatform.learning.registry;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fraudplatform.core.json.Json;
import dev.fraudplatform.core.json.Sha256;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Bundle directories for tests: rules-v1 renamed, with a one-tree XGBoost JSON model, evidence and an evidence file. */
final class BundleDirs {
    private BundleDirs() {}

    /** One tree on feature 0 (amount_minor), for a schema of {@code features} features. */
    static byte[] model(int features) {
        String json = "{\"learner\":{\"learner_model_param\":{\"base_score\":\"[5E-1]\",\"num_class\":\"0\","
                + "\"num_feature\":\"" + features + "\",\"num_target\":\"1\"},\"objective\":{\"name\":"
                + "\"binary:logistic\"},\"gradient_booster\":{\"name\":\"gbtree\",\"model\":{\"trees\":[{"
                + "\"left_children\":[1,-1,-1],\"right_children\":[2,-1,-1],\"split_indices\":[0,0,0],"
                + "\"split_conditions\":[50000,-2.0,2.0],\"default_left\":[1,0,0],\"split_type\":[0,0,0]}]}}}}";
        return json.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Writes bundle {@code id} into {@code dir}: rules-v1's rules and thresholds, {@code model.json}, and
     * {@code evidence} (from {@link PromotionGatesTest#bundle}) with an {@code evaluation.json} beside it.
     */
    static Path write(Path dir, String id, ObjectNode withEvidence) throws IOException {
        Files.createDirectories(dir);
        ObjectNode n;
        try (InputStream in = BundleDirs.class.getResourceAsStream("/bundles/rules-v1/bundle.json")) {
            n = (ObjectNode) Json.MAPPER.readTree(in);
        }
        n.put("bundle_id", id);
        byte[] model = model(n.path("feature_schema").size());
        n.putObject("model")
                .put("file", "model.json")
                .put("sha256", Sha256.hex(model))
                .put("weight", 0.6);
        if (withEvidence != null) n.set("evidence", withEvidence.get("evidence"));
        Files.write(dir.resolve("bundle.json"), Json.MAPPER.writeValueAsBytes(n));
        Files.write(dir.resolve("model.json"), model);
        Files.createDirectories(dir.resolve("evaluation"));
        Files.writeString(dir.resolve("evaluation").resolve("metrics.json"), "{\"note\":\"" + id + "\"}");
        return dir;
    }
}
