package dev.fraudplatform.learning.evaluation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fraudplatform.core.json.Json;
import dev.fraudplatform.decision.bundle.DecisionBundle;
import java.util.AbstractMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EvaluationHtmlTest {
    private static final String HOSTILE = "<script>alert('x')</script>&";

    private static WindowEvaluation window(String name) {
        double[] bundle = {0.1, 0.4, 0.35, 0.8, 0.05, 0.9};
        double[] rules = {0.0, 0.45, 0.0, 0.45, 0.0, 0.75};
        int[] labels = {0, 0, 1, 1, 0, 1};
        String[] typologies = {null, null, HOSTILE, "card_testing", null, null};
        Map<String, double[]> scores = new LinkedHashMap<>();
        scores.put("bundle", bundle);
        scores.put("rules", rules);
        Map<String, Map.Entry<String, DecisionBundle.Thresholds>> sets = new LinkedHashMap<>();
        sets.put(
                "FULL",
                new AbstractMap.SimpleImmutableEntry<>("bundle", new DecisionBundle.Thresholds(0.85, 0.5, 0.3)));
        sets.put(
                "RULES_ONLY",
                new AbstractMap.SimpleImmutableEntry<>("rules", new DecisionBundle.Thresholds(0.8, 0.6, 0.4)));
        return WindowEvaluation.evaluate(name, scores, sets, labels, typologies);
    }

    private static EvaluationReport report() {
        ObjectNode split = Json.MAPPER.createObjectNode();
        split.putObject("train")
                .put("from_ms", 0)
                .put("to_ms", 10)
                .put("rows", 6)
                .put("positives", 3);
        return new EvaluationReport(
                "ab".repeat(32),
                "mf-<b>",
                Json.MAPPER.createObjectNode().put("note", HOSTILE),
                split,
                Map.of("FULL", new DecisionBundle.Thresholds(0.85, 0.5, 0.3)),
                1e-8,
                5,
                window("validation"),
                window("test"));
    }

    @Test
    void thePageIsSelfContainedWithItsChartsAndEscapesEveryString() {
        String html = EvaluationHtml.render(report());

        assertThat(html).startsWith("<!DOCTYPE html>").endsWith("</html>\n");
        assertThat(html).doesNotContain("<script").doesNotContain("<link").doesNotContain("src=");
        assertThat(html.replace("http://www.w3.org/2000/svg", "")).doesNotContain("http");
        assertThat(html).contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;");
        assertThat(html).contains("mf-&lt;b&gt;");
        for (String chart : new String[] {
            "ROC (test)",
            "Precision-recall (test)",
            "Score distribution, bundle (test)",
            "Recall by typology at REVIEW (test)",
            "Calibration (test)"
        }) assertThat(html).contains("<title>" + chart + "</title>");
        assertThat(html.split("<svg ", -1).length - 1).isEqualTo(12);
        assertThat(EvaluationHtml.render(report())).as("deterministic").isEqualTo(html);
    }

    @Test
    void theJsonCarriesMetricsOperatingPointsAndRecallByTypology() {
        ObjectNode json = window("test").toJson();

        assertThat(json.path("series").path("bundle").path("roc_auc").asDouble())
                .isEqualTo(8.0 / 9);
        // FULL review at 0.5 flags 0.8 and 0.9 (fraud): recall 2/3, no false positive; card_testing caught
        ObjectNode review = (ObjectNode) json.path("thresholds").path("FULL").path("review");
        assertThat(review.path("recall").asDouble()).isEqualTo(2.0 / 3);
        assertThat(review.path("false_positives").asLong()).isZero();
        assertThat(review.path("alerts_per_1000").asDouble()).isEqualTo(1000.0 * 2 / 6);
        assertThat(review.path("band_per_1000").asDouble())
                .as("0.8 only: 0.9 is declined")
                .isEqualTo(1000.0 / 6);
        assertThat(review.path("recall_by_typology").path("card_testing").asDouble())
                .isEqualTo(1.0);
        assertThat(review.path("recall_by_typology").path(HOSTILE).asDouble()).isEqualTo(0.0);
        assertThat(review.path("recall_by_typology").path("unknown").asDouble()).isEqualTo(1.0);
        assertThat(json.path("positives_by_typology").path("unknown").asInt()).isEqualTo(1);
        assertThat(json.toString()).doesNotContain("NaN").doesNotContain("Infinity");
    }
}
