package dev.fraudplatform.substrate.postgres;

import dev.fraudplatform.core.run.RunEvidence;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.sql.DataSource;

/**
 * What PostgreSQL can prove about a run, read across the gate's receipts and the Action Layer's effects (one
 * database, so one query can hold both sides): the law checks of the conformance report, and its time series.
 * Read-only. Each method reads in one statement, except {@code busCoordinates} (a count, then the highest offsets:
 * two statements, so not one snapshot while the run still writes); the latency and decision counts are the effect
 * ledger's ({@link PostgresEffectLedger}).
 */
public final class PostgresRunEvidence implements RunEvidence {
    /** The append-only tables, each guarded by the {@code append_only} and {@code append_only_truncate} triggers. */
    public static final List<String> APPEND_ONLY_TABLES = List.of(
            "ingress.receipts",
            "ingress.dedupe_index",
            "ingress.outbox",
            "ingress.relay_progress",
            "ingress.producer_keys",
            "ingress.producer_key_revocations",
            "ingress.quarantine_releases",
            "actions.effects",
            "runs.run_facts",
            "runs.run_transitions",
            "runs.run_producers",
            "casework.label_assertions",
            "casework.label_rejections",
            "casework.activity",
            "casework.case_decisions",
            "casework.case_timeline",
            "casework.investigators",
            "casework.sessions",
            "casework.session_ends",
            "registry.bundles",
            "registry.bundle_changes");

    /** Upper bounds of the latency histogram, in milliseconds; a last bucket takes the rest. */
    public static final List<Integer> LATENCY_BUCKETS_MS =
            List.of(5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000);

    private static final String ADMITTED_TXNS =
            "FROM ingress.receipts r WHERE r.platform_run_id = ? AND r.outcome = 'ADMITTED' "
                    + "AND r.event_class LIKE 'txn.%'";

    private final DataSource dataSource;
    private final PostgresEffectLedger ledger;

    /** Reads through {@code dataSource}, whose schema the platform's stores have migrated; the caller closes it. */
    public PostgresRunEvidence(DataSource dataSource) {
        this.dataSource = dataSource;
        this.ledger = new PostgresEffectLedger(dataSource);
    }

    @Override
    public List<String> appendOnlyTables() {
        return APPEND_ONLY_TABLES;
    }

    @Override
    public LatencySummary latency(String runId) {
        return ledger.latency(runId);
    }

    @Override
    public Map<String, Long> countsByAction(String runId) {
        return ledger.countsByAction(runId);
    }

    @Override
    public Map<String, Long> countsByDegradeMode(String runId) {
        return ledger.countsByDegradeMode(runId);
    }

    /** Admitted transactions that have no applied effect: each one is a decision lost. */
    @Override
    public long admittedWithoutEffect(String runId) {
        return count(
                "SELECT count(*) " + ADMITTED_TXNS + " AND NOT EXISTS (SELECT 1 FROM actions.effects e "
                        + "WHERE e.platform_run_id = r.platform_run_id AND e.event_id = r.event_id)",
                runId);
    }

    /** Effects whose event the gate never admitted as a transaction of this run: effects out of nowhere. */
    @Override
    public long effectsWithoutAdmission(String runId) {
        return count(
                "SELECT count(*) FROM actions.effects e WHERE e.platform_run_id = ? AND NOT EXISTS (SELECT 1 FROM ingress.receipts r "
                        + "WHERE r.platform_run_id = e.platform_run_id AND r.event_id = e.event_id AND r.outcome = 'ADMITTED')",
                runId);
    }

    /** Effects beyond the first for one event: an effect applied twice (two decisions for one event, or a replay). */
    @Override
    public long effectsAppliedTwice(String runId) {
        return count(
                "SELECT count(*) - count(DISTINCT event_id) FROM actions.effects WHERE platform_run_id = ?", runId);
    }

    /** Events admitted more than once in the run (one dedupe tuple, two ADMITTED receipts): a double admission. */
    @Override
    public long doubleAdmissions(String runId) {
        return count(
                "SELECT count(*) - count(DISTINCT (event_class, event_id)) FROM ingress.receipts "
                        + "WHERE platform_run_id = ? AND outcome = 'ADMITTED'",
                runId);
    }

    /** Admitted receipts, and the distinct bus coordinates they name: equal when no two admissions share a record. */
    @Override
    public BusCoordinateCount busCoordinates(String runId) {
        String sql = "SELECT count(*), count(DISTINCT (topic, kafka_partition, kafka_offset)) FROM ingress.receipts "
                + "WHERE platform_run_id = ? AND outcome = 'ADMITTED'";
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, runId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new BusCoordinateCount(rs.getLong(1), rs.getLong(2), highestOffsets(c, runId));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("run evidence: " + e.getMessage(), e);
        }
    }

    private static Map<String, Long> highestOffsets(Connection c, String runId) throws SQLException {
        Map<String, Long> out = new TreeMap<>();
        try (PreparedStatement ps =
                c.prepareStatement("SELECT topic, kafka_partition, max(kafka_offset) FROM ingress.receipts "
                        + "WHERE platform_run_id = ? AND outcome = 'ADMITTED' GROUP BY topic, kafka_partition")) {
            ps.setString(1, runId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.put(rs.getString(1) + "-" + rs.getInt(2), rs.getLong(3));
            }
        }
        return out;
    }

    /**
     * INTEGRITY_MISMATCH quarantines of the run whose event stands admitted under another payload hash: the original
     * that a changed copy could not replace.
     */
    @Override
    public long integrityMismatchesWhoseOriginalStands(String runId) {
        return count(
                "SELECT count(*) FROM ingress.receipts q WHERE q.platform_run_id = ? AND q.outcome = 'QUARANTINED' "
                        + "AND q.reason = 'INTEGRITY_MISMATCH' AND EXISTS (SELECT 1 FROM ingress.receipts a WHERE a.platform_run_id = q.platform_run_id "
                        + "AND a.event_class = q.event_class AND a.event_id = q.event_id AND a.outcome = 'ADMITTED' AND a.payload_hash <> q.payload_hash)",
                runId);
    }

    /** Applied decisions by degrade mode whose decision became visible in [{@code fromMillis}, {@code toMillis}). */
    @Override
    public Map<String, Long> degradeModesVisible(String runId, long fromMillis, long toMillis) {
        return degradeModesBy("decision_visible_at", runId, fromMillis, toMillis);
    }

    /** Applied decisions by degrade mode whose event the gate admitted in [{@code fromMillis}, {@code toMillis}). */
    @Override
    public Map<String, Long> degradeModesAdmitted(String runId, long fromMillis, long toMillis) {
        return degradeModesBy("admitted_at", runId, fromMillis, toMillis);
    }

    private Map<String, Long> degradeModesBy(String column, String runId, long fromMillis, long toMillis) {
        Map<String, Long> out = new TreeMap<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "SELECT coalesce(degrade_mode, 'UNRECORDED'), count(*) FROM actions.effects WHERE platform_run_id = ? "
                                + "AND " + column + " >= to_timestamp(? / 1000.0) AND " + column
                                + " < to_timestamp(? / 1000.0) GROUP BY 1")) {
            ps.setString(1, runId);
            ps.setLong(2, fromMillis);
            ps.setLong(3, Math.min(toMillis, 32503680000000L)); // year 3000: to_timestamp takes no "forever"
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.put(rs.getString(1), rs.getLong(2));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("run evidence: " + e.getMessage(), e);
        }
        return out;
    }

    /** Quarantined receipts of the run by reason. */
    @Override
    public Map<String, Long> quarantineByReason(String runId) {
        Map<String, Long> out = new TreeMap<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "SELECT reason, count(*) FROM ingress.receipts WHERE platform_run_id = ? AND outcome = 'QUARANTINED' GROUP BY reason")) {
            ps.setString(1, runId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.put(rs.getString(1), rs.getLong(2));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("run evidence: " + e.getMessage(), e);
        }
        return out;
    }

    /**
     * Append-only tables whose guard triggers are missing or disabled (empty when every table is guarded): a table
     * without its guard could have been changed in place.
     */
    @Override
    public List<String> unguardedAppendOnlyTables() {
        List<String> out = new ArrayList<>();
        String sql =
                "SELECT count(*) FROM pg_trigger WHERE tgrelid = to_regclass(?) AND tgname IN ('append_only', 'append_only_truncate') "
                        + "AND tgenabled IN ('O', 'A')";
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            for (String table : APPEND_ONLY_TABLES) {
                ps.setString(1, table);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    if (rs.getLong(1) != 2) out.add(table);
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("run evidence: " + e.getMessage(), e);
        }
        return out;
    }

    /**
     * A SHA-256 over the run's receipts and effects received or applied up to {@code cutoff} (null: up to this
     * statement's start), in a fixed order, with the cutoff used. Taken when the run ends and kept in its evidence, it
     * shows later that none of those rows was changed or removed since; rows that arrive for the run later (a late
     * retry gets its own receipt) fall after the cutoff and leave it as it was. Independent of the session: times are
     * epoch microseconds, NULLs keep their place (JSON arrays), the order is bytewise.
     */
    @Override
    public AppendOnlyDigest appendOnlyDigest(String runId, java.time.Instant cutoff) {
        // The lines are hashed here as PostgreSQL sends them, in order, through a cursor: one aggregated text value
        // (string_agg) is limited to 1 GB, about 4M rows of these, and a 10M run has 25M.
        String at = "SELECT (extract(epoch FROM coalesce(?::timestamptz, statement_timestamp())) * 1000000)::bigint";
        String sql = "SELECT line FROM ("
                + "SELECT json_build_array('r', receipt_id, event_class, event_id, outcome, reason, payload_hash, topic, kafka_partition, kafka_offset, "
                + "(extract(epoch FROM received_at) * 1000000)::bigint)::text AS line FROM ingress.receipts "
                + "WHERE platform_run_id = ? AND received_at <= ? "
                + "UNION ALL SELECT json_build_array('e', decision_id, event_id, action, effect_type, degrade_mode, "
                + "(extract(epoch FROM applied_at) * 1000000)::bigint)::text FROM actions.effects WHERE platform_run_id = ? AND applied_at <= ? "
                // Label assertions since the case and label plane: a run without any hashes as it did before.
                + "UNION ALL SELECT json_build_array('l', assertion_id, subject_kind, subject_id, value, source, label_type, "
                + "(extract(epoch FROM effective_time) * 1000000)::bigint, (extract(epoch FROM observed_time) * 1000000)::bigint, "
                + "provenance, (extract(epoch FROM recorded_at) * 1000000)::bigint)::text FROM casework.label_assertions "
                + "WHERE platform_run_id = ? AND recorded_at <= ?) t ORDER BY line COLLATE \"C\"";
        try (Connection c = dataSource.getConnection()) {
            boolean autoCommit = c.getAutoCommit();
            c.setAutoCommit(false); // a cursor: rows are fetched in batches, not all at once
            try {
                long micros;
                try (PreparedStatement ps = c.prepareStatement(at)) {
                    ps.setObject(
                            1,
                            cutoff == null
                                    ? null
                                    : java.time.OffsetDateTime.ofInstant(cutoff, java.time.ZoneOffset.UTC));
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        micros = rs.getLong(1);
                    }
                }
                java.time.Instant t = java.time.Instant.EPOCH.plus(micros, java.time.temporal.ChronoUnit.MICROS);
                java.time.OffsetDateTime upTo = java.time.OffsetDateTime.ofInstant(t, java.time.ZoneOffset.UTC);
                java.security.MessageDigest md = dev.fraudplatform.core.json.Sha256.newDigest();
                try (PreparedStatement ps = c.prepareStatement(sql)) {
                    ps.setFetchSize(10_000);
                    bindRunAndTimeThrice(ps, runId, upTo);
                    try (ResultSet rs = ps.executeQuery()) {
                        boolean first = true;
                        while (rs.next()) {
                            if (!first) md.update((byte) '\n');
                            first = false;
                            md.update(rs.getString(1).getBytes(java.nio.charset.StandardCharsets.UTF_8));
                        }
                    }
                }
                c.commit();
                return new AppendOnlyDigest(dev.fraudplatform.core.json.Sha256.toHex(md.digest()), t);
            } finally {
                c.setAutoCommit(autoCommit);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("run evidence: " + e.getMessage(), e);
        }
    }

    /** The run and a time, once for each of the three tables (receipts, effects, label assertions). */
    private static void bindRunAndTimeThrice(PreparedStatement ps, String runId, java.time.OffsetDateTime t)
            throws SQLException {
        for (int table = 0; table < 3; table++) {
            ps.setString(2 * table + 1, runId);
            ps.setObject(2 * table + 2, t);
        }
    }

    /** Receipts, effects and label assertions of the run after {@code cutoff}: rows that arrived after its evidence was taken. */
    @Override
    public long rowsAfter(String runId, java.time.Instant cutoff) {
        String sql = "SELECT (SELECT count(*) FROM ingress.receipts WHERE platform_run_id = ? AND received_at > ?) "
                + "+ (SELECT count(*) FROM actions.effects WHERE platform_run_id = ? AND applied_at > ?) "
                + "+ (SELECT count(*) FROM casework.label_assertions WHERE platform_run_id = ? AND recorded_at > ?)";
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            java.time.OffsetDateTime t = java.time.OffsetDateTime.ofInstant(cutoff, java.time.ZoneOffset.UTC);
            bindRunAndTimeThrice(ps, runId, t);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("run evidence: " + e.getMessage(), e);
        }
    }

    /** Per second since the run's first receipt: events admitted and decisions applied. */
    @Override
    public List<SecondCounts> throughput(String runId) {
        String sql = "WITH t0 AS (SELECT min(received_at) AS t FROM ingress.receipts WHERE platform_run_id = ?), "
                + "a AS (SELECT floor(extract(epoch FROM r.received_at - t0.t))::int AS s, count(*) AS n FROM ingress.receipts r, t0 "
                + "WHERE r.platform_run_id = ? AND r.outcome = 'ADMITTED' GROUP BY 1), "
                + "d AS (SELECT floor(extract(epoch FROM e.applied_at - t0.t))::int AS s, count(*) AS n FROM actions.effects e, t0 "
                + "WHERE e.platform_run_id = ? GROUP BY 1) "
                + "SELECT coalesce(a.s, d.s), coalesce(a.n, 0), coalesce(d.n, 0) FROM a FULL JOIN d ON a.s = d.s ORDER BY 1";
        List<SecondCounts> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 1; i <= 3; i++) ps.setString(i, runId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.add(new SecondCounts(rs.getInt(1), rs.getLong(2), rs.getLong(3)));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("run evidence: " + e.getMessage(), e);
        }
        return out;
    }

    /**
     * Decision latency (gate admission to the committed decision seen by the Action Layer) as a histogram: upper
     * bound in ms ({@code "+Inf"} for the last) to count, in bucket order; buckets are not cumulative.
     */
    @Override
    public Map<String, Long> latencyHistogram(String runId) {
        StringBuilder sql = new StringBuilder("SELECT ");
        Integer lower = null;
        for (int le : LATENCY_BUCKETS_MS) {
            sql.append("count(*) FILTER (WHERE ")
                    .append(lower == null ? "" : "ms > " + lower + " AND ")
                    .append("ms <= ")
                    .append(le)
                    .append("), ");
            lower = le;
        }
        sql.append("count(*) FILTER (WHERE ms > ")
                .append(lower)
                .append(") FROM (SELECT extract(epoch FROM (decision_visible_at - admitted_at)) * 1000 AS ms ")
                .append(
                        "FROM actions.effects WHERE platform_run_id = ? AND admitted_at IS NOT NULL AND decision_visible_at IS NOT NULL) t");
        Map<String, Long> out = new LinkedHashMap<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(sql.toString())) {
            ps.setString(1, runId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                for (int i = 0; i < LATENCY_BUCKETS_MS.size(); i++)
                    out.put(String.valueOf(LATENCY_BUCKETS_MS.get(i)), rs.getLong(i + 1));
                out.put("+Inf", rs.getLong(LATENCY_BUCKETS_MS.size() + 1));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("run evidence: " + e.getMessage(), e);
        }
        return out;
    }

    private long count(String sql, String runId) {
        return PostgresQueries.count(dataSource, sql, runId);
    }
}
