package dev.fraudplatform.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fraudplatform.app.AdminStores;
import dev.fraudplatform.app.LearningPipeline;
import dev.fraudplatform.app.PlatformConfig;
import dev.fraudplatform.app.RunBundles;
import dev.fraudplatform.core.json.CanonicalJson;
import dev.fraudplatform.core.registry.RegistryEntry;
import dev.fraudplatform.core.run.RunFacts;
import dev.fraudplatform.core.run.RunRegistry;
import dev.fraudplatform.core.run.RunState;
import dev.fraudplatform.core.store.ObjectStore;
import dev.fraudplatform.decision.bundle.BundleSource;
import dev.fraudplatform.decision.bundle.DecisionBundle;
import dev.fraudplatform.learning.archive.ArchiveReader;
import dev.fraudplatform.learning.dataset.Dataset;
import dev.fraudplatform.learning.features.ParityReport;
import dev.fraudplatform.learning.training.ModelFactory;
import dev.fraudplatform.learning.training.TrainingConfig;
import dev.fraudplatform.world.ScenarioRunner;
import dev.fraudplatform.world.WorldTruth;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code fp learn}: the learning pipeline for one world or run, step by step: the run (when the world has no archived
 * completed run yet), the Offline Feature Shadow, the dataset, training and evaluation, the candidate's replay proof,
 * and registration as a candidate. Each step keeps its output in the object store and is skipped when it is there, so
 * a pipeline stopped anywhere resumes; {@code fp learn ofs --run R} runs the OFS alone.
 */
@Command(
        name = "learn",
        description =
                "Learn a model from a world's run: archive, OFS parity, dataset, training, evaluation, candidate.",
        subcommands = {LearnCommand.Ofs.class})
public final class LearnCommand implements Callable<Integer> {
    static final class Source {
        @Option(
                names = "--world",
                description = "A sealed world: its newest archived completed run, or a run of it made now.")
        String worldId;

        @Option(names = "--run", description = "An archived completed run.")
        String runId;
    }

    /** Optional to picocli so that {@code fp learn ofs} parses; {@link #call} requires one of the two. */
    @ArgGroup(exclusive = true, multiplicity = "0..1")
    Source source;

    @Option(
            names = "--label-cutoff",
            converter = LabelsCommands.TimeConverter.class,
            description = "Labels as known at this time (ISO-8601); default: the run's last transaction + 120 days.")
    Instant cutoff;

    @Option(
            names = "--rounds",
            defaultValue = "300",
            converter = Check.Positive.class,
            description = "Boosting rounds (default ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--seed", defaultValue = "7", description = "Training seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(
            names = "--model-weight",
            defaultValue = "0.9",
            converter = Check.Share.class,
            description = "The model's share w of the score, w * p + (1 - w) * rules (default ${DEFAULT-VALUE}).")
    double modelWeight;

    @Option(
            names = "--by",
            defaultValue = "fp-learn",
            description = "Who registers the candidate (default ${DEFAULT-VALUE}).")
    String by;

    @Override
    public Integer call() throws Exception {
        if (source == null) throw new IllegalArgumentException("fp learn needs --world ID or --run RUN_ID");
        PlatformConfig cfg = PlatformConfig.fromEnvironment();
        ObjectStore store = cfg.objectStore();
        // Input first, before anything starts: a world that does not pass its gate, a run that cannot be learned from.
        if (source.worldId != null) new ScenarioRunner(store).admit(source.worldId);
        String runId;
        if (source.runId != null) {
            try (AdminStores stores = AdminStores.open(cfg)) {
                runId = learnable(stores.runs(), store, source.runId);
            }
            System.out.println("step 1/5 run: " + runId + " (archived)");
        } else {
            runId = archivedRunOf(cfg, source.worldId, "step 1/5 run: ");
        }
        try (AdminStores stores = AdminStores.open(cfg)) {
            RunFacts facts = stores.runs().facts(runId).orElseThrow();
            DecisionBundle runBundle =
                    RunBundles.byId(stores.bundleRegistry(), store, facts.bundleId(), facts.bundleDigest());
            Duration joinWait = Duration.ofMillis(cfg.joinWaitMs());

            ParityReport parity =
                    LearningPipeline.offlineFeatureShadow(store, runId, runBundle, joinWait, cfg.partitions());
            System.out.printf(
                    Locale.ROOT,
                    "step 2/5 OFS: %,d decisions recomputed, lowest feature match rate %.4f%% (%s): %s%n",
                    parity.recomputed(),
                    100 * parity.lowestMatchRate(),
                    parity.mode(),
                    parity.passed() ? "parity holds" : "PARITY DOES NOT HOLD");
            if (!parity.passed()) {
                System.out.println("  causes: " + parity.causes());
                return 1;
            }

            byte[] baseJson = builtInJson(RunBundles.RULES_BASELINE);
            Dataset dataset = LearningPipeline.dataset(
                    store,
                    runId,
                    stores.labelStore(),
                    cutoff,
                    DecisionBundle.builtIn(RunBundles.RULES_BASELINE),
                    WorldTruth.typologies(store, facts.worldId()));
            System.out.printf(
                    Locale.ROOT,
                    "step 3/5 dataset: %,d rows, %,d labelled fraud, %d features%n",
                    dataset.size(),
                    dataset.positives(),
                    dataset.width());
            TrainingConfig config =
                    TrainingConfig.defaults().withRounds(rounds).withSeed(seed).withModelWeight(modelWeight);
            Path work = cfg.home().resolve("learning").resolve(runId).resolve(LearningPipeline.configId(config));
            ModelFactory.Result model = LearningPipeline.train(store, runId, dataset, config, baseJson, parity, work);
            JsonNode test = CanonicalJson.EXACT_MAPPER
                    .readTree(java.nio.file.Files.readAllBytes(model.bundleDir().resolve(BundleSource.BUNDLE_FILE)))
                    .path("evidence")
                    .path("metrics")
                    .path("test");
            System.out.println("step 4/5 model: bundle " + model.bundleId()
                    + (model.trained() ? " trained in " + model.trainMillis() + " ms" : " (model reused)")
                    + "; test window " + test);

            ObjectNode proof = LearningPipeline.replayProof(store, runId, model.bundleDir(), joinWait);
            DecisionBundle active = RunBundles.active(stores.bundleRegistry(), store);
            ObjectNode activeOnWindow = LearningPipeline.judgedOnWindow(
                    active, dataset, model.split().test());
            LearningPipeline.completeEvidence(
                    model.bundleDir(),
                    LearningPipeline.window(model.datasetDigest(), model.split().test()),
                    activeOnWindow,
                    proof);
            System.out.println("  the active bundle " + active.id() + " on the same test window: recall at 1% FPR "
                    + activeOnWindow.path("recall_at_1pct_fpr").asDouble() + ", PR-AUC "
                    + activeOnWindow.path("pr_auc").asDouble());
            LearningPipeline.keep(store, LearningPipeline.prefix(runId, config), work);
            System.out.println("  replay proof: " + proof.path("decisions").asLong() + " decisions, "
                    + (proof.path("reconciled").asBoolean() ? "reconciled" : "NOT RECONCILED") + ", modes "
                    + proof.path("degrade_modes"));
            RegistryEntry entry = RunBundles.registry(stores.bundleRegistry(), store)
                    .register(
                            model.bundleDir(),
                            by,
                            "learned from run " + runId + " of world " + facts.worldId() + " (fp learn)");
            System.out.println("step 5/5 registry: " + entry.bundleId() + " is " + entry.state()
                    + "; evaluation: "
                    + store.locationOf(LearningPipeline.prefix(runId, config) + ModelFactory.EVALUATION_HTML)
                    + "; promote with `fp registry promote " + entry.bundleId() + " --to active`");
            return 0;
        }
    }

    /** The run, when it completed and has an archive; else refused. */
    private static String learnable(RunRegistry runs, ObjectStore store, String runId) {
        RunState state = runs.state(runId).orElseThrow(() -> new IllegalArgumentException("no run " + runId));
        if (state != RunState.COMPLETED)
            throw new IllegalArgumentException("run " + runId + " is " + state + ", not COMPLETED");
        if (ArchiveReader.segmentKeys(store, runId).isEmpty())
            throw new IllegalArgumentException("run " + runId + " has no archive");
        return runId;
    }

    /**
     * The newest completed, archived run of a world; when it has none, a run of it made now with the registry's
     * active bundle (announced on standard output with {@code step}).
     */
    static String archivedRunOf(PlatformConfig cfg, String worldId, String step) throws Exception {
        ObjectStore store = cfg.objectStore();
        Optional<String> found;
        try (AdminStores stores = AdminStores.open(cfg)) {
            found = newestArchivedRun(stores.runs(), store, worldId);
        }
        if (found.isPresent()) {
            System.out.println(step + found.get() + " (archived)");
            return found.get();
        }
        System.out.println(step + "world " + worldId + " has no archived completed run; running it");
        CommandSteps.runWorld(cfg, worldId, null, 0, Set.of());
        try (AdminStores stores = AdminStores.open(cfg)) {
            return newestArchivedRun(stores.runs(), store, worldId)
                    .orElseThrow(() -> new IllegalStateException(
                            "the run of world " + worldId + " did not complete with an archive"));
        }
    }

    private static Optional<String> newestArchivedRun(RunRegistry runs, ObjectStore store, String worldId) {
        for (RunRegistry.Summary s : runs.list(500)) {
            if (!s.facts().worldId().equals(worldId) || s.latest().state() != RunState.COMPLETED) continue;
            if (!ArchiveReader.segmentKeys(store, s.facts().platformRunId()).isEmpty())
                return Optional.of(s.facts().platformRunId());
        }
        return Optional.empty();
    }

    static byte[] builtInJson(String bundleId) {
        try (InputStream in = DecisionBundle.class.getResourceAsStream("/bundles/" + bundleId + "/bundle.json")) {
            if (in == null) throw new IllegalArgumentException("no built-in bundle " + bundleId);
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Command(
            name = "ofs",
            description = "Recompute a run's features from its archive and report their parity with the audit.")
    static final class Ofs implements Callable<Integer> {
        @Option(names = "--run", required = true, description = "An archived completed run.")
        String runId;

        @Override
        public Integer call() throws Exception {
            PlatformConfig cfg = PlatformConfig.fromEnvironment();
            ObjectStore store = cfg.objectStore();
            ParityReport report;
            try (AdminStores stores = AdminStores.open(cfg)) {
                learnable(stores.runs(), store, runId);
                RunFacts facts = stores.runs().facts(runId).orElseThrow();
                DecisionBundle bundle =
                        RunBundles.byId(stores.bundleRegistry(), store, facts.bundleId(), facts.bundleDigest());
                report = LearningPipeline.offlineFeatureShadow(
                        store, runId, bundle, Duration.ofMillis(cfg.joinWaitMs()), cfg.partitions());
            }
            System.out.printf(
                    Locale.ROOT,
                    "run %s (%s): %,d decisions recorded, %,d recomputed, %,d whole snapshots match; lowest feature"
                            + " match rate %.4f%%%n",
                    runId,
                    report.mode(),
                    report.recorded(),
                    report.recomputed(),
                    report.matched(),
                    100 * report.lowestMatchRate());
            report.causes().forEach((cause, n) -> System.out.printf(Locale.ROOT, "  %,d %s%n", n, cause));
            report.mismatches().stream()
                    .limit(10)
                    .forEach(m -> System.out.println("  mismatch " + m.decisionId() + ": " + m.cause()));
            System.out.println("parity report: " + store.locationOf("ofs/" + runId + "/parity.json"));
            System.out.println(report.passed() ? "PARITY HOLDS" : "PARITY DOES NOT HOLD");
            return report.passed() ? 0 : 1;
        }
    }
}
