package dev.fraudplatform.substrate.postgres;

import dev.fraudplatform.core.ingress.QuarantineIndex;
import dev.fraudplatform.core.ingress.QuarantineReason;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/** {@link QuarantineIndex} on PostgreSQL: quarantine receipts in {@code ingress.receipts}, releases in {@code ingress.quarantine_releases}. */
public final class PostgresQuarantineIndex implements QuarantineIndex {
    private static final String SELECT =
            "SELECT r.receipt_id, r.platform_run_id, r.event_class, r.event_id, r.reason, r.detail, r.raw_object_key, "
                    + "r.received_at, q.release_receipt_id FROM ingress.receipts r LEFT JOIN ingress.quarantine_releases q "
                    + "ON q.quarantine_receipt_id = r.receipt_id WHERE r.outcome = 'QUARANTINED' ";
    private final DataSource dataSource;

    public PostgresQuarantineIndex(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    @Override
    public List<Entry> list(String platformRunId, int limit) {
        String sql = SELECT + (platformRunId != null ? "AND r.platform_run_id = ? " : "")
                + "ORDER BY r.received_at DESC, r.receipt_id LIMIT ?";
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            int i = 1;
            if (platformRunId != null) ps.setString(i++, platformRunId);
            ps.setInt(i, limit);
            return read(ps);
        } catch (SQLException e) {
            throw new IllegalStateException("listing the quarantine: " + e.getMessage(), e);
        }
    }

    @Override
    public Optional<Entry> get(String receiptId) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(SELECT + "AND r.receipt_id = ?")) {
            ps.setString(1, receiptId);
            return read(ps).stream().findFirst();
        } catch (SQLException e) {
            throw new IllegalStateException("reading the quarantine: " + e.getMessage(), e);
        }
    }

    @Override
    public void recordRelease(String quarantineReceiptId, String releaseReceiptId, String releasedBy) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "INSERT INTO ingress.quarantine_releases (quarantine_receipt_id, release_receipt_id, released_by) VALUES (?, ?, ?)")) {
            ps.setString(1, quarantineReceiptId);
            ps.setString(2, releaseReceiptId);
            ps.setString(3, releasedBy);
            ps.executeUpdate();
        } catch (SQLException e) {
            if ("23505".equals(e.getSQLState()))
                throw new IllegalArgumentException(quarantineReceiptId + " was released already");
            throw new IllegalStateException("recording a release: " + e.getMessage(), e);
        }
    }

    private static List<Entry> read(PreparedStatement ps) throws SQLException {
        List<Entry> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(new Entry(
                        rs.getString(1),
                        rs.getString(2),
                        rs.getString(3),
                        rs.getString(4),
                        QuarantineReason.valueOf(rs.getString(5)),
                        rs.getString(6),
                        rs.getString(7),
                        rs.getTimestamp(8).toInstant(),
                        rs.getString(9)));
            }
        }
        return out;
    }
}
