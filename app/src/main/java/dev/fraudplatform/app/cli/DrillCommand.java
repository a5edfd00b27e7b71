package dev.fraudplatform.app.cli;

import dev.fraudplatform.app.Drills;
import dev.fraudplatform.app.Platform;
import dev.fraudplatform.app.PlatformConfig;
import dev.fraudplatform.decision.bundle.DecisionBundle;
import dev.fraudplatform.ops.ConformanceReport;
import dev.fraudplatform.world.WorldBuilder;
import dev.fraudplatform.world.WorldConfig;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code fp drill}: an incident drill, judged by the run's conformance report. */
@Command(
        name = "drill",
        description =
                "An incident drill: run a world, inject the fault while it streams, and check the expected "
                        + "outcome in the run's conformance report (evidence/<run>/drill-<name>.html); exit 0 only when it passes.")
public final class DrillCommand implements Callable<Integer> {
    @Parameters(
            paramLabel = "DRILL",
            description = "duplicates | integrity | missing-context | lag (needs FP_REDIS_URL) | broker-restart "
                    + "(embedded broker) | ig-crash")
    String name;

    @Option(
            names = "--transactions",
            defaultValue = "3000",
            converter = Check.Positive.class,
            description = "Transactions in the drill's world (default ${DEFAULT-VALUE}).")
    int transactions;

    @Option(names = "--seed", defaultValue = "1", description = "Random seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(
            names = "--run-id",
            paramLabel = "ID",
            description =
                    "Name the drill's run (run-, then lower-case letters, digits and dashes) instead of a new id; "
                            + "<run>-drill-<name> makes it one of run <run>'s drills, which fp evidence export --run <run> "
                            + "gathers. Refused when a run of that id exists.")
    String runId;

    @Override
    public Integer call() throws Exception {
        Drills.Kind kind = Drills.Kind.of(name);
        if (runId != null) Check.runId("--run-id", runId);
        PlatformConfig cfg = PlatformConfig.fromEnvironment();
        Drills.checkWiring(kind, cfg);
        CommandSteps.refuseExistingRun(cfg, runId); // before any world is built or server started
        WorldBuilder.Result world =
                CommandSteps.buildWorld(cfg.objectStore(), WorldConfig.defaults(seed, transactions));
        if (!world.verdict().passed()) return 1;
        try (Platform platform = Platform.start(cfg)) {
            platform.startRoles(DecisionBundle.builtIn("rules-v1"));
            System.out.println("drill " + kind.cliName() + ": " + kind.fault);
            ConformanceReport report = Drills.run(platform, world.worldId(), kind, runId, StatusLine::show);
            StatusLine.end();
            System.out.println(report.toText());
            System.out.println("evidence: "
                    + platform.store()
                            .locationOf(ConformanceReport.evidenceKey(
                                    report.run().platformRunId(), "drill-" + kind.cliName() + ".html")));
            return report.passed() ? 0 : 1;
        }
    }
}
