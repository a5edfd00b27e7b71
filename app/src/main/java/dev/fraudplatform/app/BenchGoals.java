package dev.fraudplatform.app;

import java.util.List;
import java.util.Locale;

/**
 * The performance goals of ARCHITECTURE.md §10 beside what a bench just measured: each measure's value, its first bar
 * and its goal, and which of them it meets. Printed, never asserted: a bench's numbers depend on the machine.
 */
public final class BenchGoals {
    private BenchGoals() {}

    /**
     * One measure against its bars.
     *
     * @param higherIsBetter true for a rate (met when at least the bar), false for a latency (met when at most)
     */
    public record Row(String measure, double value, String unit, double firstBar, double goal, boolean higherIsBetter) {
        boolean meets(double bar) {
            return higherIsBetter ? value >= bar : value <= bar;
        }

        String verdict() {
            if (Double.isNaN(value)) return "not measured";
            return meets(goal) ? "goal met" : meets(firstBar) ? "first bar met" : "below the first bar";
        }
    }

    public static void print(List<Row> rows) {
        System.out.println("goals (ARCHITECTURE.md §10):");
        System.out.printf(
                Locale.ROOT, "  %-58s %14s %12s %12s  %s%n", "measure", "measured", "first bar", "goal", "verdict");
        for (Row r : rows)
            System.out.printf(
                    Locale.ROOT,
                    "  %-58s %11.1f %-2s %9.0f %-2s %9.0f %-2s  %s%n",
                    r.measure(),
                    r.value(),
                    r.unit(),
                    r.firstBar(),
                    r.unit(),
                    r.goal(),
                    r.unit(),
                    r.verdict());
    }
}
