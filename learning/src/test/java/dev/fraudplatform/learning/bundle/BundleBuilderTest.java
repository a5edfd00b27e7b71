package dev.fraudplatform.learning.bundle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fraudplatform.core.decision.DecisionAction;
import dev.fraudplatform.core.decision.DegradeMode;
import dev.fraudplatform.core.json.Json;
import dev.fraudplatform.core.json.Sha256;
import dev.fraudplatform.decision.bundle.DecisionBundle;
import dev.fraudplatform.learning.dataset.Dataset;
import dev.fraudplatform.learning.dataset.SyntheticDataset;
import dev.fraudplatform.learning.training.ModelTrainer;
import dev.fraudplatform.learning.training.OutOfTimeSplit;
import dev.fraudplatform.learning.training.TrainingConfig;
import java.io.InputStream;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Bundle building in memory (XGBoost trains the model in-process; nothing is written). */
class BundleBuilderTest {
    private static byte[] base;
    private static Dataset data;
    private static byte[] model;
    private static final DecisionBundle.Thresholds FULL = new DecisionBundle.Thresholds(0.9, 0.7, 0.5);
    private static final DecisionBundle.Thresholds PARTIAL = new DecisionBundle.Thresholds(0.95, 0.75, 0.55);

    @BeforeAll
    static void train() throws Exception {
        try (InputStream in = DecisionBundle.class.getResourceAsStream("/bundles/rules-v1/bundle.json")) {
            base = in.readAllBytes();
        }
        data = SyntheticDataset.generate(
                5_000, 16, 5, 3, DecisionBundle.parse(base).rules());
        TrainingConfig config = TrainingConfig.defaults().withRounds(10);
        model = ModelTrainer.train(data, OutOfTimeSplit.of(data, config.split()).train(), config)
                .json();
    }

    private static BundleBuilder.Evidence evidence(JsonNode parity) {
        return new BundleBuilder.Evidence(
                "ab".repeat(32),
                Json.MAPPER.createObjectNode().put("rounds", 10),
                Json.MAPPER.createObjectNode(),
                Json.MAPPER.createObjectNode().put("roc_auc", 0.9),
                parity);
    }

    @Test
    void theBuiltBundleLoadsWithAUsableModelTheDatasetsSchemaTheBaseRulesAndTheNewThresholds() throws Exception {
        BundleBuilder.BuiltBundle built =
                BundleBuilder.build(base, data.featureNames(), model, 0.7, FULL, PARTIAL, evidence(null), null);

        DecisionBundle b = built.load();
        DecisionBundle baseBundle = DecisionBundle.parse(base);
        assertThat(b.model()).isPresent();
        assertThat(b.modelWeight()).isEqualTo(0.7);
        assertThat(b.id()).isEqualTo(built.bundleId()).startsWith("mf-").hasSize(15);
        assertThat(b.featureNames()).isEqualTo(data.featureNames());
        assertThat(b.rules()).isEqualTo(baseBundle.rules());
        assertThat(b.thresholds(DegradeMode.FULL)).isEqualTo(FULL);
        assertThat(b.thresholds(DegradeMode.PARTIAL_CONTEXT)).isEqualTo(PARTIAL);
        assertThat(b.thresholds(DegradeMode.RULES_ONLY)).isEqualTo(baseBundle.thresholds(DegradeMode.RULES_ONLY));
        assertThat(b.failSafeAction()).isEqualTo(DecisionAction.STEP_UP);
        assertThat(b.highRiskMcc()).isEqualTo(baseBundle.highRiskMcc());

        JsonNode json = Json.MAPPER.readTree(built.bundleJson());
        assertThat(json.path("model").path("file").asText()).isEqualTo("model.json");
        assertThat(json.path("model").path("sha256").asText()).isEqualTo(Sha256.hex(model));
        assertThat(json.path("evidence").path("dataset_digest").asText()).isEqualTo("ab".repeat(32));
        assertThat(json.path("evidence").path("metrics").path("roc_auc").asDouble())
                .isEqualTo(0.9);
        assertThat(json.path("evidence").path("parity").isNull()).isTrue();
        assertThat(json.path("feature_schema").get(0).path("type").asText()).isEqualTo("long");
        assertThat(json.path("feature_schema").get(15).path("type").asText()).isEqualTo("double");
        assertThat(json.path("base_bundle_id").asText()).isEqualTo("rules-v1");
    }

    @Test
    void theSameInputsGiveTheSameBytesAndTheIdFollowsTheContent() {
        BundleBuilder.BuiltBundle a =
                BundleBuilder.build(base, data.featureNames(), model, 0.7, FULL, PARTIAL, evidence(null), null);
        BundleBuilder.BuiltBundle b =
                BundleBuilder.build(base, data.featureNames(), model, 0.7, FULL, PARTIAL, evidence(null), null);
        BundleBuilder.BuiltBundle withParity = BundleBuilder.build(
                base,
                data.featureNames(),
                model,
                0.7,
                FULL,
                PARTIAL,
                evidence(Json.MAPPER.createObjectNode().put("match_rate", 1.0)),
                null);
        BundleBuilder.BuiltBundle named =
                BundleBuilder.build(base, data.featureNames(), model, 0.7, FULL, PARTIAL, evidence(null), "mf-v2");

        assertThat(a.bundleJson()).isEqualTo(b.bundleJson());
        assertThat(withParity.bundleId()).isNotEqualTo(a.bundleId());
        assertThat(withParity.load().id()).isEqualTo(withParity.bundleId());
        assertThat(named.load().id()).isEqualTo("mf-v2");
    }

    @Test
    void aFeatureSchemaMismatchIsRefused() {
        List<String> withoutRuleFeature = data.featureNames().stream()
                .map(f -> f.equals("txn_count_1h") ? "renamed" : f)
                .toList();
        assertThatThrownBy(() ->
                        BundleBuilder.build(base, withoutRuleFeature, model, 0.7, FULL, PARTIAL, evidence(null), null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("feature schema mismatch")
                .hasMessageContaining("txn_count_1h");

        List<String> wider = new java.util.ArrayList<>(data.featureNames());
        wider.add("extra");
        assertThatThrownBy(() -> BundleBuilder.build(base, wider, model, 0.7, FULL, PARTIAL, evidence(null), null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("takes 16 features, the feature schema has 17");
    }
}
