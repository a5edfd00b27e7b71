package dev.fraudplatform.rtdl.audit;

import dev.fraudplatform.core.decision.Decision;
import dev.fraudplatform.core.store.ObjectStore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Compares the decisions of two runs of one world (ARCHITECTURE.md §6), typically strict mode (the reference: one
 * partition, one stream thread, one streamer lane) against scaled mode. Decisions are matched by decision id and
 * compared on their deterministic content with the run id left out. A differing decision is <em>explained</em> when the
 * candidate's own record says it was made without complete state: a degrade mode below the reference's, or missing
 * context named in its frame (including cross-entity state applied out of event-time order).
 */
public final class RunComparison {
    /**
     * @param decisions    decisions in the reference run
     * @param matched      candidate decisions identical in deterministic content
     * @param explained    differing decisions whose candidate names why (degrade mode or missing context)
     * @param unexplained  differing decisions that name nothing, with their first few ids
     * @param missing      reference decisions the candidate does not have
     * @param differingBy  differing decisions by the first field that differs
     * @param explainedBy  explained decisions by what their candidate names first (flow ids left out)
     */
    public record Result(
            long decisions,
            long matched,
            long explained,
            long unexplained,
            List<String> unexplainedExamples,
            long missing,
            Map<String, Long> differingBy,
            Map<String, Long> explainedBy) {
        public double matchRate() {
            return decisions == 0 ? 0 : (double) matched / decisions;
        }

        /** Whether every differing decision carries its reason and none is missing. */
        public boolean everyDifferenceExplained() {
            return unexplained == 0 && missing == 0;
        }

        public String summary() {
            return String.format(
                    java.util.Locale.ROOT,
                    "%,d decisions, %,d identical (%.2f%%), %,d differ with a recorded degrade, %,d differ "
                            + "without one, %,d missing; differing fields %s; explained by %s",
                    decisions,
                    matched,
                    100.0 * matchRate(),
                    explained,
                    unexplained,
                    missing,
                    differingBy,
                    explainedBy);
        }
    }

    private RunComparison() {}

    public static Result compare(ObjectStore store, String referenceRun, String candidateRun) {
        return compare(store, referenceRun, store, candidateRun);
    }

    /**
     * As {@link #compare(ObjectStore, String, String)}, each run's audit read from its own store: one world run on two
     * wirings (the filesystem store of one, S3 of the other).
     */
    public static Result compare(
            ObjectStore referenceStore, String referenceRun, ObjectStore store, String candidateRun) {
        Map<String, Decision> reference = new HashMap<>();
        AuditLog.forEach(
                referenceStore,
                referenceRun,
                a -> reference.putIfAbsent(a.decision().decisionId(), a.decision()));
        long[] n = new long[3]; // matched, explained, unexplained
        List<String> examples = new ArrayList<>();
        Map<String, Long> by = new TreeMap<>();
        Map<String, Long> because = new TreeMap<>();
        java.util.Set<String> seen = new java.util.HashSet<>();
        AuditLog.forEach(store, candidateRun, a -> {
            Decision c = a.decision();
            Decision r = reference.get(c.decisionId());
            if (r == null || !seen.add(c.decisionId())) return;
            if (r.contentDigest().equals(c.contentDigest())) {
                n[0]++;
                return;
            }
            by.merge(firstDifference(r, c), 1L, Long::sum);
            boolean explained = c.degradeMode().compareTo(r.degradeMode()) > 0
                    || !c.missingContext().isEmpty();
            if (explained) {
                n[1]++;
                String why = c.missingContext().isEmpty()
                        ? "degrade " + c.degradeMode()
                        : c.missingContext().get(0).replaceAll("flow \\S+", "flow F");
                because.merge(why, 1L, Long::sum);
            } else {
                n[2]++;
                if (examples.size() < 10) examples.add(c.decisionId());
            }
        });
        long missing =
                reference.keySet().stream().filter(id -> !seen.contains(id)).count();
        return new Result(reference.size(), n[0], n[1], n[2], examples, missing, by, because);
    }

    private static String firstDifference(Decision r, Decision c) {
        if (!java.util.Objects.equals(r.featureDigest(), c.featureDigest())) {
            if (r.features() != null && c.features() != null) {
                var names = new java.util.TreeSet<String>();
                r.features().fieldNames().forEachRemaining(names::add);
                for (String f : names)
                    if (!r.features().path(f).equals(c.features().path(f))) return "features." + f;
            }
            return "feature_digest";
        }
        if (r.degradeMode() != c.degradeMode()) return "degrade_mode";
        if (!r.degradeReason().equals(c.degradeReason())) return "degrade_reason";
        if (r.action() != c.action()) return "action";
        return "score";
    }
}
