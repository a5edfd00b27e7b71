package dev.fraudplatform.core.cases;

/**
 * A case's priority, 0-100, higher first: mostly how sure the model is, then how much money is at stake.
 *
 * <pre>priority = round(70 * clamp(maxScore, 0, 1) + 30 * min(1, log10(1 + maxAmountMinor / 100) / 4))</pre>
 *
 * <p>So a score of 1 alone gives 70; the amount adds up to 30, logarithmically, reaching it at 10,000 in major units
 * (amounts are in minor units with two decimals). A case with no known amount ranks on its score alone.
 */
public final class CasePriority {
    private CasePriority() {}

    public static int of(double maxScore, long maxAmountMinor) {
        double score = Double.isNaN(maxScore) ? 0 : Math.max(0, Math.min(1, maxScore));
        double major = Math.max(0, maxAmountMinor) / 100.0;
        double amount = Math.min(1, Math.log10(1 + major) / 4);
        return (int) Math.round(70 * score + 30 * amount);
    }
}
