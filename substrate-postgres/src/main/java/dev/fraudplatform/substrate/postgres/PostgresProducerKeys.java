package dev.fraudplatform.substrate.postgres;

import dev.fraudplatform.core.ingress.ProducerKeys;
import dev.fraudplatform.core.json.Sha256;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * {@link ProducerKeys} on PostgreSQL: {@code ingress.producer_keys} and the append-only
 * {@code ingress.producer_key_revocations}. Every check reads the database (one primary-key probe per request, not per
 * event), so a revocation made by any process holds from the next request on.
 */
public final class PostgresProducerKeys implements ProducerKeys {
    private static final String LIST =
            "SELECT k.key_sha256, k.producer_id, k.issued_at, r.revoked_at, r.reason FROM ingress.producer_keys k "
                    + "LEFT JOIN ingress.producer_key_revocations r USING (key_sha256) ";
    private final DataSource dataSource;
    private final SecureRandom random = new SecureRandom();

    public PostgresProducerKeys(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    @Override
    public String issue(String producerId) {
        ProducerKeys.checkProducerId("producer", producerId);
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        String key = "fpk_" + HexFormat.of().formatHex(bytes);
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "INSERT INTO ingress.producer_keys (key_sha256, producer_id) VALUES (?, ?)")) {
            ps.setString(1, Sha256.hex(key));
            ps.setString(2, producerId);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("issuing a key: " + e.getMessage(), e);
        }
        return key;
    }

    @Override
    public Optional<String> producerOf(String presentedKey) {
        if (presentedKey == null || presentedKey.isEmpty() || presentedKey.length() > 256) return Optional.empty();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "SELECT k.producer_id FROM ingress.producer_keys k WHERE k.key_sha256 = ? "
                                + "AND NOT EXISTS (SELECT 1 FROM ingress.producer_key_revocations r WHERE r.key_sha256 = k.key_sha256)")) {
            ps.setString(1, Sha256.hex(presentedKey));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("checking a key: " + e.getMessage(), e);
        }
    }

    @Override
    public List<KeyInfo> list() {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(LIST + "ORDER BY k.issued_at, k.key_sha256")) {
            return read(ps);
        } catch (SQLException e) {
            throw new IllegalStateException("listing keys: " + e.getMessage(), e);
        }
    }

    @Override
    public KeyInfo revoke(String keyId, String reason) {
        ProducerKeys.checkKeyId(keyId);
        try (Connection c = dataSource.getConnection()) {
            List<String> hashes = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT key_sha256 FROM ingress.producer_keys WHERE key_sha256 LIKE ? LIMIT 2")) {
                ps.setString(1, keyId + "%");
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) hashes.add(rs.getString(1));
                }
            }
            if (hashes.isEmpty()) throw new IllegalArgumentException("no key has id " + keyId);
            if (hashes.size() > 1)
                throw new IllegalArgumentException("more than one key has id " + keyId + "; give more of its hash");
            // Revoked by its whole hash: a key issued meanwhile with the same prefix is never revoked with it.
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO ingress.producer_key_revocations (key_sha256, reason) VALUES (?, ?) "
                            + "ON CONFLICT DO NOTHING")) {
                ps.setString(1, hashes.get(0));
                ps.setString(2, reason);
                if (ps.executeUpdate() != 1) throw new IllegalArgumentException("key " + keyId + " is already revoked");
            }
            try (PreparedStatement ps = c.prepareStatement(LIST + "WHERE k.key_sha256 = ?")) {
                ps.setString(1, hashes.get(0));
                return read(ps).get(0);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("revoking a key: " + e.getMessage(), e);
        }
    }

    private static List<KeyInfo> read(PreparedStatement ps) throws SQLException {
        List<KeyInfo> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                Timestamp revoked = rs.getTimestamp(4);
                out.add(new KeyInfo(
                        ProducerKeys.keyIdOf(rs.getString(1)),
                        rs.getString(2),
                        rs.getTimestamp(3).toInstant(),
                        revoked == null ? null : revoked.toInstant(),
                        rs.getString(5)));
            }
        }
        return out;
    }
}
