package dev.fraudplatform.app.cli;

import dev.fraudplatform.app.Platform;
import dev.fraudplatform.app.PlatformConfig;
import dev.fraudplatform.world.WorldBuilder;
import dev.fraudplatform.world.WorldConfig;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code fp demo}: build a world, run it through every plane, report. */
@Command(
        name = "demo",
        description = "Build a world, run it through every plane, report; exit 0 only if it reconciles.")
public final class DemoCommand implements Callable<Integer> {
    @Option(names = "--seed", defaultValue = "1", description = "Random seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(
            names = "--transactions",
            defaultValue = "100000",
            converter = Check.Positive.class,
            description = "Transactions (default ${DEFAULT-VALUE}).")
    int transactions;

    @Option(
            names = "--rate",
            defaultValue = "0",
            converter = Check.Rate.class,
            description = "Events/s to offer; 0 = as fast as the gate accepts (default).")
    double rate;

    @Override
    public Integer call() throws Exception {
        PlatformConfig cfg = PlatformConfig.fromEnvironment();
        // The servers come up while the world is built: neither waits for the other.
        CompletableFuture<Platform> up = CompletableFuture.supplyAsync(
                () -> Platform.start(cfg),
                task -> new Thread(task, "fp-platform-start").start()); // not the common pool: the build uses it
        WorldBuilder.Result world;
        try {
            world = CommandSteps.buildWorld(cfg.objectStore(), WorldConfig.defaults(seed, transactions));
        } catch (RuntimeException e) {
            // Wait for the platform to be up and closed again, so that a refused world leaves no work directory
            // behind.
            try {
                up.thenAccept(Platform::close).join();
            } catch (RuntimeException startFailed) {
                e.addSuppressed(startFailed);
            }
            throw e;
        }
        Platform platform;
        try {
            platform = up.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
        if (!world.verdict().passed()) {
            platform.close();
            return 1;
        }
        // The registry's active bundle, else the trained bundle the platform ships (RunBundles.BUILT_IN_DEFAULT).
        dev.fraudplatform.ops.ConformanceReport report = CommandSteps.runWorld(platform, world.worldId(), null, rate);
        var performance = report.run().performance();
        dev.fraudplatform.app.BenchGoals.print(java.util.List.of(
                new dev.fraudplatform.app.BenchGoals.Row(
                        "fp demo: start to first decision", performance.secondsToFirstDecision(), "s", 8, 5, false),
                new dev.fraudplatform.app.BenchGoals.Row(
                        "fp demo: events/s end to end (as fast as the gate takes them)",
                        performance.eventsPerSecond(),
                        "/s",
                        8_000,
                        20_000,
                        true)));
        return report.passed() ? 0 : 1;
    }
}
