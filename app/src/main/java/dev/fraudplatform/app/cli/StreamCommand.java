package dev.fraudplatform.app.cli;

import dev.fraudplatform.app.PlatformConfig;
import dev.fraudplatform.core.store.ObjectStore;
import dev.fraudplatform.ingress.http.HttpIngressClient;
import dev.fraudplatform.world.ScenarioRunner;
import dev.fraudplatform.world.streamer.WorldStreamer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code fp stream}: the World Streamer Producer, streaming a sealed world into a gate over HTTP as one run. */
@Command(
        name = "stream",
        description = "Stream a sealed world into a gate over HTTP as one run: the World Streamer Producer, resumable.")
public final class StreamCommand implements Callable<Integer> {
    @Option(names = "--world", required = true, description = "World id.")
    String worldId;

    @Option(names = "--run", required = true, description = "The READY run to stream as (platform_run_id).")
    String runId;

    @Option(names = "--gate", required = true, description = "The gate's base URL, e.g. http://127.0.0.1:8080.")
    String gateUrl;

    @Option(names = "--key", description = "API key (default: the FP_API_KEY environment variable).")
    String key;

    @Option(names = "--checkpoint", description = "Checkpoint file: resume from it if it exists, keep it current.")
    Path checkpoint;

    @Option(
            names = "--rate",
            defaultValue = "0",
            converter = Check.Rate.class,
            description = "Events/s to offer; 0 = as fast as the gate accepts.")
    double rate;

    @Option(
            names = "--speedup",
            defaultValue = "0",
            converter = Check.Rate.class,
            description = "Pace by event time: seconds of event time per second.")
    double speedup;

    @Option(
            names = "--batch",
            defaultValue = "500",
            converter = Check.Positive.class,
            description = "Events per request (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(
            names = "--lanes",
            defaultValue = "4",
            converter = Check.Positive.class,
            description = "Parallel requests (default ${DEFAULT-VALUE}).")
    int lanes;

    @Override
    public Integer call() throws Exception {
        String apiKey = key != null ? key : System.getenv("FP_API_KEY");
        if (apiKey == null || apiKey.isBlank())
            throw new IllegalArgumentException("an API key is needed: --key or FP_API_KEY");
        if (rate > 0 && speedup > 0)
            throw new IllegalArgumentException("--rate and --speedup both pace the stream; give one of them");
        Check.gateUrl(gateUrl);
        if (checkpoint != null) {
            Path dir = checkpoint.toAbsolutePath().getParent();
            if (Files.isDirectory(checkpoint))
                throw new IllegalArgumentException("--checkpoint " + checkpoint + " is a directory, not a file");
            if (dir == null || !Files.isDirectory(dir))
                throw new IllegalArgumentException("--checkpoint " + checkpoint + ": no such directory " + dir);
        }
        ObjectStore store = PlatformConfig.fromEnvironment().objectStore();
        new ScenarioRunner(store).admit(worldId);
        // A closed gate is one line here; once streaming, an unreachable gate is waited for (the stream resumes).
        Check.gateAnswers(gateUrl);
        WorldStreamer streamer = new WorldStreamer(store, new HttpIngressClient(gateUrl, apiKey), batch, lanes, rate)
                .withSpeedup(speedup);
        if (checkpoint != null) streamer.withCheckpoint(checkpoint);
        long t0 = System.nanoTime();
        var stats = streamer.stream(
                worldId, runId, n -> StatusLine.show(String.format(Locale.ROOT, "streamed %,d events", n)));
        StatusLine.end();
        System.out.printf(
                Locale.ROOT,
                "streamed %,d events in %.1f s; receipts %s; pushed back %d times%n",
                stats.sent(),
                (System.nanoTime() - t0) / 1e9,
                stats.receiptsByOutcome(),
                streamer.backpressureCount());
        return 0;
    }
}
