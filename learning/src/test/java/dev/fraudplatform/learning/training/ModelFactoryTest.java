package dev.fraudplatform.learning.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fraudplatform.core.decision.Decision;
import dev.fraudplatform.core.decision.DegradeMode;
import dev.fraudplatform.core.json.Json;
import dev.fraudplatform.decision.bundle.BundleSource;
import dev.fraudplatform.decision.bundle.DecisionBundle;
import dev.fraudplatform.decision.scoring.DecisionFabric;
import dev.fraudplatform.learning.dataset.Dataset;
import dev.fraudplatform.learning.dataset.DatasetFile;
import dev.fraudplatform.learning.dataset.SyntheticDataset;
import dev.fraudplatform.learning.evaluation.EvaluationReport;
import dev.fraudplatform.learning.evaluation.ThresholdPolicy;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole Model Factory on a synthetic dataset, into a temporary directory (XGBoost and DuckDB in-process). */
class ModelFactoryTest {
    private static byte[] base;
    private static Dataset data;
    private static final TrainingConfig CONFIG =
            TrainingConfig.defaults().withRounds(60).withNthread(2);

    @BeforeAll
    static void load() throws Exception {
        try (InputStream in = DecisionBundle.class.getResourceAsStream("/bundles/rules-v1/bundle.json")) {
            base = in.readAllBytes();
        }
        data = SyntheticDataset.generate(
                40_000, 20, 20, 17, DecisionBundle.parse(base).rules());
    }

    @Test
    void itSplitsTrainsEvaluatesAndBuildsABundleTheFabricLoadsAndScoresAsEvaluated(@TempDir Path out) throws Exception {
        ModelFactory.Result r = ModelFactory.run(data, CONFIG, base, null, out);

        // Given the files
        for (String f : List.of("dataset.parquet", "model.json", "training.json", "evaluation.json", "evaluation.html"))
            assertThat(out.resolve(f)).isRegularFile();
        assertThat(r.datasetDigest()).isEqualTo(DatasetFile.digest(out.resolve("dataset.parquet")));
        DecisionBundle bundle = BundleSource.fromDirectory(r.bundleDir());
        assertThat(bundle.id()).isEqualTo(r.bundleId());
        assertThat(bundle.model()).isPresent();

        // The thresholds hold their false-positive targets on validation, on the fabric's combined score
        EvaluationReport e = r.evaluation();
        JsonNode fullOnValidation = e.validation().toJson().path("thresholds").path("FULL");
        assertThat(fullOnValidation.path("decline").path("false_positive_rate").asDouble())
                .isLessThanOrEqualTo(0.001);
        assertThat(fullOnValidation.path("review").path("false_positive_rate").asDouble())
                .isLessThanOrEqualTo(0.01);
        assertThat(fullOnValidation.path("step_up").path("false_positive_rate").asDouble())
                .isLessThanOrEqualTo(0.03);
        DecisionBundle.Thresholds full = bundle.thresholds(DegradeMode.FULL);
        assertThat(full.decline()).isGreaterThanOrEqualTo(full.review());
        assertThat(full.review()).isGreaterThanOrEqualTo(full.stepUp());

        // The model beats the rules on the test window it never saw
        assertThat(e.test().series("bundle").rocAuc())
                .isGreaterThan(e.test().series("rules").rocAuc());
        assertThat(e.test().series("model").atOnePercentFpr().recall())
                .isGreaterThan(e.test().series("rules").atOnePercentFpr().recall());
        assertThat(e.evaluatorDifference()).isLessThanOrEqualTo(1e-6);

        // The fabric, given the bundle, scores test rows exactly as the evaluation did
        DecisionFabric fabric = new DecisionFabric(bundle);
        OutOfTimeSplit.Window test = r.split().test();
        double[] p = ModelTrainer.predictMasked(bundle.model().get(), data, test.fromRow(), test.toRow(), new int[0]);
        for (int i = test.fromRow(); i < test.fromRow() + 500; i++) {
            Decision d =
                    fabric.decide("run", "txn", data.eventId(i), "acct", "2026-01-01T00:00:00Z", features(i), null);
            assertThat(d.degradeMode()).isEqualTo(DegradeMode.FULL);
            double expected = ThresholdPolicy.combined(bundle.modelWeight(), p[i - test.fromRow()], data.rulesScore(i));
            assertThat(d.score()).as("row %d", i).isCloseTo(expected, within(1.5e-6));
        }

        // The evidence names the dataset, the config and the windows
        JsonNode json = Json.MAPPER.readTree(Files.readAllBytes(r.bundleDir().resolve("bundle.json")));
        assertThat(json.path("evidence").path("dataset_digest").asText()).isEqualTo(r.datasetDigest());
        assertThat(json.path("evidence").path("training_config").path("rounds").asInt())
                .isEqualTo(60);
        assertThat(json.path("evidence").path("split").path("test").path("rows").asInt())
                .isEqualTo(test.rows());
        assertThat(json.path("evidence")
                        .path("metrics")
                        .path("test")
                        .path("bundle")
                        .path("roc_auc")
                        .asDouble())
                .isEqualTo(e.test().series("bundle").rocAuc());
        assertThat(Files.readString(out.resolve("evaluation.html")))
                .contains("<svg")
                .doesNotContain("<script");
    }

    @Test
    void aSecondRunReusesTheModelAndGivesTheSameBundle(@TempDir Path out) throws Exception {
        ModelFactory.Result first = ModelFactory.run(data, "d1", CONFIG, base, null, null, out);
        byte[] bundleJson = Files.readAllBytes(first.bundleDir().resolve("bundle.json"));
        byte[] evaluation = Files.readAllBytes(out.resolve("evaluation.json"));

        ModelFactory.Result second = ModelFactory.run(data, "d1", CONFIG, base, null, null, out);
        assertThat(first.trained()).isTrue();
        assertThat(second.trained()).isFalse();
        assertThat(Files.readString(second.bundleDir().resolve("bundle.json")))
                .isEqualTo(new String(bundleJson, java.nio.charset.StandardCharsets.UTF_8));
        assertThat(Files.readString(out.resolve("evaluation.json")))
                .isEqualTo(new String(evaluation, java.nio.charset.StandardCharsets.UTF_8));
        ModelFactory.Result otherDataset = ModelFactory.run(data, "d2", CONFIG, base, null, null, out);
        assertThat(otherDataset.trained())
                .as("a different dataset digest trains again")
                .isTrue();
    }

    @Test
    void partialContextThresholdsAreChosenOnScoresWithThatContextMissing(@TempDir Path out) {
        TrainingConfig masked = CONFIG.withThresholds(new ThresholdPolicy(
                ThresholdPolicy.defaults().full(),
                ThresholdPolicy.defaults().full(),
                List.of("new_device", "new_country")));

        ModelFactory.Result r = ModelFactory.run(data, "d", masked, base, null, null, out);

        // Same targets, different scores: the thresholds differ
        DecisionBundle b = BundleSource.fromDirectory(r.bundleDir());
        assertThat(b.thresholds(DegradeMode.PARTIAL_CONTEXT)).isNotEqualTo(b.thresholds(DegradeMode.FULL));
    }

    @Test
    void aFeatureSchemaMismatchOrADatasetWithoutFraudIsRefusedBeforeTraining(@TempDir Path out) {
        Dataset.Builder narrow = Dataset.builder(List.of("amount_minor"));
        for (int i = 0; i < 100; i++) narrow.add("dec-" + i, "e", i, i % 2, null, 0, new float[] {i});
        assertThatThrownBy(() -> ModelFactory.run(narrow.build(), "d", CONFIG, base, null, null, out))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("feature schema mismatch");

        Dataset.Builder legit = Dataset.builder(SyntheticDataset.featureNames(11));
        for (int i = 0; i < 100; i++) legit.add("dec-" + i, "e", i, 0, null, 0, new float[11]);
        assertThatThrownBy(() -> ModelFactory.run(legit.build(), "d", CONFIG, base, null, null, out))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no positive labels");
        assertThat(out.resolve("model.json")).doesNotExist();
    }

    /** Row i's features as a frame's snapshot: missing values absent. */
    private static ObjectNode features(int i) {
        ObjectNode f = Json.MAPPER.createObjectNode();
        for (int k = 0; k < data.width(); k++) {
            float v = data.feature(i, k);
            if (!Float.isNaN(v)) f.put(data.featureNames().get(k), (double) v);
        }
        return f;
    }
}
