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

/**
 * {@link RunRegistry} on {@code runs.run_facts}, {@code runs.run_producers} and the append-only
 * {@code runs.run_transitions}.
 *
 * <p>Ownership is a PostgreSQL session-level advisory lock per run, taken before the run's facts exist and held on
 * one connection of this registry (the owner connection) until the run ends: the server drops it when that session
 * ends, however the owning process died. So a run that is not ended and whose lock can be taken has no owner left.
 * The caller should {@link #close()} the registry to give its owner connection back.
 */
public final class PostgresRunRegistry implements RunRegistry, AutoCloseable {
    /** The advisory lock space of run ownership (the two-key form; the relay lease uses the one-key form). */
    private static final int RUN_LOCK_SPACE = 0x66705255; // "fpRU"
    /** Joins each run {@code f} to its latest transition {@code t} (state, reason, at), or to nulls before its first. */
    private static final String LATEST_TRANSITION =
            "LEFT JOIN LATERAL (SELECT state, reason, at FROM runs.run_transitions x "
                    + "WHERE x.platform_run_id = f.platform_run_id ORDER BY seq DESC LIMIT 1) t ON true";

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(PostgresRunRegistry.class);
    private final DataSource dataSource;
    private Connection owner;
    /** The runs this registry owns: their locks are held on {@link #owner}. */
    private final java.util.Set<String> owned = new java.util.HashSet<>();

    public PostgresRunRegistry(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Takes the ownership lock of {@code runId} on the owner connection; false when another session holds it. */
    private synchronized boolean own(String runId) throws SQLException {
        ownerSession();
        if (!advisoryLock(owner, "pg_try_advisory_lock", runId)) return false;
        owned.add(runId);
        return true;
    }

    /**
     * The owner connection, opened or replaced when its session was lost (the server restarted, the network broke):
     * the locks died with that session, so they are taken again. One that cannot be is owned by another process now
     * (it found the run abandoned meanwhile), which is logged; the run's next transition then says what it is.
     */
    private void ownerSession() throws SQLException {
        if (owner != null && owner.isValid(2)) return;
        if (owner != null) {
            try {
                owner.close();
            } catch (SQLException lost) {
                // it is gone either way
            }
        }
        owner = dataSource.getConnection();
        for (String runId : new java.util.ArrayList<>(owned)) {
            if (!advisoryLock(owner, "pg_try_advisory_lock", runId)) {
                owned.remove(runId);
                LOG.error(
                        "run {}: its ownership was lost with a database session and another process holds it now",
                        runId);
            }
        }
    }

    private synchronized void disown(String runId) {
        if (owner == null || !owned.remove(runId)) return;
        try {
            // false when this session did not own it (a run pinned by another process, ended from here)
            advisoryLock(owner, "pg_advisory_unlock", runId);
        } catch (SQLException e) {
            throw new IllegalStateException("ending ownership of run " + runId + ": " + e.getMessage(), e);
        }
    }

    /** Calls {@code function} (try-lock or unlock) on the run's ownership lock in {@code session}; returns its answer. */
    private static boolean advisoryLock(Connection session, String function, String runId) throws SQLException {
        try (PreparedStatement ps = session.prepareStatement("SELECT " + function + "(?, hashtext(?))")) {
            ps.setInt(1, RUN_LOCK_SPACE);
            ps.setString(2, runId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    @Override
    public void pin(RunFacts f) {
        try {
            if (!own(f.platformRunId()))
                throw new IllegalStateException("run " + f.platformRunId() + " is owned by another process");
        } catch (SQLException e) {
            throw new IllegalStateException("taking ownership of run " + f.platformRunId() + ": " + e.getMessage(), e);
        }
        try {
            insertFacts(f);
        } catch (RuntimeException e) {
            disown(f.platformRunId());
            throw e;
        }
        transition(f.platformRunId(), RunState.PLANNED, "run facts pinned");
    }

    private void insertFacts(RunFacts f) {
        String sql =
                "INSERT INTO runs.run_facts (platform_run_id, world_id, world_fingerprint, bundle_id, bundle_digest, "
                        + "config_digest, code_version, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
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
    }

    @Override
    public void transition(String runId, RunState state, String reason) {
        String sql = "INSERT INTO runs.run_transitions (platform_run_id, state, reason) VALUES (?, ?, ?)";
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, runId);
            ps.setString(2, state.name());
            ps.setString(3, reason);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("recording run transition: " + e.getMessage(), e);
        }
        if (state == RunState.COMPLETED || state == RunState.FAILED) disown(runId);
    }

    @Override
    public void allowProducer(String runId, String producerId) {
        String sql =
                "INSERT INTO runs.run_producers (platform_run_id, producer_id) VALUES (?, ?) ON CONFLICT DO NOTHING";
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, runId);
            ps.setString(2, producerId);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(
                    "allowing producer " + producerId + " into run " + runId + ": " + e.getMessage(), e);
        }
    }

    @Override
    public java.util.Set<String> producers(String runId) {
        return new java.util.LinkedHashSet<>(PostgresQueries.list(
                dataSource,
                "SELECT producer_id FROM runs.run_producers WHERE platform_run_id = ? " + "ORDER BY producer_id",
                runId,
                rs -> rs.getString(1),
                "reading run producers"));
    }

    @Override
    public java.util.List<String> failAbandoned(String reason) {
        String open = "SELECT f.platform_run_id FROM runs.run_facts f " + LATEST_TRANSITION
                + " WHERE t.state NOT IN ('COMPLETED', 'FAILED') " + "ORDER BY f.platform_run_id";
        java.util.List<String> ended = new java.util.ArrayList<>();
        // A session of its own: on the owner connection the lock is re-entrant and every run of this process would look
        // free.
        try (Connection c = dataSource.getConnection()) {
            java.util.List<String> candidates = new java.util.ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(open);
                    ResultSet rs = ps.executeQuery()) {
                while (rs.next()) candidates.add(rs.getString(1));
            }
            for (String runId : candidates) {
                if (!advisoryLock(c, "pg_try_advisory_lock", runId)) continue; // its owner lives
                try {
                    // Holding the lock, re-read: another process may have ended it between the list and the lock.
                    RunState now = state(runId).orElseThrow();
                    if (now != RunState.COMPLETED && now != RunState.FAILED) {
                        transition(runId, RunState.FAILED, reason + " (it was " + now + ")");
                        ended.add(runId);
                    }
                } finally {
                    advisoryLock(c, "pg_advisory_unlock", runId);
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("ending abandoned runs: " + e.getMessage(), e);
        }
        return ended;
    }

    /**
     * Lets go of every run this registry still owns (they are then abandoned, for {@link #failAbandoned}) and gives the
     * owner connection back. The session may live on in a pool, so its locks are released, not left to it.
     */
    @Override
    public synchronized void close() {
        if (owner == null) return;
        try {
            try (var s = owner.createStatement()) {
                s.execute("SELECT pg_advisory_unlock_all()");
            }
            owner.close();
        } catch (SQLException e) {
            // the session is gone either way, and with it every lock it held
        }
        owner = null;
        owned.clear();
    }

    @Override
    public Optional<RunFacts> facts(String runId) {
        String sql =
                "SELECT world_id, world_fingerprint, bundle_id, bundle_digest, config_digest, code_version, created_at "
                        + "FROM runs.run_facts WHERE platform_run_id = ?";
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, runId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) return Optional.empty();
                return Optional.of(new RunFacts(
                        runId,
                        rs.getString(1),
                        rs.getString(2),
                        rs.getString(3),
                        rs.getString(4),
                        rs.getString(5),
                        rs.getString(6),
                        rs.getTimestamp(7).toInstant()));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("reading run facts: " + e.getMessage(), e);
        }
    }

    @Override
    public Optional<RunState> state(String runId) {
        String sql = "SELECT state FROM runs.run_transitions WHERE platform_run_id = ? ORDER BY seq DESC LIMIT 1";
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
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
        return PostgresQueries.list(
                dataSource,
                "SELECT state, reason, at FROM runs.run_transitions WHERE platform_run_id = ? ORDER BY seq",
                runId,
                rs -> new Transition(
                        RunState.valueOf(rs.getString(1)),
                        rs.getString(2),
                        rs.getTimestamp(3).toInstant()),
                "reading run history");
    }

    @Override
    public java.util.List<Summary> list(int limit) {
        String sql =
                "SELECT f.platform_run_id, f.world_id, f.world_fingerprint, f.bundle_id, f.bundle_digest, f.config_digest, f.code_version, "
                        + "f.created_at, t.state, t.reason, t.at FROM runs.run_facts f " + LATEST_TRANSITION
                        + " ORDER BY f.created_at DESC, f.platform_run_id LIMIT ?";
        java.util.List<Summary> out = new java.util.ArrayList<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setInt(1, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    RunFacts f = new RunFacts(
                            rs.getString(1),
                            rs.getString(2),
                            rs.getString(3),
                            rs.getString(4),
                            rs.getString(5),
                            rs.getString(6),
                            rs.getString(7),
                            rs.getTimestamp(8).toInstant());
                    Transition latest = rs.getString(9) == null
                            ? null
                            : new Transition(
                                    RunState.valueOf(rs.getString(9)),
                                    rs.getString(10),
                                    rs.getTimestamp(11).toInstant());
                    out.add(new Summary(f, latest));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("listing runs: " + e.getMessage(), e);
        }
        return out;
    }
}
