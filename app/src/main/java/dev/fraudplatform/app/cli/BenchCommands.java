package dev.fraudplatform.app.cli;

import dev.fraudplatform.app.CasesBench;
import dev.fraudplatform.app.ConsoleBench;
import dev.fraudplatform.app.DecideBench;
import dev.fraudplatform.app.EndToEndBench;
import dev.fraudplatform.app.IngressBench;
import dev.fraudplatform.app.LabelStoreBench;
import dev.fraudplatform.app.TrainBench;
import dev.fraudplatform.benchmarks.DecisionFabricBenchmark;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code fp bench}: benchmarks that print numbers. */
@Command(
        name = "bench",
        description = "Benchmarks that print numbers.",
        subcommands = {
            BenchCommands.IngressBenchCommand.class,
            BenchCommands.EndToEndBenchCommand.class,
            BenchCommands.DecideBenchCommand.class,
            BenchCommands.DecisionFabricBenchCommand.class,
            BenchCommands.CasesBenchCommand.class,
            BenchCommands.LabelStoreBenchCommand.class,
            BenchCommands.ConsoleBenchCommand.class,
            BenchCommands.TrainBenchCommand.class
        })
public final class BenchCommands extends Group {

    /** What every whole-platform bench takes: the world's seed, and whether to profile the measured phase. */
    static final class BenchOptions {
        @Option(names = "--seed", defaultValue = "7", description = "World seed (default ${DEFAULT-VALUE}).")
        long seed;

        @Option(
                names = "--profile",
                negatable = true,
                defaultValue = "true",
                fallbackValue = "true",
                description =
                        "Record a JFR CPU profile of the measured phase (default on; --no-profile to measure without it).")
        boolean profile;
    }

    @Command(
            name = "ingress",
            description =
                    "Events/s through the gate (HTTP, PostgreSQL receipts, Kafka publish), batch latency, CPU profile.")
    static final class IngressBenchCommand implements Callable<Integer> {
        @Option(
                names = "--transactions",
                defaultValue = "100000",
                converter = Check.Positive.class,
                description = "World size (default ${DEFAULT-VALUE}; about 1.5 events each).")
        int transactions;

        @Option(
                names = "--lanes",
                defaultValue = "4",
                converter = Check.Positive.class,
                description = "Parallel clients (default ${DEFAULT-VALUE}).")
        int lanes;

        @Option(
                names = "--batch",
                defaultValue = "1000",
                converter = Check.Positive.class,
                description = "Events per request (default ${DEFAULT-VALUE}).")
        int batch;

        @CommandLine.Mixin
        BenchOptions options;

        @Override
        public Integer call() throws Exception {
            return IngressBench.run(transactions, lanes, batch, options.seed, options.profile);
        }
    }

    @Command(
            name = "df",
            description = "JMH: Decision Fabric scoring, frame to decision, rules only and with a 200-tree model; "
                    + "prints p50, p99 and p99.9 per decision.")
    static final class DecisionFabricBenchCommand implements Callable<Integer> {
        @Override
        public Integer call() throws Exception {
            var options = new OptionsBuilder()
                    .include(DecisionFabricBenchmark.class.getName())
                    .build();
            for (var result : new Runner(options).run()) {
                var stats = result.getPrimaryResult().getStatistics();
                System.out.printf(
                        Locale.ROOT,
                        "DF scoring, %s trees: p50 %.2f us, p99 %.2f us, p99.9 %.2f us, mean %.2f us (%,d samples)%n",
                        result.getParams().getParam("trees"),
                        stats.getPercentile(50),
                        stats.getPercentile(99),
                        stats.getPercentile(99.9),
                        stats.getMean(),
                        stats.getN());
            }
            return 0;
        }
    }

    @Command(
            name = "e2e",
            description = "Events/s and decision latency through every plane, at an offered rate and at maximum rate, "
                    + "against the raw Kafka hop for the same messages; CPU profile of the maximum-rate phase.")
    static final class EndToEndBenchCommand implements Callable<Integer> {
        @Option(
                names = "--transactions",
                defaultValue = "100000",
                converter = Check.Positive.class,
                description = "World size of the maximum-rate phase (default ${DEFAULT-VALUE}).")
        int transactions;

        @Option(
                names = "--rate",
                defaultValue = "2000",
                converter = Check.PositiveRate.class,
                description = "Events/s offered in the latency phase (default ${DEFAULT-VALUE}).")
        double rate;

        @Option(
                names = "--rate-transactions",
                defaultValue = "20000",
                converter = Check.Positive.class,
                description = "World size of the latency phase (default ${DEFAULT-VALUE}).")
        int rateTransactions;

        @Option(
                names = "--versus",
                paramLabel = "PROFILE",
                description = "Then the same worlds on PROFILE (external servers, e.g. local) with every role in a "
                        + "process of its own, and what the split costs or gains.")
        String versus;

        @CommandLine.Mixin
        BenchOptions options;

        @Override
        public Integer call() throws Exception {
            return EndToEndBench.run(transactions, rate, rateTransactions, options.seed, options.profile, versus);
        }
    }

    @Command(
            name = "decide",
            description = "The synchronous decision API (POST /v1/decide) at a fixed request rate from separate client "
                    + "threads: client-observed p50/p99/p99.9, the share decided within the deadline, decisions/s.")
    static final class DecideBenchCommand implements Callable<Integer> {
        @Option(
                names = "--rate",
                defaultValue = "1000",
                converter = Check.PositiveRate.class,
                description = "Requests/s offered, one transaction each (default ${DEFAULT-VALUE}).")
        double rate;

        @Option(
                names = "--seconds",
                defaultValue = "20",
                converter = Check.Positive.class,
                description = "How long the measured phase offers requests (default ${DEFAULT-VALUE}).")
        int seconds;

        @Option(
                names = "--warmup-seconds",
                defaultValue = "30",
                converter = Check.Positive.class,
                description = "How long the unmeasured warm-up before it offers requests at the same rate (default "
                        + "${DEFAULT-VALUE}; the JIT compiles for minutes after a start on a small machine).")
        int warmupSeconds;

        @Option(
                names = "--threads",
                defaultValue = "128",
                converter = Check.Positive.class,
                description = "Client threads, each with one request open at a time (default ${DEFAULT-VALUE}).")
        int threads;

        @Option(
                names = "--deadline-ms",
                defaultValue = "150",
                converter = Check.DeadlineMillis.class,
                description = "The deadline each request sets, 1 to 30000 ms (default ${DEFAULT-VALUE}).")
        int deadlineMs;

        @Option(names = "--seed", defaultValue = "7", description = "World seed (default ${DEFAULT-VALUE}).")
        long seed;

        @Override
        public Integer call() throws Exception {
            return DecideBench.run(rate, seconds, warmupSeconds, threads, deadlineMs, seed);
        }
    }

    @Command(
            name = "cases",
            description = "Case Management's store at scale on a scratch database: attach throughput, queue pages "
                    + "(first, deep, filtered) and the case page's reads, p50/p95/p99.")
    static final class CasesBenchCommand implements Callable<Integer> {
        @Option(
                names = "--cases",
                defaultValue = "100000",
                converter = Check.Positive.class,
                description = "Accounts with cases, each with 1-3 decisions (default ${DEFAULT-VALUE}).")
        int cases;

        @Option(names = "--seed", defaultValue = "7", description = "Seed (default ${DEFAULT-VALUE}).")
        long seed;

        @Option(
                names = "--keep",
                description = "Keep the scratch database fp_bench_cases afterwards (to EXPLAIN its queries).")
        boolean keep;

        @Override
        public Integer call() throws Exception {
            return CasesBench.run(cases, seed, keep);
        }
    }

    @Command(
            name = "labels",
            description = "Label Store as-of lookup p50/p95/p99 and max over 100,000 random lookups, and a one-day "
                    + "effectiveIn, at N assertions in a fresh embedded PostgreSQL.")
    static final class LabelStoreBenchCommand implements Callable<Integer> {
        @Option(
                names = "--assertions",
                defaultValue = "10000000",
                converter = Check.Positive.class,
                description = "Assertions loaded, about a third as many subjects (default ${DEFAULT-VALUE}).")
        int assertions;

        @Option(
                names = "--seed",
                defaultValue = "7",
                description = "Seed of the generated labels (default ${DEFAULT-VALUE}).")
        long seed;

        @Override
        public Integer call() throws Exception {
            return LabelStoreBench.run(assertions, seed);
        }
    }

    @Command(
            name = "console",
            description = "The investigator console's pages over HTTP at scale, on a scratch database seeded as "
                    + "'fp bench cases' seeds it: queue pages (first, deep, filtered) and the case page, p50/p95/p99.")
    static final class ConsoleBenchCommand implements Callable<Integer> {
        @Option(
                names = "--cases",
                defaultValue = "100000",
                converter = Check.Positive.class,
                description = "Accounts with cases, each with 1-3 decisions (default ${DEFAULT-VALUE}).")
        int cases;

        @Option(names = "--seed", defaultValue = "7", description = "Seed (default ${DEFAULT-VALUE}).")
        long seed;

        @Option(
                names = "--keep",
                description = "Keep the scratch database fp_bench_console afterwards (to EXPLAIN its queries).")
        boolean keep;

        @Override
        public Integer call() throws Exception {
            return ConsoleBench.run(cases, seed, keep);
        }
    }

    @Command(
            name = "train",
            description = "Model Factory training at scale: XGBoost (hist) on a deterministic synthetic dataset, "
                    + "timed; the pure-Java evaluator's scoring rate; with --factory, the whole Model Factory.")
    static final class TrainBenchCommand implements Callable<Integer> {
        @Option(
                names = "--rows",
                defaultValue = "1000000",
                converter = Check.Positive.class,
                description = "Rows (default ${DEFAULT-VALUE}).")
        int rows;

        @Option(
                names = "--features",
                defaultValue = "70",
                converter = Check.Positive.class,
                description = "Features per row, at least 11 (default ${DEFAULT-VALUE}).")
        int features;

        @Option(
                names = "--rounds",
                defaultValue = "200",
                converter = Check.Positive.class,
                description = "Boosting rounds (default ${DEFAULT-VALUE}).")
        int rounds;

        @Option(
                names = "--threads",
                defaultValue = "2",
                converter = Check.Positive.class,
                description = "XGBoost threads (default ${DEFAULT-VALUE}).")
        int threads;

        @Option(
                names = "--days",
                defaultValue = "30",
                converter = Check.Positive.class,
                description = "Days the rows' event times span (default ${DEFAULT-VALUE}).")
        int days;

        @Option(names = "--seed", defaultValue = "7", description = "Seed (default ${DEFAULT-VALUE}).")
        long seed;

        @Option(names = "--depth", description = "Tree depth (default: the Model Factory's).")
        Integer depth;

        @Option(names = "--eta", description = "Learning rate (default: the Model Factory's).")
        Double eta;

        @Option(names = "--subsample", description = "Rows sampled per tree, (0, 1] (default: the Model Factory's).")
        Double subsample;

        @Option(
                names = "--colsample",
                description = "Features sampled per tree, (0, 1] (default: the Model Factory's).")
        Double colsample;

        @Option(names = "--max-bin", description = "Histogram bins per feature (default: the Model Factory's).")
        Integer maxBin;

        @Option(
                names = "--factory",
                description = "Also run the whole Model Factory (dataset file, split, train, evaluate, bundle).")
        boolean factory;

        @Override
        public Integer call() throws Exception {
            if (features < 11) throw new IllegalArgumentException("--features must be at least 11 (rules-v1's)");
            return TrainBench.run(
                    rows,
                    features,
                    rounds,
                    threads,
                    days,
                    seed,
                    new TrainBench.Trees(depth, eta, subsample, colsample, maxBin),
                    factory);
        }
    }
}
