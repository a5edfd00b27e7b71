package dev.fraudplatform.app;

import dev.fraudplatform.core.decision.AuditRecord;
import dev.fraudplatform.core.decision.DecisionIdSort;
import dev.fraudplatform.core.store.ObjectStore;
import dev.fraudplatform.decision.bundle.DecisionBundle;
import dev.fraudplatform.decision.scoring.DecisionFabric;
import dev.fraudplatform.ops.RunReport.Check;
import dev.fraudplatform.rtdl.audit.AuditLog;
import dev.fraudplatform.rtdl.audit.AuditReplay;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * A run's shadow scoring at its end (issue 15 §5): the shadow audit segments sealed with the run's, and the law that
 * every decision of the run has exactly one shadow decision, audited and replayable with the shadow bundle. Runs
 * without a bundle in shadow have none of this, and their report is as before.
 */
final class ShadowScoring {
    private static final byte[] NO_CONTENT = new byte[0];
    /** The tag of an active decision's id among the ids counted ({@link IdCounts}). */
    static final int ACTIVE = 0;
    /** The tag of a shadow decision's id among the ids counted ({@link IdCounts}). */
    static final int SHADOW = 1;

    private ShadowScoring() {}

    /** Counts over decision ids met in order, each id's active and shadow entries together. */
    static final class IdCounts {
        long decisions;
        long withoutShadow;
        long shadowWithoutActive;
        long duplicated;
        private String id;
        private boolean active;
        private int shadows;

        /** Counts the {@link #ACTIVE} and {@link #SHADOW} ids of {@code ids}, sorting them. */
        static IdCounts of(DecisionIdSort ids) {
            IdCounts counts = new IdCounts();
            ids.forEachSorted(counts::take);
            counts.endOfId();
            return counts;
        }

        private void take(DecisionIdSort.Entry e) {
            if (!e.id().equals(id)) {
                endOfId();
                id = e.id();
            }
            if (e.tag() == ACTIVE) active = true;
            else shadows++;
        }

        /** Counts the id met last, if any. */
        private void endOfId() {
            if (id == null) return;
            if (active) decisions++;
            if (active && shadows == 0) withoutShadow++;
            if (!active && shadows > 0) shadowWithoutActive++;
            if (shadows > 1) duplicated++;
            id = null;
            active = false;
            shadows = 0;
        }
    }

    /**
     * What the run's shadow audit holds.
     *
     * @param shadowBundles       the bundle ids its records name
     * @param decisions           distinct active decisions of the run (the active audit's decision ids)
     * @param shadowRecords       shadow audit records
     * @param withoutShadow       active decisions with no shadow decision
     * @param shadowWithoutActive shadow decisions of no active decision
     * @param duplicated          decision ids with more than one shadow record
     * @param replayMatched       shadow records that re-score to themselves with the shadow bundle
     * @param problems            manifest problems, replay mismatches, or why there was nothing to replay with
     */
    record Tally(
            Set<String> shadowBundles,
            long decisions,
            long shadowRecords,
            long withoutShadow,
            long shadowWithoutActive,
            long duplicated,
            long replayMatched,
            List<String> problems) {

        Check law() {
            boolean passed = withoutShadow == 0
                    && shadowWithoutActive == 0
                    && duplicated == 0
                    && replayMatched == shadowRecords
                    && problems.isEmpty();
            return new Check(
                    "every decision has exactly one shadow decision, audited and replayable",
                    passed,
                    String.format(
                                    java.util.Locale.ROOT,
                                    "bundle %s in shadow: %,d shadow decisions for %,d decisions; %,d without one, %,d"
                                            + " of no decision, %,d twice; %,d of %,d re-score to themselves",
                                    shadowBundles.isEmpty() ? "(none recorded)" : String.join(", ", shadowBundles),
                                    shadowRecords,
                                    decisions,
                                    withoutShadow,
                                    shadowWithoutActive,
                                    duplicated,
                                    replayMatched,
                                    shadowRecords)
                            + (problems.isEmpty()
                                    ? ""
                                    : "; " + String.join("; ", problems.subList(0, Math.min(5, problems.size())))));
        }
    }

    /**
     * Seals the run's shadow segments (an empty manifest when a shadow was set and decided nothing) and begins counting
     * them against the active audit, whose records the caller hands to {@link Matching#active} as it reads them (one
     * read of the audit for the report and this); null when the run had no bundle in shadow. Call after the active
     * segments are sealed.
     */
    static Matching match(ObjectStore store, String runId, DecisionBundle shadow) {
        if (shadow == null && AuditLog.shadowSegments(store, runId).isEmpty()) return null;
        AuditLog.sealShadow(store, runId, true);
        return new Matching(store, runId, shadow);
    }

    /** The run's active and shadow decision ids, sorted together in bounded memory: each id's entries come together. */
    static final class Matching implements AutoCloseable {
        private final ObjectStore store;
        private final String runId;
        private final DecisionBundle shadow;
        private final DecisionIdSort ids = new DecisionIdSort();

        private Matching(ObjectStore store, String runId, DecisionBundle shadow) {
            this.store = store;
            this.runId = runId;
            this.shadow = shadow;
        }

        /** An active audit record of the run. */
        void active(AuditRecord a) {
            ids.add(a.decision().decisionId(), NO_CONTENT, ACTIVE);
        }

        /** Reads the shadow audit, counts it against the active records handed in, and replays it. */
        Tally finish() {
            Set<String> bundles = new TreeSet<>();
            long[] records = {0};
            AuditLog.forEachShadow(store, runId, a -> {
                records[0]++;
                ids.add(a.decision().decisionId(), NO_CONTENT, SHADOW);
                bundles.add(a.decision().bundleId());
            });
            IdCounts counts = IdCounts.of(ids);
            List<String> problems = new ArrayList<>();
            long matched = 0;
            if (shadow == null) {
                problems.add("shadow decisions recorded, but this process has no bundle in shadow to replay them with");
                problems.addAll(AuditLog.verifyShadow(store, runId));
            } else {
                AuditReplay.Result replay = AuditReplay.replayShadow(store, runId, new DecisionFabric(shadow));
                matched = replay.matched();
                problems.addAll(replay.manifestProblems());
                problems.addAll(replay.mismatches());
            }
            return new Tally(
                    bundles,
                    counts.decisions,
                    records[0],
                    counts.withoutShadow,
                    counts.shadowWithoutActive,
                    counts.duplicated,
                    matched,
                    problems);
        }

        /** Removes the sort's chunk files, if any are left. */
        @Override
        public void close() {
            ids.close();
        }
    }
}
