package dev.fraudplatform.app.cli;

import dev.fraudplatform.app.Platform;
import dev.fraudplatform.app.PlatformConfig;
import dev.fraudplatform.app.PlatformRoles;
import dev.fraudplatform.app.PlatformRun;
import dev.fraudplatform.decision.bundle.DecisionBundle;
import dev.fraudplatform.world.WorldBuilder;
import dev.fraudplatform.world.WorldConfig;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code fp serve}: the ops console with the gate and the real-time roles, until stopped. */
@Command(
        name = "serve",
        description =
                "Serve the ops console (runs, a live run, evidence) and /metrics, with the gate and the real-time "
                        + "roles, until stopped; --demo also runs a world to watch.")
public final class ServeCommand implements Callable<Integer> {
    @Option(
            names = "--port",
            defaultValue = "8088",
            converter = Check.Port.class,
            description =
                    "Console port on 127.0.0.1, 1 to 65535 or 0 for any free port, unless FP_OPS_PORT is set (default ${DEFAULT-VALUE}).")
    int port;

    @Option(
            names = "--console-port",
            defaultValue = "8089",
            converter = Check.Port.class,
            description =
                    "Investigator console port on 127.0.0.1, 1 to 65535 or 0 for any free port, unless FP_CONSOLE_PORT is set (default ${DEFAULT-VALUE}).")
    int consolePort;

    @Option(
            names = "--demo",
            defaultValue = "0",
            converter = Check.NonNegative.class,
            description = "Build a world of this many transactions and run it (default: none).")
    int demo;

    @Option(
            names = "--rate",
            defaultValue = "2000",
            converter = Check.Rate.class,
            description = "Events/s the demo run offers; 0 = as fast as the gate accepts (default ${DEFAULT-VALUE}).")
    double rate;

    @Option(
            names = "--shadow-bundle",
            paramLabel = "BUNDLE",
            description = "A bundle to score in shadow beside the active one (a shipped bundle id, or a directory with "
                    + "a bundle.json): its decisions are audited, never acted on; see fp shadow report.")
    String shadowBundle;

    @Option(
            names = "--roles",
            paramLabel = "LIST",
            description =
                    "Run only these roles in this process: a comma-separated list of ig,df,al,dla,archive,cm,ls "
                            + "(default: all, with the consoles). A process of some roles follows the runs others pin through "
                            + "the control topic: its roles start with a run's pinned bundle when the run is READY. It serves "
                            + "the consoles only when FP_OPS_PORT or FP_CONSOLE_PORT says so; the gate listens on FP_GATE_PORT.")
    String roles;

    @Override
    public Integer call() throws Exception {
        DecisionBundle shadow = ShadowCommands.shadowBundle(shadowBundle);
        PlatformConfig cfg = PlatformConfig.fromEnvironment();
        if (roles != null) {
            java.util.Set<PlatformRoles> chosen = PlatformRoles.parse(roles);
            if (chosen.isEmpty()) throw new IllegalArgumentException("--roles none serves nothing: name a role");
            if (demo > 0) throw new IllegalArgumentException("--demo runs a world in this process: not with --roles");
            // Said, not ignored: a split deployment's run report could not judge a shadow that only its loop knows of.
            if (shadowBundle != null)
                throw new IllegalArgumentException("--shadow-bundle is not served with --roles: role processes decide "
                        + "with each run's pinned bundle and score no shadow; run shadows in a process of every role");
            return serveRoles(cfg.withRoles(chosen));
        }
        if (cfg.opsPort() < 0) cfg = cfg.withOpsPort(port);
        if (cfg.consolePort() < 0) cfg = cfg.withConsolePort(consolePort);
        Check.portFree(cfg.opsPort(), "the ops console's");
        if (cfg.consolePort() != cfg.opsPort() || cfg.consolePort() == 0)
            Check.portFree(cfg.consolePort(), "the investigator console's");
        Check.portFree(cfg.gatePort(), "the gate's (FP_GATE_PORT)");
        Platform platform = Platform.start(cfg);
        Runtime.getRuntime().addShutdownHook(new Thread(platform::close, "fp-shutdown"));
        platform.startRoles(
                platform.bundleForNewRun(),
                shadow != null ? shadow : platform.registry().shadow().orElse(null));
        CommandSteps.printAbandoned(platform);
        System.out.println("ops console on " + platform.opsUrl() + " (metrics at " + platform.opsUrl()
                + "/metrics); gate on " + platform.gateUrl() + " (" + platform.describe() + ")");
        System.out.println("investigator console on " + platform.consoleUrl()
                + (platform.investigators().any()
                        ? ""
                        : " (no investigator yet: add one with `fp investigators add NAME --role lead`)"));
        System.out.flush();
        if (demo > 0) {
            WorldBuilder.Result world = CommandSteps.buildWorld(platform.store(), WorldConfig.defaults(1, demo));
            if (world.verdict().passed()) {
                PlatformRun run = PlatformRun.start(platform, world.worldId(), platform.bundle(), StatusLine::show);
                System.out.println("run " + run.runId() + " streaming at " + (long) rate + " events/s: "
                        + platform.opsUrl() + "/?run=" + run.runId());
                run.stream(-1, rate);
                run.awaitDrain(Duration.ofSeconds(120));
                System.out.println(run.finish().toText());
            }
        }
        new CountDownLatch(1).await();
        return 0;
    }

    /** Some roles in this process, following the runs others pin, until stopped. */
    private static int serveRoles(PlatformConfig cfg) throws InterruptedException {
        if (cfg.roles().contains(PlatformRoles.IG)) Check.portFree(cfg.gatePort(), "the gate's (FP_GATE_PORT)");
        Platform platform = Platform.start(cfg);
        Runtime.getRuntime().addShutdownHook(new Thread(platform::close, "fp-shutdown"));
        platform.followRuns();
        System.out.println("roles " + PlatformRoles.format(cfg.roles()) + " up, following runs on the control topic"
                + (platform.hasGate() ? "; gate on " + platform.gateUrl() : "") + " (" + platform.describe() + ")");
        System.out.flush();
        new CountDownLatch(1).await();
        return 0;
    }
}
