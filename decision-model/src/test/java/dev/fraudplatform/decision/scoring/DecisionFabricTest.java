package dev.fraudplatform.decision.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fraudplatform.core.decision.Decision;
import dev.fraudplatform.core.decision.DecisionAction;
import dev.fraudplatform.core.decision.DegradeMode;
import dev.fraudplatform.core.json.Json;
import dev.fraudplatform.decision.bundle.DecisionBundle;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The fabric's scoring as a pure function of features and bundle. */
class DecisionFabricTest {
    private final DecisionFabric fabric = new DecisionFabric(DecisionBundle.builtIn("rules-v1"));

    private static ObjectNode quiet() {
        ObjectNode f = Json.MAPPER.createObjectNode();
        f.put("amount_minor", 1_000)
                .put("txn_count_1h", 1)
                .put("txn_count_24h", 1)
                .put("amount_sum_24h", 1_000)
                .put("small_txn_count_10m", 0)
                .put("amount_to_mean_ratio", 1.0)
                .put("new_device", 0)
                .put("new_country", 0)
                .put("high_risk_mcc", 0)
                .put("card_not_present", 0)
                .put("seconds_since_last", 600);
        return f;
    }

    private Decision decide(ObjectNode f) {
        return fabric.decide("run-1", "txn.authorization", "w-t1", "acct-1", "2026-03-01T00:00:00.000Z", f, null);
    }

    @Test
    void aQuietTransactionIsApprovedWithNoReasonsAndNamesItsMode() {
        Decision d = decide(quiet());
        assertThat(d.action()).isEqualTo(DecisionAction.APPROVE);
        assertThat(d.score()).isZero();
        assertThat(d.reasons()).isEmpty();
        assertThat(d.decisionId()).isEqualTo("dec-txn.authorization-w-t1");
        assertThat(d.degradeMode()).isEqualTo(DegradeMode.RULES_ONLY);
        assertThat(d.degradeReason()).contains("no model");
        assertThat(d.featureDigest()).hasSize(64);
    }

    @Test
    void firedRulesAddUpToTheScoreAndTheHeaviestReasonComesFirst() {
        // small_amount_burst 0.45 + new_device 0.20 + card_not_present 0.05 = 0.70 -> REVIEW (>= 0.60)
        Decision d = decide(
                quiet().put("small_txn_count_10m", 3).put("new_device", 1).put("card_not_present", 1));
        assertThat(d.score()).isEqualTo(0.7);
        assertThat(d.reasons()).containsExactly("small_amount_burst", "new_device", "card_not_present");
        assertThat(d.action()).isEqualTo(DecisionAction.REVIEW);
    }

    @Test
    void theScoreIsCappedAtOneAndDeclines() {
        Decision d = decide(quiet().put("small_txn_count_10m", 5)
                .put("txn_count_1h", 9)
                .put("amount_to_mean_ratio", 8.0)
                .put("new_device", 1)
                .put("high_risk_mcc", 1)
                .put("new_country", 1));
        assertThat(d.score()).isEqualTo(1.0);
        assertThat(d.action()).isEqualTo(DecisionAction.DECLINE);
        assertThat(d.reasons()).hasSize(5);
    }

    @Test
    void withoutFeaturesTheFabricFailsSafeAndSaysWhy() {
        Decision d = fabric.decide(
                "run-1",
                "txn.authorization",
                "w-t2",
                "acct-1",
                "2026-03-01T00:00:00.000Z",
                null,
                "account state unavailable: boom");
        assertThat(d.degradeMode()).isEqualTo(DegradeMode.FAIL_SAFE);
        assertThat(d.degradeReason()).isEqualTo("account state unavailable: boom");
        assertThat(d.action()).isEqualTo(DecisionAction.STEP_UP);
    }

    @Test
    void theSameFeaturesGiveTheSameDecisionContent() {
        assertThat(decide(quiet().put("new_device", 1)).contentDigest())
                .isEqualTo(decide(quiet().put("new_device", 1)).contentDigest());
        assertThat(decide(quiet().put("new_device", 1)).contentDigest())
                .isNotEqualTo(decide(quiet()).contentDigest());
    }

    @Test
    void aBundleWhoseRulesUseUnknownFeaturesOrOperatorsIsRefused() {
        String base = "{\"bundle_id\":\"b\",\"feature_schema\":[{\"name\":\"x\",\"type\":\"long\"}],\"rules\":[%s],"
                + "\"thresholds\":{\"FULL\":{},\"PARTIAL_CONTEXT\":{},\"RULES_ONLY\":{},\"FAIL_SAFE\":{\"default_action\":\"STEP_UP\"}}}";
        assertThatThrownBy(() -> DecisionBundle.parse(
                        String.format(base, "{\"id\":\"r\",\"feature\":\"y\",\"op\":\">=\",\"value\":1,\"weight\":1}")
                                .getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("feature y");
        assertThatThrownBy(() -> DecisionBundle.parse(
                        String.format(base, "{\"id\":\"r\",\"feature\":\"x\",\"op\":\"~\",\"value\":1,\"weight\":1}")
                                .getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("operator");
        assertThatThrownBy(() -> DecisionBundle.parse("{\"bundle_id\":\"b\"}".getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("thresholds");
        assertThat(DecisionBundle.builtIn("rules-v1").digest()).hasSize(64);
    }
}
