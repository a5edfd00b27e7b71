package dev.fraudplatform.app.cli;

import dev.fraudplatform.app.AdminStores;
import dev.fraudplatform.app.PlatformConfig;
import dev.fraudplatform.core.envelope.Times;
import dev.fraudplatform.rtdl.audit.RunComparison;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code fp runs}: runs and their lifecycle, read from PostgreSQL. */
@Command(
        name = "runs",
        description = "Runs and their lifecycle, from PostgreSQL.",
        subcommands = {RunsCommands.ListRuns.class, RunsCommands.Show.class, RunsCommands.Compare.class})
public final class RunsCommands extends Group {

    @Command(name = "list", description = "The newest runs with their state.")
    static final class ListRuns implements Callable<Integer> {
        @Option(
                names = "--limit",
                defaultValue = "20",
                converter = Check.Positive.class,
                description = "At most this many (default ${DEFAULT-VALUE}).")
        int limit;

        @Override
        public Integer call() {
            try (AdminStores stores = AdminStores.open(PlatformConfig.fromEnvironment())) {
                var runs = stores.runs().list(limit);
                if (runs.isEmpty()) System.out.println("no runs yet");
                for (var r : runs) {
                    System.out.printf(
                            Locale.ROOT,
                            "%s  %-10s  world %s  bundle %s  created %s%n",
                            r.facts().platformRunId(),
                            r.latest() == null ? "?" : r.latest().state(),
                            r.facts().worldId(),
                            r.facts().bundleId(),
                            Times.format(r.facts().createdAt()));
                }
            }
            return 0;
        }
    }

    @Command(
            name = "compare",
            description =
                    "Compare a run's decisions with a reference run of the same world (e.g. scaled against "
                            + "strict mode): match rate, and whether every difference is explained by the decision's own degrade record.")
    static final class Compare implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "REFERENCE_RUN")
        String reference;

        @Parameters(index = "1", paramLabel = "CANDIDATE_RUN")
        String candidate;

        @Override
        public Integer call() {
            var result = RunComparison.compare(PlatformConfig.fromEnvironment().objectStore(), reference, candidate);
            if (result.decisions() == 0)
                throw new IllegalArgumentException("run " + reference + " has no audited decisions");
            System.out.println(candidate + " against " + reference + ": " + result.summary());
            result.unexplainedExamples().forEach(id -> System.out.println("  unexplained: " + id));
            return result.everyDifferenceExplained() ? 0 : 1;
        }
    }

    @Command(name = "show", description = "A run: pinned facts, lifecycle history, receipts by outcome, evidence.")
    static final class Show implements Callable<Integer> {
        @Parameters(paramLabel = "RUN_ID")
        String runId;

        @Override
        public Integer call() {
            PlatformConfig cfg = PlatformConfig.fromEnvironment();
            try (AdminStores stores = AdminStores.open(cfg)) {
                var registry = stores.runs();
                var facts = registry.facts(runId).orElseThrow(() -> new IllegalArgumentException("no run " + runId));
                System.out.println("run          " + facts.platformRunId());
                System.out.println(
                        "world        " + facts.worldId() + " (fingerprint " + facts.worldFingerprint() + ")");
                System.out.println("bundle       " + facts.bundleId() + " (" + facts.bundleDigest() + ")");
                System.out.println("config       " + facts.configDigest());
                System.out.println("code         " + facts.codeVersion());
                System.out.println("lifecycle");
                for (var t : registry.history(runId)) {
                    System.out.printf(
                            Locale.ROOT,
                            "  %s  %-10s %s%n",
                            Times.format(t.at()),
                            t.state(),
                            t.reason() == null ? "" : t.reason());
                }
                System.out.println("receipts     " + stores.receipts().countsByOutcome(runId));
                String report = "evidence/" + runId + "/report.json";
                System.out.println("evidence     "
                        + (cfg.objectStore().exists(report) ? cfg.objectStore().locationOf(report) : "none yet"));
            }
            return 0;
        }
    }
}
