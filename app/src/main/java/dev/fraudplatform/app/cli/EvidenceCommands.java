package dev.fraudplatform.app.cli;

import dev.fraudplatform.app.AdminStores;
import dev.fraudplatform.app.EvidenceExport;
import dev.fraudplatform.app.PlatformConfig;
import dev.fraudplatform.core.store.ObjectStore;
import dev.fraudplatform.ops.ConformanceReport;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code fp evidence}: a finished run's evidence, gathered to outlive the environment that ran it. */
@Command(
        name = "evidence",
        description = "A finished run's evidence, gathered into one archive in the object store.",
        subcommands = {EvidenceCommands.Export.class})
public final class EvidenceCommands extends Group {

    @Command(
            name = "export",
            description = "Gather a finished run's evidence into evidence/<run>/export/<time>.zip in the object store: "
                    + "its facts (with the code and image it ran), conformance report, drill and replay results, the "
                    + "wiring comparisons naming it, an audit slice, screenshots of the report and of the ops console (headless Chromium) "
                    + "and a manifest of SHA-256 digests. Refused for an unknown run or one that has not ended.")
    public static final class Export implements Callable<Integer> {
        @Option(names = "--run", required = true, description = "The run (platform_run_id).")
        String runId;

        @Override
        public Integer call() throws Exception {
            Check.runId("--run", runId);
            // Read-only on the database; writes the one archive: a running platform is left alone.
            PlatformConfig cfg = PlatformConfig.fromEnvironment();
            ObjectStore store = cfg.objectStore();
            // A run with no evidence at all is answered before any database is opened (or, embedded, started).
            if (store.list(ConformanceReport.evidenceKey(runId, "")).isEmpty())
                throw new IllegalArgumentException(
                        "run " + runId + " not found: no evidence of it in " + store.describe());
            try (AdminStores stores = AdminStores.open(cfg)) {
                EvidenceExport.Result r = EvidenceExport.export(store, stores, runId);
                System.out.println(
                        "exported " + r.entries().size() + " entries of run " + runId + " to " + r.location());
                for (String note : r.notes()) System.out.println("  note: " + note);
                return 0;
            }
        }
    }
}
