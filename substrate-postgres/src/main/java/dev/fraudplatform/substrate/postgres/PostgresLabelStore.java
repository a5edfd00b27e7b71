package dev.fraudplatform.substrate.postgres;

import dev.fraudplatform.core.labels.LabelAssertion;
import dev.fraudplatform.core.labels.LabelRejection;
import dev.fraudplatform.core.labels.LabelSource;
import dev.fraudplatform.core.labels.LabelStore;
import dev.fraudplatform.core.labels.LabelSubject;
import dev.fraudplatform.core.labels.LabelValue;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * {@link LabelStore} on {@code casework.label_assertions} and {@code casework.label_rejections}: rows inserted once
 * per (run, assertion id) or (run, event id), never changed (the database refuses UPDATE and DELETE).
 *
 * <p>The standing order of {@link LabelAssertion#STANDING} is the SQL order {@code source_rank DESC, observed_time
 * DESC, recorded_at DESC, assertion_id COLLATE "C" DESC}, the order of the {@code label_assertions_as_of} index (the
 * last key compared bytewise, as Java compares ASCII strings, whatever the database's collation): an as-of lookup is one
 * index descent that stops at the first row observed by T.
 */
public final class PostgresLabelStore implements LabelStore {
    private static final String COLUMNS =
            "platform_run_id, assertion_id, subject_kind, subject_id, account_id, card_id,"
                    + " value, typology, source, label_type, reason_code, effective_time, observed_time, recorded_at,"
                    + " provenance, actor, event_id, amount_minor";
    /** Best first: the SQL form of {@link LabelAssertion#STANDING}. */
    private static final String STANDING =
            "source_rank DESC, observed_time DESC, recorded_at DESC, assertion_id COLLATE \"C\" DESC";

    private static final int STREAM_FETCH = 5_000;

    private final DataSource dataSource;

    public PostgresLabelStore(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    @Override
    public List<LabelAssertion> append(List<LabelAssertion> assertions) {
        if (assertions.isEmpty()) return List.of();
        Map<String, LabelAssertion> unique = new LinkedHashMap<>();
        for (LabelAssertion a : assertions) unique.putIfAbsent(key(a.platformRunId(), a.assertionId()), a);
        int n = unique.size();
        String[][] text = new String[15][n];
        Long[] amount = new Long[n];
        Integer[] rank = new Integer[n];
        int i = 0;
        for (LabelAssertion a : unique.values()) {
            text[0][i] = a.platformRunId();
            text[1][i] = a.assertionId();
            text[2][i] = a.subject().kind().name();
            text[3][i] = a.subject().id();
            text[4][i] = a.accountId();
            text[5][i] = a.cardId();
            text[6][i] = a.value().name();
            text[7][i] = a.typology();
            text[8][i] = a.source().name();
            text[9][i] = a.labelType();
            text[10][i] = a.reasonCode();
            text[11][i] = a.effectiveTime().toString();
            text[12][i] = a.observedTime().toString();
            text[13][i] = a.provenance();
            text[14][i] = a.actor();
            amount[i] = a.amountMinor();
            rank[i] = a.source().rank();
            i++;
        }
        String[] eventIds =
                unique.values().stream().map(LabelAssertion::eventId).toArray(String[]::new);
        // One statement, so the batch is written atomically in one round trip; rows go in key order, so concurrent
        // writers of overlapping batches take their locks in one order and cannot deadlock.
        String sql = "INSERT INTO casework.label_assertions (platform_run_id, assertion_id, subject_kind, subject_id,"
                + " account_id, card_id, value, typology, source, source_rank, label_type, reason_code, effective_time,"
                + " observed_time, provenance, actor, event_id, amount_minor) "
                + "SELECT r, a, sk, si, acc, card, v, typ, src, rk, lt, rc, et, ot, prov, act, ev, amt FROM unnest("
                + "?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[],"
                + " ?::smallint[], ?::text[], ?::text[], ?::timestamptz[], ?::timestamptz[], ?::text[], ?::text[],"
                + " ?::text[], ?::bigint[]) AS x(r, a, sk, si, acc, card, v, typ, src, rk, lt, rc, et, ot, prov, act, ev, amt) "
                + "ORDER BY r, a ON CONFLICT (platform_run_id, assertion_id) DO NOTHING "
                + "RETURNING platform_run_id, assertion_id, recorded_at";
        Map<String, Instant> written = new HashMap<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            int p = 1;
            for (int col = 0; col <= 8; col++) ps.setArray(p++, c.createArrayOf("text", text[col]));
            ps.setArray(p++, c.createArrayOf("smallint", rank));
            ps.setArray(p++, c.createArrayOf("text", text[9]));
            ps.setArray(p++, c.createArrayOf("text", text[10]));
            ps.setArray(p++, c.createArrayOf("text", text[11]));
            ps.setArray(p++, c.createArrayOf("text", text[12]));
            ps.setArray(p++, c.createArrayOf("text", text[13]));
            ps.setArray(p++, c.createArrayOf("text", text[14]));
            ps.setArray(p++, c.createArrayOf("text", eventIds));
            ps.setArray(p, c.createArrayOf("bigint", amount));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) written.put(key(rs.getString(1), rs.getString(2)), instant(rs, 3));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("label store: " + e.getMessage(), e);
        }
        List<LabelAssertion> out = new ArrayList<>(written.size());
        for (Map.Entry<String, LabelAssertion> e : unique.entrySet()) {
            Instant at = written.get(e.getKey());
            if (at != null) out.add(e.getValue().recordedAt(at));
        }
        return out;
    }

    @Override
    public int reject(List<LabelRejection> rejections) {
        if (rejections.isEmpty()) return 0;
        Map<String, LabelRejection> unique = new LinkedHashMap<>();
        for (LabelRejection r : rejections) unique.putIfAbsent(key(r.platformRunId(), r.eventId()), r);
        String sql = "INSERT INTO casework.label_rejections (platform_run_id, event_id, reason, detail) "
                + "SELECT r, e, why, d FROM unnest(?::text[], ?::text[], ?::text[], ?::text[]) AS x(r, e, why, d) "
                + "ORDER BY r, e ON CONFLICT (platform_run_id, event_id) DO NOTHING";
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setArray(
                    1,
                    c.createArrayOf(
                            "text",
                            unique.values().stream()
                                    .map(LabelRejection::platformRunId)
                                    .toArray()));
            ps.setArray(
                    2,
                    c.createArrayOf(
                            "text",
                            unique.values().stream()
                                    .map(LabelRejection::eventId)
                                    .toArray()));
            ps.setArray(
                    3,
                    c.createArrayOf(
                            "text",
                            unique.values().stream().map(LabelRejection::reason).toArray()));
            ps.setArray(
                    4,
                    c.createArrayOf(
                            "text",
                            unique.values().stream().map(LabelRejection::detail).toArray()));
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("label store: " + e.getMessage(), e);
        }
    }

    @Override
    public Optional<LabelAssertion> asOf(String platformRunId, LabelSubject subject, Instant asOf) {
        String sql = "SELECT " + COLUMNS + " FROM casework.label_assertions"
                + " WHERE platform_run_id = ? AND subject_kind = ? AND subject_id = ? AND observed_time <= ?"
                + " ORDER BY " + STANDING + " LIMIT 1";
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, platformRunId);
            ps.setString(2, subject.kind().name());
            ps.setString(3, subject.id());
            ps.setObject(4, OffsetDateTime.ofInstant(asOf, ZoneOffset.UTC));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(read(rs)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("label store: " + e.getMessage(), e);
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>A subject is in the answer when one of its assertions observed by {@code asOf} is effective in the window; what
     * the answer holds for it is its standing assertion as of {@code asOf} (the same as {@link #asOf}), whose own
     * effective time orders the answer, then the subject (kind, then id, bytewise).
     */
    @Override
    public List<LabelAssertion> effectiveIn(String platformRunId, Instant from, Instant to, Instant asOf) {
        String sql = "SELECT s.* FROM (SELECT DISTINCT subject_kind, subject_id FROM casework.label_assertions"
                + " WHERE platform_run_id = ? AND effective_time >= ? AND effective_time < ? AND observed_time <= ?) w,"
                + " LATERAL (SELECT " + COLUMNS + " FROM casework.label_assertions a"
                + " WHERE a.platform_run_id = ? AND a.subject_kind = w.subject_kind AND a.subject_id = w.subject_id"
                + " AND a.observed_time <= ? ORDER BY " + STANDING + " LIMIT 1) s"
                + " ORDER BY s.effective_time, s.subject_kind COLLATE \"C\", s.subject_id COLLATE \"C\"";
        OffsetDateTime t = OffsetDateTime.ofInstant(asOf, ZoneOffset.UTC);
        List<LabelAssertion> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, platformRunId);
            ps.setObject(2, OffsetDateTime.ofInstant(from, ZoneOffset.UTC));
            ps.setObject(3, OffsetDateTime.ofInstant(to, ZoneOffset.UTC));
            ps.setObject(4, t);
            ps.setString(5, platformRunId);
            ps.setObject(6, t);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.add(read(rs));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("label store: " + e.getMessage(), e);
        }
        return out;
    }

    /**
     * {@inheritDoc}
     *
     * <p>Read through a server-side cursor ({@value #STREAM_FETCH} rows at a time, in one read-only transaction), so a
     * run of ten million assertions never sits in memory; the sink runs while the transaction is open.
     */
    @Override
    public void forEachStanding(String platformRunId, Instant asOf, Consumer<LabelAssertion> sink) {
        String sql = "SELECT DISTINCT ON (subject_kind, subject_id) " + COLUMNS + " FROM casework.label_assertions"
                + " WHERE platform_run_id = ? AND observed_time <= ? ORDER BY subject_kind, subject_id, " + STANDING;
        try (Connection c = dataSource.getConnection()) {
            boolean auto = c.getAutoCommit();
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setFetchSize(STREAM_FETCH);
                ps.setString(1, platformRunId);
                ps.setObject(2, OffsetDateTime.ofInstant(asOf, ZoneOffset.UTC));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) sink.accept(read(rs));
                }
            } finally {
                c.rollback();
                c.setAutoCommit(auto);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("label store: " + e.getMessage(), e);
        }
    }

    @Override
    public List<LabelAssertion> history(String platformRunId, LabelSubject subject) {
        String sql = "SELECT " + COLUMNS + " FROM casework.label_assertions"
                + " WHERE platform_run_id = ? AND subject_kind = ? AND subject_id = ?"
                + " ORDER BY observed_time, recorded_at, assertion_id COLLATE \"C\"";
        List<LabelAssertion> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, platformRunId);
            ps.setString(2, subject.kind().name());
            ps.setString(3, subject.id());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.add(read(rs));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("label store: " + e.getMessage(), e);
        }
        return out;
    }

    @Override
    public Map<String, Long> countsByProvenance(String platformRunId) {
        return countsBy(
                "SELECT CASE WHEN provenance LIKE 'case:%' THEN 'case' ELSE 'event' END, count(*)"
                        + " FROM casework.label_assertions WHERE platform_run_id = ? GROUP BY 1",
                platformRunId);
    }

    @Override
    public Map<String, Long> rejectionsByReason(String platformRunId) {
        return countsBy(
                "SELECT reason, count(*) FROM casework.label_rejections WHERE platform_run_id = ? GROUP BY 1",
                platformRunId);
    }

    /**
     * {@inheritDoc}
     *
     * <p>By the newest row written ({@code seq}); the table has no index on it, so this reads the table once: for the
     * command line, not for a hot path.
     */
    @Override
    public Optional<String> latestRun() {
        try (Connection c = dataSource.getConnection();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(
                        "SELECT platform_run_id FROM casework.label_assertions ORDER BY seq DESC LIMIT 1")) {
            return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
        } catch (SQLException e) {
            throw new IllegalStateException("label store: " + e.getMessage(), e);
        }
    }

    /**
     * Loads assertions with {@code COPY} (for benchmarks and imports into a run of its own): much faster than
     * {@link #append}, but with no idempotency, so a key already stored fails the whole load. Returns how many were
     * loaded; recorded times are the load's.
     */
    public long bulkLoad(Iterator<LabelAssertion> assertions) {
        String sql = "COPY casework.label_assertions (platform_run_id, assertion_id, subject_kind, subject_id,"
                + " account_id, card_id, value, typology, source, source_rank, label_type, reason_code, effective_time,"
                + " observed_time, provenance, actor, event_id, amount_minor) FROM STDIN WITH (FORMAT text)";
        long n = 0;
        try (Connection c = dataSource.getConnection()) {
            CopyIn copy = c.unwrap(PGConnection.class).getCopyAPI().copyIn(sql);
            try {
                StringBuilder sb = new StringBuilder(1 << 20);
                while (assertions.hasNext()) {
                    LabelAssertion a = assertions.next();
                    field(sb, a.platformRunId()).append('\t');
                    field(sb, a.assertionId()).append('\t');
                    field(sb, a.subject().kind().name()).append('\t');
                    field(sb, a.subject().id()).append('\t');
                    field(sb, a.accountId()).append('\t');
                    field(sb, a.cardId()).append('\t');
                    field(sb, a.value().name()).append('\t');
                    field(sb, a.typology()).append('\t');
                    field(sb, a.source().name()).append('\t');
                    sb.append(a.source().rank()).append('\t');
                    field(sb, a.labelType()).append('\t');
                    field(sb, a.reasonCode()).append('\t');
                    sb.append(a.effectiveTime()).append('\t');
                    sb.append(a.observedTime()).append('\t');
                    field(sb, a.provenance()).append('\t');
                    field(sb, a.actor()).append('\t');
                    field(sb, a.eventId()).append('\t');
                    sb.append(a.amountMinor() == null ? "\\N" : a.amountMinor().toString())
                            .append('\n');
                    n++;
                    if (sb.length() > (1 << 20) - 4096) {
                        byte[] b = sb.toString().getBytes(StandardCharsets.UTF_8);
                        copy.writeToCopy(b, 0, b.length);
                        sb.setLength(0);
                    }
                }
                byte[] b = sb.toString().getBytes(StandardCharsets.UTF_8);
                if (b.length > 0) copy.writeToCopy(b, 0, b.length);
                copy.endCopy();
            } finally {
                if (copy.isActive()) copy.cancelCopy();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("label store bulk load: " + e.getMessage(), e);
        }
        return n;
    }

    private static StringBuilder field(StringBuilder sb, String s) {
        if (s == null) return sb.append("\\N");
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            switch (ch) {
                case '\\' -> sb.append("\\\\");
                case '\t' -> sb.append("\\t");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                default -> sb.append(ch);
            }
        }
        return sb;
    }

    private Map<String, Long> countsBy(String sql, String platformRunId) {
        Map<String, Long> out = new TreeMap<>();
        for (Map.Entry<String, Long> e : PostgresQueries.list(
                dataSource, sql, platformRunId, rs -> Map.entry(rs.getString(1), rs.getLong(2)), "label store"))
            out.put(e.getKey(), e.getValue());
        return out;
    }

    private static LabelAssertion read(ResultSet rs) throws SQLException {
        long amount = rs.getLong("amount_minor");
        Long amountMinor = rs.wasNull() ? null : amount;
        return new LabelAssertion(
                rs.getString("platform_run_id"),
                rs.getString("assertion_id"),
                new LabelSubject(LabelSubject.Kind.valueOf(rs.getString("subject_kind")), rs.getString("subject_id")),
                rs.getString("account_id"),
                rs.getString("card_id"),
                LabelValue.valueOf(rs.getString("value")),
                rs.getString("typology"),
                LabelSource.valueOf(rs.getString("source")),
                rs.getString("label_type"),
                rs.getString("reason_code"),
                instant(rs, "effective_time"),
                instant(rs, "observed_time"),
                instant(rs, "recorded_at"),
                rs.getString("provenance"),
                rs.getString("actor"),
                rs.getString("event_id"),
                amountMinor);
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    private static String key(String run, String id) {
        return run + "\u0000" + id;
    }
}
