package dev.fraudplatform.substrate.postgres;

import dev.fraudplatform.core.bus.OutboundRecord;
import dev.fraudplatform.core.ingress.BusCoordinates;
import dev.fraudplatform.core.ingress.DedupeTuple;
import dev.fraudplatform.core.ingress.Receipt;
import dev.fraudplatform.core.ingress.ReceiptOutcome;
import dev.fraudplatform.core.ingress.ReceiptStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import javax.sql.DataSource;

/**
 * {@link ReceiptStore} on PostgreSQL ({@code ingress.receipts}; {@code ingress.outbox}, which is also the dedupe index;
 * {@code ingress.outbox_records}, each claimed event's bus record until the relay has published it).
 *
 * <p>A claim is one transaction: insert the candidates' outbox rows with {@code ON CONFLICT DO NOTHING} on the tuple
 * (in tuple order, so that concurrent claims lock in the same order and cannot deadlock), read the stored hash of
 * every tuple not claimed, append the receipts settled now, commit. A concurrent insert of the
 * same tuple waits on the unique index until this transaction ends, then sees the claim: two copies of one event
 * never both get claimed.
 */
public final class PostgresReceiptStore implements ReceiptStore {
    private final DataSource dataSource;

    public PostgresReceiptStore(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    @Override
    public Claim claim(List<Candidate> candidates, Map<Integer, Receipt> quarantined) {
        for (int attempt = 1; ; attempt++) {
            try {
                return claimOnce(candidates, quarantined);
            } catch (SQLException e) {
                // Deadlock or serialization failure: the transaction rolled back whole, so it can simply run again.
                boolean retryable = "40P01".equals(e.getSQLState()) || "40001".equals(e.getSQLState());
                if (!retryable || attempt >= 5) {
                    throw new IllegalStateException("receipt store failed: " + e.getMessage(), e);
                }
            }
        }
    }

    private Claim claimOnce(List<Candidate> candidates, Map<Integer, Receipt> quarantined) throws SQLException {
        Instant now = Instant.now();
        // The first copy of a tuple in the batch is the one that may claim it; later copies are judged
        // against whatever hash ends up stored for the tuple.
        // Outbox sequences follow input order, so a recovery republishes one key's events in their order. (Claims do
        // not run concurrently: one relay holds the store's lease.)
        Map<DedupeTuple, Candidate> firstCopies = new LinkedHashMap<>();
        for (Candidate c : candidates) firstCopies.putIfAbsent(c.tuple(), c);
        Map<DedupeTuple, String> receiptIdOfClaim = new HashMap<>();
        for (DedupeTuple t : firstCopies.keySet()) receiptIdOfClaim.put(t, newReceiptId());

        try (Connection conn = dataSource.getConnection()) {
            conn.setAutoCommit(false);
            Map<Integer, Receipt> settled;
            List<Pending> pending;
            try {
                List<Candidate> firsts = new ArrayList<>(firstCopies.values());
                Map<String, Long> seqByReceipt = insertOutbox(conn, firsts, receiptIdOfClaim, now);
                Set<DedupeTuple> claimed = new HashSet<>();
                for (Candidate c : firsts)
                    if (seqByReceipt.containsKey(receiptIdOfClaim.get(c.tuple()))) claimed.add(c.tuple());
                Map<DedupeTuple, String> storedHash = new HashMap<>();
                List<DedupeTuple> unclaimed = new ArrayList<>();
                for (DedupeTuple t : firstCopies.keySet()) if (!claimed.contains(t)) unclaimed.add(t);
                storedHash.putAll(storedHashes(conn, unclaimed));

                List<Candidate> toPublish = new ArrayList<>();
                settled = new LinkedHashMap<>(quarantined);
                for (Candidate c : candidates) {
                    if (claimed.contains(c.tuple()) && firstCopies.get(c.tuple()) == c) {
                        toPublish.add(c);
                        continue;
                    }
                    String original = claimed.contains(c.tuple())
                            ? firstCopies.get(c.tuple()).payloadHash()
                            : storedHash.get(c.tuple());
                    if (c.payloadHash().equals(original)) {
                        settled.put(
                                c.index(),
                                new Receipt(
                                        newReceiptId(),
                                        c.tuple(),
                                        ReceiptOutcome.DUPLICATE,
                                        null,
                                        null,
                                        c.payloadHash(),
                                        null,
                                        now));
                    } else {
                        settled.put(
                                c.index(),
                                new Receipt(
                                        newReceiptId(),
                                        c.tuple(),
                                        ReceiptOutcome.QUARANTINED,
                                        dev.fraudplatform.core.ingress.QuarantineReason.INTEGRITY_MISMATCH,
                                        "admitted before with payload hash " + original,
                                        c.payloadHash(),
                                        null,
                                        now));
                    }
                }
                // Published in input order, so one key's events keep their order on its partition.
                pending = new ArrayList<>(toPublish.size());
                for (Candidate c : toPublish) {
                    String rid = receiptIdOfClaim.get(c.tuple());
                    pending.add(new Pending(
                            seqByReceipt.get(rid), rid, c.index(), c.tuple(), c.payloadHash(), c.record(), now));
                }
                insertReceipts(conn, settled.values(), null);
            } catch (SQLException | RuntimeException e) {
                conn.rollback();
                throw e;
            }
            try {
                conn.commit();
            } catch (SQLException e) {
                throw new CommitOutcomeUnknownException(
                        "the claim of " + candidates.size() + " inputs may or may not have committed: "
                                + e.getMessage(),
                        e);
            }
            return new Claim(settled, pending);
        }
    }

    /**
     * Claims tuples by inserting their outbox rows in input order; a tuple already in the outbox is not claimed.
     * Returns the sequence of each claimed receipt id.
     */
    private static Map<String, Long> insertOutbox(
            Connection conn, List<Candidate> claimed, Map<DedupeTuple, String> receiptIds, Instant now)
            throws SQLException {
        int n = claimed.size();
        Map<String, Long> seqByReceipt = new HashMap<>();
        if (n == 0) return seqByReceipt;
        String[] rid = new String[n],
                run = new String[n],
                cls = new String[n],
                eid = new String[n],
                hash = new String[n],
                topic = new String[n],
                key = new String[n],
                headers = new String[n];
        byte[][] value = new byte[n][];
        Long[] ts = new Long[n];
        for (int i = 0; i < n; i++) {
            Candidate c = claimed.get(i);
            rid[i] = receiptIds.get(c.tuple());
            run[i] = c.tuple().platformRunId();
            cls[i] = c.tuple().eventClass();
            eid[i] = c.tuple().eventId();
            hash[i] = c.payloadHash();
            topic[i] = c.record().topic();
            key[i] = c.record().key();
            value[i] = c.record().value();
            ts[i] = c.record().timestampMillis();
            headers[i] = OutboxHeaders.encode(c.record().headers());
        }
        // One statement, multi-row VALUES with bound parameters (record bytes travel in binary, not as a hex-escaped
        // bytea[] literal): the claims go into the outbox in input order, and the record of each one claimed into
        // ingress.outbox_records, where it waits until published.
        Timestamp at = Timestamp.from(now);
        int chunk = 2_000; // 12 parameters a row, well under the protocol's 32,767
        for (int from = 0; from < n; from += chunk) {
            int to = Math.min(n, from + chunk);
            StringBuilder sql = new StringBuilder("WITH v (ord, receipt_id, platform_run_id, event_class, event_id, "
                    + "payload_hash, topic, record_key, record_value, record_timestamp, record_headers, received_at) "
                    + "AS (VALUES ");
            for (int i = from; i < to; i++)
                sql.append(
                        i == from
                                ? "(?::int,?::text,?::text,?::text,?::text,?::text,?::text,?::text,?::bytea,?::bigint,"
                                        + "?::text,?::timestamptz)"
                                : ",(?,?,?,?,?,?,?,?,?,?,?,?)");
            sql.append("), claimed AS (INSERT INTO ingress.outbox (receipt_id, platform_run_id, event_class, event_id, "
                    + "payload_hash, received_at) SELECT receipt_id, platform_run_id, event_class, event_id, "
                    + "payload_hash, received_at FROM v ORDER BY ord "
                    + "ON CONFLICT (platform_run_id, event_class, event_id) DO NOTHING RETURNING seq, receipt_id), "
                    + "kept AS (INSERT INTO ingress.outbox_records (seq, topic, record_key, record_value, "
                    + "record_timestamp, record_headers) SELECT c.seq, v.topic, v.record_key, v.record_value, "
                    + "v.record_timestamp, v.record_headers FROM claimed c JOIN v ON v.receipt_id = c.receipt_id) "
                    + "SELECT seq, receipt_id FROM claimed");
            try (PreparedStatement ps = conn.prepareStatement(sql.toString())) {
                int p = 1;
                for (int i = from; i < to; i++) {
                    ps.setInt(p++, i);
                    ps.setString(p++, rid[i]);
                    ps.setString(p++, run[i]);
                    ps.setString(p++, cls[i]);
                    ps.setString(p++, eid[i]);
                    ps.setString(p++, hash[i]);
                    ps.setString(p++, topic[i]);
                    ps.setString(p++, key[i]);
                    ps.setBytes(p++, value[i]);
                    ps.setLong(p++, ts[i]);
                    ps.setString(p++, headers[i]);
                    ps.setTimestamp(p++, at);
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) seqByReceipt.put(rs.getString(2), rs.getLong(1));
                }
            }
        }
        return seqByReceipt;
    }

    @Override
    public void recordAdmitted(List<Pending> published, List<BusCoordinates> coordinates, long markerOffset) {
        List<Receipt> receipts = new ArrayList<>(published.size());
        Long[] seqs = new Long[published.size()];
        for (int i = 0; i < published.size(); i++) {
            Pending p = published.get(i);
            receipts.add(new Receipt(
                    p.receiptId(),
                    p.tuple(),
                    ReceiptOutcome.ADMITTED,
                    null,
                    null,
                    p.payloadHash(),
                    coordinates.get(i),
                    p.receivedAt()));
            seqs[i] = p.outboxSeq();
        }
        try (Connection conn = dataSource.getConnection()) {
            conn.setAutoCommit(false);
            try {
                insertReceipts(conn, receipts, seqs);
                long maxSeq =
                        published.stream().mapToLong(Pending::outboxSeq).max().orElse(0);
                try (PreparedStatement ps = conn.prepareStatement(
                        "INSERT INTO ingress.relay_progress (marker_offset, max_outbox_seq) VALUES (?, ?)")) {
                    ps.setLong(1, markerOffset);
                    ps.setLong(2, maxSeq);
                    ps.executeUpdate();
                }
                // Published: the bus holds the records now, and their receipts commit with this delete.
                try (PreparedStatement ps =
                        conn.prepareStatement("DELETE FROM ingress.outbox_records WHERE seq = ANY (?)")) {
                    ps.setArray(1, conn.createArrayOf("bigint", seqs));
                    ps.executeUpdate();
                }
                conn.commit();
            } catch (SQLException | RuntimeException e) {
                conn.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("recording admitted receipts: " + e.getMessage(), e);
        }
    }

    @Override
    public List<Pending> unpublished() {
        String sql =
                "SELECT o.seq, o.receipt_id, o.platform_run_id, o.event_class, o.event_id, o.payload_hash, r.topic, "
                        + "r.record_key, r.record_value, r.record_timestamp, r.record_headers, o.received_at, r.seq "
                        + "FROM ingress.outbox o LEFT JOIN ingress.outbox_records r ON r.seq = o.seq "
                        + "WHERE o.seq > (SELECT coalesce(max(max_outbox_seq), 0) FROM ingress.relay_progress) "
                        + "ORDER BY o.seq";
        List<Pending> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(sql);
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                // A claim above the relay's progress without its record would be an event admitted and never
                // published: say so rather than skip it.
                rs.getLong(13);
                if (rs.wasNull())
                    throw new IllegalStateException("outbox claim " + rs.getLong(1)
                            + " is not published and its record is gone: event " + rs.getString(5)
                            + " of run " + rs.getString(3) + " cannot be recovered from the outbox");
                DedupeTuple t = new DedupeTuple(rs.getString(3), rs.getString(4), rs.getString(5));
                OutboundRecord r = new OutboundRecord(
                        rs.getString(7),
                        rs.getString(8),
                        rs.getBytes(9),
                        rs.getLong(10),
                        OutboxHeaders.decode(rs.getString(11)));
                out.add(new Pending(
                        rs.getLong(1),
                        rs.getString(2),
                        -1,
                        t,
                        rs.getString(6),
                        r,
                        rs.getTimestamp(12).toInstant()));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("reading the outbox: " + e.getMessage(), e);
        }
        return out;
    }

    @Override
    public long lastMarkerOffset() {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "SELECT marker_offset FROM ingress.relay_progress ORDER BY id DESC LIMIT 1");
                ResultSet rs = ps.executeQuery()) {
            return rs.next() ? rs.getLong(1) : -1;
        } catch (SQLException e) {
            throw new IllegalStateException("reading relay progress: " + e.getMessage(), e);
        }
    }

    private static Map<DedupeTuple, String> storedHashes(Connection conn, List<DedupeTuple> tuples)
            throws SQLException {
        Map<DedupeTuple, String> out = new HashMap<>();
        if (tuples.isEmpty()) return out;
        String[] runs = new String[tuples.size()], classes = new String[tuples.size()], ids = new String[tuples.size()];
        for (int i = 0; i < tuples.size(); i++) {
            runs[i] = tuples.get(i).platformRunId();
            classes[i] = tuples.get(i).eventClass();
            ids[i] = tuples.get(i).eventId();
        }
        String sql = "SELECT d.platform_run_id, d.event_class, d.event_id, d.payload_hash FROM ingress.outbox d "
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

    /** Appends receipts with {@code COPY ... FROM STDIN (FORMAT csv)}: one round trip, no per-parameter binding. */
    private static void insertReceipts(Connection conn, java.util.Collection<Receipt> receipts, Long[] outboxSeqs)
            throws SQLException {
        if (receipts.isEmpty()) return;
        StringBuilder csv = new StringBuilder(receipts.size() * 260);
        int i = 0;
        for (Receipt r : receipts) {
            csvField(csv, r.receiptId()).append(',');
            csvField(csv, pgText(r.platformRunId())).append(',');
            csvField(csv, r.tuple() == null ? null : r.tuple().eventClass()).append(',');
            csvField(csv, r.tuple() == null ? null : r.tuple().eventId()).append(',');
            csvField(csv, r.outcome().name()).append(',');
            csvField(csv, r.reason() == null ? null : r.reason().name()).append(',');
            csvField(csv, pgText(r.detail())).append(',');
            csvField(csv, r.payloadHash()).append(',');
            csvField(csv, r.coordinates() == null ? null : r.coordinates().topic())
                    .append(',');
            if (r.coordinates() != null)
                csv.append(r.coordinates().partition())
                        .append(',')
                        .append(r.coordinates().offset());
            else csv.append(',');
            csv.append(',').append(r.receivedAt()).append(',');
            Long seq = outboxSeqs == null ? null : outboxSeqs[i];
            if (seq != null) csv.append(seq);
            csv.append(',');
            csvField(csv, rawObjectKey(r.detail())).append('\n');
            i++;
        }
        try {
            org.postgresql.copy.CopyManager copy =
                    conn.unwrap(org.postgresql.PGConnection.class).getCopyAPI();
            copy.copyIn(
                    "COPY ingress.receipts (receipt_id, platform_run_id, event_class, event_id, outcome, reason, detail, payload_hash, topic, "
                            + "kafka_partition, kafka_offset, received_at, outbox_seq, raw_object_key) FROM STDIN (FORMAT csv)",
                    new java.io.StringReader(csv.toString()));
        } catch (java.io.IOException e) {
            throw new SQLException("copying receipts: " + e.getMessage(), e);
        }
    }

    /** A CSV field: empty (unquoted) for null, otherwise quoted with quotes doubled, so an empty string stays a string. */
    private static StringBuilder csvField(StringBuilder sb, String v) {
        if (v == null) return sb;
        sb.append('"');
        for (int k = 0; k < v.length(); k++) {
            char c = v.charAt(k);
            if (c == '"') sb.append('"');
            sb.append(c);
        }
        return sb.append('"');
    }

    /** PostgreSQL text cannot hold U+0000; free text that echoes an input (details, unvalidated run ids) escapes it. */
    static String pgText(String s) {
        return s == null || s.indexOf('\u0000') < 0 ? s : s.replace("\u0000", "\\u0000");
    }

    @Override
    public AutoCloseable relayLease() {
        try {
            Connection c = dataSource.getConnection();
            try (PreparedStatement ps =
                    c.prepareStatement("SELECT pg_advisory_lock(hashtext('fp-ig-admission-relay'))")) {
                ps.execute();
            } catch (SQLException e) {
                c.close();
                throw e;
            }
            // The lock lives as long as this session: closing the lease (or the process dying) releases it.
            return () -> {
                try (PreparedStatement ps =
                        c.prepareStatement("SELECT pg_advisory_unlock(hashtext('fp-ig-admission-relay'))")) {
                    ps.execute();
                } finally {
                    c.close();
                }
            };
        } catch (SQLException e) {
            throw new IllegalStateException("taking the relay lease: " + e.getMessage(), e);
        }
    }

    private static final java.util.regex.Pattern RAW_KEY =
            java.util.regex.Pattern.compile("\\[raw: (quarantine/[^\\]\\s]+)\\]$");

    /** The gate names the object key of a quarantined input's raw bytes at the end of the detail: index it. */
    static String rawObjectKey(String detail) {
        if (detail == null) return null;
        java.util.regex.Matcher m = RAW_KEY.matcher(detail);
        return m.find() ? m.group(1) : null;
    }

    @Override
    public Map<String, Long> countsByOutcome(String platformRunId) {
        String sql =
                "SELECT outcome, reason, count(*) FROM ingress.receipts WHERE platform_run_id = ? GROUP BY outcome, reason";
        Map<String, Long> out = new TreeMap<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
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
        String sql =
                "SELECT event_class, count(*) FROM ingress.receipts WHERE platform_run_id = ? AND outcome = 'ADMITTED' GROUP BY event_class";
        Map<String, Long> out = new TreeMap<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, platformRunId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.put(rs.getString(1), rs.getLong(2));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("counting receipts: " + e.getMessage(), e);
        }
        return out;
    }

    private static String newReceiptId() {
        return dev.fraudplatform.core.ingress.ReceiptIds.next();
    }
}
