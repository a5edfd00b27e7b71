package dev.fraudplatform.app.cli;

import dev.fraudplatform.app.Platform;
import dev.fraudplatform.app.PlatformConfig;
import dev.fraudplatform.app.ReplayProof;
import dev.fraudplatform.ops.ConformanceReport;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code fp replay}: the replay proof of a finished run. */
@Command(
        name = "replay",
        description = "Replay proof: run a finished run's world again with its pinned bundle and compare "
                + "decision-log digests; the result joins the run's evidence. Exit 0 only when they match.")
public final class ReplayCommand implements Callable<Integer> {
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
            ReplayProof.Result r = ReplayProof.replay(platform, runId, StatusLine::show);
            StatusLine.end();
            System.out.println("replay of " + r.originalRun() + " as " + r.replayRun() + ": digest "
                    + r.replayDigest() + (r.holds() ? " matches" : " DOES NOT MATCH " + r.originalDigest())
                    + (r.replayReconciled() ? "" : "; the replay did not reconcile"));
            System.out.println("evidence: "
                    + cfg.objectStore()
                            .locationOf("evidence/" + r.originalRun() + "/replay-" + r.replayRun() + ".json"));
            return r.holds() ? 0 : 1;
        }
    }
}
