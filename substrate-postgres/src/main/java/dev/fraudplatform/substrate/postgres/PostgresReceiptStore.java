package dev.fraudplatform.substrate.postgres;

import dev.fraudplatform.core.ingress.BusCoordinates;
import dev.fraudplatform.core.ingress.DedupeTuple;
import dev.fraudplatform.core.ingress.Receipt;
import dev.fraudplatform.core.ingress.ReceiptOutcome;
import dev.fraudplatform.core.ingress.ReceiptStore;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * {@link ReceiptStore} on PostgreSQL ({@code ingress.receipts}, {@code ingress.dedupe_index}).
 *
 * <p>One batch is one transaction: claim tuples with {@code INSERT ... ON CONFLICT DO NOTHING} (in tuple order,
 * so that concurrent batches lock in the same order and cannot deadlock each other), read the stored hash of
 * every tuple not claimed, publish the claimed ones, append all receipts, commit. A concurrent insert of the
 * same tuple waits on the unique index until this transaction ends, then sees the claim: two copies of one
 * event never both get ADMITTED. If publishing fails the transaction rolls back and nothing was claimed (see the
 * port's note on records already handed to the bus).
 */
public final class PostgresReceiptStore implements ReceiptStore {
    private final DataSource dataSource;

    public PostgresReceiptStore(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    @Override
    public Map<Integer, Receipt> admit(List<Candidate> candidates, Map<Integer, Receipt> quarantined, Publisher publisher) {
        for (int attempt = 1; ; attempt++) {
            try {
                return admitOnce(candidates, quarantined, publisher);
            } catch (SQLException e) {
                // Deadlock or serialization failure: nothing persisted and nothing published yet when the
                // claim step fails, so the batch can simply run again.
                boolean retryable = "40P01".equals(e.getSQLState()) || "40001".equals(e.getSQLState());
                if (!retryable || attempt >= 5) {
                    throw new IllegalStateException("receipt store failed: " + e.getMessage(), e);
                }
            }
        }
    }

    private Map<Integer, Receipt> admitOnce(List<Candidate> candidates, Map<Integer, Receipt> quarantined,
                                            Publisher publisher) throws SQLException {
        Instant now = Instant.now();
        // The first copy of a tuple in the batch is the one that may claim it; later copies are judged
        // against whatever hash ends up stored for the tuple.
        Map<DedupeTuple, Candidate> firstCopies = new TreeMap<>(TUPLE_ORDER);
        for (Candidate c : candidates) firstCopies.putIfAbsent(c.tuple(), c);
        Map<DedupeTuple, String> receiptIdOfClaim = new HashMap<>();
        for (DedupeTuple t : firstCopies.keySet()) receiptIdOfClaim.put(t, newReceiptId());

        try (Connection conn = dataSource.getConnection()) {
            conn.setAutoCommit(false);
            try {
                Set<DedupeTuple> claimed = claim(conn, firstCopies, receiptIdOfClaim);
                Map<DedupeTuple, String> storedHash = new HashMap<>();
                for (Candidate c : firstCopies.values()) {
                    if (claimed.contains(c.tuple())) storedHash.put(c.tuple(), c.payloadHash());
                }
                List<DedupeTuple> unclaimed = new ArrayList<>();
                for (DedupeTuple t : firstCopies.keySet()) if (!claimed.contains(t)) unclaimed.add(t);
                storedHash.putAll(storedHashes(conn, unclaimed));

                List<Candidate> toPublish = new ArrayList<>();
                for (Candidate c : candidates) {
                    if (claimed.contains(c.tuple()) && firstCopies.get(c.tuple()) == c) toPublish.add(c);
                }
                List<BusCoordinates> coordinates;
                try {
                    coordinates = toPublish.isEmpty() ? List.of() : publisher.publish(toPublish);
                } catch (Exception e) {
                    throw new IllegalStateException("publish failed: " + e.getMessage(), e);
                }
                Map<Integer, BusCoordinates> coordsByIndex = new HashMap<>();
                for (int i = 0; i < toPublish.size(); i++) coordsByIndex.put(toPublish.get(i).index(), coordinates.get(i));

                Map<Integer, Receipt> receipts = new LinkedHashMap<>(quarantined);
                for (Candidate c : candidates) {
                    BusCoordinates at = coordsByIndex.get(c.index());
                    if (at != null) {
                        receipts.put(c.index(), new Receipt(receiptIdOfClaim.get(c.tuple()), c.tuple(),
                                ReceiptOutcome.ADMITTED, null, null, c.payloadHash(), at, now));
                    } else {
                        String original = storedHash.get(c.tuple());
                        if (c.payloadHash().equals(original)) {
                            receipts.put(c.index(), new Receipt(newReceiptId(), c.tuple(), ReceiptOutcome.DUPLICATE,
                                    null, null, c.payloadHash(), null, now));
                        } else {
                            receipts.put(c.index(), new Receipt(newReceiptId(), c.tuple(), ReceiptOutcome.QUARANTINED,
                                    dev.fraudplatform.core.ingress.QuarantineReason.INTEGRITY_MISMATCH,
                                    "admitted before with payload hash " + original, c.payloadHash(), null, now));
                        }
                    }
                }
                insertReceipts(conn, receipts.values());
                conn.commit();
                return receipts;
            } catch (SQLException | RuntimeException e) {
                conn.rollback();
                throw e;
            }
        }
    }

    private static Set<DedupeTuple> claim(Connection conn, Map<DedupeTuple, Candidate> firstCopies,
                                          Map<DedupeTuple, String> receiptIds) throws SQLException {
        Set<DedupeTuple> claimed = new HashSet<>();
        if (firstCopies.isEmpty()) return claimed;
        int n = firstCopies.size();
        String[] runs = new String[n], classes = new String[n], ids = new String[n], hashes = new String[n], rids = new String[n];
        int i = 0;
        for (Candidate c : firstCopies.values()) {
            runs[i] = c.tuple().platformRunId();
            classes[i] = c.tuple().eventClass();
            ids[i] = c.tuple().eventId();
            hashes[i] = c.payloadHash();
            rids[i] = receiptIds.get(c.tuple());
            i++;
        }
        String sql = "INSERT INTO ingress.dedupe_index (platform_run_id, event_class, event_id, payload_hash, receipt_id) "
                + "SELECT * FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[]) "
                + "ON CONFLICT DO NOTHING RETURNING platform_run_id, event_class, event_id";
        try (PreparedStatement ps = conn.prepareStatement(sql)) {
            ps.setArray(1, conn.createArrayOf("text", runs));
            ps.setArray(2, conn.createArrayOf("text", classes));
            ps.setArray(3, conn.createArrayOf("text", ids));
            ps.setArray(4, conn.createArrayOf("text", hashes));
            ps.setArray(5, conn.createArrayOf("text", rids));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) claimed.add(new DedupeTuple(rs.getString(1), rs.getString(2), rs.getString(3)));
            }
        }
        return claimed;
    }

    private static Map<DedupeTuple, String> storedHashes(Connection conn, List<DedupeTuple> tuples) throws SQLException {
        Map<DedupeTuple, String> out = new HashMap<>();
        if (tuples.isEmpty()) return out;
        String[] runs = new String[tuples.size()], classes = new String[tuples.size()], ids = new String[tuples.size()];
        for (int i = 0; i < tuples.size(); i++) {
            runs[i] = tuples.get(i).platformRunId();
            classes[i] = tuples.get(i).eventClass();
            ids[i] = tuples.get(i).eventId();
        }
        String sql = "SELECT d.platform_run_id, d.event_class, d.event_id, d.payload_hash FROM ingress.dedupe_index d "
                + "JOIN unnest(?::text[], ?::text[], ?::text[]) AS t(r, c, e) "
                + "ON d.platform_run_id = t.r AND d.event_class = t.c AND d.event_id = t.e";
        try (PreparedStatement ps = conn.prepareStatement(sql)) {
            ps.setArray(1, conn.createArrayOf("text", runs));
            ps.setArray(2, conn.createArrayOf("text", classes));
            ps.setArray(3, conn.createArrayOf("text", ids));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(new DedupeTuple(rs.getString(1), rs.getString(2), rs.getString(3)), rs.getString(4));
                }
            }
        }
        return out;
    }

    private static void insertReceipts(Connection conn, java.util.Collection<Receipt> receipts) throws SQLException {
        int n = receipts.size();
        if (n == 0) return;
        String[] rid = new String[n], run = new String[n], cls = new String[n], eid = new String[n], outcome = new String[n],
                reason = new String[n], detail = new String[n], hash = new String[n], topic = new String[n];
        Integer[] part = new Integer[n];
        Long[] off = new Long[n];
        Timestamp[] at = new Timestamp[n];
        int i = 0;
        for (Receipt r : receipts) {
            rid[i] = r.receiptId();
            run[i] = r.platformRunId();
            if (r.tuple() != null) {
                cls[i] = r.tuple().eventClass();
                eid[i] = r.tuple().eventId();
            }
            outcome[i] = r.outcome().name();
            reason[i] = r.reason() == null ? null : r.reason().name();
            detail[i] = r.detail();
            hash[i] = r.payloadHash();
            if (r.coordinates() != null) {
                topic[i] = r.coordinates().topic();
                part[i] = r.coordinates().partition();
                off[i] = r.coordinates().offset();
            }
            at[i] = Timestamp.from(r.receivedAt());
            i++;
        }
        String sql = "INSERT INTO ingress.receipts (receipt_id, platform_run_id, event_class, event_id, outcome, reason, "
                + "detail, payload_hash, topic, kafka_partition, kafka_offset, received_at) "
                + "SELECT * FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], "
                + "?::text[], ?::text[], ?::integer[], ?::bigint[], ?::timestamptz[])";
        try (PreparedStatement ps = conn.prepareStatement(sql)) {
            Array[] arrays = {
                conn.createArrayOf("text", rid), conn.createArrayOf("text", run), conn.createArrayOf("text", cls),
                conn.createArrayOf("text", eid), conn.createArrayOf("text", outcome), conn.createArrayOf("text", reason),
                conn.createArrayOf("text", detail), conn.createArrayOf("text", hash), conn.createArrayOf("text", topic),
                conn.createArrayOf("integer", part), conn.createArrayOf("bigint", off), conn.createArrayOf("timestamptz", at)};
            for (int k = 0; k < arrays.length; k++) ps.setArray(k + 1, arrays[k]);
            ps.executeUpdate();
        }
    }

    @Override
    public Map<String, Long> countsByOutcome(String platformRunId) {
        String sql = "SELECT outcome, reason, count(*) FROM ingress.receipts WHERE platform_run_id = ? GROUP BY outcome, reason";
        Map<String, Long> out = new TreeMap<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, platformRunId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String key = rs.getString(2) == null ? rs.getString(1) : rs.getString(1) + "/" + rs.getString(2);
                    out.merge(key, rs.getLong(3), Long::sum);
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("counting receipts: " + e.getMessage(), e);
        }
        return out;
    }

    @Override
    public Map<String, Long> admittedByEventClass(String platformRunId) {
        String sql = "SELECT event_class, count(*) FROM ingress.receipts WHERE platform_run_id = ? AND outcome = 'ADMITTED' GROUP BY event_class";
        Map<String, Long> out = new TreeMap<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, platformRunId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.put(rs.getString(1), rs.getLong(2));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("counting receipts: " + e.getMessage(), e);
        }
        return out;
    }

    private static final Comparator<DedupeTuple> TUPLE_ORDER = Comparator.comparing(DedupeTuple::platformRunId)
            .thenComparing(DedupeTuple::eventClass).thenComparing(DedupeTuple::eventId);

    private static String newReceiptId() {
        return "rcpt-" + UUID.randomUUID();
    }
}
