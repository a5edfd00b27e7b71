package dev.fraudplatform.substrate.postgres;

import dev.fraudplatform.core.cases.Investigators;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * {@link Investigators} on PostgreSQL: {@code casework.investigators}, {@code casework.sessions} and
 * {@code casework.session_ends}, all append-only. A sign-out appends the session's end rather than deleting or
 * updating the session, so the tables keep who was signed in when; expiry is read against the database's clock, so
 * every console process agrees on it.
 */
public final class PostgresInvestigators implements Investigators {
    private final DataSource dataSource;

    public PostgresInvestigators(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    @Override
    public boolean add(Investigator investigator) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "INSERT INTO casework.investigators (username, role, password_hash, created_at) "
                                + "VALUES (?, ?, ?, ?) ON CONFLICT (username) DO NOTHING")) {
            ps.setString(1, investigator.username());
            ps.setString(2, investigator.role().name());
            ps.setString(3, investigator.passwordHash());
            ps.setTimestamp(4, Timestamp.from(investigator.createdAt()));
            return ps.executeUpdate() == 1;
        } catch (SQLException e) {
            throw new IllegalStateException("adding an investigator: " + e.getMessage(), e);
        }
    }

    @Override
    public Optional<Investigator> find(String username) {
        if (username == null || !USERNAME.matcher(username).matches()) return Optional.empty();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "SELECT username, role, password_hash, created_at FROM casework.investigators WHERE username = ?")) {
            ps.setString(1, username);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) return Optional.empty();
                return Optional.of(new Investigator(
                        rs.getString(1),
                        Role.valueOf(rs.getString(2)),
                        rs.getString(3),
                        rs.getTimestamp(4).toInstant()));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("finding an investigator: " + e.getMessage(), e);
        }
    }

    @Override
    public boolean any() {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT EXISTS (SELECT 1 FROM casework.investigators)");
                ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getBoolean(1);
        } catch (SQLException e) {
            throw new IllegalStateException("looking for investigators: " + e.getMessage(), e);
        }
    }

    @Override
    public void open(Session session) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "INSERT INTO casework.sessions (session_hash, username, csrf_token, created_at, expires_at) "
                                + "VALUES (?, ?, ?, ?, ?)")) {
            ps.setString(1, session.sessionHash());
            ps.setString(2, session.username());
            ps.setString(3, session.csrfToken());
            ps.setTimestamp(4, Timestamp.from(session.createdAt()));
            ps.setTimestamp(5, Timestamp.from(session.expiresAt()));
            ps.executeUpdate();
        } catch (SQLException e) {
            if ("23503".equals(e.getSQLState()))
                throw new IllegalArgumentException("no investigator " + session.username());
            throw new IllegalStateException("opening a session: " + e.getMessage(), e);
        }
    }

    @Override
    public Optional<Session> findSession(String sessionHash) {
        if (sessionHash == null || sessionHash.isEmpty() || sessionHash.length() > 128) return Optional.empty();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "SELECT s.session_hash, s.username, s.csrf_token, s.created_at, s.expires_at "
                                + "FROM casework.sessions s WHERE s.session_hash = ? AND s.expires_at > clock_timestamp() "
                                + "AND NOT EXISTS (SELECT 1 FROM casework.session_ends e WHERE e.session_hash = s.session_hash)")) {
            ps.setString(1, sessionHash);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) return Optional.empty();
                return Optional.of(new Session(
                        rs.getString(1),
                        rs.getString(2),
                        rs.getString(3),
                        rs.getTimestamp(4).toInstant(),
                        rs.getTimestamp(5).toInstant()));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("finding a session: " + e.getMessage(), e);
        }
    }

    @Override
    public void close(String sessionHash) {
        if (sessionHash == null || sessionHash.isEmpty() || sessionHash.length() > 128) return;
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("INSERT INTO casework.session_ends (session_hash) "
                        + "SELECT session_hash FROM casework.sessions WHERE session_hash = ? "
                        + "ON CONFLICT (session_hash) DO NOTHING")) {
            ps.setString(1, sessionHash);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("closing a session: " + e.getMessage(), e);
        }
    }
}
