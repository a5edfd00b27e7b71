package dev.fraudplatform.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fraudplatform.app.AdminStores;
import dev.fraudplatform.app.LearningPipeline;
import dev.fraudplatform.app.PlatformConfig;
import dev.fraudplatform.app.RunBundles;
import dev.fraudplatform.core.json.CanonicalJson;
import dev.fraudplatform.core.run.RunFacts;
import dev.fraudplatform.core.store.ObjectStore;
import dev.fraudplatform.decision.bundle.DecisionBundle;
import dev.fraudplatform.world.ScenarioRunner;
import dev.fraudplatform.world.WorldTruth;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code fp backtest}: a bundle scored over a world's whole history (its newest archived run, made now if it has none)
 * offline, through the loop's own topology, and judged against the labels as known at a cutoff, beside the rules-only
 * baseline: the same metrics as the Model Factory's evaluation. Nothing on the bus or in the run changes.
 */
@Command(name = "backtest", description = "Score a bundle over a world's history against its outcomes.")
public final class BacktestCommand implements Callable<Integer> {
    @Option(names = "--bundle", required = true, description = "A bundle, built in or registered.")
    String bundleId;

    @Option(names = "--world", required = true, description = "A sealed world.")
    String worldId;

    @Option(
            names = "--label-cutoff",
            converter = LabelsCommands.TimeConverter.class,
            description = "Labels as known at this time (ISO-8601); default: the run's last transaction + 120 days.")
    Instant cutoff;

    @Option(names = "--json", description = "Print the whole evaluation as JSON.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        PlatformConfig cfg = PlatformConfig.fromEnvironment();
        ObjectStore store = cfg.objectStore();
        new ScenarioRunner(store).admit(worldId);
        DecisionBundle bundle;
        try (AdminStores stores = AdminStores.open(cfg)) {
            bundle = RunBundles.byId(stores.bundleRegistry(), store, bundleId, null);
        }
        String runId = LearnCommand.archivedRunOf(cfg, worldId, "run: ");
        LearningPipeline.Backtest result;
        try (AdminStores stores = AdminStores.open(cfg)) {
            RunFacts facts = stores.runs().facts(runId).orElseThrow();
            result = LearningPipeline.backtest(
                    store,
                    runId,
                    bundle,
                    DecisionBundle.builtIn(RunBundles.RULES_BASELINE),
                    stores.labelStore(),
                    cutoff,
                    WorldTruth.typologies(store, facts.worldId()),
                    Duration.ofMillis(cfg.joinWaitMs()));
        }
        String key = "evidence/backtest/" + bundle.id() + "/" + runId + ".json";
        if (!store.exists(key)) store.create(key, CanonicalJson.bytes(result.toJson()));
        if (json) {
            System.out.println(result.toJson().toPrettyString());
            return 0;
        }
        JsonNode s = result.evaluation().summaryJson();
        System.out.printf(
                Locale.ROOT,
                "backtest of %s over world %s (run %s): %,d transactions, %,d labelled fraud; degrade modes %s%n",
                bundle.id(),
                worldId,
                runId,
                s.path("rows").asLong(),
                s.path("positives").asLong(),
                result.degradeModes());
        for (String series : new String[] {"bundle", "rules"}) {
            JsonNode m = s.path(series);
            System.out.printf(
                    Locale.ROOT,
                    "  %-6s ROC-AUC %.4f  PR-AUC %.4f  recall at 1%% FPR %.4f  at 0.1%% FPR %.4f%n",
                    series,
                    m.path("roc_auc").asDouble(),
                    m.path("pr_auc").asDouble(),
                    m.path("recall_at_1pct_fpr").asDouble(),
                    m.path("recall_at_0_1pct_fpr").asDouble());
        }
        s.fields().forEachRemaining(e -> {
            if (!e.getKey().startsWith("thresholds_")) return;
            System.out.println("  thresholds " + e.getKey().substring("thresholds_".length()) + ":");
            e.getValue()
                    .fields()
                    .forEachRemaining(a -> System.out.printf(
                            Locale.ROOT,
                            "    %-8s at %.4f: recall %.4f, false-positive rate %.4f, %.1f alerts per 1,000%n",
                            a.getKey(),
                            a.getValue().path("threshold").asDouble(),
                            a.getValue().path("recall").asDouble(),
                            a.getValue().path("false_positive_rate").asDouble(),
                            a.getValue().path("alerts_per_1000").asDouble()));
        });
        JsonNode byTypology = result.toJson().path("evaluation").path("thresholds");
        byTypology
                .fields()
                .forEachRemaining(op -> op.getValue().fields().forEachRemaining(a -> {
                    if (a.getValue().has("recall_by_typology"))
                        System.out.println("  " + op.getKey() + " " + a.getKey() + " recall by typology "
                                + a.getValue().path("recall_by_typology"));
                }));
        System.out.println("evidence: " + store.locationOf(key));
        return 0;
    }
}
