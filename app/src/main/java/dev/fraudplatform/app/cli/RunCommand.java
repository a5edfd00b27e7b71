package dev.fraudplatform.app.cli;

import dev.fraudplatform.app.PlatformConfig;
import dev.fraudplatform.core.ingress.ProducerKeys;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code fp run}: a sealed world through every plane, reconciled. */
@Command(name = "run", description = "Run a sealed world through every plane and reconcile.")
public final class RunCommand implements Callable<Integer> {
    @Option(names = "--world", required = true, description = "World id (see fp world list).")
    String worldId;

    @Option(
            names = "--bundle",
            description = "Decision bundle: built in, or registered (fp registry list). Default: the registry's active "
                    + "bundle, else the built-in rules-v1; pinned when the run is READY.")
    String bundleId;

    @Option(
            names = "--shadow-bundle",
            paramLabel = "BUNDLE",
            description = "A bundle to score in shadow beside the active one (a shipped bundle id, or a directory with "
                    + "a bundle.json): its decisions are audited, never acted on; see fp shadow report.")
    String shadowBundle;

    @Option(
            names = "--rate",
            defaultValue = "0",
            converter = Check.Rate.class,
            description = "Events/s to offer; 0 = as fast as the gate accepts (default).")
    double rate;

    @Option(
            names = "--producer",
            paramLabel = "NAME",
            description =
                    "A producer (as its keys were issued) allowed to write into the run "
                            + "beside the platform's own streamer; repeatable. Any other producer's key is refused for the run (403).")
    List<String> producers = new ArrayList<>();

    @Option(
            names = "--run-id",
            paramLabel = "ID",
            description = "Name the run (run-, then lower-case letters, digits and dashes) instead of a new id: for a "
                    + "caller that must know it beforehand, such as the platform_run state machine. Refused when a run "
                    + "of that id exists.")
    String runId;

    @Override
    public Integer call() throws Exception {
        for (String p : producers) ProducerKeys.checkProducerId("--producer", p);
        if (runId != null) Check.runId("--run-id", runId);
        return CommandSteps.runWorld(
                                PlatformConfig.fromEnvironment(),
                                worldId,
                                bundleId,
                                ShadowCommands.shadowBundle(shadowBundle),
                                rate,
                                new TreeSet<>(producers),
                                runId)
                        .passed()
                ? 0
                : 1;
    }
}
