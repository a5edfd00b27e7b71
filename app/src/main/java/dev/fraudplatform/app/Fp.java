package dev.fraudplatform.app;

import dev.fraudplatform.app.cli.AuditCommands;
import dev.fraudplatform.app.cli.BacktestCommand;
import dev.fraudplatform.app.cli.BenchCommands;
import dev.fraudplatform.app.cli.Check;
import dev.fraudplatform.app.cli.ConformanceCommand;
import dev.fraudplatform.app.cli.DemoCommand;
import dev.fraudplatform.app.cli.DoctorCommand;
import dev.fraudplatform.app.cli.DrillCommand;
import dev.fraudplatform.app.cli.EvidenceCommands;
import dev.fraudplatform.app.cli.InfraCommands;
import dev.fraudplatform.app.cli.IngressCommands;
import dev.fraudplatform.app.cli.InvestigatorsCommands;
import dev.fraudplatform.app.cli.LabelsCommands;
import dev.fraudplatform.app.cli.LearnCommand;
import dev.fraudplatform.app.cli.RegistryCommands;
import dev.fraudplatform.app.cli.ReplayCommand;
import dev.fraudplatform.app.cli.ReportCommand;
import dev.fraudplatform.app.cli.RunCommand;
import dev.fraudplatform.app.cli.RunsCommands;
import dev.fraudplatform.app.cli.ServeCommand;
import dev.fraudplatform.app.cli.ShadowCommands;
import dev.fraudplatform.app.cli.StreamCommand;
import dev.fraudplatform.app.cli.WorldCommands;
import dev.fraudplatform.world.ScenarioRunner;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The {@code fp} command line: its root command, its entry point and its exit codes; each command group lives in
 * {@link dev.fraudplatform.app.cli}. Every command answers {@code -h}/{@code --help} and {@code -V}/{@code --version}
 * (inherited from here). Exit codes: 0 success, 1 a run that did not reconcile or a failed check, 2 refused input. */
@Command(
        name = "fp",
        mixinStandardHelpOptions = true,
        scope = CommandLine.ScopeType.INHERIT,
        versionProvider = Fp.Version.class,
        description =
                "fraud-platform: deterministic worlds, an ingestion gate and a real-time decision loop on Kafka and PostgreSQL.",
        subcommands = {
            WorldCommands.class,
            RunCommand.class,
            DemoCommand.class,
            StreamCommand.class,
            IngressCommands.class,
            LabelsCommands.class,
            RunsCommands.class,
            ReplayCommand.class,
            AuditCommands.class,
            BenchCommands.class,
            ServeCommand.class,
            ReportCommand.class,
            DrillCommand.class,
            InvestigatorsCommands.class,
            LearnCommand.class,
            BacktestCommand.class,
            RegistryCommands.class,
            ShadowCommands.class,
            DoctorCommand.class,
            InfraCommands.class,
            ConformanceCommand.class,
            EvidenceCommands.class
        })
public final class Fp implements Runnable {

    @Option(
            names = "--profile",
            paramLabel = "NAME",
            description = "The wiring: local_parity (the default: everything in this JVM), local, dev_min, dev_full "
                    + "(deploy/profiles), or a profile file's path; FP_PROFILE when not given. Environment variables "
                    + "override any of its keys.")
    void profile(String name) {
        System.setProperty(PlatformConfig.PROFILE_PROPERTY, name);
    }

    public static void main(String[] args) {
        int code = execute(args);
        System.exit(code);
    }

    /**
     * Runs the command line and returns its exit code (tests call this). Every refusal is one line on stderr starting
     * {@code fp: }: a parse error or an option out of range (picocli, with the {@link Check} converters), then, before
     * any command starts, the environment ({@code FP_*}) and a writable {@code FP_HOME}; then what a command refuses
     * ({@link IllegalArgumentException}, a refused world). All of these exit 2; any other failure exits 1, with its
     * details in the log file only.
     */
    public static int execute(String... args) {
        System.clearProperty(PlatformConfig.PROFILE_PROPERTY);
        CommandLine cli = new CommandLine(new Fp());
        cli.setParameterExceptionHandler((e, rejected) -> {
            System.err.println("fp: " + oneLine(e.getMessage()) + "; see '"
                    + e.getCommandLine().getCommandSpec().qualifiedName() + " --help'");
            return 2;
        });
        cli.setExecutionStrategy(parsed -> {
            boolean help = parsed.asCommandLineList().stream()
                    .anyMatch(c -> c.isUsageHelpRequested() || c.isVersionHelpRequested());
            if (!help) {
                try {
                    // Before anything starts, and before logging opens its file under FP_HOME.
                    // The profile too: an unknown one, or a key it lacks, is refused before anything starts.
                    Check.writableHome(PlatformConfig.fromEnvironment().home());
                } catch (IllegalArgumentException e) {
                    return answer(e);
                }
                // Logging starts here, on this thread, so that no library's threads race to start it.
                LoggerFactory.getILoggerFactory();
            }
            return new CommandLine.RunLast().execute(parsed);
        });
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> answer(e));
        return cli.execute(args);
    }

    /** One line on stderr for a failure: exit 2 for refused input, 1 otherwise (its details go to the log file only). */
    static int answer(Throwable e) {
        if (e instanceof ScenarioRunner.WorldRefusedException || e instanceof IllegalArgumentException) {
            System.err.println("fp: " + oneLine(e.getMessage()));
            return 2;
        }
        LoggerFactory.getLogger(Fp.class).warn("command failed", e);
        String message = e.getMessage();
        for (Throwable c = e.getCause(); (message == null || message.isBlank()) && c != null; c = c.getCause())
            message = c.getMessage();
        System.err.println("fp: "
                + (message == null || message.isBlank() ? "failed (details in the log file)" : oneLine(message)));
        return 1;
    }

    /** A message as one line for people: no line breaks, no Java class names of exceptions. */
    static String oneLine(String message) {
        if (message == null || message.isBlank()) return "refused";
        return message.replaceAll("\\b(?:[a-zA-Z_$][\\w$]*\\.)+[A-Z][\\w$]*(?:Exception|Error)\\b:? ?", "")
                .replaceAll("\\s*[\r\n]+\\s*", "; ")
                .trim();
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"fp " + PlatformConfig.codeVersion()};
        }
    }
}
