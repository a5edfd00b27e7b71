package dev.fraudplatform.app;

import dev.fraudplatform.core.store.Manifest;
import dev.fraudplatform.ops.ConformanceReport;
import dev.fraudplatform.rtdl.fabric.DecisionBundle;
import dev.fraudplatform.substrate.objectstore.FilesystemObjectStore;
import dev.fraudplatform.world.ScenarioRunner;
import dev.fraudplatform.world.WorldBuilder;
import dev.fraudplatform.world.WorldConfig;
import dev.fraudplatform.world.WorldGate;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The {@code fp} command line. Exit codes: 0 success, 1 a run that did not reconcile or a failed check, 2 refused input. */
@Command(
        name = "fp",
        mixinStandardHelpOptions = true,
        scope = CommandLine.ScopeType.INHERIT,
        versionProvider = Fp.Version.class,
        description =
                "fraud-platform: deterministic worlds, an ingestion gate and a real-time decision loop on Kafka and PostgreSQL.",
        subcommands = {
            Fp.World.class,
            Fp.Run.class,
            Fp.Demo.class,
            Fp.Stream.class,
            Fp.Ingress.class,
            Fp.Runs.class,
            Fp.Replay.class,
            Fp.Audit.class,
            Fp.Bench.class,
            Fp.Serve.class,
            Fp.Report.class,
            Fp.Drill.class
        })
public final class Fp implements Runnable {

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
                    Check.writableHome(PlatformConfig.fromEnvironment().home());
                } catch (IllegalArgumentException e) {
                    return answer(e);
                }
                // Logging starts here, on this thread, so that no library's threads race to start it.
                org.slf4j.LoggerFactory.getILoggerFactory();
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
        org.slf4j.LoggerFactory.getLogger(Fp.class).warn("command failed", e);
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

    /** A command that only groups subcommands: run alone, it prints its usage. */
    abstract static class Group implements Runnable {
        @Override
        public void run() {
            new CommandLine(this).usage(System.out);
        }
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"fp " + PlatformConfig.codeVersion()};
        }
    }

    private static final boolean TERMINAL = System.console() != null;
    private static long lastPlainStatus;

    /** A status line: rewritten in place on a terminal; elsewhere (CI logs, pipes) a plain line every 10 s. */
    static synchronized void status(String line) {
        if (TERMINAL) {
            System.err.print("\r\033[2K" + line);
            System.err.flush();
        } else if (System.currentTimeMillis() - lastPlainStatus >= 10_000) {
            lastPlainStatus = System.currentTimeMillis();
            System.err.println(line);
        }
    }

    static synchronized void endStatus() {
        if (TERMINAL) {
            System.err.print("\r\033[2K");
            System.err.flush();
        }
        lastPlainStatus = 0;
    }

    static WorldBuilder.Result buildWorld(FilesystemObjectStore store, WorldConfig config) {
        long t0 = System.nanoTime();
        WorldBuilder.Result r = new WorldBuilder(store).build(config, (phase, n) -> {
            double secs = (System.nanoTime() - t0) / 1e9;
            double rate = n / Math.max(secs, 1e-3);
            int width = 30;
            int filled = (int) Math.min(width, width * n / Math.max(1, config.transactions()));
            String bar = "[" + "#".repeat(filled) + ".".repeat(width - filled) + "]";
            status(
                    phase.equals("generating")
                            ? String.format(
                                    Locale.ROOT,
                                    "world %s %3.0f%% %,d/%,d transactions, %,.0f rows/s, ETA %.0f s",
                                    bar,
                                    100.0 * n / config.transactions(),
                                    n,
                                    config.transactions(),
                                    rate,
                                    (config.transactions() - n) / Math.max(rate, 1))
                            : String.format(
                                    Locale.ROOT, "world %s %,d transactions in %.0f s; %s", bar, n, secs, phase));
        });
        endStatus();
        double secs = (System.nanoTime() - t0) / 1e9;
        if (r.alreadyBuilt()) {
            System.out.printf(
                    Locale.ROOT,
                    "world %s already built and sealed (gate %s)%n",
                    r.worldId(),
                    r.verdict().passed() ? "PASSED" : "FAILED");
        } else {
            System.out.printf(
                    Locale.ROOT,
                    "world %s built: %,d transactions in %.1f s (%,.0f/min); gate %s%n",
                    r.worldId(),
                    r.transactions(),
                    secs,
                    r.transactions() / secs * 60,
                    r.verdict().passed() ? "PASSED" : "FAILED");
        }
        for (String f : r.verdict().failedChecks()) System.out.println("  gate check failed: " + f);
        return r;
    }

    /** Names the runs this platform's start found left open by a killed process, and closed. */
    static void printAbandoned(Platform platform) {
        for (String run : platform.abandonedRuns()) {
            System.out.println("run " + run + " was left open by a process that stopped: marked FAILED");
        }
    }

    /** Runs a world through every plane; returns the report. */
    static ConformanceReport runWorld(PlatformConfig config, String worldId, String bundleId, double rate)
            throws Exception {
        return runWorld(config, worldId, bundleId, rate, java.util.Set.of());
    }

    /** Runs a world through every plane, taking traffic from {@code producers} too; returns the report. */
    static ConformanceReport runWorld(
            PlatformConfig config, String worldId, String bundleId, double rate, java.util.Set<String> producers)
            throws Exception {
        // Refuse a world or a bundle before starting any server: the checks need only the object store and the
        // classpath.
        DecisionBundle.builtIn(bundleId);
        new ScenarioRunner(config.objectStore()).admit(worldId);
        return runWorld(Platform.start(config), worldId, bundleId, rate, producers);
    }

    /** Runs a world on a started platform, which this closes. */
    static ConformanceReport runWorld(Platform started, String worldId, String bundleId, double rate) throws Exception {
        return runWorld(started, worldId, bundleId, rate, java.util.Set.of());
    }

    private static ConformanceReport runWorld(
            Platform started, String worldId, String bundleId, double rate, java.util.Set<String> producers)
            throws Exception {
        PlatformConfig config = started.config();
        try (Platform platform = started) {
            // Ctrl-C stops the roles, the broker and PostgreSQL cleanly and removes the work directory.
            Thread hook = new Thread(platform::close, "fp-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
            System.out.println("platform up: " + platform.describe() + ", gate " + platform.gateUrl());
            printAbandoned(platform);
            PlatformRun run =
                    PlatformRun.start(platform, worldId, DecisionBundle.builtIn(bundleId), producers, Fp::status);
            System.out.println("run " + run.runId() + " READY (world " + worldId + ", bundle " + bundleId
                    + ", producers " + platform.runs().producers(run.runId()) + ")");
            long events = Drills.worldEvents(platform.store(), worldId);
            ConformanceReport report;
            try {
                run.stream(events, rate);
                boolean drained = run.awaitDrain(Duration.ofSeconds(120));
                endStatus();
                if (!drained) System.out.println("run " + run.runId() + " did not drain: " + platform.roleFailures());
                report = run.finish();
            } catch (Exception | Error e) {
                endStatus();
                // A run that cannot finish is FAILED, with its reason: never left open to traffic.
                platform.runs().transition(run.runId(), dev.fraudplatform.core.run.RunState.FAILED, "aborted: " + e);
                throw e;
            }
            System.out.println(report.toText());
            System.out.println("evidence: " + platform.store().pathOf("evidence/" + run.runId() + "/report.html"));
            Runtime.getRuntime().removeShutdownHook(hook);
            return report;
        }
    }

    @Command(
            name = "world",
            description = "Build, inspect, verify and list sealed worlds.",
            subcommands = {World.Build.class, World.Inspect.class, World.Verify.class, World.ListWorlds.class})
    static final class World extends Group {

        @Command(
                name = "build",
                description = "Build a deterministic sealed world (same engine, config and seed: same bytes).")
        static final class Build implements Callable<Integer> {
            @Option(
                    names = "--config",
                    description = "A world config file (JSON: seed, transactions, accounts, days, start_date, "
                            + "typology_rates, labels); flags override it.")
            java.nio.file.Path configFile;

            @Option(names = "--seed", description = "Random seed (default 1).")
            Long seed;

            @Option(
                    names = "--transactions",
                    converter = Check.Positive.class,
                    description = "Transactions (default 100000).")
            Integer transactions;

            @Option(
                    names = "--accounts",
                    converter = Check.Positive.class,
                    description = "Accounts (default: transactions / 40).")
            Integer accounts;

            @Option(
                    names = "--days",
                    converter = Check.Days.class,
                    description = "Days of traffic, 1 to 3660 (default: transactions / 20000, from 2 to 90).")
            Integer days;

            @Option(
                    names = "--fraud-rate",
                    converter = Check.FraudShare.class,
                    description = "Total share of fraud transactions, 0 to 0.5, "
                            + "keeping the typology mix (default 0.01).")
            Double fraudRate;

            @Option(
                    names = "--typology-rate",
                    paramLabel = "NAME=RATE",
                    description =
                            "Share of transactions for one typology "
                                    + "(card_testing, stolen_card_cnp, account_takeover, bust_out, merchant_compromise, friendly_fraud), 0 to 0.5; repeatable.")
            java.util.Map<String, Double> typologyRates = new java.util.LinkedHashMap<>();

            @Override
            public Integer call() throws Exception {
                PlatformConfig cfg = PlatformConfig.fromEnvironment();
                WorldBuilder.Result r = buildWorld(cfg.objectStore(), worldConfig());
                System.out.println(r.worldId());
                return r.verdict().passed() ? 0 : 1;
            }

            WorldConfig worldConfig() throws java.io.IOException {
                // The flags first, so that a bad one is named as the user gave it (not as the rate it scales).
                java.util.Map<dev.fraudplatform.world.Typology, Double> typologies = new java.util.LinkedHashMap<>();
                for (var e : typologyRates.entrySet()) {
                    dev.fraudplatform.world.Typology t = dev.fraudplatform.world.Typology.byKey(e.getKey());
                    double r = e.getValue();
                    if (!(r >= 0 && r <= Check.MAX_FRAUD_SHARE)) {
                        throw new IllegalArgumentException("--typology-rate " + e.getKey() + "=" + e.getValue()
                                + ": the rate must be a share from 0 to " + Check.MAX_FRAUD_SHARE + " (e.g. 0.002)");
                    }
                    typologies.put(t, r);
                }
                long s = seed != null ? seed : 1;
                int n = transactions != null ? transactions : 100_000;
                WorldConfig wc = WorldConfig.defaults(s, n);
                if (configFile != null) {
                    Check.readableFile(configFile, "--config");
                    com.fasterxml.jackson.databind.JsonNode json;
                    try {
                        json = dev.fraudplatform.core.json.Json.MAPPER.readTree(configFile.toFile());
                    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                        throw new IllegalArgumentException("world config " + configFile + " is not JSON: "
                                + dev.fraudplatform.core.json.JsonProblems.describe(e));
                    } catch (java.io.IOException e) {
                        throw new IllegalArgumentException("cannot read world config " + configFile);
                    }
                    try {
                        // Sizes from the file rescale the derived defaults, as flags do.
                        int fileTxns = json.path("transactions").asInt(n);
                        WorldConfig base =
                                WorldConfig.defaults(json.path("seed").asLong(s), fileTxns);
                        wc = WorldConfig.fromJson(json, base);
                    } catch (IllegalArgumentException | java.time.DateTimeException e) {
                        throw new IllegalArgumentException("world config " + configFile + ": " + e.getMessage());
                    }
                }
                if (seed != null) wc = wc.withSeed(seed);
                if (transactions != null && configFile != null) {
                    WorldConfig sized = WorldConfig.defaults(wc.seed(), transactions);
                    wc = wc.withShape(transactions, sized.accounts(), sized.days(), wc.startDate());
                }
                if (accounts != null || days != null) {
                    wc = wc.withShape(
                            wc.transactions(),
                            accounts != null ? accounts : wc.accounts(),
                            days != null ? days : wc.days(),
                            wc.startDate());
                }
                if (fraudRate != null) wc = wc.withFraudRate(fraudRate);
                for (var e : typologies.entrySet()) wc = wc.withTypologyRate(e.getKey(), e.getValue());
                return wc;
            }
        }

        @Command(
                name = "inspect",
                description = "Show a world: counts, fraud mix by typology, label delays, sample rows.")
        static final class Inspect implements Callable<Integer> {
            @Parameters(paramLabel = "WORLD_ID")
            String worldId;

            @Option(
                    names = "--samples",
                    defaultValue = "2",
                    converter = Check.NonNegative.class,
                    description = "Sample rows per view, 0 or more (default ${DEFAULT-VALUE}).")
            int samples;

            @Override
            public Integer call() {
                FilesystemObjectStore store = PlatformConfig.fromEnvironment().objectStore();
                if (!store.exists(WorldBuilder.prefix(worldId) + "/" + Manifest.FILE_NAME)) {
                    throw new IllegalArgumentException(
                            "world " + worldId + " not found: no sealed manifest in " + store.describe());
                }
                // A world whose files changed is still shown as far as it can be read, under a warning that names them.
                List<String> problems = Manifest.verify(store, WorldBuilder.prefix(worldId));
                try {
                    System.out.print(dev.fraudplatform.world.WorldInspector.inspect(store, worldId, samples));
                } catch (RuntimeException unreadable) {
                    if (problems.isEmpty()) throw unreadable;
                    // nothing more to show than the warning: the manifest itself changed
                }
                if (problems.isEmpty()) return 0;
                System.err.println("fp: warning: world " + worldId + " no longer matches its manifest; changed: "
                        + changedFiles(problems) + " (fp world verify " + worldId + " lists them)");
                return 2;
            }
        }

        @Command(name = "verify", description = "Re-hash every file of a world against its manifest.")
        static final class Verify implements Callable<Integer> {
            @Parameters(paramLabel = "WORLD_ID")
            String worldId;

            @Override
            public Integer call() {
                FilesystemObjectStore store = PlatformConfig.fromEnvironment().objectStore();
                if (!store.exists(WorldBuilder.prefix(worldId) + "/" + Manifest.FILE_NAME)) {
                    throw new IllegalArgumentException(
                            "world " + worldId + " not found: no sealed manifest in " + store.describe());
                }
                List<String> problems = Manifest.verify(store, WorldBuilder.prefix(worldId));
                if (problems.isEmpty()) {
                    System.out.println("world " + worldId + ": every file matches its manifest");
                    return 0;
                }
                problems.forEach(p -> System.out.println("CHANGED " + p));
                return 1;
            }
        }

        @Command(name = "list", description = "List the worlds in the object store.")
        static final class ListWorlds implements Callable<Integer> {
            @Override
            public Integer call() {
                FilesystemObjectStore store = PlatformConfig.fromEnvironment().objectStore();
                for (String key : store.list("oracle/")) {
                    if (!key.endsWith("/" + Manifest.FILE_NAME)) continue;
                    String id = key.substring("oracle/".length(), key.length() - Manifest.FILE_NAME.length() - 1);
                    var attrs = Manifest.read(store, WorldBuilder.prefix(id)).attributes();
                    System.out.printf(
                            Locale.ROOT,
                            "%s  seed %d  %,d transactions  %s  gate %s%n",
                            id,
                            attrs.path("config").path("seed").asLong(),
                            attrs.path("row_counts")
                                    .path("views")
                                    .path(WorldBuilder.TXN)
                                    .asLong(),
                            attrs.path("engine_version").asText(),
                            WorldGate.readReceipt(store, id).passed() ? "PASSED" : "FAILED");
                }
                return 0;
            }
        }
    }

    /** The first few of a manifest's problems, for one line. */
    static String changedFiles(List<String> problems) {
        return String.join(", ", problems.subList(0, Math.min(3, problems.size())))
                + (problems.size() > 3 ? " and " + (problems.size() - 3) + " more" : "");
    }

    @Command(name = "run", description = "Run a sealed world through every plane and reconcile.")
    static final class Run implements Callable<Integer> {
        @Option(names = "--world", required = true, description = "World id (see fp world list).")
        String worldId;

        @Option(
                names = "--bundle",
                defaultValue = "rules-v1",
                description = "Decision bundle (default ${DEFAULT-VALUE}).")
        String bundleId;

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
        List<String> producers = new java.util.ArrayList<>();

        @Override
        public Integer call() throws Exception {
            for (String p : producers) dev.fraudplatform.core.ingress.ProducerKeys.checkProducerId("--producer", p);
            return runWorld(
                                    PlatformConfig.fromEnvironment(),
                                    worldId,
                                    bundleId,
                                    rate,
                                    new java.util.TreeSet<>(producers))
                            .passed()
                    ? 0
                    : 1;
        }
    }

    @Command(
            name = "stream",
            description =
                    "Stream a sealed world into a gate over HTTP as one run: the World Streamer Producer, resumable.")
    static final class Stream implements Callable<Integer> {
        @Option(names = "--world", required = true, description = "World id.")
        String worldId;

        @Option(names = "--run", required = true, description = "The READY run to stream as (platform_run_id).")
        String runId;

        @Option(names = "--gate", required = true, description = "The gate's base URL, e.g. http://127.0.0.1:8080.")
        String gateUrl;

        @Option(names = "--key", description = "API key (default: the FP_API_KEY environment variable).")
        String key;

        @Option(names = "--checkpoint", description = "Checkpoint file: resume from it if it exists, keep it current.")
        java.nio.file.Path checkpoint;

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
                java.nio.file.Path dir = checkpoint.toAbsolutePath().getParent();
                if (java.nio.file.Files.isDirectory(checkpoint))
                    throw new IllegalArgumentException("--checkpoint " + checkpoint + " is a directory, not a file");
                if (dir == null || !java.nio.file.Files.isDirectory(dir))
                    throw new IllegalArgumentException("--checkpoint " + checkpoint + ": no such directory " + dir);
            }
            FilesystemObjectStore store = PlatformConfig.fromEnvironment().objectStore();
            new ScenarioRunner(store).admit(worldId);
            // A closed gate is one line here; once streaming, an unreachable gate is waited for (the stream resumes).
            Check.gateAnswers(gateUrl);
            dev.fraudplatform.world.streamer.WorldStreamer streamer =
                    new dev.fraudplatform.world.streamer.WorldStreamer(
                                    store,
                                    new dev.fraudplatform.ingress.http.HttpIngressClient(gateUrl, apiKey),
                                    batch,
                                    lanes,
                                    rate)
                            .withSpeedup(speedup);
            if (checkpoint != null) streamer.withCheckpoint(checkpoint);
            long t0 = System.nanoTime();
            var stats =
                    streamer.stream(worldId, runId, n -> status(String.format(Locale.ROOT, "streamed %,d events", n)));
            endStatus();
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

    @Command(
            name = "ingress",
            description = "Run and administer the Ingestion Gate.",
            subcommands = {Ingress.Serve.class, Ingress.Keys.class, Ingress.Quarantine.class})
    static final class Ingress extends Group {

        @Command(
                name = "serve",
                description = "Run the gate (HTTP API and admission relay) until stopped; PostgreSQL and Kafka from "
                        + "FP_PG_URL and FP_KAFKA_BOOTSTRAP, or embedded.")
        static final class Serve implements Callable<Integer> {
            @Override
            public Integer call() throws Exception {
                Platform platform = Platform.start(PlatformConfig.fromEnvironment());
                Runtime.getRuntime().addShutdownHook(new Thread(platform::close, "fp-shutdown"));
                System.out.println("gate listening on " + platform.gateUrl() + " (" + platform.describe() + ")");
                printAbandoned(platform);
                System.out.flush();
                new java.util.concurrent.CountDownLatch(1).await();
                return 0;
            }
        }

        @Command(
                name = "keys",
                description = "Producers' API keys.",
                subcommands = {Keys.Issue.class, Keys.ListKeys.class, Keys.Revoke.class})
        static final class Keys extends Group {

            @Command(
                    name = "issue",
                    description = "Issue an API key for a producer; it is printed once and stored only as a hash.")
            static final class Issue implements Callable<Integer> {
                @Parameters(paramLabel = "PRODUCER")
                String producer;

                @Override
                public Integer call() {
                    dev.fraudplatform.core.ingress.ProducerKeys.checkProducerId("producer", producer);
                    try (AdminDatabase db = AdminDatabase.open(PlatformConfig.fromEnvironment())) {
                        String key = new dev.fraudplatform.substrate.postgres.PostgresProducerKeys(db.dataSource())
                                .issue(producer);
                        System.out.println(key);
                        System.err.println("key id "
                                + dev.fraudplatform.core.ingress.ProducerKeys.keyIdOf(
                                        dev.fraudplatform.core.json.Sha256.hex(key))
                                + " for producer " + producer
                                + ": the key is shown this once (revoke it with fp ingress keys revoke ID)");
                    }
                    return 0;
                }
            }

            @Command(
                    name = "list",
                    description =
                            "Every key: its id (the first 12 hex digits of its hash), producer, when issued and revoked.")
            static final class ListKeys implements Callable<Integer> {
                @Override
                public Integer call() {
                    try (AdminDatabase db = AdminDatabase.open(PlatformConfig.fromEnvironment())) {
                        var keys =
                                new dev.fraudplatform.substrate.postgres.PostgresProducerKeys(db.dataSource()).list();
                        if (keys.isEmpty()) System.out.println("no keys issued");
                        for (var k : keys) {
                            System.out.printf(
                                    Locale.ROOT,
                                    "%s  %-24s issued %s  %s%n",
                                    k.keyId(),
                                    k.producerId(),
                                    dev.fraudplatform.core.envelope.Times.format(k.issuedAt()),
                                    k.revokedAt() == null
                                            ? "valid"
                                            : "revoked " + dev.fraudplatform.core.envelope.Times.format(k.revokedAt())
                                                    + (k.revokeReason() == null ? "" : " (" + k.revokeReason() + ")"));
                        }
                    }
                    return 0;
                }
            }

            @Command(
                    name = "revoke",
                    description =
                            "Revoke a key: the gate refuses it (401) from its next request. The key stays listed, revoked.")
            static final class Revoke implements Callable<Integer> {
                @Parameters(paramLabel = "KEY_ID", description = "The key's id as 'fp ingress keys list' shows it.")
                String keyId;

                @Option(names = "--reason", description = "Why it is revoked (kept with the revocation).")
                String reason;

                @Override
                public Integer call() {
                    dev.fraudplatform.core.ingress.ProducerKeys.checkKeyId(keyId);
                    try (AdminDatabase db = AdminDatabase.open(PlatformConfig.fromEnvironment())) {
                        var k = new dev.fraudplatform.substrate.postgres.PostgresProducerKeys(db.dataSource())
                                .revoke(keyId, reason);
                        System.out.println("revoked key " + k.keyId() + " of producer " + k.producerId());
                    }
                    return 0;
                }
            }
        }

        @Command(
                name = "quarantine",
                description = "Inspect and release quarantined inputs.",
                subcommands = {Quarantine.ListQuarantine.class, Quarantine.Show.class, Quarantine.Release.class})
        static final class Quarantine extends Group {

            @Command(name = "list", description = "The newest quarantined inputs.")
            static final class ListQuarantine implements Callable<Integer> {
                @Option(names = "--run", description = "Only this run.")
                String runId;

                @Option(
                        names = "--limit",
                        defaultValue = "50",
                        converter = Check.Positive.class,
                        description = "At most this many (default ${DEFAULT-VALUE}).")
                int limit;

                @Override
                public Integer call() {
                    try (AdminDatabase db = AdminDatabase.open(PlatformConfig.fromEnvironment())) {
                        var entries = new dev.fraudplatform.substrate.postgres.PostgresQuarantineIndex(db.dataSource())
                                .list(runId, limit);
                        if (entries.isEmpty())
                            System.out.println("nothing quarantined" + (runId != null ? " in run " + runId : ""));
                        for (var e : entries) {
                            System.out.printf(
                                    Locale.ROOT,
                                    "%s  %s  %-22s %s/%s  %s%s%n",
                                    e.receiptId(),
                                    dev.fraudplatform.core.envelope.Times.format(e.receivedAt()),
                                    e.reason(),
                                    e.eventClass(),
                                    e.eventId(),
                                    e.platformRunId(),
                                    e.releasedAs() != null ? "  released as " + e.releasedAs() : "");
                        }
                    }
                    return 0;
                }
            }

            @Command(name = "show", description = "One quarantined input: its receipt, reason and raw bytes.")
            static final class Show implements Callable<Integer> {
                @Parameters(paramLabel = "RECEIPT_ID")
                String receiptId;

                @Override
                public Integer call() {
                    PlatformConfig cfg = PlatformConfig.fromEnvironment();
                    try (AdminDatabase db = AdminDatabase.open(cfg)) {
                        var e = new dev.fraudplatform.substrate.postgres.PostgresQuarantineIndex(db.dataSource())
                                .get(receiptId)
                                .orElseThrow(() ->
                                        new IllegalArgumentException("no quarantined input has receipt " + receiptId));
                        System.out.println("receipt   " + e.receiptId());
                        System.out.println("run       " + e.platformRunId());
                        System.out.println("event     " + e.eventClass() + "/" + e.eventId());
                        System.out.println("reason    " + e.reason());
                        System.out.println("detail    " + e.detail());
                        System.out.println("received  " + dev.fraudplatform.core.envelope.Times.format(e.receivedAt()));
                        System.out.println("released  " + (e.releasedAs() != null ? "as " + e.releasedAs() : "no"));
                        if (e.rawObjectKey() != null) {
                            byte[] raw = cfg.objectStore().read(e.rawObjectKey());
                            System.out.println("raw       " + e.rawObjectKey() + " (" + raw.length + " bytes)");
                            System.out.println(new String(raw, java.nio.charset.StandardCharsets.UTF_8));
                        }
                    }
                    return 0;
                }
            }

            @Command(
                    name = "release",
                    description = "Resubmit a corrected input through the gate; the release is receipted and linked.")
            static final class Release implements Callable<Integer> {
                @Parameters(paramLabel = "RECEIPT_ID")
                String receiptId;

                @Option(names = "--file", required = true, description = "The corrected envelope (one JSON document).")
                java.nio.file.Path file;

                @Option(names = "--gate", required = true, description = "The gate's base URL.")
                String gateUrl;

                @Option(names = "--key", description = "API key (default: FP_API_KEY).")
                String key;

                @Override
                public Integer call() throws Exception {
                    String apiKey = key != null ? key : System.getenv("FP_API_KEY");
                    if (apiKey == null || apiKey.isBlank())
                        throw new IllegalArgumentException("an API key is needed: --key or FP_API_KEY");
                    Check.readableFile(file, "--file");
                    Check.gateAnswers(gateUrl);
                    byte[] corrected = java.nio.file.Files.readAllBytes(file);
                    try (AdminDatabase db = AdminDatabase.open(PlatformConfig.fromEnvironment())) {
                        var out = dev.fraudplatform.ingress.gate.QuarantineRelease.release(
                                new dev.fraudplatform.substrate.postgres.PostgresQuarantineIndex(db.dataSource()),
                                new dev.fraudplatform.ingress.http.HttpIngressClient(gateUrl, apiKey),
                                receiptId,
                                corrected,
                                System.getProperty("user.name", "unknown"));
                        System.out.println((out.released() ? "released as " : "not released; the correction got ")
                                + out.receipt().outcome()
                                + (out.receipt().reason() != null
                                        ? "/" + out.receipt().reason() + ": "
                                                + out.receipt().detail()
                                        : "")
                                + " (receipt " + out.receipt().receiptId() + ")");
                        return out.released() ? 0 : 1;
                    }
                }
            }
        }
    }

    @Command(
            name = "runs",
            description = "Runs and their lifecycle, from PostgreSQL.",
            subcommands = {Runs.ListRuns.class, Runs.Show.class, Runs.Compare.class})
    static final class Runs extends Group {

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
                try (AdminDatabase db = AdminDatabase.open(PlatformConfig.fromEnvironment())) {
                    var runs =
                            new dev.fraudplatform.substrate.postgres.PostgresRunRegistry(db.dataSource()).list(limit);
                    if (runs.isEmpty()) System.out.println("no runs yet");
                    for (var r : runs) {
                        System.out.printf(
                                Locale.ROOT,
                                "%s  %-10s  world %s  bundle %s  created %s%n",
                                r.facts().platformRunId(),
                                r.latest() == null ? "?" : r.latest().state(),
                                r.facts().worldId(),
                                r.facts().bundleId(),
                                dev.fraudplatform.core.envelope.Times.format(
                                        r.facts().createdAt()));
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
                var result = dev.fraudplatform.rtdl.audit.RunComparison.compare(
                        PlatformConfig.fromEnvironment().objectStore(), reference, candidate);
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
                try (AdminDatabase db = AdminDatabase.open(cfg)) {
                    var registry = new dev.fraudplatform.substrate.postgres.PostgresRunRegistry(db.dataSource());
                    var facts =
                            registry.facts(runId).orElseThrow(() -> new IllegalArgumentException("no run " + runId));
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
                                dev.fraudplatform.core.envelope.Times.format(t.at()),
                                t.state(),
                                t.reason() == null ? "" : t.reason());
                    }
                    System.out.println("receipts     "
                            + new dev.fraudplatform.substrate.postgres.PostgresReceiptStore(db.dataSource())
                                    .countsByOutcome(runId));
                    String report = "evidence/" + runId + "/report.json";
                    System.out.println("evidence     "
                            + (cfg.objectStore().exists(report)
                                    ? cfg.objectStore().pathOf(report)
                                    : "none yet"));
                }
                return 0;
            }
        }
    }

    @Command(
            name = "replay",
            description = "Replay proof: run a finished run's world again with its pinned bundle and compare "
                    + "decision-log digests; the result joins the run's evidence. Exit 0 only when they match.")
    static final class Replay implements Callable<Integer> {
        @Option(names = "--run", required = true, paramLabel = "RUN_ID", description = "The finished run to replay.")
        String runId;

        @Override
        public Integer call() throws Exception {
            PlatformConfig cfg = PlatformConfig.fromEnvironment();
            // Before any server starts: a run with no report (an unknown run among them) has nothing to replay against.
            if (!cfg.objectStore().exists(ConformanceReport.evidenceKey(runId, "report.json"))) {
                throw new IllegalArgumentException(
                        "run " + runId + " has no report to replay against (no run, or it never finished)");
            }
            try (Platform platform = Platform.start(cfg)) {
                ReplayProof.Result r = ReplayProof.replay(platform, runId, Fp::status);
                endStatus();
                System.out.println("replay of " + r.originalRun() + " as " + r.replayRun() + ": digest "
                        + r.replayDigest() + (r.holds() ? " matches" : " DOES NOT MATCH " + r.originalDigest())
                        + (r.replayReconciled() ? "" : "; the replay did not reconcile"));
                System.out.println("evidence: "
                        + cfg.objectStore()
                                .pathOf("evidence/" + r.originalRun() + "/replay-" + r.replayRun() + ".json"));
                return r.holds() ? 0 : 1;
            }
        }
    }

    @Command(
            name = "audit",
            description = "The Decision Log and Audit.",
            subcommands = {Audit.Replay.class})
    static final class Audit extends Group {

        @Command(
                name = "replay",
                description =
                        "Re-score every audited frame of a run with its pinned bundle; exit 0 only on a 100% match.")
        static final class Replay implements Callable<Integer> {
            @Option(names = "--run", required = true, paramLabel = "RUN_ID", description = "The run to replay.")
            String runId;

            @Override
            public Integer call() {
                PlatformConfig cfg = PlatformConfig.fromEnvironment();
                dev.fraudplatform.core.run.RunFacts facts;
                try (AdminDatabase db = AdminDatabase.open(cfg)) {
                    facts = new dev.fraudplatform.substrate.postgres.PostgresRunRegistry(db.dataSource())
                            .facts(runId)
                            .orElseThrow(() -> new IllegalArgumentException("no run " + runId));
                }
                DecisionBundle bundle = DecisionBundle.builtIn(facts.bundleId());
                if (!bundle.digest().equals(facts.bundleDigest())) {
                    System.err.println("bundle " + facts.bundleId() + " is now " + bundle.digest() + "; the run pinned "
                            + facts.bundleDigest());
                    return 1;
                }
                var result = dev.fraudplatform.rtdl.audit.AuditReplay.replay(
                        cfg.objectStore(), runId, new dev.fraudplatform.rtdl.fabric.DecisionFabric(bundle));
                System.out.printf(
                        Locale.ROOT,
                        "run %s, bundle %s: %,d audited frames re-scored, %,d match (%.2f%%)%n",
                        runId,
                        bundle.id(),
                        result.records(),
                        result.matched(),
                        100.0 * result.matchRate());
                result.manifestProblems().forEach(p -> System.out.println("  manifest: " + p));
                result.mismatches().forEach(m -> System.out.println("  mismatch: " + m));
                System.out.println(result.passed() ? "REPLAY MATCHES" : "REPLAY DOES NOT MATCH");
                return result.passed() ? 0 : 1;
            }
        }
    }

    @Command(
            name = "bench",
            description = "Benchmarks that print numbers.",
            subcommands = {
                Bench.IngressBenchCommand.class,
                Bench.EndToEndBenchCommand.class,
                Bench.DecisionFabricBenchCommand.class
            })
    static final class Bench extends Group {

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
                var options = new org.openjdk.jmh.runner.options.OptionsBuilder()
                        .include(dev.fraudplatform.benchmarks.DecisionFabricBenchmark.class.getName())
                        .build();
                for (var result : new org.openjdk.jmh.runner.Runner(options).run()) {
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
                description =
                        "Events/s and decision latency through every plane, at an offered rate and at maximum rate, "
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

            @CommandLine.Mixin
            BenchOptions options;

            @Override
            public Integer call() throws Exception {
                return EndToEndBench.run(transactions, rate, rateTransactions, options.seed, options.profile);
            }
        }
    }

    @Command(
            name = "serve",
            description =
                    "Serve the ops console (runs, a live run, evidence) and /metrics, with the gate and the real-time "
                            + "roles, until stopped; --demo also runs a world to watch.")
    static final class Serve implements Callable<Integer> {
        @Option(
                names = "--port",
                defaultValue = "8088",
                converter = Check.Port.class,
                description =
                        "Console port on 127.0.0.1, 1 to 65535 or 0 for any free port, unless FP_OPS_PORT is set (default ${DEFAULT-VALUE}).")
        int port;

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
                description =
                        "Events/s the demo run offers; 0 = as fast as the gate accepts (default ${DEFAULT-VALUE}).")
        double rate;

        @Override
        public Integer call() throws Exception {
            PlatformConfig cfg = PlatformConfig.fromEnvironment();
            if (cfg.opsPort() < 0) cfg = cfg.withOpsPort(port);
            Check.portFree(cfg.opsPort(), "the ops console's");
            Check.portFree(cfg.gatePort(), "the gate's (FP_GATE_PORT)");
            Platform platform = Platform.start(cfg);
            Runtime.getRuntime().addShutdownHook(new Thread(platform::close, "fp-shutdown"));
            platform.startRoles(DecisionBundle.builtIn("rules-v1"));
            printAbandoned(platform);
            System.out.println("ops console on " + platform.opsUrl() + " (metrics at " + platform.opsUrl()
                    + "/metrics); gate on " + platform.gateUrl() + " (" + platform.describe() + ")");
            System.out.flush();
            if (demo > 0) {
                WorldBuilder.Result world = buildWorld(platform.store(), WorldConfig.defaults(1, demo));
                if (world.verdict().passed()) {
                    PlatformRun run = PlatformRun.start(platform, world.worldId(), platform.bundle(), Fp::status);
                    System.out.println("run " + run.runId() + " streaming at " + (long) rate + " events/s: "
                            + platform.opsUrl() + "/?run=" + run.runId());
                    run.stream(-1, rate);
                    run.awaitDrain(Duration.ofSeconds(120));
                    System.out.println(run.finish().toText());
                }
            }
            new java.util.concurrent.CountDownLatch(1).await();
            return 0;
        }
    }

    @Command(
            name = "report",
            description = "Re-check a finished run's evidence against the stores as they are now: its append-only rows "
                    + "unchanged, every law, every manifest; exit 1 when any law is broken.")
    static final class Report implements Callable<Integer> {
        @Option(names = "--run", required = true, description = "The run (platform_run_id).")
        String runId;

        @Override
        public Integer call() throws Exception {
            // Read-only: the database and the object store, no broker and no roles (a running platform is left alone).
            PlatformConfig cfg = PlatformConfig.fromEnvironment();
            FilesystemObjectStore store = cfg.objectStore();
            if (!store.exists(ConformanceReport.evidenceKey(runId, "report.json"))) {
                throw new IllegalArgumentException(
                        "run " + runId + " has no conformance report (no run, or it never finished)");
            }
            try (AdminDatabase db = AdminDatabase.open(cfg)) {
                List<dev.fraudplatform.ops.RunReport.Check> checks = RunLaws.recheck(store, db.dataSource(), runId);
                for (var c : checks)
                    System.out.printf(Locale.ROOT, "[%s] %s: %s%n", c.passed() ? "ok" : "BROKEN", c.name(), c.detail());
                boolean hold = checks.stream().allMatch(dev.fraudplatform.ops.RunReport.Check::passed);
                System.out.println(hold ? "every law holds for run " + runId : "LAW BROKEN for run " + runId);
                System.out.println("evidence: " + store.pathOf(ConformanceReport.evidenceKey(runId, "report.html")));
                return hold ? 0 : 1;
            }
        }
    }

    @Command(
            name = "drill",
            description =
                    "An incident drill: run a world, inject the fault while it streams, and check the expected "
                            + "outcome in the run's conformance report (evidence/<run>/drill-<name>.html); exit 0 only when it passes.")
    static final class Drill implements Callable<Integer> {
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

        @Override
        public Integer call() throws Exception {
            Drills.Kind kind = Drills.Kind.of(name);
            PlatformConfig cfg = PlatformConfig.fromEnvironment();
            Drills.checkWiring(kind, cfg);
            WorldBuilder.Result world = buildWorld(cfg.objectStore(), WorldConfig.defaults(seed, transactions));
            if (!world.verdict().passed()) return 1;
            try (Platform platform = Platform.start(cfg)) {
                platform.startRoles(DecisionBundle.builtIn("rules-v1"));
                System.out.println("drill " + kind.cliName() + ": " + kind.fault);
                ConformanceReport report = Drills.run(platform, world.worldId(), kind, Fp::status);
                endStatus();
                System.out.println(report.toText());
                System.out.println("evidence: "
                        + platform.store()
                                .pathOf(ConformanceReport.evidenceKey(
                                        report.run().platformRunId(), "drill-" + kind.cliName() + ".html")));
                return report.passed() ? 0 : 1;
            }
        }
    }

    @Command(
            name = "demo",
            description = "Build a world, run it through every plane, report; exit 0 only if it reconciles.")
    static final class Demo implements Callable<Integer> {
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
            java.util.concurrent.CompletableFuture<Platform> up = java.util.concurrent.CompletableFuture.supplyAsync(
                    () -> Platform.start(cfg),
                    task -> new Thread(task, "fp-platform-start").start()); // not the common pool: the build uses it
            WorldBuilder.Result world;
            try {
                world = buildWorld(cfg.objectStore(), WorldConfig.defaults(seed, transactions));
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
            } catch (java.util.concurrent.CompletionException e) {
                throw e.getCause() instanceof Exception cause ? cause : e;
            }
            if (!world.verdict().passed()) {
                platform.close();
                return 1;
            }
            return runWorld(platform, world.worldId(), "rules-v1", rate).passed() ? 0 : 1;
        }
    }
}
