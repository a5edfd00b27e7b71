package dev.fraudplatform.substrate.postgres;

import dev.fraudplatform.core.run.RunFacts;
import dev.fraudplatform.core.run.RunRegistry;
import dev.fraudplatform.core.run.RunState;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.Optional;
import javax.sql.DataSource;

/** {@link RunRegistry} on {@code runs.run_facts} and the append-only {@code runs.run_transitions}. */
public final class PostgresRunRegistry implements RunRegistry {
    private final DataSource dataSource;

    public PostgresRunRegistry(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    @Override
    public void pin(RunFacts f) {
        String sql = "INSERT INTO runs.run_facts (platform_run_id, world_id, world_fingerprint, bundle_id, bundle_digest, "
                + "config_digest, code_version, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, f.platformRunId());
            ps.setString(2, f.worldId());
            ps.setString(3, f.worldFingerprint());
            ps.setString(4, f.bundleId());
            ps.setString(5, f.bundleDigest());
            ps.setString(6, f.configDigest());
            ps.setString(7, f.codeVersion());
            ps.setTimestamp(8, Timestamp.from(f.createdAt()));
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("pinning run facts: " + e.getMessage(), e);
        }
        transition(f.platformRunId(), RunState.PLANNED, "run facts pinned");
    }

    @Override
    public void transition(String runId, RunState state, String reason) {
        String sql = "INSERT INTO runs.run_transitions (platform_run_id, state, reason) VALUES (?, ?, ?)";
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, runId);
            ps.setString(2, state.name());
            ps.setString(3, reason);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("recording run transition: " + e.getMessage(), e);
        }
    }

    @Override
    public Optional<RunFacts> facts(String runId) {
        String sql = "SELECT world_id, world_fingerprint, bundle_id, bundle_digest, config_digest, code_version, created_at "
                + "FROM runs.run_facts WHERE platform_run_id = ?";
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, runId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) return Optional.empty();
                return Optional.of(new RunFacts(runId, rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        rs.getString(5), rs.getString(6), rs.getTimestamp(7).toInstant()));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("reading run facts: " + e.getMessage(), e);
        }
    }

    @Override
    public Optional<RunState> state(String runId) {
        String sql = "SELECT state FROM runs.run_transitions WHERE platform_run_id = ? ORDER BY seq DESC LIMIT 1";
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, runId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(RunState.valueOf(rs.getString(1))) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("reading run state: " + e.getMessage(), e);
        }
    }

    @Override
    public java.util.List<Transition> history(String runId) {
        String sql = "SELECT state, reason, at FROM runs.run_transitions WHERE platform_run_id = ? ORDER BY seq";
        java.util.List<Transition> out = new java.util.ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, runId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.add(new Transition(RunState.valueOf(rs.getString(1)), rs.getString(2), rs.getTimestamp(3).toInstant()));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("reading run history: " + e.getMessage(), e);
        }
        return out;
    }

    @Override
    public java.util.List<Summary> list(int limit) {
        String sql = "SELECT f.platform_run_id, f.world_id, f.world_fingerprint, f.bundle_id, f.bundle_digest, f.config_digest, f.code_version, "
                + "f.created_at, t.state, t.reason, t.at FROM runs.run_facts f LEFT JOIN LATERAL (SELECT state, reason, at FROM runs.run_transitions x "
                + "WHERE x.platform_run_id = f.platform_run_id ORDER BY seq DESC LIMIT 1) t ON true ORDER BY f.created_at DESC, f.platform_run_id LIMIT ?";
        java.util.List<Summary> out = new java.util.ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setInt(1, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    RunFacts f = new RunFacts(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6),
                            rs.getString(7), rs.getTimestamp(8).toInstant());
                    Transition latest = rs.getString(9) == null ? null
                            : new Transition(RunState.valueOf(rs.getString(9)), rs.getString(10), rs.getTimestamp(11).toInstant());
                    out.add(new Summary(f, latest));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("listing runs: " + e.getMessage(), e);
        }
        return out;
    }
}
