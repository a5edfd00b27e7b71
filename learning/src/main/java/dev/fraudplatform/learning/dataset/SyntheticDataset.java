package dev.fraudplatform.learning.dataset;

import dev.fraudplatform.decision.bundle.DecisionBundle;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A deterministic synthetic dataset for benches and tests of the Model Factory (not for training a bundle that ships):
 * a function of its row count, width, days and seed.
 *
 * <p>The first features carry the rules-v1 bundle's names ({@link #RULE_FEATURES}) so that its rules apply; the rest
 * are {@code x_NN}, most of them noise, some weakly informative, 5% missing. About 2% of rows are fraud, of three
 * typologies, each shifting a few features (with overlap, so nothing separates perfectly): {@code card_testing} (bursts
 * of small amounts), {@code account_takeover} (new device and country, amount far above the account's history),
 * {@code high_value} (large amounts at risky merchants). {@code rules_score} is {@code min(1, sum of the weights of
 * the given rules that fire)}, as the Decision Fabric computes it. Event times are spread evenly over {@code days}
 * UTC days from 2026-01-01.
 */
public final class SyntheticDataset {
    /** The rules-v1 bundle's features, in its schema's order. */
    public static final List<String> RULE_FEATURES = List.of(
            "amount_minor",
            "txn_count_1h",
            "txn_count_24h",
            "amount_sum_24h",
            "small_txn_count_10m",
            "amount_to_mean_ratio",
            "new_device",
            "new_country",
            "high_risk_mcc",
            "card_not_present",
            "seconds_since_last");

    private static final long START_MS = 1_767_225_600_000L; // 2026-01-01T00:00:00Z
    private static final String[] TYPOLOGIES = {"card_testing", "account_takeover", "high_value"};

    private SyntheticDataset() {}

    /** The feature names of a dataset {@code width} wide (at least {@link #RULE_FEATURES}' size). */
    public static List<String> featureNames(int width) {
        if (width < RULE_FEATURES.size())
            throw new IllegalArgumentException(
                    "a synthetic dataset has at least " + RULE_FEATURES.size() + " features");
        List<String> names = new ArrayList<>(RULE_FEATURES);
        for (int i = RULE_FEATURES.size(); i < width; i++) names.add(String.format("x_%02d", i));
        return names;
    }

    /** {@code rows} rows of {@code width} features over {@code days} days, rules scored with {@code rules}. */
    public static Dataset generate(int rows, int width, int days, long seed, List<DecisionBundle.Rule> rules) {
        List<String> names = featureNames(width);
        int[] ruleFeature = new int[rules.size()];
        for (int r = 0; r < rules.size(); r++) {
            ruleFeature[r] = names.indexOf(rules.get(r).feature());
            if (ruleFeature[r] < 0)
                throw new IllegalArgumentException("rule " + rules.get(r).id() + " uses feature "
                        + rules.get(r).feature() + ", not a synthetic feature");
        }
        Dataset.Builder b = Dataset.builder(names);
        SplittableRandom random = new SplittableRandom(seed);
        long spanMs = days * 86_400_000L;
        float[] x = new float[width];
        for (int i = 0; i < rows; i++) {
            boolean fraud = random.nextDouble() < 0.02;
            int typology = fraud ? random.nextInt(TYPOLOGIES.length) : -1;
            // Half the frauds look like their typology, the rest only faintly: realistic overlap.
            double strength = fraud ? (random.nextBoolean() ? 1.0 : 0.35) : 0.0;
            fill(x, random, typology, strength);
            double rulesScore = 0;
            for (int r = 0; r < rules.size(); r++)
                if (fires(rules.get(r), x[ruleFeature[r]]))
                    rulesScore += rules.get(r).weight();
            long time = START_MS + (long) ((double) i / rows * spanMs);
            b.add(
                    String.format("dec-txn-%08d", i),
                    String.format("txn-%08d", i),
                    time,
                    fraud ? 1 : 0,
                    fraud ? TYPOLOGIES[typology] : null,
                    Math.min(1.0, rulesScore),
                    x);
        }
        return b.build();
    }

    private static boolean fires(DecisionBundle.Rule r, float v) {
        if (Float.isNaN(v)) return false;
        return switch (r.op()) {
            case ">=" -> v >= r.value();
            case ">" -> v > r.value();
            case "<=" -> v <= r.value();
            case "<" -> v < r.value();
            case "==" -> v == r.value();
            default -> false;
        };
    }

    private static void fill(float[] x, SplittableRandom r, int typology, double s) {
        boolean testing = typology == 0;
        boolean takeover = typology == 1;
        boolean highValue = typology == 2;
        double logAmount = 8 + 1.1 * r.nextGaussian();
        if (testing) logAmount -= s * 3.5;
        if (highValue) logAmount += s * 2.2;
        double amount = Math.floor(Math.exp(logAmount));
        int count1h = poisson(r, 0.6 + (testing ? s * 4 : 0) + (takeover ? s * 1.5 : 0));
        int count24h = count1h + poisson(r, 4);
        int small10m = poisson(r, 0.15 + (testing ? s * 3.5 : 0));
        double ratio = Math.exp(0.6 * r.nextGaussian() + (takeover ? s * 1.4 : 0) + (highValue ? s * 1.0 : 0));
        x[0] = (float) amount;
        x[1] = count1h;
        x[2] = count24h;
        x[3] = (float) (amount * (1 + count24h) * (0.5 + r.nextDouble()));
        x[4] = small10m;
        x[5] = (float) ratio;
        x[6] = r.nextDouble() < 0.05 + (takeover ? s * 0.6 : 0) ? 1 : 0;
        x[7] = r.nextDouble() < 0.03 + (takeover ? s * 0.5 : 0) ? 1 : 0;
        x[8] = r.nextDouble() < 0.08 + (highValue ? s * 0.45 : 0) ? 1 : 0;
        x[9] = r.nextDouble() < 0.4 + (typology >= 0 ? s * 0.3 : 0) ? 1 : 0;
        x[10] = r.nextDouble() < 0.03
                ? Float.NaN
                : (float) Math.floor(-Math.log(1 - r.nextDouble()) * (testing ? 3600 * (1 - 0.9 * s) : 3600) * 6);
        for (int f = RULE_FEATURES.size(); f < x.length; f++) {
            if (r.nextDouble() < 0.05) {
                x[f] = Float.NaN;
                continue;
            }
            // Every seventh extra feature carries a little signal; the others are noise.
            double shift = f % 7 == 0 && typology >= 0 ? 0.8 * s : 0;
            x[f] = (float) (r.nextGaussian() + shift);
        }
    }

    private static int poisson(SplittableRandom r, double mean) {
        double l = Math.exp(-mean);
        int k = 0;
        double p = 1;
        do {
            k++;
            p *= r.nextDouble();
        } while (p > l);
        return k - 1;
    }
}
