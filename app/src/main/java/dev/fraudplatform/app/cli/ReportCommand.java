package dev.fraudplatform.app.cli;

import dev.fraudplatform.app.AdminStores;
import dev.fraudplatform.app.PlatformConfig;
import dev.fraudplatform.app.RunLaws;
import dev.fraudplatform.core.store.ObjectStore;
import dev.fraudplatform.ops.ConformanceReport;
import dev.fraudplatform.ops.RunReport;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code fp report}: a finished run's evidence re-checked against the stores as they are now. */
@Command(
        name = "report",
        description = "Re-check a finished run's evidence against the stores as they are now: its append-only rows "
                + "unchanged, every law, every manifest; exit 1 when any law is broken.")
public final class ReportCommand implements Callable<Integer> {
    @Option(names = "--run", required = true, description = "The run (platform_run_id).")
    String runId;

    @Override
    public Integer call() throws Exception {
        // Read-only: the database and the object store, no broker and no roles (a running platform is left alone).
        PlatformConfig cfg = PlatformConfig.fromEnvironment();
        ObjectStore store = cfg.objectStore();
        if (!store.exists(ConformanceReport.evidenceKey(runId, "report.json"))) {
            throw new IllegalArgumentException(
                    "run " + runId + " has no conformance report (no run, or it never finished)");
        }
        try (AdminStores stores = AdminStores.open(cfg)) {
            List<RunReport.Check> checks = RunLaws.recheck(store, stores.evidence(), runId);
            for (var c : checks)
                System.out.printf(Locale.ROOT, "[%s] %s: %s%n", c.passed() ? "ok" : "BROKEN", c.name(), c.detail());
            boolean hold = checks.stream().allMatch(RunReport.Check::passed);
            System.out.println(hold ? "every law holds for run " + runId : "LAW BROKEN for run " + runId);
            System.out.println("evidence: " + store.locationOf(ConformanceReport.evidenceKey(runId, "report.html")));
            return hold ? 0 : 1;
        }
    }
}
