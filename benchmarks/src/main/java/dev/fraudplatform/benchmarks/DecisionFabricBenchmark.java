package dev.fraudplatform.benchmarks;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fraudplatform.core.decision.Decision;
import dev.fraudplatform.core.decision.JoinFrame;
import dev.fraudplatform.core.json.Json;
import dev.fraudplatform.core.json.Sha256;
import dev.fraudplatform.decision.bundle.DecisionBundle;
import dev.fraudplatform.decision.scoring.DecisionFabric;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Decision Fabric scoring, frame to decision, in process: the rules, the model (a synthetic XGBoost JSON model of
 * {@code trees} trees of depth 6 over the bundle's feature schema; 0 = rules only), the thresholds and the SHA-256
 * digest of the canonical feature snapshot. Frames are the ones the decision loop builds (about 60 features), drawn
 * from 1,024 prepared variants so branch prediction cannot learn one. Sample time gives the p99 per decision.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class DecisionFabricBenchmark {
    @Param({"0", "200"})
    public int trees;

    private DecisionFabric fabric;
    private JoinFrame[] frames;
    private int next;

    @Setup
    public void setUp() throws IOException {
        byte[] bundleJson;
        try (InputStream in = DecisionBundle.class.getResourceAsStream("/bundles/rules-v1/bundle.json")) {
            bundleJson = in.readAllBytes();
        }
        DecisionBundle rules = DecisionBundle.parse(bundleJson);
        DecisionBundle bundle = rules;
        if (trees > 0) {
            byte[] model = syntheticModel(trees, rules.featureNames().size(), new SplittableRandom(42));
            ObjectNode n = (ObjectNode) Json.MAPPER.readTree(bundleJson);
            n.put("bundle_id", "bench-model");
            n.putObject("model")
                    .put("file", "model.json")
                    .put("sha256", Sha256.hex(model))
                    .put("weight", 0.6);
            bundle = DecisionBundle.parse(Json.MAPPER.writeValueAsBytes(n), name -> model);
            if (bundle.model().isEmpty()) throw new IllegalStateException(bundle.modelProblem());
        }
        fabric = new DecisionFabric(bundle);
        SplittableRandom r = new SplittableRandom(7);
        frames = new JoinFrame[1024];
        String[] names = {
            "txn_count_1m",
            "txn_count_1h",
            "txn_count_24h",
            "txn_count_7d",
            "amount_sum_1h",
            "amount_sum_24h",
            "amount_sum_7d",
            "seconds_since_last",
            "amount_zscore"
        };
        for (int i = 0; i < frames.length; i++) {
            ObjectNode f = Json.MAPPER.createObjectNode();
            f.put("amount_minor", 100 + r.nextInt(80_000));
            f.put("small_txn_count_10m", r.nextInt(5));
            f.put("amount_to_mean_ratio", Math.round(r.nextDouble() * 60_000) / 10_000.0);
            for (String flag : List.of(
                    "new_device",
                    "new_country",
                    "high_risk_mcc",
                    "card_not_present",
                    "password_reset_24h",
                    "email_change_24h",
                    "failed_login_1h",
                    "account_fraud_label_before",
                    "card_fraud_label_before",
                    "card_new_merchant",
                    "device_linked_fraud_label",
                    "ip_linked_fraud_label",
                    "flow_three_ds",
                    "three_ds_not_authenticated",
                    "three_ds_challenged",
                    "flow_login",
                    "flow_login_failed",
                    "flow_profile_change")) {
                f.put(flag, r.nextInt(10) == 0 ? 1 : 0);
            }
            for (String prefix : List.of("", "card_", "merchant_", "device_", "ip_")) {
                for (String name : names)
                    f.put(prefix + name, name.contains("zscore") ? r.nextDouble() * 4 - 2 : r.nextInt(500));
            }
            f.put("distinct_merchants_24h", r.nextInt(8))
                    .put("distinct_devices_24h", r.nextInt(3))
                    .put("distinct_cards_24h", 1 + r.nextInt(2));
            f.put("geo_velocity_kmh", r.nextInt(900)).put("merchant_distinct_cards_1h", r.nextInt(30));
            f.put("device_distinct_accounts_24h", 1 + r.nextInt(3))
                    .put("ip_distinct_cards_1h", 1 + r.nextInt(3))
                    .put("ip_distinct_accounts_24h", 1 + r.nextInt(3));
            frames[i] = JoinFrame.complete(
                    "run-bench", "txn.authorization", "e-" + i, "acct-" + (i % 97), "2026-03-02T10:00:00.000Z", f);
        }
    }

    @Benchmark
    public Decision decide() {
        JoinFrame frame = frames[next++ & (frames.length - 1)];
        return fabric.decide(frame);
    }

    /** Random trees of depth 6 over {@code features} features, in XGBoost's JSON model format. */
    static byte[] syntheticModel(int trees, int features, SplittableRandom r) {
        StringBuilder sb = new StringBuilder();
        sb.append(
                        "{\"learner\":{\"learner_model_param\":{\"base_score\":\"[5E-1]\",\"num_class\":\"0\",\"num_feature\":\"")
                .append(features)
                .append(
                        "\",\"num_target\":\"1\"},\"objective\":{\"name\":\"binary:logistic\"},\"gradient_booster\":{\"name\":\"gbtree\",")
                .append("\"model\":{\"trees\":[");
        int depth = 6;
        int nodes = (1 << (depth + 1)) - 1;
        for (int t = 0; t < trees; t++) {
            StringBuilder left = new StringBuilder(),
                    right = new StringBuilder(),
                    idx = new StringBuilder(),
                    cond = new StringBuilder(),
                    dflt = new StringBuilder(),
                    type = new StringBuilder();
            for (int i = 0; i < nodes; i++) {
                boolean leaf = i >= (1 << depth) - 1;
                String sep = i == 0 ? "" : ",";
                left.append(sep).append(leaf ? -1 : 2 * i + 1);
                right.append(sep).append(leaf ? -1 : 2 * i + 2);
                idx.append(sep).append(leaf ? 0 : r.nextInt(features));
                cond.append(sep)
                        .append(leaf ? String.valueOf((r.nextDouble() - 0.5) * 0.2) : String.valueOf(r.nextInt(100)));
                dflt.append(sep).append(r.nextInt(2));
                type.append(sep).append(0);
            }
            sb.append(t == 0 ? "" : ",")
                    .append("{\"left_children\":[")
                    .append(left)
                    .append("],\"right_children\":[")
                    .append(right)
                    .append("],\"split_indices\":[")
                    .append(idx)
                    .append("],\"split_conditions\":[")
                    .append(cond)
                    .append("],\"default_left\":[")
                    .append(dflt)
                    .append("],\"split_type\":[")
                    .append(type)
                    .append("]}");
        }
        sb.append("]}}}}");
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }
}
