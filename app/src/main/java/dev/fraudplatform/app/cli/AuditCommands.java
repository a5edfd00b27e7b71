package dev.fraudplatform.app.cli;

import dev.fraudplatform.app.AdminStores;
import dev.fraudplatform.app.PlatformConfig;
import dev.fraudplatform.app.RunBundles;
import dev.fraudplatform.core.run.RunFacts;
import dev.fraudplatform.decision.bundle.DecisionBundle;
import dev.fraudplatform.decision.scoring.DecisionFabric;
import dev.fraudplatform.rtdl.audit.AuditReplay;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code fp audit}: the Decision Log and Audit. */
@Command(
        name = "audit",
        description = "The Decision Log and Audit.",
        subcommands = {AuditCommands.Replay.class})
public final class AuditCommands extends Group {

    @Command(
            name = "replay",
            description = "Re-score every audited frame of a run with its pinned bundle; exit 0 only on a 100%% match.")
    static final class Replay implements Callable<Integer> {
        @Option(names = "--run", required = true, paramLabel = "RUN_ID", description = "The run to replay.")
        String runId;

        @Override
        public Integer call() {
            PlatformConfig cfg = PlatformConfig.fromEnvironment();
            RunFacts facts;
            DecisionBundle bundle;
            try (AdminStores stores = AdminStores.open(cfg)) {
                facts = stores.runs().facts(runId).orElseThrow(() -> new IllegalArgumentException("no run " + runId));
                // the pinned bundle, built in or registered, with the pinned digest
                try {
                    bundle = RunBundles.byId(
                            stores.bundleRegistry(), cfg.objectStore(), facts.bundleId(), facts.bundleDigest());
                } catch (IllegalArgumentException e) {
                    System.err.println("run " + runId + " pinned bundle " + facts.bundleId() + " ("
                            + facts.bundleDigest() + "): " + e.getMessage());
                    return 1;
                }
            }
            var result = AuditReplay.replay(cfg.objectStore(), runId, new DecisionFabric(bundle));
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
