package dev.fraudplatform.world;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fraudplatform.core.store.Manifest;
import dev.fraudplatform.core.store.ObjectStore;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a sealed world holds, for people: its config, row counts, gate verdict, fraud mix by typology, label delay
 * quantiles and a few sample rows of each stream view. An offline tool: it reads the truth, which no real-time plane
 * may.
 */
public final class WorldInspector {
    private WorldInspector() {}

    /**
     * The report as text; throws {@link IllegalArgumentException} naming the problem if there is no such sealed world or
     * {@code samples} is negative. Files that cannot be read (a world changed since it was sealed) end the report with
     * one line saying so, after what could be read.
     */
    public static String inspect(ObjectStore store, String worldId, int samples) {
        if (samples < 0) throw new IllegalArgumentException("samples must be 0 or more, was " + samples);
        String prefix = WorldBuilder.prefix(worldId);
        if (!store.exists(prefix + "/" + Manifest.FILE_NAME)) {
            throw new IllegalArgumentException(
                    "world " + worldId + " not found: no sealed manifest at " + prefix + "/" + Manifest.FILE_NAME);
        }
        JsonNode attrs = Manifest.read(store, prefix).attributes();
        StringBuilder out = new StringBuilder();
        JsonNode cfg = attrs.path("config");
        out.append(String.format(
                Locale.ROOT,
                "world %s  engine %s  seed %d%n",
                worldId,
                attrs.path("engine_version").asText(),
                attrs.path("seed").asLong()));
        out.append(String.format(
                Locale.ROOT,
                "  %s, %d days from %s, %,d accounts%n",
                fmt(cfg.path("transactions").asLong()) + " transactions",
                cfg.path("days").asInt(),
                cfg.path("start_date").asText(),
                cfg.path("accounts").asLong()));
        WorldGate.Verdict v = WorldGate.readReceipt(store, worldId);
        out.append("gate ").append(v.passed() ? "PASSED" : "FAILED").append('\n');
        for (String f : v.failedChecks()) out.append("  failed: ").append(f).append('\n');
        if (!v.checks().isEmpty() && v.checks().stream().anyMatch(c -> c.name().equals("trivial_rule_canary"))) {
            out.append("  canary: ")
                    .append(v.check("trivial_rule_canary").detail())
                    .append('\n');
        }
        out.append("rows\n");
        attrs.path("row_counts")
                .path("views")
                .properties()
                .forEach(e -> out.append(String.format(
                        Locale.ROOT,
                        "  %-20s %14s%n",
                        e.getKey(),
                        fmt(e.getValue().asLong()))));
        attrs.path("row_counts")
                .path("entities")
                .properties()
                .forEach(e -> out.append(String.format(
                        Locale.ROOT,
                        "  %-20s %14s%n",
                        "entities." + e.getKey(),
                        fmt(e.getValue().asLong()))));
        try {
            appendQueries(store, worldId, samples, out);
        } catch (RuntimeException e) {
            String why = e.getMessage() == null
                    ? "unreadable"
                    : e.getMessage().lines().findFirst().orElse("unreadable").replaceFirst(" in: SELECT.*", "");
            out.append("the world's files cannot be read: ").append(why).append('\n');
        }
        return out.toString();
    }

    private static void appendQueries(ObjectStore store, String worldId, int samples, StringBuilder out) {
        try (WorldSql sql = new WorldSql(store, worldId)) {
            long txns = sql.scalar("SELECT count(*) FROM txn");
            out.append("fraud by typology (share of all transactions; labelled share)\n");
            for (Object[] r : sql.rows(
                    "SELECT typology, count(*), count(label_type) FROM truth GROUP BY typology ORDER BY typology")) {
                long n = ((Number) r[1]).longValue();
                out.append(String.format(
                        Locale.ROOT,
                        "  %-20s %10s  %.4f%%  labelled %.1f%%%n",
                        r[0],
                        fmt(n),
                        100.0 * n / Math.max(1, txns),
                        100.0 * ((Number) r[2]).longValue() / Math.max(1, n)));
            }
            out.append("label delay, days (p10 / p50 / p90 / max)\n");
            String d = WorldGate.DELAY_DAYS;
            for (Object[] r : sql.rows("SELECT label_type, count(*), quantile_cont(" + d + ", 0.1), quantile_cont(" + d
                    + ", 0.5), quantile_cont(" + d + ", 0.9), max(" + d
                    + ") FROM label GROUP BY label_type ORDER BY label_type")) {
                out.append(String.format(
                        Locale.ROOT,
                        "  %-14s n=%-8s %6.2f / %6.2f / %6.2f / %6.2f%n",
                        r[0],
                        fmt(((Number) r[1]).longValue()),
                        num(r[2]),
                        num(r[3]),
                        num(r[4]),
                        num(r[5])));
            }
            out.append("sample rows\n");
            for (Map.Entry<View, String> e : WorldSql.NAMES.entrySet().stream()
                    .sorted(Map.Entry.comparingByKey())
                    .toList()) {
                List<Object[]> rows = sql.rows("SELECT * EXCLUDE (filename, file_row_number) FROM " + e.getValue()
                        + " ORDER BY event_time_ms, event_id LIMIT " + samples);
                List<String> names = e.getKey().table().columnNames();
                for (Object[] r : rows) {
                    StringBuilder line = new StringBuilder("  ")
                            .append(e.getKey().eventClass())
                            .append(' ');
                    for (int i = 0; i < names.size(); i++)
                        if (r[i] != null)
                            line.append(names.get(i)).append('=').append(r[i]).append(' ');
                    out.append(line.toString().stripTrailing()).append('\n');
                }
            }
        }
    }

    private static double num(Object o) {
        return o == null ? Double.NaN : ((Number) o).doubleValue();
    }

    private static String fmt(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }
}
