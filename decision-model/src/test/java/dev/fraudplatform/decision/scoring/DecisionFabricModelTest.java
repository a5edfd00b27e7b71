package dev.fraudplatform.decision.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fraudplatform.core.decision.Decision;
import dev.fraudplatform.core.decision.DecisionAction;
import dev.fraudplatform.core.decision.DegradeMode;
import dev.fraudplatform.core.json.Json;
import dev.fraudplatform.core.json.Sha256;
import dev.fraudplatform.decision.bundle.DecisionBundle;
import dev.fraudplatform.decision.bundle.TestBundles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The fabric with a model: FULL when the bundle's model is there, verified and fits the schema; RULES_ONLY, with the
 * reason, when the model file is missing, corrupt or does not fit. The model is a hand-written XGBoost JSON tree
 * (the evaluator itself is checked against XGBoost in {@code XGBoostModelIT}).
 */
class DecisionFabricModelTest {

    private static byte[] model(int features) {
        return TestBundles.model(features);
    }

    private static DecisionBundle bundle(String pinnedSha, Map<String, byte[]> files) throws IOException {
        return TestBundles.rulesV1WithModel(pinnedSha, files);
    }

    private static ObjectNode features(long amount) {
        ObjectNode f = Json.MAPPER.createObjectNode();
        f.put("amount_minor", amount)
                .put("txn_count_1h", 1)
                .put("txn_count_24h", 1)
                .put("amount_sum_24h", amount)
                .put("small_txn_count_10m", 0)
                .put("amount_to_mean_ratio", 1.0)
                .put("new_device", 0)
                .put("new_country", 0)
                .put("high_risk_mcc", 0)
                .put("card_not_present", 0)
                .put("seconds_since_last", 600);
        return f;
    }

    private static Decision decide(DecisionBundle b, ObjectNode f) {
        return new DecisionFabric(b)
                .decide("run-1", "txn.authorization", "w-t1", "acct-1", "2026-03-01T00:00:00.000Z", f, null);
    }

    @Test
    void aUsableModelScoresInFullModeBlendedWithTheRules() throws IOException {
        byte[] m = model(11);
        DecisionBundle b = bundle(Sha256.hex(m), Map.of("model.json", m));
        assertThat(b.modelProblem()).isNull();

        Decision quiet = decide(b, features(1_000));
        assertThat(quiet.degradeMode()).isEqualTo(DegradeMode.FULL);
        assertThat(quiet.degradeReason()).isEqualTo("model and rules scored");
        double low = 1 / (1 + Math.exp(2));
        assertThat(quiet.score()).isCloseTo(0.6 * low, within(1e-6));
        assertThat(quiet.action()).isEqualTo(DecisionAction.APPROVE);

        // 60,000: the model says 0.88 and high_amount fires (0.15): 0.6 * 0.8808 + 0.4 * 0.15 = 0.588 -> STEP_UP
        Decision big = decide(b, features(60_000));
        assertThat(big.score()).isCloseTo(0.6 * (1 / (1 + Math.exp(-2))) + 0.4 * 0.15, within(1e-6));
        assertThat(big.action()).isEqualTo(DecisionAction.STEP_UP);
        assertThat(big.reasons()).startsWith("model_score", "high_amount");

        // A missing feature is a missing value: default_left at the root sends it to the low leaf.
        ObjectNode noAmount = features(1_000);
        noAmount.remove("amount_minor");
        assertThat(decide(b, noAmount).score()).isCloseTo(0.6 * low, within(1e-6));
    }

    @Test
    void aMissingCorruptOrMisfittingModelDegradesToRulesOnlyAndSaysWhy() throws IOException {
        byte[] m = model(11);
        Decision missing = decide(bundle(Sha256.hex(m), Map.of()), features(60_000));
        assertThat(missing.degradeMode()).isEqualTo(DegradeMode.RULES_ONLY);
        assertThat(missing.degradeReason()).contains("model.json").contains("cannot be read");
        assertThat(missing.score()).isEqualTo(0.15);

        byte[] corrupt = m.clone();
        corrupt[corrupt.length / 2] ^= 1;
        Decision tampered = decide(bundle(Sha256.hex(m), Map.of("model.json", corrupt)), features(60_000));
        assertThat(tampered.degradeMode()).isEqualTo(DegradeMode.RULES_ONLY);
        assertThat(tampered.degradeReason()).contains("SHA-256");

        byte[] notJson = "{not a model".getBytes(StandardCharsets.UTF_8);
        Decision unreadable = decide(bundle(Sha256.hex(notJson), Map.of("model.json", notJson)), features(60_000));
        assertThat(unreadable.degradeReason()).contains("not a usable model");

        byte[] narrow = model(3);
        Decision misfit = decide(bundle(Sha256.hex(narrow), Map.of("model.json", narrow)), features(60_000));
        assertThat(misfit.degradeMode()).isEqualTo(DegradeMode.RULES_ONLY);
        assertThat(misfit.degradeReason()).contains("takes 3 features").contains("has 11");
    }

    @Test
    void theModelIsPartOfTheBundleDigest() throws IOException {
        byte[] m = model(11);
        byte[] other = model(11).clone();
        other[other.length - 10] = ' ';
        assertThat(bundle(Sha256.hex(m), Map.of("model.json", m)).digest())
                .isNotEqualTo(
                        bundle(Sha256.hex(other), Map.of("model.json", other)).digest());
    }
}
