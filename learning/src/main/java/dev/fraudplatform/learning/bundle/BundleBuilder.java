package dev.fraudplatform.learning.bundle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fraudplatform.core.json.CanonicalJson;
import dev.fraudplatform.core.json.Json;
import dev.fraudplatform.core.json.Sha256;
import dev.fraudplatform.decision.bundle.DecisionBundle;
import dev.fraudplatform.learning.evaluation.ThresholdPolicy;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Builds a model bundle from a base bundle (rules-v1's format, {@link DecisionBundle}) and a trained model: a
 * directory with {@code bundle.json} and {@value #MODEL_FILE}.
 *
 * <p>The new {@code bundle.json} is the base with: {@code feature_schema} = the dataset's features in the dataset's
 * order (the model's input vector; each keeps the base's type, a new one is {@code double}); the base's rules,
 * {@code high_risk_mcc}, {@code small_amount_minor} and {@code case_actions}; {@code thresholds} FULL and
 * PARTIAL_CONTEXT as chosen on validation, RULES_ONLY and FAIL_SAFE the base's (with no model, the score is the rules'
 * and the base's thresholds were made for it); {@code model} = {@code {file, sha256, weight}}; {@code evidence}; and
 * {@code bundle_id} = {@code mf-} + the first 12 hex digits of the SHA-256 of the canonical JSON of everything else,
 * unless one is given: the same inputs give the same bundle, byte for byte.
 *
 * <p>Refused (a feature schema mismatch): a base rule using a feature the dataset lacks, and a model whose number of
 * features is not the dataset's. The result always loads with {@link DecisionBundle#parse(byte[],
 * DecisionBundle.Files)} with a usable model; {@link #build} checks that before returning.
 */
public final class BundleBuilder {
    public static final String BUNDLE_FILE = "bundle.json";
    public static final String MODEL_FILE = "model.json";

    private BundleBuilder() {}

    /** A built bundle: its id and its two files' bytes. */
    public record BuiltBundle(String bundleId, byte[] bundleJson, byte[] modelJson) {
        /** The bundle's files by name. */
        public Map<String, byte[]> files() {
            return Map.of(BUNDLE_FILE, bundleJson, MODEL_FILE, modelJson);
        }

        /** The bundle as the Decision Fabric loads it. */
        public DecisionBundle load() {
            Map<String, byte[]> files = files();
            return DecisionBundle.parse(bundleJson, name -> {
                byte[] b = files.get(name);
                if (b == null) throw new FileNotFoundException(name);
                return b;
            });
        }

        /** Writes both files into {@code dir} (created if needed), each atomically (a temporary file, then a move). */
        public void writeTo(Path dir) {
            try {
                Files.createDirectories(dir);
                for (Map.Entry<String, byte[]> f :
                        Map.of(MODEL_FILE, modelJson, BUNDLE_FILE, bundleJson).entrySet()) {
                    Path tmp = Files.createTempFile(dir, f.getKey(), ".tmp");
                    try {
                        Files.write(tmp, f.getValue());
                        Files.move(
                                tmp,
                                dir.resolve(f.getKey()),
                                StandardCopyOption.REPLACE_EXISTING,
                                StandardCopyOption.ATOMIC_MOVE);
                    } finally {
                        Files.deleteIfExists(tmp);
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** What a built bundle's {@code evidence} says: where it came from and how good it is. */
    public record Evidence(
            String datasetDigest, JsonNode trainingConfig, JsonNode split, JsonNode metrics, JsonNode parity) {
        ObjectNode toJson() {
            ObjectNode n = Json.MAPPER.createObjectNode();
            n.put("dataset_digest", datasetDigest);
            n.set("training_config", trainingConfig);
            n.set("split", split);
            n.set("metrics", metrics);
            // The OFS parity report's summary, filled in by whoever ran the parity check; null until then.
            n.set("parity", parity == null ? NullNode.getInstance() : parity);
            return n;
        }
    }

    /**
     * Builds the bundle.
     *
     * @param baseBundleJson the base bundle's {@code bundle.json} (rules, RULES_ONLY and FAIL_SAFE thresholds)
     * @param featureNames the dataset's features, in order
     * @param modelJson the model, XGBoost JSON, over {@code featureNames}
     * @param modelWeight {@code w} in {@code score = w * p + (1 - w) * rules}
     * @param full thresholds for FULL
     * @param partialContext thresholds for PARTIAL_CONTEXT
     * @param bundleId the new bundle's id, or null for the content-derived one
     */
    public static BuiltBundle build(
            byte[] baseBundleJson,
            List<String> featureNames,
            byte[] modelJson,
            double modelWeight,
            DecisionBundle.Thresholds full,
            DecisionBundle.Thresholds partialContext,
            Evidence evidence,
            String bundleId) {
        JsonNode base;
        try {
            base = Json.MAPPER.readTree(baseBundleJson);
        } catch (IOException e) {
            throw new IllegalArgumentException("the base bundle is not valid JSON: " + e.getMessage(), e);
        }
        DecisionBundle baseBundle = DecisionBundle.parse(baseBundleJson);
        Set<String> missing = new LinkedHashSet<>();
        for (DecisionBundle.Rule r : baseBundle.rules())
            if (!featureNames.contains(r.feature())) missing.add(r.feature());
        if (!missing.isEmpty())
            throw new IllegalArgumentException("feature schema mismatch: base bundle " + baseBundle.id()
                    + "'s rules use " + missing + ", which the dataset's features do not include");

        Map<String, String> baseTypes = new HashMap<>();
        base.path("feature_schema")
                .forEach(f ->
                        baseTypes.put(f.path("name").asText(), f.path("type").asText("double")));

        ObjectNode b = Json.MAPPER.createObjectNode();
        b.put("bundle_id", "");
        b.put("version", base.path("version").asInt(0) + 1);
        b.put(
                "description",
                "Model bundle built by the Model Factory on base " + baseBundle.id()
                        + ": XGBoost model and rules, score = w * p + (1 - w) * rules.");
        b.put("base_bundle_id", baseBundle.id());
        b.put("base_bundle_digest", baseBundle.digest());
        ArrayNode schema = b.putArray("feature_schema");
        for (String f : featureNames) {
            ObjectNode o = schema.addObject();
            o.put("name", f);
            o.put("type", baseTypes.getOrDefault(f, "double"));
        }
        for (String field : List.of("high_risk_mcc", "small_amount_minor", "rules", "case_actions"))
            if (base.has(field)) b.set(field, base.get(field).deepCopy());
        ObjectNode thresholds = b.putObject("thresholds");
        thresholds.set("FULL", ThresholdPolicy.toJson(full));
        thresholds.set("PARTIAL_CONTEXT", ThresholdPolicy.toJson(partialContext));
        thresholds.set("RULES_ONLY", base.path("thresholds").path("RULES_ONLY").deepCopy());
        JsonNode failSafe = base.path("thresholds").path("FAIL_SAFE");
        if (!failSafe.isMissingNode()) thresholds.set("FAIL_SAFE", failSafe.deepCopy());
        ObjectNode model = b.putObject("model");
        model.put("file", MODEL_FILE);
        model.put("sha256", Sha256.hex(modelJson));
        model.put("weight", modelWeight);
        b.set("evidence", evidence.toJson());

        String id = bundleId;
        if (id == null) {
            ObjectNode content = b.deepCopy();
            content.remove("bundle_id");
            id = "mf-" + Sha256.hex(CanonicalJson.bytes(content)).substring(0, 12);
        }
        b.put("bundle_id", id);
        byte[] json;
        try {
            // Indented for people, with "\n" whatever the platform, so the bytes are the same everywhere.
            var printer = new com.fasterxml.jackson.core.util.DefaultPrettyPrinter()
                    .withObjectIndenter(new com.fasterxml.jackson.core.util.DefaultIndenter("  ", "\n"));
            json = (Json.MAPPER.writer(printer).writeValueAsString(b) + "\n").getBytes(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        BuiltBundle built = new BuiltBundle(id, json, modelJson.clone());
        DecisionBundle loaded = built.load();
        if (loaded.model().isEmpty())
            throw new IllegalArgumentException("the built bundle's model is not usable: " + loaded.modelProblem());
        return built;
    }

    /** The feature names of a bundle's schema, in order. */
    public static List<String> featureNames(byte[] bundleJson) {
        return new ArrayList<>(DecisionBundle.parse(bundleJson).featureNames());
    }
}
