package dev.fraudplatform.substrate.postgres;

import dev.fraudplatform.core.actions.Effect;
import dev.fraudplatform.core.actions.EffectLedger;
import dev.fraudplatform.core.run.RunEvidence.LatencySummary;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import javax.sql.DataSource;

/**
 * {@link EffectLedger} on {@code actions.effects}: one row per (run, decision id), inserted once, never changed. The
 * statement that inserts effects adds the number it inserted to its run's tally ({@code actions.effect_tallies}), in
 * a slot chosen per ledger so that ledgers in several processes do not queue on one row.
 */
public final class PostgresEffectLedger implements EffectLedger {
    /** Tally rows per run: a run's tally is the sum of at most this many rows. */
    static final int TALLY_SLOTS = 16;

    private final DataSource dataSource;
    private final int slot;

    public PostgresEffectLedger(DataSource dataSource) {
        this(dataSource, java.util.concurrent.ThreadLocalRandom.current().nextInt(TALLY_SLOTS));
    }

    /** A ledger adding to tally slot {@code slot} (0 to {@link #TALLY_SLOTS} - 1). */
    PostgresEffectLedger(DataSource dataSource, int slot) {
        if (slot < 0 || slot >= TALLY_SLOTS) throw new IllegalArgumentException("tally slot " + slot);
        this.dataSource = dataSource;
        this.slot = slot;
    }

    @Override
    public List<Effect> apply(List<Effect> effects) {
        if (effects.isEmpty()) return List.of();
        Map<String, Effect> unique = new LinkedHashMap<>();
        for (Effect e : effects) unique.putIfAbsent(e.platformRunId() + "\u0000" + e.decisionId(), e);
        int n = unique.size();
        String[] did = new String[n],
                run = new String[n],
                eid = new String[n],
                action = new String[n],
                type = new String[n],
                mode = new String[n],
                reasons = new String[n],
                bundle = new String[n],
                why = new String[n];
        Long[] admitted = new Long[n], visible = new Long[n];
        Double[] score = new Double[n];
        int i = 0;
        for (Effect e : unique.values()) {
            did[i] = e.decisionId();
            run[i] = e.platformRunId();
            eid[i] = e.eventId();
            action[i] = e.action().name();
            type[i] = e.effectType();
            mode[i] = e.degradeMode().name();
            score[i] = Double.isNaN(e.score()) ? null : e.score();
            reasons[i] = reasonsText(e.reasons());
            bundle[i] = e.bundleId();
            why[i] = e.degradeReason();
            admitted[i] = e.admittedAtMillis() > 0 ? e.admittedAtMillis() : null;
            visible[i] = e.decisionVisibleAtMillis() > 0 ? e.decisionVisibleAtMillis() : null;
            i++;
        }
        // One statement, so the tally moves with the rows: by as many as were inserted, none for a duplicate.
        String sql = "WITH ins AS (INSERT INTO actions.effects (decision_id, platform_run_id, event_id, action, "
                + "effect_type, admitted_at, decision_visible_at, degrade_mode, score, reasons, bundle_id, degrade_reason) "
                + "SELECT d, r, e, a, t, to_timestamp(adm / 1000.0), to_timestamp(vis / 1000.0), m, s, rs, b, w "
                + "FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::bigint[], ?::bigint[], ?::text[], "
                + "?::float8[], ?::text[], ?::text[], ?::text[]) AS x(d, r, e, a, t, adm, vis, m, s, rs, b, w) "
                + "ORDER BY r, d ON CONFLICT (platform_run_id, decision_id) DO NOTHING RETURNING platform_run_id, decision_id), "
                + "tally AS (INSERT INTO actions.effect_tallies AS t (platform_run_id, slot, applied) "
                + "SELECT platform_run_id, ?, count(*) FROM ins GROUP BY platform_run_id ORDER BY platform_run_id "
                + "ON CONFLICT (platform_run_id, slot) DO UPDATE SET applied = t.applied + excluded.applied) "
                + "SELECT platform_run_id, decision_id FROM ins";
        Set<String> applied = new HashSet<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setArray(1, c.createArrayOf("text", did));
            ps.setArray(2, c.createArrayOf("text", run));
            ps.setArray(3, c.createArrayOf("text", eid));
            ps.setArray(4, c.createArrayOf("text", action));
            ps.setArray(5, c.createArrayOf("text", type));
            ps.setArray(6, c.createArrayOf("bigint", admitted));
            ps.setArray(7, c.createArrayOf("bigint", visible));
            ps.setArray(8, c.createArrayOf("text", mode));
            ps.setArray(9, c.createArrayOf("float8", score));
            ps.setArray(10, c.createArrayOf("text", reasons));
            ps.setArray(11, c.createArrayOf("text", bundle));
            ps.setArray(12, c.createArrayOf("text", why));
            ps.setShort(13, (short) slot);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) applied.add(rs.getString(1) + "\u0000" + rs.getString(2));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("effect ledger: " + e.getMessage(), e);
        }
        List<Effect> out = new ArrayList<>(applied.size());
        for (Map.Entry<String, Effect> e : unique.entrySet()) if (applied.contains(e.getKey())) out.add(e.getValue());
        return out;
    }

    /** Reasons as one text, separated by newlines (a reason is a rule or signal name, one line). */
    private static String reasonsText(List<String> reasons) {
        return reasons.isEmpty() ? null : String.join("\n", reasons);
    }

    @Override
    public java.util.Optional<Effect> find(String platformRunId, String decisionId) {
        String sql = "SELECT event_id, action, effect_type, (extract(epoch FROM admitted_at) * 1000)::bigint, "
                + "(extract(epoch FROM decision_visible_at) * 1000)::bigint, degrade_mode, score, reasons, bundle_id, degrade_reason "
                + "FROM actions.effects WHERE platform_run_id = ? AND decision_id = ?";
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, platformRunId);
            ps.setString(2, decisionId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) return java.util.Optional.empty();
                double score = rs.getDouble(7);
                if (rs.wasNull()) score = Double.NaN;
                String reasons = rs.getString(8);
                String mode = rs.getString(6);
                return java.util.Optional.of(new Effect(
                        decisionId,
                        platformRunId,
                        rs.getString(1),
                        dev.fraudplatform.core.decision.DecisionAction.valueOf(rs.getString(2)),
                        rs.getString(3),
                        rs.getLong(4),
                        rs.getLong(5),
                        mode == null
                                ? dev.fraudplatform.core.decision.DegradeMode.FAIL_SAFE
                                : dev.fraudplatform.core.decision.DegradeMode.valueOf(mode),
                        score,
                        reasons == null ? List.of() : List.of(reasons.split("\n")),
                        rs.getString(9),
                        rs.getString(10)));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("effect ledger: " + e.getMessage(), e);
        }
    }

    @Override
    public long count(String platformRunId) {
        return PostgresQueries.count(
                dataSource, "SELECT count(*) FROM actions.effects WHERE platform_run_id = ?", platformRunId);
    }

    @Override
    public long tally(String platformRunId) {
        return PostgresQueries.count(
                dataSource,
                "SELECT coalesce(sum(applied), 0) FROM actions.effect_tallies WHERE platform_run_id = ?",
                platformRunId);
    }

    @Override
    public Map<String, Long> countsByEffect(String platformRunId) {
        return countsBy("effect_type", platformRunId);
    }

    /** Applied decisions of a run by action. */
    public Map<String, Long> countsByAction(String platformRunId) {
        return countsBy("action", platformRunId);
    }

    /** Applied decisions of a run by degrade mode. */
    public Map<String, Long> countsByDegradeMode(String platformRunId) {
        return countsBy("coalesce(degrade_mode, 'UNRECORDED')", platformRunId);
    }

    private Map<String, Long> countsBy(String column, String platformRunId) {
        String sql = "SELECT " + column + ", count(*) FROM actions.effects WHERE platform_run_id = ? GROUP BY 1";
        Map<String, Long> out = new TreeMap<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, platformRunId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.put(rs.getString(1), rs.getLong(2));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("effect ledger: " + e.getMessage(), e);
        }
        return out;
    }

    /**
     * Decision latency quantiles for a run, in milliseconds, from IG admission to the committed decision being
     * seen by the Action Layer, plus the first time any decision of the run was seen (epoch millis).
     */
    public LatencySummary latency(String platformRunId) {
        String sql =
                "SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY ms), percentile_cont(0.99) WITHIN GROUP (ORDER BY ms), "
                        + "percentile_cont(0.999) WITHIN GROUP (ORDER BY ms), max(ms), count(ms), extract(epoch FROM min(decision_visible_at)) * 1000 "
                        + "FROM (SELECT extract(epoch FROM (decision_visible_at - admitted_at)) * 1000 AS ms, decision_visible_at "
                        + "FROM actions.effects WHERE platform_run_id = ?) x";
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, platformRunId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new LatencySummary(
                        rs.getDouble(1),
                        rs.getDouble(2),
                        rs.getDouble(3),
                        rs.getDouble(4),
                        rs.getLong(5),
                        rs.getLong(6));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("effect ledger: " + e.getMessage(), e);
        }
    }
}
