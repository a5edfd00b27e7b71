package dev.fraudplatform.substrate.postgres;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fraudplatform.core.cases.CaseAction;
import dev.fraudplatform.core.cases.CaseConflictException;
import dev.fraudplatform.core.cases.CaseConflictException.Kind;
import dev.fraudplatform.core.cases.CasePriority;
import dev.fraudplatform.core.cases.CaseState;
import dev.fraudplatform.core.cases.CaseStore;
import dev.fraudplatform.core.cases.CaseSummary;
import dev.fraudplatform.core.cases.CaseTrigger;
import dev.fraudplatform.core.cases.Disposition;
import dev.fraudplatform.core.cases.PendingLabels;
import dev.fraudplatform.core.cases.QueuePage;
import dev.fraudplatform.core.cases.QueueQuery;
import dev.fraudplatform.core.cases.TimelineEntry;
import dev.fraudplatform.core.decision.DecisionAction;
import dev.fraudplatform.core.json.CanonicalJson;
import dev.fraudplatform.core.json.Json;
import dev.fraudplatform.core.json.Sha256;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import javax.sql.DataSource;

/**
 * {@link CaseStore} on the {@code casework} schema: {@code cases} is the mutable head (with its version),
 * {@code case_decisions} and {@code case_timeline} are append-only. The unique partial index
 * {@code cases_one_open_per_account} allows one case that is not CLOSED per (run, account).
 *
 * <p>Concurrency: {@link #attach} takes a transaction-scoped advisory lock per (run, account) of its batch, in sorted
 * order, so two batches touching one account run one after the other and cannot deadlock; a unique violation or
 * deadlock that still happens (a writer outside this class) rolls the batch back and runs it again. {@link #act} and
 * {@link #labelsAsserted} lock the case's head row, so a case's timeline numbers ({@code seq}) never collide.
 */
public final class PostgresCaseStore implements CaseStore {
    /** The actor of the entries Case Management writes itself. */
    public static final String SYSTEM = "system";

    private static final int ATTEMPTS = 5;
    private static final String HEAD_COLUMNS =
            "case_id, platform_run_id, account_id, state, priority, owner, opened_at, "
                    + "updated_at, decisions, max_score, max_amount_minor, disposition, version";

    private final DataSource dataSource;

    public PostgresCaseStore(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** A case id derives from its run and the decision that opened it, so a replay opens the same ids. */
    public static String caseIdFor(String platformRunId, String openingDecisionId) {
        return "case-" + Sha256.hex(platformRunId + "|" + openingDecisionId).substring(0, 20);
    }

    // ---------------------------------------------------------------- attach

    @Override
    public List<Attachment> attach(List<CaseTrigger> triggers) {
        if (triggers.isEmpty()) return List.of();
        for (int attempt = 1; ; attempt++) {
            try (Connection c = dataSource.getConnection()) {
                c.setAutoCommit(false);
                try {
                    List<Attachment> out = attachIn(c, triggers);
                    c.commit();
                    return out;
                } catch (SQLException | RuntimeException e) {
                    c.rollback();
                    throw e;
                } finally {
                    c.setAutoCommit(true);
                }
            } catch (SQLException e) {
                if (attempt < ATTEMPTS && retriable(e)) continue;
                throw new IllegalStateException("case store: attach: " + e.getMessage(), e);
            } catch (Raced e) {
                if (attempt < ATTEMPTS) continue;
                throw new IllegalStateException("case store: attach raced " + ATTEMPTS + " times", e);
            }
        }
    }

    private static boolean retriable(SQLException e) {
        String state = e.getSQLState();
        return "23505".equals(state) || "40P01".equals(state) || "40001".equals(state);
    }

    /** Another transaction attached one of the batch's decisions between our reads and our insert. */
    private static final class Raced extends RuntimeException {
        Raced() {
            super(null, null, false, false);
        }
    }

    /** A case's head as the batch changes it. */
    private static final class Head {
        final String caseId;
        final boolean opened;
        int decisions;
        double maxScore;
        long maxAmount;
        long seq;
        int attachedNow;

        Head(String caseId, boolean opened, int decisions, double maxScore, long maxAmount, long seq) {
            this.caseId = caseId;
            this.opened = opened;
            this.decisions = decisions;
            this.maxScore = maxScore;
            this.maxAmount = maxAmount;
            this.seq = seq;
        }
    }

    private static String key(String a, String b) {
        return a + "\u0000" + b;
    }

    private List<Attachment> attachIn(Connection c, List<CaseTrigger> triggers) throws SQLException {
        TreeSet<String> accounts = new TreeSet<>();
        for (CaseTrigger t : triggers) accounts.add("casework|" + t.platformRunId() + "|" + t.accountId());
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT count(pg_advisory_xact_lock(hashtextextended(k, 0))) FROM unnest(?::text[]) WITH ORDINALITY AS x(k, i)")) {
            ps.setArray(1, c.createArrayOf("text", accounts.toArray()));
            ps.executeQuery().close();
        }

        Set<String> known = new HashSet<>();
        Map<String, CaseTrigger> fresh = new LinkedHashMap<>();
        for (CaseTrigger t : triggers) fresh.putIfAbsent(key(t.platformRunId(), t.decisionId()), t);
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT d.platform_run_id, d.decision_id FROM casework.case_decisions d "
                        + "JOIN unnest(?::text[], ?::text[]) AS x(r, i) ON d.platform_run_id = x.r AND d.decision_id = x.i")) {
            ps.setArray(
                    1,
                    c.createArrayOf(
                            "text",
                            fresh.values().stream()
                                    .map(CaseTrigger::platformRunId)
                                    .toArray()));
            ps.setArray(
                    2,
                    c.createArrayOf(
                            "text",
                            fresh.values().stream().map(CaseTrigger::decisionId).toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) known.add(key(rs.getString(1), rs.getString(2)));
            }
        }

        Map<String, Head> heads = new LinkedHashMap<>();
        Map<String, String[]> pairs = new LinkedHashMap<>();
        for (CaseTrigger t : fresh.values())
            if (!known.contains(key(t.platformRunId(), t.decisionId())))
                pairs.putIfAbsent(
                        key(t.platformRunId(), t.accountId()), new String[] {t.platformRunId(), t.accountId()});
        if (!pairs.isEmpty()) {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT c.case_id, c.platform_run_id, c.account_id, c.decisions, "
                            + "c.max_score, c.max_amount_minor, "
                            + "(SELECT coalesce(max(t.seq), 0) FROM casework.case_timeline t WHERE t.case_id = c.case_id) "
                            + "FROM casework.cases c JOIN unnest(?::text[], ?::text[]) AS x(r, a) "
                            + "ON c.platform_run_id = x.r AND c.account_id = x.a WHERE c.state <> 'CLOSED' FOR UPDATE OF c")) {
                ps.setArray(
                        1,
                        c.createArrayOf(
                                "text", pairs.values().stream().map(p -> p[0]).toArray()));
                ps.setArray(
                        2,
                        c.createArrayOf(
                                "text", pairs.values().stream().map(p -> p[1]).toArray()));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        heads.put(
                                key(rs.getString(2), rs.getString(3)),
                                new Head(
                                        rs.getString(1),
                                        false,
                                        rs.getInt(4),
                                        rs.getDouble(5),
                                        rs.getLong(6),
                                        rs.getLong(7)));
                    }
                }
            }
        }

        List<Attachment> out = new ArrayList<>(triggers.size());
        Set<String> seen = new HashSet<>();
        List<Object[]> openings = new ArrayList<>();
        List<CaseTrigger> attached = new ArrayList<>();
        List<String> attachedTo = new ArrayList<>();
        List<Object[]> entries = new ArrayList<>();
        for (CaseTrigger t : triggers) {
            String id = key(t.platformRunId(), t.decisionId());
            if (known.contains(id) || !seen.add(id)) {
                out.add(Attachment.ALREADY);
                continue;
            }
            String account = key(t.platformRunId(), t.accountId());
            Head h = heads.get(account);
            boolean opening = h == null;
            if (opening) {
                h = new Head(caseIdFor(t.platformRunId(), t.decisionId()), true, 0, 0, 0, 0);
                heads.put(account, h);
                openings.add(new Object[] {h.caseId, t.platformRunId(), t.accountId()});
                ObjectNode d = Json.MAPPER.createObjectNode();
                d.put("decision_id", t.decisionId());
                d.put("account_id", t.accountId());
                entries.add(new Object[] {h.caseId, ++h.seq, TimelineEntry.Type.OPENED.name(), json(d)});
            }
            h.decisions++;
            h.attachedNow++;
            h.maxScore = Math.max(h.maxScore, t.score());
            if (t.amountMinor() != null) h.maxAmount = Math.max(h.maxAmount, t.amountMinor());
            attached.add(t);
            attachedTo.add(h.caseId);
            ObjectNode d = Json.MAPPER.createObjectNode();
            d.put("decision_id", t.decisionId());
            d.put("event_id", t.eventId());
            d.put("action", t.action().name());
            d.put("score", t.score());
            if (t.amountMinor() == null) d.putNull("amount_minor");
            else d.put("amount_minor", t.amountMinor());
            entries.add(new Object[] {h.caseId, ++h.seq, TimelineEntry.Type.DECISION_ATTACHED.name(), json(d)});
            out.add(opening ? Attachment.OPENED : Attachment.ATTACHED);
        }
        if (attached.isEmpty()) return out;

        // Set-based writes, one statement each: a new case's head is inserted as the batch leaves it, an existing
        // one updated once.
        List<Head> opened = new ArrayList<>(), changed = new ArrayList<>();
        for (Head h : heads.values()) if (h.attachedNow > 0) (h.opened ? opened : changed).add(h);
        if (!opened.isEmpty()) {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO casework.cases (case_id, platform_run_id, "
                    + "account_id, state, priority, owner, opened_at, updated_at, decisions, max_score, max_amount_minor, "
                    + "version) SELECT i, r, a, 'OPEN', p, NULL, clock_timestamp(), clock_timestamp(), d, s, m, d "
                    + "FROM unnest(?::text[], ?::text[], ?::text[], ?::int[], ?::int[], ?::float8[], ?::bigint[]) "
                    + "WITH ORDINALITY AS x(i, r, a, p, d, s, m, o) ORDER BY o")) {
                Map<String, Object[]> where = new HashMap<>();
                for (Object[] o : openings) where.put((String) o[0], o);
                ps.setArray(
                        1,
                        c.createArrayOf(
                                "text", opened.stream().map(h -> h.caseId).toArray()));
                ps.setArray(
                        2,
                        c.createArrayOf(
                                "text",
                                opened.stream().map(h -> where.get(h.caseId)[1]).toArray()));
                ps.setArray(
                        3,
                        c.createArrayOf(
                                "text",
                                opened.stream().map(h -> where.get(h.caseId)[2]).toArray()));
                ps.setArray(
                        4,
                        c.createArrayOf(
                                "int4",
                                opened.stream()
                                        .map(h -> CasePriority.of(h.maxScore, h.maxAmount))
                                        .toArray()));
                ps.setArray(
                        5,
                        c.createArrayOf(
                                "int4", opened.stream().map(h -> h.decisions).toArray()));
                ps.setArray(
                        6,
                        c.createArrayOf(
                                "float8", opened.stream().map(h -> h.maxScore).toArray()));
                ps.setArray(
                        7,
                        c.createArrayOf(
                                "int8", opened.stream().map(h -> h.maxAmount).toArray()));
                ps.executeUpdate();
            }
        }
        int n = attached.size();
        String[] run = new String[n],
                did = new String[n],
                cid = new String[n],
                eid = new String[n],
                act = new String[n],
                json = new String[n];
        Double[] score = new Double[n];
        Long[] amount = new Long[n], eventMicros = new Long[n];
        for (int i = 0; i < n; i++) {
            CaseTrigger t = attached.get(i);
            run[i] = t.platformRunId();
            did[i] = t.decisionId();
            cid[i] = attachedTo.get(i);
            eid[i] = t.eventId();
            act[i] = t.action().name();
            score[i] = t.score();
            amount[i] = t.amountMinor();
            eventMicros[i] = t.eventTime() == null
                    ? null
                    : t.eventTime().getEpochSecond() * 1_000_000 + t.eventTime().getNano() / 1_000;
            json[i] = t.decisionJson();
        }
        try (PreparedStatement ps =
                c.prepareStatement("INSERT INTO casework.case_decisions (platform_run_id, decision_id, "
                        + "case_id, event_id, action, score, amount_minor, event_time, decision, attached_at) "
                        + "SELECT r, d, c, e, a, s, m, timestamptz 'epoch' + t * interval '1 microsecond', j, clock_timestamp() "
                        + "FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::float8[], ?::bigint[], "
                        + "?::bigint[], ?::text[]) WITH ORDINALITY AS x(r, d, c, e, a, s, m, t, j, o) ORDER BY o "
                        + "ON CONFLICT (platform_run_id, decision_id) DO NOTHING")) {
            ps.setArray(1, c.createArrayOf("text", run));
            ps.setArray(2, c.createArrayOf("text", did));
            ps.setArray(3, c.createArrayOf("text", cid));
            ps.setArray(4, c.createArrayOf("text", eid));
            ps.setArray(5, c.createArrayOf("text", act));
            ps.setArray(6, c.createArrayOf("float8", score));
            ps.setArray(7, c.createArrayOf("int8", amount));
            ps.setArray(8, c.createArrayOf("int8", eventMicros));
            ps.setArray(9, c.createArrayOf("text", json));
            if (ps.executeUpdate() != n) throw new Raced();
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO casework.case_timeline (case_id, seq, type, actor, "
                + "detail, at) SELECT c, s, t, ?, d, clock_timestamp() FROM unnest(?::text[], ?::bigint[], ?::text[], "
                + "?::text[]) WITH ORDINALITY AS x(c, s, t, d, o) ORDER BY o")) {
            ps.setString(1, SYSTEM);
            ps.setArray(
                    2, c.createArrayOf("text", entries.stream().map(e -> e[0]).toArray()));
            ps.setArray(
                    3, c.createArrayOf("int8", entries.stream().map(e -> e[1]).toArray()));
            ps.setArray(
                    4, c.createArrayOf("text", entries.stream().map(e -> e[2]).toArray()));
            ps.setArray(
                    5, c.createArrayOf("text", entries.stream().map(e -> e[3]).toArray()));
            ps.executeUpdate();
        }
        if (!changed.isEmpty()) {
            try (PreparedStatement ps =
                    c.prepareStatement("UPDATE casework.cases c SET decisions = x.d, max_score = x.s, "
                            + "max_amount_minor = x.m, priority = x.p, updated_at = clock_timestamp(), version = c.version + x.n "
                            + "FROM unnest(?::text[], ?::int[], ?::float8[], ?::bigint[], ?::int[], ?::int[]) AS x(i, d, s, m, p, n) "
                            + "WHERE c.case_id = x.i")) {
                ps.setArray(
                        1,
                        c.createArrayOf(
                                "text", changed.stream().map(h -> h.caseId).toArray()));
                ps.setArray(
                        2,
                        c.createArrayOf(
                                "int4", changed.stream().map(h -> h.decisions).toArray()));
                ps.setArray(
                        3,
                        c.createArrayOf(
                                "float8", changed.stream().map(h -> h.maxScore).toArray()));
                ps.setArray(
                        4,
                        c.createArrayOf(
                                "int8", changed.stream().map(h -> h.maxAmount).toArray()));
                ps.setArray(
                        5,
                        c.createArrayOf(
                                "int4",
                                changed.stream()
                                        .map(h -> CasePriority.of(h.maxScore, h.maxAmount))
                                        .toArray()));
                ps.setArray(
                        6,
                        c.createArrayOf(
                                "int4", changed.stream().map(h -> h.attachedNow).toArray()));
                ps.executeUpdate();
            }
        }
        return out;
    }

    // ---------------------------------------------------------------- reads

    @Override
    public Optional<CaseSummary> find(String caseId) {
        List<CaseSummary> found = PostgresQueries.list(
                dataSource,
                "SELECT " + HEAD_COLUMNS + " FROM casework.cases WHERE case_id = ?",
                caseId,
                PostgresCaseStore::head,
                "case store: find");
        return found.stream().findFirst();
    }

    @Override
    public Map<String, String> casesOf(String platformRunId, Collection<String> decisionIds) {
        Map<String, String> out = new HashMap<>();
        if (decisionIds.isEmpty()) return out;
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT decision_id, case_id FROM casework.case_decisions "
                        + "WHERE platform_run_id = ? AND decision_id = ANY(?::text[])")) {
            ps.setString(1, platformRunId);
            ps.setArray(2, c.createArrayOf("text", decisionIds.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.put(rs.getString(1), rs.getString(2));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("case store: cases of decisions: " + e.getMessage(), e);
        }
        return out;
    }

    @Override
    public List<CaseTrigger> decisions(String caseId) {
        return PostgresQueries.list(
                dataSource,
                "SELECT d.platform_run_id, d.decision_id, d.event_id, c.account_id, d.action, d.score, d.amount_minor, "
                        + "d.event_time, d.decision FROM casework.case_decisions d JOIN casework.cases c ON c.case_id = d.case_id "
                        // attachment order is the timeline's: one DECISION_ATTACHED entry per decision
                        + "LEFT JOIN casework.case_timeline t ON t.case_id = d.case_id AND t.type = 'DECISION_ATTACHED' "
                        + "AND t.detail::json->>'decision_id' = d.decision_id "
                        + "WHERE d.case_id = ? ORDER BY t.seq, d.attached_at, d.decision_id",
                caseId,
                rs -> new CaseTrigger(
                        rs.getString(1),
                        rs.getString(2),
                        rs.getString(3),
                        rs.getString(4),
                        DecisionAction.valueOf(rs.getString(5)),
                        rs.getDouble(6),
                        (Long) rs.getObject(7),
                        instant(rs, 8),
                        rs.getString(9)),
                "case store: decisions");
    }

    @Override
    public List<TimelineEntry> timeline(String caseId) {
        return PostgresQueries.list(
                dataSource,
                "SELECT seq, case_id, type, actor, at, detail FROM casework.case_timeline WHERE case_id = ? ORDER BY seq",
                caseId,
                rs -> new TimelineEntry(
                        rs.getLong(1),
                        rs.getString(2),
                        TimelineEntry.Type.valueOf(rs.getString(3)),
                        rs.getString(4),
                        instant(rs, 5),
                        rs.getString(6)),
                "case store: timeline");
    }

    // ---------------------------------------------------------------- queue

    /**
     * Keyset pagination: the cursor is the last row's sort key and case id (base64url, tagged with the sort), and the
     * next page starts strictly after it in the sort's order (one row comparison), so pages never overlap or skip, at
     * any depth. Orders: PRIORITY = (priority DESC, opened_at, case_id), written (-priority, opened_at, case_id) to
     * match V10's index; AGE = (opened_at, case_id); UPDATED = (updated_at DESC, case_id DESC). A run's open cases
     * (the console's queue) are served by V10's partial indexes: each page is one index seek and each filtered total
     * an index-only range scan.
     */
    @Override
    public QueuePage queue(QueueQuery q) {
        List<String> where = new ArrayList<>();
        List<Object> params = new ArrayList<>();
        if (q.platformRunId() != null) {
            where.add("platform_run_id = ?");
            params.add(q.platformRunId());
        }
        if (q.states().isEmpty() || !q.states().contains(CaseState.CLOSED)) where.add("state <> 'CLOSED'");
        if (!q.states().isEmpty()) {
            // enum names, inlined so the planner can match the partial indexes
            where.add("state IN ("
                    + q.states().stream()
                            .map(s -> "'" + s.name() + "'")
                            .sorted()
                            .collect(Collectors.joining(", ")) + ")");
        }
        if (q.minPriority() > 0) {
            where.add("-priority <= ?");
            params.add(-q.minPriority());
        }
        if (q.owner() != null) {
            if (q.owner().isEmpty()) where.add("owner IS NULL");
            else {
                where.add("owner = ?");
                params.add(q.owner());
            }
        }
        if (q.openedBefore() != null) {
            where.add("opened_at < ?");
            params.add(timestamp(q.openedBefore()));
        }
        String filter = where.isEmpty() ? "" : " WHERE " + String.join(" AND ", where);
        long total = count("SELECT count(*) FROM casework.cases" + filter, params);

        List<String> pageWhere = new ArrayList<>(where);
        List<Object> pageParams = new ArrayList<>(params);
        String order;
        switch (q.sort()) {
            case PRIORITY -> {
                order = "-priority, opened_at, case_id";
                if (q.after() != null) {
                    Cursor k = Cursor.decode(q.after(), "P");
                    pageWhere.add("(-priority, opened_at, case_id) > (?, ?, ?)");
                    pageParams.addAll(
                            List.of(-Integer.parseInt(k.first()), timestamp(Instant.parse(k.second())), k.caseId()));
                }
            }
            case AGE -> {
                order = "opened_at, case_id";
                if (q.after() != null) {
                    Cursor k = Cursor.decode(q.after(), "A");
                    pageWhere.add("(opened_at, case_id) > (?, ?)");
                    pageParams.addAll(List.of(timestamp(Instant.parse(k.first())), k.caseId()));
                }
            }
            case UPDATED -> {
                order = "updated_at DESC, case_id DESC";
                if (q.after() != null) {
                    Cursor k = Cursor.decode(q.after(), "U");
                    pageWhere.add("(updated_at, case_id) < (?, ?)");
                    pageParams.addAll(List.of(timestamp(Instant.parse(k.first())), k.caseId()));
                }
            }
            default -> throw new IllegalArgumentException("unknown sort " + q.sort());
        }
        String sql = "SELECT " + HEAD_COLUMNS + " FROM casework.cases"
                + (pageWhere.isEmpty() ? "" : " WHERE " + String.join(" AND ", pageWhere)) + " ORDER BY " + order
                + " LIMIT " + (q.limit() + 1);
        List<CaseSummary> rows = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, pageParams);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) rows.add(head(rs));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("case store: queue: " + e.getMessage(), e);
        }
        String next = null;
        if (rows.size() > q.limit()) {
            rows = rows.subList(0, q.limit());
            CaseSummary last = rows.get(rows.size() - 1);
            next = switch (q.sort()) {
                case PRIORITY ->
                    new Cursor(
                                    "P",
                                    Integer.toString(last.priority()),
                                    last.openedAt().toString(),
                                    last.caseId())
                            .encode();
                case AGE -> new Cursor("A", last.openedAt().toString(), "", last.caseId()).encode();
                case UPDATED -> new Cursor("U", last.updatedAt().toString(), "", last.caseId()).encode();
            };
        }
        return new QueuePage(List.copyOf(rows), next, total);
    }

    /** The opaque queue cursor: the sort it belongs to, the last row's sort key(s) and its case id. */
    private record Cursor(String sort, String first, String second, String caseId) {
        String encode() {
            String raw = String.join("\n", sort, first, second, caseId);
            return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
        }

        static Cursor decode(String cursor, String sort) {
            try {
                String raw = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
                String[] f = raw.split("\n", -1);
                if (f.length != 4 || !f[0].equals(sort)) throw new IllegalArgumentException();
                Cursor k = new Cursor(f[0], f[1], f[2], f[3]);
                if (sort.equals("P")) {
                    Integer.parseInt(k.first());
                    Instant.parse(k.second());
                } else Instant.parse(k.first());
                return k;
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("not a cursor of this queue's sort: " + cursor);
            }
        }
    }

    // ---------------------------------------------------------------- act

    @Override
    public CaseSummary act(String caseId, long expectedVersion, CaseAction action, String actor) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                CaseSummary out = actIn(c, caseId, expectedVersion, action, actor);
                c.commit();
                return out;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("case store: act: " + e.getMessage(), e);
        }
    }

    private CaseSummary actIn(Connection c, String caseId, long expectedVersion, CaseAction action, String actor)
            throws SQLException {
        CaseSummary h = lockHead(c, caseId);
        if (h == null) throw new CaseConflictException(Kind.NOT_FOUND, "no case " + caseId);
        if (h.state() == CaseState.CLOSED)
            throw new CaseConflictException(Kind.CLOSED, "case " + caseId + " is closed");
        if (h.version() != expectedVersion) {
            throw new CaseConflictException(
                    Kind.STALE,
                    "case " + caseId + " changed since it was loaded (version " + expectedVersion + ", now "
                            + h.version() + "): reload it");
        }
        if (actor == null || actor.isBlank()) throw notAllowed("an action needs its actor");
        if (action == null) throw notAllowed("no action");
        ObjectNode d = Json.MAPPER.createObjectNode();
        TimelineEntry.Type type;
        String set;
        List<Object> params = new ArrayList<>();
        if (action instanceof CaseAction.Assign a) {
            if (a.owner() == null || a.owner().isBlank()) throw notAllowed("assign needs an owner");
            type = TimelineEntry.Type.ASSIGNED;
            d.put("owner", a.owner());
            if (h.owner() == null) d.putNull("previous");
            else d.put("previous", h.owner());
            set = "owner = ?";
            params.add(a.owner());
        } else if (action instanceof CaseAction.SetState s) {
            if (s.state() != CaseState.IN_PROGRESS && s.state() != CaseState.WAITING) {
                throw notAllowed(
                        "a case's state can be set to IN_PROGRESS or WAITING (closing is Close), not " + s.state());
            }
            type = TimelineEntry.Type.STATE_CHANGED;
            d.put("from", h.state().name());
            d.put("to", s.state().name());
            set = "state = ?";
            params.add(s.state().name());
        } else if (action instanceof CaseAction.Note n) {
            checkNote(n.text(), false);
            type = TimelineEntry.Type.NOTE;
            d.put("text", n.text());
            set = null;
        } else if (action instanceof CaseAction.Dispose p) {
            if (p.disposition() == null) throw notAllowed("a disposition needs its verdict");
            if (h.disposition() != null) {
                throw notAllowed("case " + caseId + " is already disposed (" + h.disposition() + ")");
            }
            checkNote(p.note(), true);
            type = TimelineEntry.Type.DISPOSITION;
            d.put("disposition", p.disposition().name());
            if (p.note() == null || p.note().isBlank()) d.putNull("note");
            else d.put("note", p.note());
            set = "disposition = ?";
            params.add(p.disposition().name());
        } else if (action instanceof CaseAction.Close) {
            if (h.disposition() == null) throw notAllowed("case " + caseId + " needs a disposition before it closes");
            type = TimelineEntry.Type.CLOSED;
            d.put("disposition", h.disposition().name());
            set = "state = 'CLOSED'";
        } else throw notAllowed("unknown action " + action);
        append(c, caseId, type, actor, json(d));
        params.add(caseId);
        String sql = "UPDATE casework.cases SET " + (set == null ? "" : set + ", ")
                + "updated_at = clock_timestamp(), version = version + 1 WHERE case_id = ? RETURNING " + HEAD_COLUMNS;
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, params);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return head(rs);
            }
        }
    }

    private static void checkNote(String text, boolean optional) {
        if (text == null || text.isBlank()) {
            if (optional) return;
            throw notAllowed("a note needs its text");
        }
        if (text.length() > CaseAction.MAX_NOTE_LENGTH) {
            throw notAllowed("a note is at most " + CaseAction.MAX_NOTE_LENGTH + " characters (this one has "
                    + text.length() + ")");
        }
    }

    private static CaseConflictException notAllowed(String message) {
        return new CaseConflictException(Kind.NOT_ALLOWED, message);
    }

    private static CaseSummary lockHead(Connection c, String caseId) throws SQLException {
        try (PreparedStatement ps =
                c.prepareStatement("SELECT " + HEAD_COLUMNS + " FROM casework.cases WHERE case_id = ? FOR UPDATE")) {
            ps.setString(1, caseId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? head(rs) : null;
            }
        }
    }

    /** Appends the case's next timeline entry; the caller holds the head's row lock. */
    private static void append(Connection c, String caseId, TimelineEntry.Type type, String actor, String detail)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO casework.case_timeline (case_id, seq, type, actor, detail) "
                        + "SELECT ?, coalesce(max(seq), 0) + 1, ?, ?, ? FROM casework.case_timeline WHERE case_id = ?")) {
            ps.setString(1, caseId);
            ps.setString(2, type.name());
            ps.setString(3, actor);
            ps.setString(4, detail);
            ps.setString(5, caseId);
            ps.executeUpdate();
        }
    }

    // ---------------------------------------------------------------- labels

    @Override
    public List<PendingLabels> pendingLabels(int limit) {
        record Row(
                String caseId,
                String run,
                String account,
                long seq,
                Disposition disposition,
                String actor,
                Instant at) {}
        List<Row> rows = new ArrayList<>();
        Map<String, Map<String, PendingLabels.Transaction>> txns = new HashMap<>();
        try (Connection c = dataSource.getConnection()) {
            try (PreparedStatement ps = c.prepareStatement("SELECT t.case_id, c.platform_run_id, c.account_id, t.seq, "
                    + "t.detail::json->>'disposition', t.actor, t.at FROM casework.case_timeline t "
                    + "JOIN casework.cases c ON c.case_id = t.case_id WHERE t.type = 'DISPOSITION' AND NOT EXISTS "
                    + "(SELECT 1 FROM casework.case_timeline l WHERE l.case_id = t.case_id AND l.type = 'LABEL_ASSERTED') "
                    + "ORDER BY t.at, t.case_id LIMIT ?")) {
                ps.setInt(1, Math.max(0, limit));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        rows.add(new Row(
                                rs.getString(1),
                                rs.getString(2),
                                rs.getString(3),
                                rs.getLong(4),
                                Disposition.valueOf(rs.getString(5)),
                                rs.getString(6),
                                instant(rs, 7)));
                    }
                }
            }
            if (rows.isEmpty()) return List.of();
            // The label's subject is the payload's transaction id (the projection's txn_id), not the envelope's event
            // id.
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT d.case_id, coalesce(a.txn_id, d.event_id, d.decision_id), "
                            + "coalesce(d.event_time, a.event_time, d.attached_at) FROM casework.case_decisions d "
                            + "LEFT JOIN casework.activity a ON a.platform_run_id = d.platform_run_id AND a.event_id = d.event_id "
                            + "LEFT JOIN casework.case_timeline t ON t.case_id = d.case_id AND t.type = 'DECISION_ATTACHED' "
                            + "AND t.detail::json->>'decision_id' = d.decision_id "
                            + "WHERE d.case_id = ANY(?::text[]) ORDER BY d.case_id, t.seq, d.attached_at, d.decision_id")) {
                ps.setArray(
                        1,
                        c.createArrayOf("text", rows.stream().map(Row::caseId).toArray()));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        String txn = rs.getString(2);
                        txns.computeIfAbsent(rs.getString(1), k -> new LinkedHashMap<>())
                                .putIfAbsent(txn, new PendingLabels.Transaction(txn, instant(rs, 3)));
                    }
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("case store: pending labels: " + e.getMessage(), e);
        }
        List<PendingLabels> out = new ArrayList<>(rows.size());
        for (Row r : rows) {
            out.add(new PendingLabels(
                    r.caseId(),
                    r.run(),
                    r.account(),
                    r.seq(),
                    r.disposition(),
                    r.actor(),
                    r.at(),
                    List.copyOf(txns.getOrDefault(r.caseId(), Map.of()).values())));
        }
        return out;
    }

    @Override
    public void labelsAsserted(PendingLabels pending, List<String> assertionIds) {
        ObjectNode d = Json.MAPPER.createObjectNode();
        d.put("disposition_seq", pending.dispositionSeq());
        d.put("disposition", pending.disposition().name());
        d.put("disposed_by", pending.actor());
        ArrayNode ids = d.putArray("assertion_ids");
        assertionIds.forEach(ids::add);
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                if (lockHead(c, pending.caseId()) == null) {
                    throw new CaseConflictException(Kind.NOT_FOUND, "no case " + pending.caseId());
                }
                append(c, pending.caseId(), TimelineEntry.Type.LABEL_ASSERTED, SYSTEM, json(d));
                c.commit();
            } catch (SQLException e) {
                c.rollback();
                if (!"23505".equals(e.getSQLState())) throw e;
                // case_timeline_once: its labels were recorded already, and once is all it takes
            } catch (RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("case store: labels asserted: " + e.getMessage(), e);
        }
    }

    // ---------------------------------------------------------------- evidence

    /**
     * {@code cases_opened} (cases of the run), {@code decisions_attached} (decisions that joined a case already open:
     * so triggering decisions = cases_opened + decisions_attached), {@code cases_closed}, {@code cases_disposed},
     * {@code labels_asserted} (dispositions whose labels are recorded).
     */
    @Override
    public Map<String, Long> countsForRun(String platformRunId) {
        String sql = "SELECT (SELECT count(*) FROM casework.cases WHERE platform_run_id = ?), "
                + "(SELECT count(*) FROM casework.case_decisions WHERE platform_run_id = ?), "
                + "(SELECT count(*) FROM casework.cases WHERE platform_run_id = ? AND state = 'CLOSED'), "
                + "(SELECT count(*) FROM casework.cases WHERE platform_run_id = ? AND disposition IS NOT NULL), "
                + "(SELECT count(*) FROM casework.case_timeline t JOIN casework.cases c ON c.case_id = t.case_id "
                + "WHERE c.platform_run_id = ? AND t.type = 'LABEL_ASSERTED')";
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 1; i <= 5; i++) ps.setString(i, platformRunId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                Map<String, Long> out = new TreeMap<>();
                out.put("cases_opened", rs.getLong(1));
                out.put("decisions_attached", rs.getLong(2) - rs.getLong(1));
                out.put("cases_closed", rs.getLong(3));
                out.put("cases_disposed", rs.getLong(4));
                out.put("labels_asserted", rs.getLong(5));
                return out;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("case store: counts: " + e.getMessage(), e);
        }
    }

    // ---------------------------------------------------------------- helpers

    private long count(String sql, List<Object> params) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, params);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("case store: queue count: " + e.getMessage(), e);
        }
    }

    private static void bind(PreparedStatement ps, List<Object> params) throws SQLException {
        for (int i = 0; i < params.size(); i++) ps.setObject(i + 1, params.get(i));
    }

    private static OffsetDateTime timestamp(Instant t) {
        return OffsetDateTime.ofInstant(t, ZoneOffset.UTC);
    }

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    private static String json(ObjectNode node) {
        return CanonicalJson.string(node);
    }

    private static CaseSummary head(ResultSet rs) throws SQLException {
        String disposition = rs.getString(12);
        return new CaseSummary(
                rs.getString(1),
                rs.getString(2),
                rs.getString(3),
                CaseState.valueOf(rs.getString(4)),
                rs.getInt(5),
                rs.getString(6),
                instant(rs, 7),
                instant(rs, 8),
                rs.getInt(9),
                rs.getDouble(10),
                rs.getLong(11),
                disposition == null ? null : Disposition.valueOf(disposition),
                rs.getLong(13));
    }
}
