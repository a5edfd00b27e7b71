package dev.fraudplatform.core.run;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Port: what the platform's stores can prove about a run, read across the gate's receipts and the Action Layer's
 * effects: the law checks of the conformance report, its time series, and the live numbers of the ops console.
 * Read-only; every method reads the stores as they are when it is called. Thread-safe.
 */
public interface RunEvidence {
    /** Admitted transactions that have no applied effect: each one is a decision lost. */
    long admittedWithoutEffect(String runId);

    /** Effects whose event the gate never admitted as a transaction of this run: effects out of nowhere. */
    long effectsWithoutAdmission(String runId);

    /** Effects beyond the first for one event: an effect applied twice (two decisions for one event, or a replay). */
    long effectsAppliedTwice(String runId);

    /** Events admitted more than once in the run (one dedupe tuple, two ADMITTED receipts): a double admission. */
    long doubleAdmissions(String runId);

    /** Admitted receipts, and the distinct bus coordinates they name: equal when no two admissions share a record. */
    BusCoordinateCount busCoordinates(String runId);

    /**
     * INTEGRITY_MISMATCH quarantines of the run whose event stands admitted under another payload hash: the original
     * that a changed copy could not replace.
     */
    long integrityMismatchesWhoseOriginalStands(String runId);

    /** Applied decisions by degrade mode whose decision became visible in [{@code fromMillis}, {@code toMillis}). */
    Map<String, Long> degradeModesVisible(String runId, long fromMillis, long toMillis);

    /** Applied decisions by degrade mode whose event the gate admitted in [{@code fromMillis}, {@code toMillis}). */
    Map<String, Long> degradeModesAdmitted(String runId, long fromMillis, long toMillis);

    /** Quarantined receipts of the run by reason. */
    Map<String, Long> quarantineByReason(String runId);

    /** The append-only stores (tables), each of which must be guarded against change in place. */
    List<String> appendOnlyTables();

    /** Those of {@link #appendOnlyTables()} whose guard is missing or disabled (empty when every one is guarded). */
    List<String> unguardedAppendOnlyTables();

    /**
     * A SHA-256 over the run's receipts, effects and label assertions received, applied or recorded up to {@code cutoff} (null: up to now), in a
     * fixed order, with the cutoff used: taken when the run ends, it shows later that none of those rows changed.
     */
    AppendOnlyDigest appendOnlyDigest(String runId, Instant cutoff);

    /** Receipts, effects and label assertions of the run after {@code cutoff}: rows that arrived after its evidence was taken. */
    long rowsAfter(String runId, Instant cutoff);

    /** Per second since the run's first receipt: events admitted and decisions applied. */
    List<SecondCounts> throughput(String runId);

    /**
     * Decision latency (gate admission to the committed decision seen by the Action Layer) as a histogram: upper
     * bound in ms ({@code "+Inf"} for the last) to count, in bucket order; buckets are not cumulative.
     */
    Map<String, Long> latencyHistogram(String runId);

    /** Decision latency quantiles of the run, and when its first decision was seen. */
    LatencySummary latency(String runId);

    /** Applied decisions of the run by action. */
    Map<String, Long> countsByAction(String runId);

    /** Applied decisions of the run by degrade mode ({@code UNRECORDED} when an effect names none). */
    Map<String, Long> countsByDegradeMode(String runId);

    /** Admitted receipts vs the distinct bus records they name, and the highest offset named per topic-partition. */
    record BusCoordinateCount(
            long admittedReceipts, long distinctRecords, Map<String, Long> highestOffsetByPartition) {}

    /** A digest of a run's append-only rows, and the time up to which it covers them. */
    record AppendOnlyDigest(String sha256, Instant cutoff) {}

    /** Events admitted and decisions applied in one second of the run (seconds since its first receipt). */
    record SecondCounts(int second, long admitted, long decided) {}

    /**
     * Latency quantiles in milliseconds, from gate admission to the committed decision seen by the Action Layer;
     * {@code firstDecisionSeenAtMillis} (epoch millis) is 0 when no decision was seen.
     */
    record LatencySummary(
            double p50Millis,
            double p99Millis,
            double p999Millis,
            double maxMillis,
            long samples,
            long firstDecisionSeenAtMillis) {}
}
