package dev.fraudplatform.decision.xgboost;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fraudplatform.core.json.Json;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A gradient-boosted tree model in XGBoost's JSON format, scored in pure Java (no native code on the decision path).
 *
 * <p>Scoring, as XGBoost does it: each tree is walked from its root; at node {@code i} a feature value {@code x} goes
 * left if {@code x < split_conditions[i]}, and a missing value ({@code NaN}) goes the node's {@code default_left}
 * way; a leaf's value is its {@code split_conditions} entry. {@code margin = base_margin + sum(leaf values)}, where
 * {@code base_margin = logit(base_score)} for the logistic objectives and {@code base_score} otherwise; the prediction
 * is {@code sigmoid(margin)} for {@code binary:logistic} and {@code reg:logistic}, the margin itself otherwise.
 * Only numerical splits of single-target models are supported; anything else is refused when the model is read.
 *
 * <p>Immutable and thread-safe once read.
 */
public final class XGBoostModel {
    private final String objective;
    private final int numFeatures;
    private final double baseMargin;
    private final Tree[] trees;

    /** One tree in flat arrays: children, split feature, threshold (or leaf value), missing-value direction. */
    private record Tree(int[] left, int[] right, int[] feature, float[] condition, boolean[] defaultLeft) {
        float leaf(float[] x) {
            int i = 0;
            while (left[i] >= 0) {
                float v = x[feature[i]];
                i = Float.isNaN(v) ? (defaultLeft[i] ? left[i] : right[i]) : (v < condition[i] ? left[i] : right[i]);
            }
            return condition[i];
        }
    }

    private XGBoostModel(String objective, int numFeatures, double baseMargin, Tree[] trees) {
        this.objective = objective;
        this.numFeatures = numFeatures;
        this.baseMargin = baseMargin;
        this.trees = trees;
    }

    /** Reads a model saved by XGBoost as JSON; refuses what this evaluator cannot score exactly, saying why. */
    public static XGBoostModel read(byte[] json) {
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(json);
        } catch (IOException e) {
            throw new IllegalArgumentException("not an XGBoost JSON model: " + e.getMessage());
        }
        JsonNode learner = root.path("learner");
        String objective = learner.path("objective").path("name").asText("");
        if (!List.of("binary:logistic", "reg:logistic", "reg:squarederror", "binary:logitraw")
                .contains(objective)) {
            throw new IllegalArgumentException("objective '" + objective
                    + "' is not supported (binary:logistic, reg:logistic, reg:squarederror, binary:logitraw)");
        }
        JsonNode param = learner.path("learner_model_param");
        if (param.path("num_class").asInt(0) > 1 || param.path("num_target").asInt(1) > 1) {
            throw new IllegalArgumentException("multi-class and multi-target models are not supported");
        }
        int numFeatures = param.path("num_feature").asInt(-1);
        if (numFeatures < 1) throw new IllegalArgumentException("learner_model_param.num_feature is missing");
        // XGBoost 2+ writes base_score as "[3.635E-1]", older versions as "3.635E-1".
        double baseScore = Double.parseDouble(param.path("base_score")
                .asText("0.5")
                .replace("[", "")
                .replace("]", "")
                .trim());
        boolean logistic = objective.equals("binary:logistic") || objective.equals("reg:logistic");
        double baseMargin = logistic ? Math.log(baseScore / (1 - baseScore)) : baseScore;

        JsonNode booster = learner.path("gradient_booster");
        if (!"gbtree".equals(booster.path("name").asText())) {
            throw new IllegalArgumentException(
                    "booster '" + booster.path("name").asText() + "' is not supported (gbtree)");
        }
        List<Tree> trees = new ArrayList<>();
        for (JsonNode t : booster.path("model").path("trees")) {
            int n = t.path("left_children").size();
            int[] left = ints(t.path("left_children"), n);
            int[] right = ints(t.path("right_children"), n);
            int[] feature = ints(t.path("split_indices"), n);
            float[] condition = new float[n];
            boolean[] defaultLeft = new boolean[n];
            for (int i = 0; i < n; i++) {
                condition[i] = (float) t.path("split_conditions").path(i).asDouble();
                defaultLeft[i] = t.path("default_left").path(i).asInt() == 1;
                if (t.path("split_type").path(i).asInt(0) != 0)
                    throw new IllegalArgumentException("categorical splits are not supported");
                if (left[i] >= 0 && (feature[i] < 0 || feature[i] >= numFeatures || left[i] >= n || right[i] >= n)) {
                    throw new IllegalArgumentException("tree " + trees.size() + " node " + i + " is malformed");
                }
            }
            trees.add(new Tree(left, right, feature, condition, defaultLeft));
        }
        if (trees.isEmpty()) throw new IllegalArgumentException("the model has no trees");
        return new XGBoostModel(objective, numFeatures, baseMargin, trees.toArray(Tree[]::new));
    }

    private static int[] ints(JsonNode array, int n) {
        if (array.size() != n) throw new IllegalArgumentException("tree arrays differ in length");
        int[] out = new int[n];
        for (int i = 0; i < n; i++) out[i] = array.path(i).asInt();
        return out;
    }

    public int numFeatures() {
        return numFeatures;
    }

    public int numTrees() {
        return trees.length;
    }

    public String objective() {
        return objective;
    }

    /** The raw margin: base margin plus the sum of every tree's leaf. {@code features[i]} is NaN when missing. */
    public double margin(float[] features) {
        if (features.length != numFeatures) {
            throw new IllegalArgumentException("the model takes " + numFeatures + " features, got " + features.length);
        }
        double sum = baseMargin;
        for (Tree t : trees) sum += t.leaf(features);
        return sum;
    }

    /** The prediction: a probability for the logistic objectives, the margin otherwise. */
    public double predict(float[] features) {
        double m = margin(features);
        return objective.equals("binary:logistic") || objective.equals("reg:logistic") ? 1 / (1 + Math.exp(-m)) : m;
    }
}
