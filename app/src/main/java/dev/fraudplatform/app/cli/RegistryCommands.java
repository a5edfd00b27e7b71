package dev.fraudplatform.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fraudplatform.app.AdminStores;
import dev.fraudplatform.app.PlatformConfig;
import dev.fraudplatform.app.RunBundles;
import dev.fraudplatform.core.envelope.Times;
import dev.fraudplatform.core.registry.BundleRegistry;
import dev.fraudplatform.core.registry.BundleState;
import dev.fraudplatform.core.registry.RegistryEntry;
import dev.fraudplatform.core.registry.StateChange;
import dev.fraudplatform.learning.registry.ModelRegistry;
import dev.fraudplatform.learning.registry.PromotionGates;
import dev.fraudplatform.learning.registry.StoredBundles;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code fp registry}: the Model and Policy Registry. Bundles and their states, registration of a bundle directory as a
 * candidate, promotion (to active only through the promotion gates) and rollback. Every change names who and why;
 * every refusal is one line, exit 2, and leaves the registry unchanged.
 */
@Command(
        name = "registry",
        description = "The Model and Policy Registry: decision bundles, their states, promotion and rollback.",
        subcommands = {
            RegistryCommands.ListBundles.class,
            RegistryCommands.Show.class,
            RegistryCommands.Register.class,
            RegistryCommands.Promote.class,
            RegistryCommands.Rollback.class
        })
public final class RegistryCommands extends Group {

    private static String shortDigest(String digest) {
        return digest.length() > 12 ? digest.substring(0, 12) : digest;
    }

    private static void printChange(StateChange c) {
        System.out.printf(
                Locale.ROOT,
                "  %s  %-9s  by %s: %s%s%n",
                Times.format(c.at()),
                c.state(),
                c.by(),
                c.reason(),
                c.detail() == null ? "" : " [" + c.detail() + "]");
    }

    @Command(name = "list", description = "Every registered bundle with its state, most recently changed first.")
    static final class ListBundles implements Callable<Integer> {
        @Override
        public Integer call() {
            try (AdminStores stores = AdminStores.open(PlatformConfig.fromEnvironment())) {
                List<RegistryEntry> all = stores.bundleRegistry().list();
                if (all.isEmpty()) System.out.println("no bundles registered");
                for (RegistryEntry e : all) {
                    System.out.printf(
                            Locale.ROOT,
                            "%-24s %-9s  digest %s  %s by %s: %s%n",
                            e.bundleId(),
                            e.state(),
                            shortDigest(e.bundleDigest()),
                            Times.format(e.latest().at()),
                            e.latest().by(),
                            e.latest().reason());
                }
                System.out.println("runs given no bundle decide with: "
                        + stores.bundleRegistry()
                                .active()
                                .map(a -> a.bundleId() + " (active)")
                                .orElse(RunBundles.BUILT_IN_DEFAULT + " (built in; no bundle is active)"));
            }
            return 0;
        }
    }

    @Command(
            name = "show",
            description = "A bundle: digests, where it is stored, its evidence, its history, and the promotion gates "
                    + "as they stand against the active bundle now.")
    static final class Show implements Callable<Integer> {
        @Parameters(paramLabel = "BUNDLE")
        String bundleId;

        @Override
        public Integer call() {
            BundleRegistry.checkBundleId(bundleId);
            PlatformConfig cfg = PlatformConfig.fromEnvironment();
            try (AdminStores stores = AdminStores.open(cfg)) {
                BundleRegistry states = stores.bundleRegistry();
                RegistryEntry e = states.entry(bundleId)
                        .orElseThrow(() -> new IllegalArgumentException("no bundle " + bundleId + " is registered"));
                StoredBundles stored = new StoredBundles(cfg.objectStore());
                System.out.println("bundle       " + e.bundleId());
                System.out.println("state        " + e.state());
                System.out.println("digest       " + e.bundleDigest());
                System.out.println("manifest     " + e.manifestDigest());
                System.out.println("stored at    " + cfg.objectStore().locationOf(e.location()));
                System.out.println("registered   " + Times.format(e.registeredAt()));
                JsonNode json = stored.bundleJson(e);
                JsonNode test = json.path("evidence").path("metrics").path("test");
                System.out.println("evidence     " + (json.has("evidence") ? "" : "none"));
                if (test.isObject()) System.out.println("  test metrics " + test);
                JsonNode window = json.path("evidence").path("metrics").path("window");
                if (window.isObject()) System.out.println("  window       " + window);
                System.out.println("history");
                states.history(bundleId).forEach(RegistryCommands::printChange);
                var active = states.active();
                PromotionGates.Verdict verdict = new PromotionGates(PromotionGates.DEFAULTS)
                        .check(
                                json,
                                active.map(RegistryEntry::bundleId).orElse(null),
                                active.map(stored::bundleJson).orElse(null));
                System.out.println("gates to active now ("
                        + active.map(a -> "against " + a.bundleId()).orElse("nothing active") + ")");
                verdict.gates().forEach(g -> System.out.println("  " + g));
            }
            return 0;
        }
    }

    @Command(
            name = "register",
            description =
                    "Store a bundle directory (bundle.json, the model it names, evidence files) in the object "
                            + "store and register it as a candidate; it must load, and its model must have the SHA-256 it pins.")
    static final class Register implements Callable<Integer> {
        @Option(names = "--bundle", required = true, paramLabel = "DIR", description = "The bundle directory.")
        Path directory;

        @picocli.CommandLine.Mixin
        WhoAndWhyMixin who;

        @Override
        public Integer call() {
            who.check();
            // Refused before anything opens: a bundle that does not load or whose model was changed.
            StoredBundles.verifyDirectory(directory);
            PlatformConfig cfg = PlatformConfig.fromEnvironment();
            try (AdminStores stores = AdminStores.open(cfg)) {
                ModelRegistry registry = RunBundles.registry(stores.bundleRegistry(), cfg.objectStore());
                RegistryEntry e = registry.register(directory, who.by, who.reason);
                System.out.println("bundle " + e.bundleId() + " is " + e.state() + " (digest " + e.bundleDigest()
                        + "), stored at " + cfg.objectStore().locationOf(e.location()));
            }
            return 0;
        }
    }

    @Command(
            name = "promote",
            description = "Move a bundle to shadow, or to active through the promotion gates (evaluation, beats the "
                    + "active bundle on the same window, parity, replay proof); the bundle it replaces is retired.")
    static final class Promote implements Callable<Integer> {
        @Parameters(paramLabel = "BUNDLE")
        String bundleId;

        @Option(names = "--to", required = true, paramLabel = "STATE", description = "shadow or active.")
        String to;

        @picocli.CommandLine.Mixin
        WhoAndWhyMixin who;

        @Override
        public Integer call() {
            BundleRegistry.checkBundleId(bundleId);
            BundleState target = switch (to.trim().toLowerCase(Locale.ROOT)) {
                case "shadow" -> BundleState.SHADOW;
                case "active" -> BundleState.ACTIVE;
                default -> throw new IllegalArgumentException("--to is shadow or active, was " + to);
            };
            who.check();
            PlatformConfig cfg = PlatformConfig.fromEnvironment();
            try (AdminStores stores = AdminStores.open(cfg)) {
                ModelRegistry registry = RunBundles.registry(stores.bundleRegistry(), cfg.objectStore());
                ModelRegistry.Promotion p = registry.promote(bundleId, target, who.by, who.reason);
                p.changes().forEach(c -> System.out.println(c.bundleId() + " -> " + c.state()));
                if (p.verdict() != null) p.verdict().gates().forEach(g -> System.out.println("  " + g));
            }
            return 0;
        }
    }

    @Command(
            name = "rollback",
            description = "Make the previous active bundle active again; the current active bundle is retired.")
    static final class Rollback implements Callable<Integer> {
        @picocli.CommandLine.Mixin
        WhoAndWhyMixin who;

        @Override
        public Integer call() {
            who.check();
            PlatformConfig cfg = PlatformConfig.fromEnvironment();
            try (AdminStores stores = AdminStores.open(cfg)) {
                ModelRegistry registry = RunBundles.registry(stores.bundleRegistry(), cfg.objectStore());
                registry.rollback(who.by, who.reason)
                        .forEach(c -> System.out.println(c.bundleId() + " -> " + c.state()));
            }
            return 0;
        }
    }

    /** {@code --by} and {@code --reason}, shared by every change. */
    static final class WhoAndWhyMixin {
        @Option(names = "--by", required = true, paramLabel = "NAME", description = "Who makes the change.")
        String by;

        @Option(names = "--reason", required = true, paramLabel = "TEXT", description = "Why (free text, required).")
        String reason;

        void check() {
            BundleRegistry.checkWhoAndWhy(by, reason);
        }
    }
}
