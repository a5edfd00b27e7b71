package dev.fraudplatform.learning.features;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fraudplatform.core.decision.Decision;
import dev.fraudplatform.core.json.CanonicalJson;
import dev.fraudplatform.core.json.Json;
import dev.fraudplatform.core.store.Manifest;
import dev.fraudplatform.core.store.ObjectStore;
import dev.fraudplatform.decision.features.LoopFeatures;
import dev.fraudplatform.parquet.ParquetCodec;
import dev.fraudplatform.parquet.ParquetSchema;
import dev.fraudplatform.parquet.ParquetType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * The Offline Feature Shadow (OFS): recomputes every online feature of a run point-in-time from its archive, writes
 * them as feature tables, and reports their parity with what the loop decided on.
 *
 * <p>The recomputation is the wiring's: it replays the run's archived traffic, in bus order, through the loop's own
 * topology ({@code rtdl.offline.OfflineLoop}), so the features come from the same code the loop runs, never from a
 * second implementation. A feature at decision time t is a function of the events before it in the account's log, so
 * replaying the log reads no future: {@code FeatureTimeTravelIT} proves it by cutting the log at t.
 *
 * <p>Parity, per feature f: {@code match_rate(f) = COUNT(decisions whose recomputed f equals the f the audit recorded)
 * / COUNT(decisions)}, where a decision the other side never made counts as a mismatch of every feature. Strict mode
 * (one partition, the platform's default) must match 100%; scaled mode at least 99.9% ({@link Mode#minimumMatchRate}).
 * Each mismatch is listed with its cause: the online decision was made without some context (its degrade mode names
 * what was missing), a decision one side never made, or a feature value that differs.
 *
 * <p>Outputs, under {@code ofs/<run>/}: {@code features/part-NNNNN.parquet} (one row per recomputed decision: {@code
 * decision_id}, {@code event_id}, {@code event_time_ms}, {@code degrade_mode}, then every feature of the loop's
 * catalogue as a DOUBLE column, names in order, a feature a decision lacks being null), {@code parity.json}, and a manifest sealing them.
 * A sealed run is not recomputed: {@link #run} returns its report (idempotent, and a resumable step).
 */
public final class OfflineFeatureShadow {
    /** Rows per feature-table file. */
    static final int ROWS_PER_FILE = 100_000;
    /** Mismatches kept with their full feature detail; the rest are counted only. */
    static final int DETAIL_LIMIT = 20_000;
    /** Mismatches listed in the report. */
    static final int LISTED = 200;

    /** The run's mode, which sets the parity bar. */
    public enum Mode {
        STRICT(1.0),
        SCALED(0.999);

        private final double minimumMatchRate;

        Mode(double minimumMatchRate) {
            this.minimumMatchRate = minimumMatchRate;
        }

        public double minimumMatchRate() {
            return minimumMatchRate;
        }
    }

    /** Replays the run's archived traffic through the loop's feature code, handing out each decision it makes. */
    @FunctionalInterface
    public interface Recomputation {
        void replay(Consumer<Decision> out) throws Exception;
    }

    /** The decisions the Decision Log and Audit recorded for the run, with their feature snapshots. */
    @FunctionalInterface
    public interface RecordedDecisions {
        void forEach(Consumer<Decision> out) throws Exception;
    }

    private OfflineFeatureShadow() {}

    public static String prefix(String runId) {
        return "ofs/" + runId;
    }

    public static String featuresPrefix(String runId) {
        return prefix(runId) + "/features/";
    }

    public static String parityKey(String runId) {
        return prefix(runId) + "/parity.json";
    }

    /** The parity report of a run whose OFS is sealed, if it is. */
    public static java.util.Optional<ParityReport> sealed(ObjectStore store, String runId) {
        if (!store.exists(prefix(runId) + "/" + Manifest.FILE_NAME)) return java.util.Optional.empty();
        try {
            return java.util.Optional.of(ParityReport.fromJson(Json.MAPPER.readTree(store.read(parityKey(runId)))));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /**
     * Recomputes and compares, writing the feature tables and the parity report; returns the report. A run already
     * sealed returns its stored report without recomputing.
     */
    public static ParityReport run(
            ObjectStore store, String runId, Mode mode, Recomputation recompute, RecordedDecisions recorded)
            throws Exception {
        var done = sealed(store, runId);
        if (done.isPresent()) return done.get();
        // Recorded side first, kept small: the digest of each decision's feature snapshot and its degrade mode.
        Map<String, Recorded> online = new HashMap<>();
        recorded.forEach(d -> online.put(
                d.decisionId(), new Recorded(d.featureDigest(), d.degradeMode().name())));
        Map<String, ObjectNode> differing = new LinkedHashMap<>();
        Tally tally = new Tally();
        TableWriter tables = new TableWriter(store, runId);
        java.util.Set<String> recomputed = new java.util.HashSet<>();
        recompute.replay(d -> {
            tally.recomputed++;
            recomputed.add(d.decisionId());
            tables.add(d);
            Recorded r = online.get(d.decisionId());
            if (r == null) {
                tally.offlineOnly++;
                if (tally.offlineOnlyIds.size() < LISTED) tally.offlineOnlyIds.add(d.decisionId());
            } else if (java.util.Objects.equals(r.featureDigest(), d.featureDigest())) {
                tally.matched++;
            } else if (differing.size() < DETAIL_LIMIT) {
                ObjectNode kept = Json.MAPPER.createObjectNode();
                kept.put("degrade_mode", d.degradeMode().name());
                kept.set("features", d.features());
                differing.put(d.decisionId(), kept);
            } else {
                tally.differingUndetailed++;
            }
        });
        tables.flush();
        for (String id : online.keySet()) {
            if (!recomputed.contains(id)) {
                tally.onlineOnly++;
                if (tally.onlineOnlyIds.size() < LISTED) tally.onlineOnlyIds.add(id);
            }
        }
        // Second pass over the recorded side, for the decisions whose snapshots differ: per feature, and why.
        Map<String, Long> featureMismatches = new TreeMap<>();
        Map<String, Long> causes = new TreeMap<>();
        List<ParityReport.Mismatch> listed = new ArrayList<>();
        if (!differing.isEmpty()) {
            recorded.forEach(d -> {
                ObjectNode offline = differing.get(d.decisionId());
                if (offline == null) return;
                JsonNode features = offline.get("features");
                List<String> differs = differingFeatures(d.features(), features);
                for (String f : differs) featureMismatches.merge(f, 1L, Long::sum);
                String offlineMode = offline.path("degrade_mode").asText();
                causes.merge(causeClass(d, offlineMode, differs), 1L, Long::sum);
                if (listed.size() < LISTED)
                    listed.add(new ParityReport.Mismatch(
                            d.decisionId(), cause(d, offlineMode, differs, d.features(), features)));
            });
        }
        if (tally.differingUndetailed > 0)
            causes.put("snapshot differs (beyond the first " + DETAIL_LIMIT + " detailed)", tally.differingUndetailed);
        if (tally.onlineOnly > 0) causes.put("decided online only", tally.onlineOnly);
        if (tally.offlineOnly > 0) causes.put("decided offline only", tally.offlineOnly);
        for (String id : tally.onlineOnlyIds)
            if (listed.size() < LISTED) listed.add(new ParityReport.Mismatch(id, "decided online only"));
        for (String id : tally.offlineOnlyIds)
            if (listed.size() < LISTED) listed.add(new ParityReport.Mismatch(id, "decided offline only"));
        // Every decision either side made; one that one side lacks, or whose detail was not kept, misses every feature.
        long total = online.size() + tally.offlineOnly;
        long wholeMisses = tally.onlineOnly + tally.offlineOnly + tally.differingUndetailed;
        TreeSet<String> names = new TreeSet<>(tables.featureNames());
        names.addAll(featureMismatches.keySet());
        Map<String, Double> rates = new LinkedHashMap<>();
        for (String f : names) {
            long bad = featureMismatches.getOrDefault(f, 0L) + wholeMisses;
            rates.put(f, total == 0 ? 0.0 : round((double) (total - bad) / total));
        }
        ParityReport report = new ParityReport(
                runId,
                mode.name(),
                mode.minimumMatchRate(),
                online.size(),
                tally.recomputed,
                tally.matched,
                rates,
                causes,
                listed,
                Instant.now().toString());
        store.create(parityKey(runId), CanonicalJson.bytes(report.toJson()));
        ObjectNode attributes = Json.MAPPER.createObjectNode();
        attributes.put("run_id", runId);
        attributes.put("kind", "offline-feature-shadow");
        Manifest.seal(store, prefix(runId), attributes);
        return report;
    }

    private record Recorded(String featureDigest, String degradeMode) {}

    /** The names of the features whose values differ (or that one side lacks), in name order. */
    static List<String> differingFeatures(JsonNode online, JsonNode offline) {
        TreeSet<String> names = new TreeSet<>();
        if (online != null) online.fieldNames().forEachRemaining(names::add);
        if (offline != null) offline.fieldNames().forEachRemaining(names::add);
        List<String> out = new ArrayList<>();
        for (String n : names) {
            JsonNode a = online == null ? null : online.get(n);
            JsonNode b = offline == null ? null : offline.get(n);
            if (a == null || b == null || !sameValue(a, b)) out.add(n);
        }
        return out;
    }

    private static boolean sameValue(JsonNode a, JsonNode b) {
        if (a.isNumber() && b.isNumber()) return a.doubleValue() == b.doubleValue();
        return a.equals(b);
    }

    /** Why one decision's snapshots differ, for people. */
    static String cause(
            Decision online, String offlineMode, List<String> differing, JsonNode onFeatures, JsonNode offFeatures) {
        if (!online.degradeMode().name().equals(offlineMode)) {
            String why = online.missingContext().isEmpty()
                    ? online.degradeReason()
                    : String.join("; ", online.missingContext());
            return "online " + online.degradeMode() + " (" + why + "), offline " + offlineMode
                    + "; features differing: " + summary(differing, onFeatures, offFeatures);
        }
        return "features differing: " + summary(differing, onFeatures, offFeatures);
    }

    /** The class of a cause, to count causes by: a change of degrade mode, else the first feature that differs. */
    static String causeClass(Decision online, String offlineMode, List<String> differing) {
        if (!online.degradeMode().name().equals(offlineMode))
            return "online " + online.degradeMode() + ", offline " + offlineMode;
        return differing.isEmpty() ? "snapshot digest differs" : "feature " + differing.get(0) + " differs";
    }

    private static String summary(List<String> differing, JsonNode on, JsonNode off) {
        List<String> parts = new ArrayList<>();
        for (String f : differing.subList(0, Math.min(5, differing.size()))) {
            parts.add(f + " online " + value(on, f) + " offline " + value(off, f));
        }
        if (differing.size() > 5) parts.add("and " + (differing.size() - 5) + " more");
        return differing.isEmpty() ? "none" : String.join(", ", parts);
    }

    private static String value(JsonNode features, String f) {
        JsonNode v = features == null ? null : features.get(f);
        return v == null ? "absent" : v.asText();
    }

    private static double round(double x) {
        return Math.round(x * 1_000_000.0) / 1_000_000.0;
    }

    /**
     * Turns recomputed decisions into feature-table rows as they come (a row is far smaller than a decision's JSON
     * snapshot) and writes them as files of {@link #ROWS_PER_FILE} rows. The columns are the loop's feature catalogue
     * ({@link LoopFeatures#NAMES}), fixed, so every file of every run has the same schema.
     */
    private static final class TableWriter {
        private static final ParquetSchema SCHEMA;

        static {
            List<ParquetSchema.Column> columns = new ArrayList<>();
            columns.add(ParquetSchema.required("decision_id", ParquetType.VARCHAR));
            columns.add(ParquetSchema.required("event_id", ParquetType.VARCHAR));
            columns.add(ParquetSchema.required("event_time_ms", ParquetType.BIGINT));
            columns.add(ParquetSchema.required("degrade_mode", ParquetType.VARCHAR));
            for (String n : LoopFeatures.NAMES) columns.add(ParquetSchema.optional(n, ParquetType.DOUBLE));
            SCHEMA = new ParquetSchema(columns);
        }

        private final ObjectStore store;
        private final String runId;
        private final List<Object[]> rows = new ArrayList<>();
        private int files;

        TableWriter(ObjectStore store, String runId) {
            this.store = store;
            this.runId = runId;
        }

        void add(Decision d) {
            Object[] row = new Object[SCHEMA.width()];
            row[0] = d.decisionId();
            row[1] = d.eventId();
            row[2] = Instant.parse(d.eventTime()).toEpochMilli();
            row[3] = d.degradeMode().name();
            int i = 4;
            for (String n : LoopFeatures.NAMES) {
                JsonNode v = d.features() == null ? null : d.features().get(n);
                row[i++] = v != null && v.isNumber() ? v.doubleValue() : null;
            }
            rows.add(row);
            if (rows.size() >= ROWS_PER_FILE) flush();
        }

        java.util.Set<String> featureNames() {
            return new TreeSet<>(LoopFeatures.NAMES);
        }

        void flush() {
            if (rows.isEmpty()) return;
            String key = featuresPrefix(runId) + String.format(Locale.ROOT, "part-%05d.parquet", files++);
            if (!store.exists(key)) store.create(key, out -> ParquetCodec.write(SCHEMA, rows, 65_536, out));
            rows.clear();
        }
    }

    /** Counts of one comparison. */
    private static final class Tally {
        long recomputed, matched, differingUndetailed, onlineOnly, offlineOnly;
        final List<String> onlineOnlyIds = new ArrayList<>(), offlineOnlyIds = new ArrayList<>();
    }
}
