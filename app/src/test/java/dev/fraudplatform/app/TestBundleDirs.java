package dev.fraudplatform.app;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fraudplatform.core.json.Json;
import dev.fraudplatform.core.json.Sha256;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Bundle directories for the registry's tests: rules-v1's rules and thresholds under another id, a one-tree XGBoost
 * JSON model ({@code model.json}, pinned by SHA-256), evidence in {@code bundle.json} and an evidence file beside it.
 */
final class TestBundleDirs {
    private TestBundleDirs() {}

    /** Evidence on window {@code window}: recall at 1% FPR {@code recall}, PR-AUC {@code prAuc}, parity and replay. */
    static ObjectNode evidence(double recall, double prAuc, String window, boolean parity, boolean reconciled) {
        ObjectNode e = Json.MAPPER.createObjectNode();
        e.put("dataset_digest", "ds-1");
        e.putObject("training_config").put("seed", 7);
        ObjectNode metrics = e.putObject("metrics");
        metrics.putObject("test")
                .put("roc_auc", 0.9)
                .put("pr_auc", prAuc)
                .put("recall_at_1pct_fpr", recall)
                .put("recall_at_01pct_fpr", recall / 2);
        metrics.putObject("window").put("digest", window).put("id", "late-days");
        e.putObject("parity").put("pass", parity).put("match_rate", parity ? 1.0 : 0.9);
        e.putObject("replay_proof").put("reconciled", reconciled).put("run_id", "run-x");
        return e;
    }

    /**
     * Writes bundle {@code id} with {@code evidence} (null: none) into {@code dir}. Its model scores on amount only; with
     * {@code modelWeight} 0 its decisions are rules-v1's, whatever the model says.
     */
    static Path write(Path dir, String id, ObjectNode evidence) throws IOException {
        Files.createDirectories(dir);
        ObjectNode n;
        try (InputStream in = TestBundleDirs.class.getResourceAsStream("/bundles/rules-v1/bundle.json")) {
            n = (ObjectNode) Json.MAPPER.readTree(in);
        }
        n.put("bundle_id", id);
        byte[] model = model(n.path("feature_schema").size());
        n.putObject("model")
                .put("file", "model.json")
                .put("sha256", Sha256.hex(model))
                .put("weight", 0.5);
        if (evidence != null) n.set("evidence", evidence);
        Files.write(dir.resolve("bundle.json"), Json.MAPPER.writeValueAsBytes(n));
        Files.write(dir.resolve("model.json"), model);
        Files.writeString(dir.resolve("evaluation.json"), "{\"bundle\":\"" + id + "\"}");
        return dir;
    }

    /** Changes one byte of the bundle's model file: its SHA-256 no longer matches the one bundle.json pins. */
    static void tamperModel(Path dir) throws IOException {
        byte[] model = Files.readAllBytes(dir.resolve("model.json"));
        int i = new String(model, StandardCharsets.UTF_8).indexOf("-2.0");
        model[i + 1] = (byte) '3';
        Files.write(dir.resolve("model.json"), model);
    }

    /** One tree on feature 0 (amount_minor): below 50,000 a leaf of -2, else +2. */
    private static byte[] model(int features) {
        String json = "{\"learner\":{\"learner_model_param\":{\"base_score\":\"[5E-1]\",\"num_class\":\"0\","
                + "\"num_feature\":\"" + features + "\",\"num_target\":\"1\"},\"objective\":{\"name\":"
                + "\"binary:logistic\"},\"gradient_booster\":{\"name\":\"gbtree\",\"model\":{\"trees\":[{"
                + "\"left_children\":[1,-1,-1],\"right_children\":[2,-1,-1],\"split_indices\":[0,0,0],"
                + "\"split_conditions\":[50000,-2.0,2.0],\"default_left\":[1,0,0],\"split_type\":[0,0,0]}]}}}}";
        return json.getBytes(StandardCharsets.UTF_8);
    }
}
