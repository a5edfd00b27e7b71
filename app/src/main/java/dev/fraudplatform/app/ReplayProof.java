package dev.fraudplatform.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fraudplatform.core.json.CanonicalJson;
import dev.fraudplatform.core.json.Json;
import dev.fraudplatform.core.run.RunFacts;
import dev.fraudplatform.decision.bundle.DecisionBundle;
import dev.fraudplatform.ops.ConformanceReport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * The replay proof (ARCHITECTURE.md §6): runs a finished run's world again with the bundle its facts pin, as a new run,
 * and compares the two decision-log digests. The result is written to the original run's evidence as
 * {@code evidence/<run>/replay-<replay run>.json}; the proof holds when the digests match and the replay reconciled.
 */
public final class ReplayProof {
    /** What a replay showed. */
    public record Result(
            String originalRun,
            String replayRun,
            String originalDigest,
            String replayDigest,
            boolean replayReconciled) {
        public boolean holds() {
            return replayReconciled && originalDigest.equals(replayDigest);
        }

        ObjectNode toJson() {
            ObjectNode n = Json.MAPPER.createObjectNode();
            n.put("original_run", originalRun)
                    .put("replay_run", replayRun)
                    .put("original_digest", originalDigest)
                    .put("replay_digest", replayDigest)
                    .put("replay_reconciled", replayReconciled)
                    .put("digests_match", originalDigest.equals(replayDigest))
                    .put("holds", holds());
            return n;
        }
    }

    private ReplayProof() {}

    /**
     * Replays {@code runId} on {@code platform}. Refuses (IllegalArgumentException) a run that is unknown, has no report,
     * or whose pinned bundle is not the one this build ships.
     */
    public static Result replay(Platform platform, String runId, Consumer<String> status) throws Exception {
        RunFacts facts =
                platform.runs().facts(runId).orElseThrow(() -> new IllegalArgumentException("no run " + runId));
        String reportKey = "evidence/" + runId + "/report.json";
        if (!platform.store().exists(reportKey))
            throw new IllegalArgumentException("run " + runId + " has no report to replay against");
        JsonNode report;
        try {
            report = Json.MAPPER.readTree(platform.store().read(reportKey));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // the pinned bundle, built in or registered, with the pinned digest
        DecisionBundle bundle;
        try {
            bundle = RunBundles.byId(
                    platform.wiring().bundleRegistry(), platform.store(), facts.bundleId(), facts.bundleDigest());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("run " + runId + " pinned bundle " + facts.bundleId() + " ("
                    + facts.bundleDigest() + "): " + e.getMessage());
        }
        PlatformRun run = PlatformRun.start(platform, facts.worldId(), bundle, status);
        run.stream();
        if (!run.awaitDrain(Duration.ofSeconds(120)))
            throw new IllegalStateException("replay run " + run.runId() + " did not drain");
        ConformanceReport again = run.finish();
        Result result = new Result(
                runId,
                run.runId(),
                report.path("decision_log_digest").asText(),
                again.run().decisionLogDigest(),
                again.passed());
        platform.store()
                .create("evidence/" + runId + "/replay-" + run.runId() + ".json", CanonicalJson.bytes(result.toJson()));
        return result;
    }
}
