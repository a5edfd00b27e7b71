package dev.fraudplatform.substrate.postgres;

import dev.fraudplatform.core.ingress.ProducerKeys;
import dev.fraudplatform.core.json.Sha256;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;

/** {@link ProducerKeys} on PostgreSQL ({@code ingress.producer_keys}); known keys are cached for 30 s. */
public final class PostgresProducerKeys implements ProducerKeys {
    private static final long CACHE_MILLIS = 30_000;
    private final DataSource dataSource;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, Map.Entry<String, Long>> cache = new ConcurrentHashMap<>();

    public PostgresProducerKeys(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    @Override
    public String issue(String producerId) {
        if (producerId == null || !producerId.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,63}")) {
            throw new IllegalArgumentException("a producer id is 1 to 64 letters, digits, '.', '_' or '-'");
        }
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        String key = "fpk_" + HexFormat.of().formatHex(bytes);
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("INSERT INTO ingress.producer_keys (key_sha256, producer_id) VALUES (?, ?)")) {
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
        String hash = Sha256.hex(presentedKey);
        Map.Entry<String, Long> hit = cache.get(hash);
        if (hit != null && System.currentTimeMillis() - hit.getValue() < CACHE_MILLIS) return Optional.of(hit.getKey());
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT producer_id FROM ingress.producer_keys WHERE key_sha256 = ?")) {
            ps.setString(1, hash);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) return Optional.empty();
                cache.put(hash, Map.entry(rs.getString(1), System.currentTimeMillis()));
                return Optional.of(rs.getString(1));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("checking a key: " + e.getMessage(), e);
        }
    }
}
