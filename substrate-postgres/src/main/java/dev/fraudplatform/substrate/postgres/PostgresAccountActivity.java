package dev.fraudplatform.substrate.postgres;

import dev.fraudplatform.core.cases.AccountActivity;
import dev.fraudplatform.core.cases.ActivityEvent;
import dev.fraudplatform.core.cases.LinkGraph;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import javax.sql.DataSource;

/**
 * {@link AccountActivity} on {@code casework.activity}: one row per (run, event id), inserted once, never changed.
 * Lookups go by the table's indexes: by account and time, by transaction id, and by device, IP and card for the links
 * between accounts.
 */
public final class PostgresAccountActivity implements AccountActivity {
    private static final String COLUMNS = "platform_run_id, event_id, event_class, account_id, event_time, txn_id,"
            + " card_id, device_id, ip, merchant_id, amount_minor, flow_id, payload";

    /** The entity columns of the graph, with their node kinds. */
    private static final Map<String, String> ENTITIES = Map.of("device_id", "device", "ip", "ip", "card_id", "card");

    private final DataSource dataSource;

    public PostgresAccountActivity(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    @Override
    public int record(List<ActivityEvent> events) {
        if (events.isEmpty()) return 0;
        Map<String, ActivityEvent> unique = new LinkedHashMap<>();
        for (ActivityEvent e : events) unique.putIfAbsent(e.platformRunId() + "\u0000" + e.eventId(), e);
        int n = unique.size();
        String[][] text = new String[12][n];
        Long[] amount = new Long[n];
        int i = 0;
        for (ActivityEvent e : unique.values()) {
            text[0][i] = e.platformRunId();
            text[1][i] = e.eventId();
            text[2][i] = e.eventClass();
            text[3][i] = e.accountId();
            text[4][i] = e.eventTime().toString();
            text[5][i] = e.txnId();
            text[6][i] = e.cardId();
            text[7][i] = e.deviceId();
            text[8][i] = e.ip();
            text[9][i] = e.merchantId();
            text[10][i] = e.flowId();
            text[11][i] = e.payloadJson();
            amount[i] = e.amountMinor();
            i++;
        }
        String sql = "INSERT INTO casework.activity (" + COLUMNS + ") "
                + "SELECT r, e, cls, acc, t, txn, card, dev, ip, m, amt, flow, p FROM unnest(?::text[], ?::text[],"
                + " ?::text[], ?::text[], ?::timestamptz[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[],"
                + " ?::bigint[], ?::text[], ?::text[]) AS x(r, e, cls, acc, t, txn, card, dev, ip, m, amt, flow, p) "
                + "ORDER BY r, e ON CONFLICT (platform_run_id, event_id) DO NOTHING";
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            for (int col = 0; col < 10; col++) ps.setArray(col + 1, c.createArrayOf("text", text[col]));
            ps.setArray(11, c.createArrayOf("bigint", amount));
            ps.setArray(12, c.createArrayOf("text", text[10]));
            ps.setArray(13, c.createArrayOf("text", text[11]));
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("account activity: " + e.getMessage(), e);
        }
    }

    @Override
    public Set<String> knownTransactions(String platformRunId, Collection<String> txnIds) {
        if (txnIds.isEmpty()) return Set.of();
        String sql = "SELECT DISTINCT txn_id FROM casework.activity"
                + " WHERE platform_run_id = ? AND txn_id = ANY(?::text[]) AND event_class LIKE 'txn.%'";
        Set<String> out = new TreeSet<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, platformRunId);
            ps.setArray(2, c.createArrayOf("text", new LinkedHashSet<>(txnIds).toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.add(rs.getString(1));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("account activity: " + e.getMessage(), e);
        }
        return out;
    }

    @Override
    public List<ActivityEvent> recent(String platformRunId, String accountId, Instant before, int limit) {
        String sql = "SELECT " + COLUMNS + " FROM casework.activity"
                + " WHERE platform_run_id = ? AND account_id = ? AND event_time <= ?"
                + " ORDER BY event_time DESC, event_id DESC LIMIT ?";
        List<ActivityEvent> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, platformRunId);
            ps.setString(2, accountId);
            ps.setObject(3, OffsetDateTime.ofInstant(before, ZoneOffset.UTC));
            ps.setInt(4, Math.max(0, limit));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.add(read(rs));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("account activity: " + e.getMessage(), e);
        }
        return out;
    }

    /**
     * {@inheritDoc}
     *
     * <p>Nodes: the account (centre), each device, IP and card it used (edge weight: its events with it), and the other
     * accounts that used any of them, at most {@code maxNeighbours}, those sharing the most events first (then by id);
     * each neighbour has an edge to every shared entity it used, with its own event count. Node ids are
     * {@code kind:id}; the order is deterministic.
     */
    @Override
    public LinkGraph graph(String platformRunId, String accountId, int maxNeighbours) {
        List<LinkGraph.Node> nodes = new ArrayList<>();
        List<LinkGraph.Edge> edges = new ArrayList<>();
        String centre = "account:" + accountId;
        nodes.add(new LinkGraph.Node(centre, "account", accountId, true));
        String own = "SELECT kind, id, count(*) FROM ("
                + " SELECT 'device' AS kind, device_id AS id FROM casework.activity"
                + " WHERE platform_run_id = ? AND account_id = ? AND device_id IS NOT NULL"
                + " UNION ALL SELECT 'ip', ip FROM casework.activity"
                + " WHERE platform_run_id = ? AND account_id = ? AND ip IS NOT NULL"
                + " UNION ALL SELECT 'card', card_id FROM casework.activity"
                + " WHERE platform_run_id = ? AND account_id = ? AND card_id IS NOT NULL) x"
                + " GROUP BY kind, id ORDER BY kind, id";
        Map<String, List<String>> idsByColumn = new LinkedHashMap<>();
        for (String column : ENTITIES.keySet()) idsByColumn.put(column, new ArrayList<>());
        // Shared entities: neighbour account -> (entity node -> events).
        Map<String, Map<String, Long>> shared = new LinkedHashMap<>();
        try (Connection c = dataSource.getConnection()) {
            try (PreparedStatement ps = c.prepareStatement(own)) {
                for (int p = 0; p < 3; p++) {
                    ps.setString(2 * p + 1, platformRunId);
                    ps.setString(2 * p + 2, accountId);
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        String kind = rs.getString(1);
                        String id = rs.getString(2);
                        nodes.add(new LinkGraph.Node(kind + ":" + id, kind, id, false));
                        edges.add(new LinkGraph.Edge(centre, kind + ":" + id, rs.getLong(3)));
                        for (Map.Entry<String, String> e : ENTITIES.entrySet())
                            if (e.getValue().equals(kind))
                                idsByColumn.get(e.getKey()).add(id);
                    }
                }
            }
            if (maxNeighbours > 0) {
                for (Map.Entry<String, List<String>> e : idsByColumn.entrySet()) {
                    if (e.getValue().isEmpty()) continue;
                    String column = e.getKey();
                    String sql = "SELECT account_id, " + column + ", count(*) FROM casework.activity"
                            + " WHERE platform_run_id = ? AND " + column + " = ANY(?::text[]) AND account_id <> ?"
                            + " GROUP BY 1, 2";
                    try (PreparedStatement ps = c.prepareStatement(sql)) {
                        ps.setString(1, platformRunId);
                        ps.setArray(2, c.createArrayOf("text", e.getValue().toArray()));
                        ps.setString(3, accountId);
                        try (ResultSet rs = ps.executeQuery()) {
                            while (rs.next())
                                shared.computeIfAbsent(rs.getString(1), k -> new java.util.TreeMap<>())
                                        .put(ENTITIES.get(column) + ":" + rs.getString(2), rs.getLong(3));
                        }
                    }
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("account activity: " + e.getMessage(), e);
        }
        List<Map.Entry<String, Map<String, Long>>> neighbours = new ArrayList<>(shared.entrySet());
        neighbours.sort((a, b) -> {
            long wa = a.getValue().values().stream().mapToLong(Long::longValue).sum();
            long wb = b.getValue().values().stream().mapToLong(Long::longValue).sum();
            return wa != wb ? Long.compare(wb, wa) : a.getKey().compareTo(b.getKey());
        });
        for (Map.Entry<String, Map<String, Long>> n :
                neighbours.subList(0, Math.min(neighbours.size(), maxNeighbours))) {
            String node = "account:" + n.getKey();
            nodes.add(new LinkGraph.Node(node, "account", n.getKey(), false));
            for (Map.Entry<String, Long> link : n.getValue().entrySet())
                edges.add(new LinkGraph.Edge(node, link.getKey(), link.getValue()));
        }
        return new LinkGraph(List.copyOf(nodes), List.copyOf(edges));
    }

    private static ActivityEvent read(ResultSet rs) throws SQLException {
        long amount = rs.getLong("amount_minor");
        Long amountMinor = rs.wasNull() ? null : amount;
        return new ActivityEvent(
                rs.getString("platform_run_id"),
                rs.getString("event_id"),
                rs.getString("event_class"),
                rs.getString("account_id"),
                rs.getObject("event_time", OffsetDateTime.class).toInstant(),
                rs.getString("txn_id"),
                rs.getString("card_id"),
                rs.getString("device_id"),
                rs.getString("ip"),
                rs.getString("merchant_id"),
                amountMinor,
                rs.getString("flow_id"),
                rs.getString("payload"));
    }
}
