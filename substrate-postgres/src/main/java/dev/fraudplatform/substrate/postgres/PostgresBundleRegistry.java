package dev.fraudplatform.substrate.postgres;

import dev.fraudplatform.core.registry.BundleRegistry;
import dev.fraudplatform.core.registry.BundleState;
import dev.fraudplatform.core.registry.RegistryEntry;
import dev.fraudplatform.core.registry.RegistryRefusal;
import dev.fraudplatform.core.registry.StateChange;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * {@link BundleRegistry} on {@code registry.bundles} and the append-only {@code registry.bundle_changes} (migration
 * V11). Every change runs in one transaction holding the registry's transaction-level advisory lock, so the states it
 * reads are the states it changes (changes are serialised across processes); a refusal rolls the transaction back. A
 * deferred constraint trigger checks again, at commit, that at most one bundle is active and one in shadow.
 */
public final class PostgresBundleRegistry implements BundleRegistry {
    /** The advisory lock of registry changes (one-key form). */
    private static final long REGISTRY_LOCK = 0x66704d5052L; // "fpMPR"

    private static final String ENTRIES = "SELECT b.bundle_id, b.bundle_digest, b.manifest_digest, b.location, "
            + "b.registered_at, c.seq, c.state, c.actor, c.reason, c.detail, c.at FROM registry.bundles b "
            + "JOIN LATERAL (SELECT seq, state, actor, reason, detail, at FROM registry.bundle_changes x "
            + "WHERE x.bundle_id = b.bundle_id ORDER BY seq DESC LIMIT 1) c ON true";

    private final DataSource dataSource;

    public PostgresBundleRegistry(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** A unit of work in one locked transaction; a {@link RegistryRefusal} it throws rolls it back. */
    @FunctionalInterface
    private interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    private <T> T locked(String what, Work<T> work) {
        try (Connection c = dataSource.getConnection()) {
            boolean auto = c.getAutoCommit();
            c.setAutoCommit(false);
            try {
                try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
                    ps.setLong(1, REGISTRY_LOCK);
                    ps.execute();
                }
                T out = work.run(c);
                c.commit();
                return out;
            } catch (RuntimeException | SQLException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(auto);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(what + ": " + e.getMessage(), e);
        }
    }

    @Override
    public RegistryEntry register(
            String bundleId, String bundleDigest, String manifestDigest, String location, String by, String reason) {
        BundleRegistry.checkBundleId(bundleId);
        BundleRegistry.checkWhoAndWhy(by, reason);
        Objects.requireNonNull(bundleDigest, "bundleDigest");
        Objects.requireNonNull(manifestDigest, "manifestDigest");
        Objects.requireNonNull(location, "location");
        return locked("registering bundle " + bundleId, c -> {
            Optional<RegistryEntry> held = entry(c, bundleId);
            if (held.isPresent()) {
                RegistryEntry e = held.get();
                if (e.bundleDigest().equals(bundleDigest) && e.manifestDigest().equals(manifestDigest)) return e;
                throw new RegistryRefusal("bundle " + bundleId + " is registered already with digest "
                        + e.bundleDigest() + " (manifest " + e.manifestDigest() + "); another bundle (digest "
                        + bundleDigest + ", manifest " + manifestDigest + ") cannot take its id");
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO registry.bundles (bundle_id, bundle_digest, "
                    + "manifest_digest, location) VALUES (?, ?, ?, ?)")) {
                ps.setString(1, bundleId);
                ps.setString(2, bundleDigest);
                ps.setString(3, manifestDigest);
                ps.setString(4, location);
                ps.executeUpdate();
            }
            insertChange(c, bundleId, BundleState.CANDIDATE, by, reason, null);
            return entry(c, bundleId).orElseThrow();
        });
    }

    @Override
    public List<StateChange> change(
            String bundleId, BundleState to, String expectedActive, String by, String reason, String detail) {
        BundleRegistry.checkBundleId(bundleId);
        BundleRegistry.checkWhoAndWhy(by, reason);
        Objects.requireNonNull(to, "to");
        return locked("moving bundle " + bundleId + " to " + to, c -> {
            RegistryEntry e = entry(c, bundleId)
                    .orElseThrow(() -> new RegistryRefusal("no bundle " + bundleId + " is registered"));
            Optional<RegistryEntry> active = holder(c, BundleState.ACTIVE);
            checkExpectedActive(active, expectedActive);
            if (to == BundleState.CANDIDATE)
                throw new RegistryRefusal(
                        "only registering makes a candidate; bundle " + bundleId + " is " + e.state());
            if (e.state() == to) throw new RegistryRefusal("bundle " + bundleId + " is " + to + " already");
            switch (to) {
                case CANDIDATE -> throw new IllegalStateException("refused above");
                case RETIRED -> {
                    if (e.state() == BundleState.ACTIVE)
                        throw new RegistryRefusal("bundle " + bundleId + " is ACTIVE: it is retired by promoting "
                                + "another bundle or by a rollback, never left without a successor");
                }
                case SHADOW -> {
                    if (e.state() == BundleState.ACTIVE)
                        throw new RegistryRefusal(
                                "bundle " + bundleId + " is ACTIVE: it cannot be moved to SHADOW while it decides");
                }
                case ACTIVE -> {}
            }
            List<StateChange> out = new ArrayList<>();
            if (to == BundleState.ACTIVE || to == BundleState.SHADOW) {
                Optional<RegistryEntry> holder = to == BundleState.ACTIVE ? active : holder(c, BundleState.SHADOW);
                if (holder.isPresent()) {
                    out.add(insertChange(
                            c,
                            holder.get().bundleId(),
                            BundleState.RETIRED,
                            by,
                            reason,
                            "replaced as " + to + " by " + bundleId));
                }
            }
            out.add(insertChange(c, bundleId, to, by, reason, detail));
            return out;
        });
    }

    @Override
    public List<StateChange> rollback(String expectedActive, String by, String reason) {
        BundleRegistry.checkWhoAndWhy(by, reason);
        return locked("rolling back", c -> {
            Optional<RegistryEntry> active = holder(c, BundleState.ACTIVE);
            if (active.isEmpty()) throw new RegistryRefusal("nothing to roll back: no bundle is active");
            checkExpectedActive(active, expectedActive);
            RegistryEntry previous = previousActive(c, active.get().bundleId())
                    .orElseThrow(() -> new RegistryRefusal("nothing to roll back to: no bundle was active before "
                            + active.get().bundleId()));
            List<StateChange> out = new ArrayList<>();
            out.add(insertChange(
                    c,
                    active.get().bundleId(),
                    BundleState.RETIRED,
                    by,
                    reason,
                    "rolled back to " + previous.bundleId()));
            out.add(insertChange(
                    c,
                    previous.bundleId(),
                    BundleState.ACTIVE,
                    by,
                    reason,
                    "rollback from " + active.get().bundleId() + " (was " + previous.state() + ")"));
            return out;
        });
    }

    private static void checkExpectedActive(Optional<RegistryEntry> active, String expectedActive) {
        String now = active.map(RegistryEntry::bundleId).orElse(null);
        if (!Objects.equals(now, expectedActive)) {
            throw new RegistryRefusal("the active bundle is " + (now == null ? "none" : now) + ", not "
                    + (expectedActive == null ? "none" : expectedActive)
                    + " as the caller checked: the registry changed meanwhile, check again");
        }
    }

    @Override
    public Optional<RegistryEntry> previousActive() {
        try (Connection c = dataSource.getConnection()) {
            Optional<RegistryEntry> active = holder(c, BundleState.ACTIVE);
            return active.isEmpty()
                    ? Optional.empty()
                    : previousActive(c, active.get().bundleId());
        } catch (SQLException e) {
            throw new IllegalStateException("reading the registry: " + e.getMessage(), e);
        }
    }

    /** The most recent bundle other than {@code activeId} made active before {@code activeId} last was. */
    private Optional<RegistryEntry> previousActive(Connection c, String activeId) throws SQLException {
        String sql = "SELECT bundle_id FROM registry.bundle_changes WHERE state = 'ACTIVE' AND bundle_id <> ? "
                + "AND seq < (SELECT max(seq) FROM registry.bundle_changes WHERE state = 'ACTIVE' AND bundle_id = ?) "
                + "ORDER BY seq DESC LIMIT 1";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, activeId);
            ps.setString(2, activeId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) return Optional.empty();
                return entry(c, rs.getString(1));
            }
        }
    }

    private static StateChange insertChange(
            Connection c, String bundleId, BundleState state, String by, String reason, String detail)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO registry.bundle_changes (bundle_id, state, actor, "
                + "reason, detail) VALUES (?, ?, ?, ?, ?) RETURNING seq, at")) {
            ps.setString(1, bundleId);
            ps.setString(2, state.name());
            ps.setString(3, by);
            ps.setString(4, reason);
            ps.setString(5, detail);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new StateChange(
                        rs.getLong(1),
                        bundleId,
                        state,
                        by,
                        reason,
                        detail,
                        rs.getTimestamp(2).toInstant());
            }
        }
    }

    @Override
    public Optional<RegistryEntry> entry(String bundleId) {
        try (Connection c = dataSource.getConnection()) {
            return entry(c, bundleId);
        } catch (SQLException e) {
            throw new IllegalStateException("reading the registry: " + e.getMessage(), e);
        }
    }

    private static Optional<RegistryEntry> entry(Connection c, String bundleId) throws SQLException {
        List<RegistryEntry> out = entries(c, ENTRIES + " WHERE b.bundle_id = ?", bundleId);
        return out.isEmpty() ? Optional.empty() : Optional.of(out.get(0));
    }

    private static Optional<RegistryEntry> holder(Connection c, BundleState state) throws SQLException {
        List<RegistryEntry> out = entries(c, ENTRIES + " WHERE c.state = ? ORDER BY c.seq DESC", state.name());
        return out.isEmpty() ? Optional.empty() : Optional.of(out.get(0));
    }

    @Override
    public Optional<RegistryEntry> active() {
        return holder(BundleState.ACTIVE);
    }

    @Override
    public Optional<RegistryEntry> shadow() {
        return holder(BundleState.SHADOW);
    }

    private Optional<RegistryEntry> holder(BundleState state) {
        try (Connection c = dataSource.getConnection()) {
            return holder(c, state);
        } catch (SQLException e) {
            throw new IllegalStateException("reading the registry: " + e.getMessage(), e);
        }
    }

    @Override
    public List<RegistryEntry> list() {
        try (Connection c = dataSource.getConnection()) {
            return entries(c, ENTRIES + " ORDER BY c.seq DESC", null);
        } catch (SQLException e) {
            throw new IllegalStateException("reading the registry: " + e.getMessage(), e);
        }
    }

    private static List<RegistryEntry> entries(Connection c, String sql, String arg) throws SQLException {
        List<RegistryEntry> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            if (arg != null) ps.setString(1, arg);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    StateChange latest = new StateChange(
                            rs.getLong(6),
                            rs.getString(1),
                            BundleState.valueOf(rs.getString(7)),
                            rs.getString(8),
                            rs.getString(9),
                            rs.getString(10),
                            rs.getTimestamp(11).toInstant());
                    out.add(new RegistryEntry(
                            rs.getString(1),
                            rs.getString(2),
                            rs.getString(3),
                            rs.getString(4),
                            rs.getTimestamp(5).toInstant(),
                            latest.state(),
                            latest));
                }
            }
        }
        return out;
    }

    @Override
    public List<StateChange> history(String bundleId) {
        return PostgresQueries.list(
                dataSource,
                "SELECT seq, bundle_id, state, actor, reason, detail, at FROM registry.bundle_changes "
                        + "WHERE bundle_id = ? ORDER BY seq",
                bundleId,
                rs -> new StateChange(
                        rs.getLong(1),
                        rs.getString(2),
                        BundleState.valueOf(rs.getString(3)),
                        rs.getString(4),
                        rs.getString(5),
                        rs.getString(6),
                        rs.getTimestamp(7).toInstant()),
                "reading bundle history");
    }
}
