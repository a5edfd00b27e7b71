package dev.fraudplatform.rtdl.audit;

import dev.fraudplatform.core.decision.AuditRecord;
import dev.fraudplatform.core.decision.Decision;
import dev.fraudplatform.core.decision.JoinFrame;
import dev.fraudplatform.core.store.ObjectStore;
import dev.fraudplatform.decision.scoring.DecisionFabric;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Audit replay: re-scores every recorded frame of a run with the run's bundle and compares each result's deterministic
 * content with the recorded decision. The Decision Fabric is a pure function of (frame, bundle), so anything short of
 * 100% is a defect: a frame recorded incompletely, a bundle that changed, or scoring that depends on something else.
 * The segments are first checked against their manifest.
 */
public final class AuditReplay {
    /** The outcome: records re-scored, how many matched, the first mismatches and any manifest problems. */
    public record Result(long records, long matched, List<String> mismatches, List<String> manifestProblems) {
        public boolean passed() {
            return records > 0 && matched == records && manifestProblems.isEmpty();
        }

        public double matchRate() {
            return records == 0 ? 0 : (double) matched / records;
        }
    }

    private AuditReplay() {}

    public static Result replay(ObjectStore store, String runId, DecisionFabric fabric) {
        return replay(store, runId, fabric, a -> {});
    }

    /**
     * As {@link #replay(ObjectStore, String, DecisionFabric)}, handing each record read to {@code alsoEach} as well: a
     * report that counts the audit reads it once, not once to count and once to replay.
     */
    public static Result replay(
            ObjectStore store, String runId, DecisionFabric fabric, Consumer<AuditRecord> alsoEach) {
        return replay(store, AuditLog.verify(store, runId), AuditLog.segments(store, runId), fabric, alsoEach);
    }

    /**
     * Replays a run's shadow decisions with the shadow bundle's fabric: they too are a pure function of the recorded
     * frame and their bundle.
     */
    public static Result replayShadow(ObjectStore store, String runId, DecisionFabric shadowFabric) {
        return replay(
                store,
                AuditLog.verifyShadow(store, runId),
                AuditLog.shadowSegments(store, runId),
                shadowFabric,
                a -> {});
    }

    private static Result replay(
            ObjectStore store,
            List<String> manifestProblems,
            List<String> segments,
            DecisionFabric fabric,
            Consumer<AuditRecord> alsoEach) {
        List<String> manifest = new ArrayList<>(manifestProblems);
        long[] counts = {0, 0};
        List<String> mismatches = new ArrayList<>();
        for (String segment : segments) {
            try {
                AuditLog.forEachIn(store, segment, a -> {
                    alsoEach.accept(a);
                    replay(fabric, a, counts, mismatches);
                });
            } catch (RuntimeException e) {
                manifest.add(segment + ": unreadable (" + e.getMessage() + ")");
            }
        }
        return new Result(counts[0], counts[1], mismatches, manifest);
    }

    private static void replay(DecisionFabric fabric, AuditRecord a, long[] counts, List<String> mismatches) {
        counts[0]++;
        Decision recorded = a.decision();
        Decision again = fabric.decide(JoinFrame.of(recorded));
        if (again.contentDigest().equals(recorded.contentDigest())) {
            counts[1]++;
        } else if (mismatches.size() < 10) {
            mismatches.add(recorded.decisionId() + ": recorded " + recorded.deterministicContent() + ", re-scored "
                    + again.deterministicContent());
        }
    }
}
