package dev.fraudplatform.app.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.fraudplatform.app.PlatformConfig;
import dev.fraudplatform.core.json.Json;
import dev.fraudplatform.core.json.JsonProblems;
import dev.fraudplatform.core.store.Manifest;
import dev.fraudplatform.core.store.ObjectStore;
import dev.fraudplatform.world.ScenarioRunner;
import dev.fraudplatform.world.Typology;
import dev.fraudplatform.world.WorldBuilder;
import dev.fraudplatform.world.WorldConfig;
import dev.fraudplatform.world.WorldGate;
import dev.fraudplatform.world.WorldInspector;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code fp world}: build, inspect, verify and list sealed worlds. */
@Command(
        name = "world",
        description = "Build, inspect, verify and list sealed worlds.",
        subcommands = {
            WorldCommands.Build.class,
            WorldCommands.Inspect.class,
            WorldCommands.Verify.class,
            WorldCommands.ListWorlds.class,
            WorldCommands.Push.class
        })
public final class WorldCommands extends Group {

    @Command(
            name = "build",
            description = "Build a deterministic sealed world (same engine, config and seed: same bytes).")
    static final class Build implements Callable<Integer> {
        @Option(
                names = "--config",
                description = "A world config file (JSON: seed, transactions, accounts, days, start_date, "
                        + "typology_rates, labels); flags override it.")
        Path configFile;

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
                description =
                        "Total share of fraud transactions, 0 to 0.5, " + "keeping the typology mix (default 0.01).")
        Double fraudRate;

        @Option(
                names = "--typology-rate",
                paramLabel = "NAME=RATE",
                description =
                        "Share of transactions for one typology "
                                + "(card_testing, stolen_card_cnp, account_takeover, bust_out, merchant_compromise, friendly_fraud), 0 to 0.5; repeatable.")
        Map<String, Double> typologyRates = new LinkedHashMap<>();

        @Override
        public Integer call() throws Exception {
            PlatformConfig cfg = PlatformConfig.fromEnvironment();
            WorldBuilder.Result r = CommandSteps.buildWorld(cfg.objectStore(), worldConfig());
            System.out.println(r.worldId());
            return r.verdict().passed() ? 0 : 1;
        }

        WorldConfig worldConfig() {
            // The flags first, so that a bad one is named as the user gave it (not as the rate it scales).
            Map<Typology, Double> typologies = new LinkedHashMap<>();
            for (var e : typologyRates.entrySet()) {
                Typology t = Typology.byKey(e.getKey());
                double r = e.getValue();
                if (!(r >= 0 && r <= Check.MAX_FRAUD_SHARE)) {
                    throw new IllegalArgumentException("--typology-rate " + e.getKey() + "=" + e.getValue()
                            + ": the rate must be a share from 0 to " + Check.MAX_FRAUD_SHARE + " (e.g. 0.002)");
                }
                typologies.put(t, r);
            }
            JsonNode json = null;
            if (configFile != null) {
                Check.readableFile(configFile, "--config");
                try {
                    json = Json.MAPPER.readTree(configFile.toFile());
                } catch (JsonProcessingException e) {
                    throw new IllegalArgumentException(
                            "world config " + configFile + " is not JSON: " + JsonProblems.describe(e));
                } catch (IOException e) {
                    throw new IllegalArgumentException("cannot read world config " + configFile);
                }
            }
            return WorldConfig.merge(
                    json,
                    String.valueOf(configFile),
                    new WorldConfig.Overrides(seed, transactions, accounts, days, fraudRate, typologies));
        }
    }

    @Command(name = "inspect", description = "Show a world: counts, fraud mix by typology, label delays, sample rows.")
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
            ObjectStore store = PlatformConfig.fromEnvironment().objectStore();
            if (!store.exists(WorldBuilder.prefix(worldId) + "/" + Manifest.FILE_NAME)) {
                throw new IllegalArgumentException(
                        "world " + worldId + " not found: no sealed manifest in " + store.describe());
            }
            // A world whose files changed is still shown as far as it can be read, under a warning that names them.
            List<String> problems = Manifest.verify(store, WorldBuilder.prefix(worldId));
            try {
                System.out.print(WorldInspector.inspect(store, worldId, samples));
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
            ObjectStore store = PlatformConfig.fromEnvironment().objectStore();
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

    @Command(
            name = "push",
            description =
                    "Copy a sealed world from this machine's store ($FP_HOME/store, where fp world build puts it) "
                            + "to the profile's object store (fp --profile dev_min world push W), sealed: its manifest is "
                            + "copied last and re-hashed there, and a copy that stopped part-way is completed.")
    static final class Push implements Callable<Integer> {
        @Parameters(paramLabel = "WORLD_ID")
        String worldId;

        @Override
        public Integer call() {
            PlatformConfig cfg = PlatformConfig.fromEnvironment();
            ObjectStore local = cfg.localStore();
            ObjectStore target = cfg.objectStore();
            if (target.describe().equals(local.describe()))
                throw new IllegalArgumentException(
                        "profile " + cfg.profile() + " keeps its objects in " + local.describe()
                                + " already: push to a profile with another store (fp --profile dev_min world push W)");
            String prefix = WorldBuilder.prefix(worldId);
            if (!local.exists(prefix + "/" + Manifest.FILE_NAME))
                throw new IllegalArgumentException("world " + worldId + " not found: no sealed manifest in "
                        + local.describe() + " (fp world build)");
            // Refused unless it passed its gate and re-hashes here; the copy is proved the same way there.
            new ScenarioRunner(local).admit(worldId);
            dev.fraudplatform.app.WiringConformance.copyWorld(local, target, prefix, System.out);
            new ScenarioRunner(target).admit(worldId);
            System.out.println("world " + worldId + " sealed in " + target.describe());
            return 0;
        }
    }

    @Command(name = "list", description = "List the worlds in the object store.")
    static final class ListWorlds implements Callable<Integer> {
        @Override
        public Integer call() {
            ObjectStore store = PlatformConfig.fromEnvironment().objectStore();
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

    /** The first few of a manifest's problems, for one line. */
    static String changedFiles(List<String> problems) {
        return String.join(", ", problems.subList(0, Math.min(3, problems.size())))
                + (problems.size() > 3 ? " and " + (problems.size() - 3) + " more" : "");
    }
}
