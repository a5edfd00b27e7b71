package dev.fraudplatform.learning.training;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fraudplatform.core.json.Json;
import dev.fraudplatform.learning.evaluation.ThresholdPolicy;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Everything a Model Factory run is a function of besides its dataset: the split, XGBoost's parameters (objective
 * {@code binary:logistic}, {@code tree_method=hist}, always), the seed, the model's weight in the bundle's score and
 * the threshold policy. Recorded in the bundle's evidence ({@link #toJson()}); same dataset + same config = same model
 * file, byte for byte, whatever the thread count ({@code ModelTrainerTest}).
 *
 * @param rounds boosting rounds (trees)
 * @param maxDepth maximum tree depth
 * @param eta learning rate
 * @param subsample rows sampled per tree, in (0, 1]
 * @param colsampleByTree features sampled per tree, in (0, 1]
 * @param minChildWeight minimum hessian sum in a leaf
 * @param lambda L2 regularisation of leaf weights
 * @param maxBin histogram bins per feature
 * @param nthread XGBoost's threads; the model does not depend on it
 * @param seed XGBoost's random seed
 * @param modelWeight {@code w} in the fabric's {@code score = w * p + (1 - w) * rules}, in (0, 1]
 */
public record TrainingConfig(
        OutOfTimeSplit.Config split,
        int rounds,
        int maxDepth,
        double eta,
        double subsample,
        double colsampleByTree,
        double minChildWeight,
        double lambda,
        int maxBin,
        int nthread,
        long seed,
        double modelWeight,
        ThresholdPolicy thresholds) {

    public TrainingConfig {
        if (split == null || thresholds == null)
            throw new IllegalArgumentException("split and thresholds are required");
        if (rounds < 1) throw new IllegalArgumentException("rounds must be positive");
        if (maxDepth < 1) throw new IllegalArgumentException("maxDepth must be positive");
        if (!(eta > 0 && eta <= 1)) throw new IllegalArgumentException("eta must be in (0, 1]");
        if (!(subsample > 0 && subsample <= 1)) throw new IllegalArgumentException("subsample must be in (0, 1]");
        if (!(colsampleByTree > 0 && colsampleByTree <= 1))
            throw new IllegalArgumentException("colsampleByTree must be in (0, 1]");
        if (maxBin < 2) throw new IllegalArgumentException("maxBin must be at least 2");
        if (nthread < 1) throw new IllegalArgumentException("nthread must be positive");
        if (!(modelWeight > 0 && modelWeight <= 1)) throw new IllegalArgumentException("modelWeight must be in (0, 1]");
    }

    /**
     * 200 trees of depth 6, eta 0.1, no row or column sampling, min child weight 1, lambda 1, 256 bins, one thread per
     * available processor, seed 42, model weight 0.7, the default split and threshold policy.
     */
    public static TrainingConfig defaults() {
        return new TrainingConfig(
                OutOfTimeSplit.Config.defaults(),
                200,
                6,
                0.1,
                1.0,
                1.0,
                1.0,
                1.0,
                256,
                Runtime.getRuntime().availableProcessors(),
                42,
                0.7,
                ThresholdPolicy.defaults());
    }

    public TrainingConfig withRounds(int r) {
        return edit(f -> f.rounds = r);
    }

    public TrainingConfig withSplit(OutOfTimeSplit.Config s) {
        return edit(f -> f.split = s);
    }

    public TrainingConfig withNthread(int n) {
        return edit(f -> f.nthread = n);
    }

    public TrainingConfig withSeed(long s) {
        return edit(f -> f.seed = s);
    }

    public TrainingConfig withThresholds(ThresholdPolicy t) {
        return edit(f -> f.thresholds = t);
    }

    public TrainingConfig withModelWeight(double w) {
        return edit(f -> f.modelWeight = w);
    }

    /** This config with other tree parameters. */
    public TrainingConfig withTrees(int depth, double learningRate, double rows, double columns, int bins) {
        return edit(f -> {
            f.maxDepth = depth;
            f.eta = learningRate;
            f.subsample = rows;
            f.colsampleByTree = columns;
            f.maxBin = bins;
        });
    }

    /** This config with {@code change} made to a copy of its fields (validated again by the constructor). */
    private TrainingConfig edit(java.util.function.Consumer<Fields> change) {
        Fields f = new Fields(this);
        change.accept(f);
        return f.build();
    }

    /** The fields of a config, to change before building another. */
    private static final class Fields {
        OutOfTimeSplit.Config split;
        int rounds;
        int maxDepth;
        double eta;
        double subsample;
        double colsampleByTree;
        double minChildWeight;
        double lambda;
        int maxBin;
        int nthread;
        long seed;
        double modelWeight;
        ThresholdPolicy thresholds;

        Fields(TrainingConfig c) {
            split = c.split;
            rounds = c.rounds;
            maxDepth = c.maxDepth;
            eta = c.eta;
            subsample = c.subsample;
            colsampleByTree = c.colsampleByTree;
            minChildWeight = c.minChildWeight;
            lambda = c.lambda;
            maxBin = c.maxBin;
            nthread = c.nthread;
            seed = c.seed;
            modelWeight = c.modelWeight;
            thresholds = c.thresholds;
        }

        TrainingConfig build() {
            return new TrainingConfig(
                    split,
                    rounds,
                    maxDepth,
                    eta,
                    subsample,
                    colsampleByTree,
                    minChildWeight,
                    lambda,
                    maxBin,
                    nthread,
                    seed,
                    modelWeight,
                    thresholds);
        }
    }

    /** XGBoost's parameters for this config. */
    public Map<String, Object> boosterParams() {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("objective", "binary:logistic");
        p.put("tree_method", "hist");
        p.put("max_depth", maxDepth);
        p.put("eta", eta);
        p.put("subsample", subsample);
        p.put("colsample_bytree", colsampleByTree);
        p.put("min_child_weight", minChildWeight);
        p.put("lambda", lambda);
        p.put("max_bin", maxBin);
        p.put("nthread", nthread);
        p.put("seed", seed);
        p.put("eval_metric", "logloss");
        p.put("verbosity", 0);
        return p;
    }

    /**
     * The config as JSON, for the evidence and for {@code training.json}. Leaves out {@code nthread} (and XGBoost's
     * verbosity): the model does not depend on them, and a bundle's bytes must not depend on the machine it was built
     * on.
     */
    public ObjectNode toJson() {
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.set("split", split.toJson());
        n.put("rounds", rounds);
        ObjectNode booster = n.putObject("booster");
        boosterParams().forEach((k, v) -> {
            if (!k.equals("nthread") && !k.equals("verbosity")) booster.set(k, Json.MAPPER.valueToTree(v));
        });
        n.put("model_weight", modelWeight);
        n.set("thresholds", thresholds.toJson());
        return n;
    }
}
