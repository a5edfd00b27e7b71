package dev.fraudplatform.app.cli;

import dev.fraudplatform.world.WorldBuilder;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * A world build's progress as a status line: a 30-column bar, and while generating the share done, the rate and the
 * time left; after that the phase. Hands each line to its sink (the {@link StatusLine}); holds only the build's start.
 */
final class WorldBuildProgress implements WorldBuilder.Progress {
    private static final int WIDTH = 30;

    private final int transactions;
    private final long startNanos;
    private final Consumer<String> sink;

    /** Measures from now a build of {@code transactions}; {@code sink} is called on the builder's thread. */
    WorldBuildProgress(int transactions, Consumer<String> sink) {
        this.transactions = transactions;
        this.startNanos = System.nanoTime();
        this.sink = sink;
    }

    @Override
    public void update(String phase, long generated) {
        sink.accept(line(phase, generated, transactions, (System.nanoTime() - startNanos) / 1e9));
    }

    /** The line for {@code generated} of {@code transactions} after {@code secs} seconds in {@code phase}. */
    static String line(String phase, long generated, int transactions, double secs) {
        double rate = generated / Math.max(secs, 1e-3);
        int filled = (int) Math.min(WIDTH, WIDTH * generated / Math.max(1, transactions));
        String bar = "[" + "#".repeat(filled) + ".".repeat(WIDTH - filled) + "]";
        return phase.equals("generating")
                ? String.format(
                        Locale.ROOT,
                        "world %s %3.0f%% %,d/%,d transactions, %,.0f rows/s, ETA %.0f s",
                        bar,
                        100.0 * generated / transactions,
                        generated,
                        transactions,
                        rate,
                        (transactions - generated) / Math.max(rate, 1))
                : String.format(Locale.ROOT, "world %s %,d transactions in %.0f s; %s", bar, generated, secs, phase);
    }
}
