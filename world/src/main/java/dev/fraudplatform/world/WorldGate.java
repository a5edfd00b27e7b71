package dev.fraudplatform.world;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fraudplatform.core.json.CanonicalJson;
import dev.fraudplatform.core.json.Json;
import dev.fraudplatform.core.store.ObjectStore;
import dev.fraudplatform.parquet.ParquetSchema;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The validation gate: reads a built world back with SQL, as an outsider would, and writes {@code gate.json} with
 * PASSED or FAILED and the result of every check. The Scenario Runner accepts only PASSED worlds.
 *
 * <p>Checks, each named in the receipt:
 * <ul>
 *   <li>{@code files_present}, {@code schema}: a transaction and a truth file for every day; every file has its
 *       view's columns and types;</li>
 *   <li>{@code required_fields}: no required value missing, every value in its domain;</li>
 *   <li>{@code referential_integrity}: cards belong to their accounts, merchants and MCCs exist, labels and truth name
 *       real transactions of the same account and card;</li>
 *   <li>{@code time_order}, {@code unique_event_ids}: files in event-time order, rows inside their day, ids unique;</li>
 *   <li>{@code transaction_count}, {@code fraud_present}, {@code fraud_rate_band}, {@code typology_mix}: counts and
 *       rates against the config;</li>
 *   <li>{@code label_delays}, {@code labels_after_transactions}, {@code labels_match_truth},
 *       {@code unlabelled_share}: label delays inside the configured bounds, never a label observed before its
 *       transaction, labels and truth agree, the never-labelled share as configured;</li>
 *   <li>{@code trivial_rule_canary}: no single-feature threshold rule over the stream views reaches recall 0.5 at a
 *       false-positive rate of at most 1% (see {@link Canary}).</li>
 * </ul>
 */
public final class WorldGate {
    public static final String RECEIPT = "gate.json";

    /** One check's result. */
    public record Check(String name, boolean passed, String detail) {}

    /** The gate's verdict. */
    public record Verdict(String worldId, boolean passed, List<Check> checks) {
        public List<String> failedChecks() {
            return checks.stream()
                    .filter(c -> !c.passed())
                    .map(c -> c.name() + " (" + c.detail() + ")")
                    .toList();
        }

        public Check check(String name) {
            return checks.stream()
                    .filter(c -> c.name().equals(name))
                    .findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("no check " + name));
        }
    }

    private final ObjectStore store;

    public WorldGate(ObjectStore store) {
        this.store = store;
    }

    /** Checks the world's files against {@code config} and writes the receipt. */
    public Verdict check(String worldId, WorldConfig config) {
        List<Check> checks = new ArrayList<>();
        try (WorldSql sql = new WorldSql(store, worldId)) {
            checks.add(run("files_present", () -> filesPresent(sql, config)));
            checks.add(run("schema", () -> schema(sql)));
            checks.add(run("required_fields", () -> requiredFields(sql)));
            checks.add(run("referential_integrity", () -> referentialIntegrity(sql)));
            checks.add(run("time_order", () -> timeOrder(sql)));
            checks.add(run("unique_event_ids", () -> uniqueIds(sql)));
            long txns = sql.scalar("SELECT count(*) FROM txn");
            checks.add(new Check(
                    "transaction_count", txns == config.transactions(), txns + " of " + config.transactions()));
            long fraud = sql.scalar("SELECT count(*) FROM truth");
            checks.add(new Check("fraud_present", fraud > 0, fraud + " fraud transactions"));
            checks.add(run("fraud_rate_band", () -> fraudRate(sql, config, txns, fraud)));
            checks.add(run("typology_mix", () -> typologyMix(sql, config, txns)));
            checks.add(run("label_delays", () -> labelDelays(sql, config)));
            checks.add(run("labels_after_transactions", () -> labelsAfterTransactions(sql)));
            checks.add(run("labels_match_truth", () -> labelsMatchTruth(sql)));
            checks.add(run("unlabelled_share", () -> unlabelledShare(sql, config)));
            checks.add(run("trivial_rule_canary", () -> new Canary(sql).check()));
        } catch (RuntimeException e) {
            checks.add(new Check("readable", false, "the world cannot be read: " + e.getMessage()));
        }
        Verdict v = new Verdict(worldId, checks.stream().allMatch(Check::passed), checks);
        writeReceipt(v);
        return v;
    }

    private static Check run(String name, Supplier<Check> check) {
        try {
            return check.get();
        } catch (RuntimeException e) {
            return new Check(name, false, "could not be evaluated: " + e.getMessage());
        }
    }

    private Check filesPresent(WorldSql sql, WorldConfig config) {
        List<String> missing = new ArrayList<>();
        String prefix = WorldBuilder.prefix(config.worldId());
        for (int d = 0; d < config.days(); d++) {
            String date = config.startDate().plusDays(d).toString();
            if (!store.exists(WorldBuilder.viewKey(prefix, View.TXN, date)))
                missing.add(WorldBuilder.viewKey(prefix, View.TXN, date));
            if (!store.exists(WorldBuilder.truthKey(prefix, date))) missing.add(WorldBuilder.truthKey(prefix, date));
        }
        return problems("files_present", missing.size(), missing);
    }

    private static Check schema(WorldSql sql) {
        List<String> problems = new ArrayList<>();
        for (View v : View.values()) {
            String expected = describe(v.table());
            for (String key : sql.viewKeys(v)) {
                List<Object[]> cols = sql.rows("DESCRIBE SELECT * FROM "
                        + WorldSql.readParquet(WorldSql.literal(sql.local(key).toString()), ""));
                String actual = cols.stream().map(c -> c[0] + " " + c[1]).collect(Collectors.joining(", "));
                if (!actual.equals(expected)) problems.add(key + " has (" + actual + ")");
            }
        }
        return problems("schema", problems.size(), problems);
    }

    private static String describe(ParquetSchema t) {
        return t.columns().stream()
                .map(c -> c.name() + " " + c.type().sqlName())
                .collect(Collectors.joining(", "));
    }

    private static Check requiredFields(WorldSql sql) {
        List<String> rules = new ArrayList<>();
        for (View v : View.values()) {
            String name = WorldSql.NAMES.get(v);
            for (ParquetSchema.Column c : v.table().columns()) {
                if (c.required()) rules.add(name + "|" + c.name() + " IS NULL");
            }
            rules.add(name + "|schema_version <> " + View.SCHEMA_VERSION);
            rules.add(name + "|partition_key <> account_id");
        }
        rules.add("txn|amount_minor <= 0");
        rules.add("txn|channel NOT IN ('CP', 'CNP')");
        rules.add("txn|NOT regexp_full_match(mcc, '[0-9]{4}')");
        rules.add("txn|(channel = 'CP') <> (entry_mode IN ('CHIP', 'CONTACTLESS', 'MAGSTRIPE'))");
        rules.add("txn|currency <> 'GBP'");
        rules.add("login|outcome NOT IN ('SUCCESS', 'FAILURE')");
        rules.add("three_ds|result NOT IN ('AUTHENTICATED', 'ATTEMPTED', 'UNAVAILABLE', 'FAILED')");
        rules.add("profile_change|change NOT IN ('PASSWORD_RESET', 'EMAIL', 'PHONE', 'ADDRESS')");
        rules.add("profile_change|(change = 'EMAIL') <> (new_email_domain IS NOT NULL)");
        rules.add("label|label_type NOT IN ('CHARGEBACK', 'FRAUD_REPORT', 'CHARGE_OFF')");
        rules.add("label|observed_time <> strftime(make_timestamp(event_time_ms * 1000), '%Y-%m-%dT%H:%M:%S.%gZ')");
        return violations(sql, "required_fields", rules);
    }

    private static Check referentialIntegrity(WorldSql sql) {
        List<String> rules = List.of(
                "txn|NOT EXISTS (SELECT 1 FROM cards c WHERE c.card_id = txn.card_id AND c.account_id = txn.account_id)",
                "txn|NOT EXISTS (SELECT 1 FROM merchants m WHERE m.merchant_id = txn.merchant_id AND m.mcc = txn.mcc)",
                "login|NOT EXISTS (SELECT 1 FROM accounts a WHERE a.account_id = login.account_id)",
                "profile_change|NOT EXISTS (SELECT 1 FROM accounts a WHERE a.account_id = profile_change.account_id)",
                "three_ds|NOT EXISTS (SELECT 1 FROM cards c WHERE c.card_id = three_ds.card_id AND c.account_id = three_ds.account_id)",
                "label|NOT EXISTS (SELECT 1 FROM txn t WHERE t.txn_id = label.txn_id AND t.account_id = label.account_id "
                        + "AND t.card_id = label.card_id AND t.amount_minor = label.amount_minor)",
                "truth|NOT EXISTS (SELECT 1 FROM txn t WHERE t.event_id = truth.event_id AND t.txn_id = truth.txn_id AND t.account_id = truth.account_id)",
                "accounts|NOT EXISTS (SELECT 1 FROM customers c WHERE c.customer_id = accounts.customer_id)");
        return violations(sql, "referential_integrity", rules);
    }

    private static Check timeOrder(WorldSql sql) {
        List<String> problems = new ArrayList<>();
        long total = 0;
        for (View v : View.values()) {
            String name = WorldSql.NAMES.get(v);
            String q = "SELECT count(*) FILTER (WHERE event_time_ms < prev), "
                    + "count(*) FILTER (WHERE strftime(make_timestamp(event_time_ms * 1000), '%Y-%m-%d') <> regexp_extract(filename, 'day=([0-9-]+)', 1)), "
                    + "min(event_id) FILTER (WHERE event_time_ms < prev) FROM (SELECT *, lag(event_time_ms) OVER (PARTITION BY filename "
                    + "ORDER BY file_row_number) AS prev FROM " + name + ")";
            Object[] r = sql.rows(q).get(0);
            long unordered = ((Number) r[0]).longValue();
            long outside = ((Number) r[1]).longValue();
            if (unordered > 0) problems.add(name + ": " + unordered + " rows before their predecessor, e.g. " + r[2]);
            if (outside > 0) problems.add(name + ": " + outside + " rows outside their file's day");
            total += unordered + outside;
        }
        return problems("time_order", total, problems);
    }

    private static Check uniqueIds(WorldSql sql) {
        String all = java.util.Arrays.stream(View.values())
                .map(v -> "SELECT event_id FROM " + WorldSql.NAMES.get(v))
                .collect(Collectors.joining(" UNION ALL "));
        List<Object[]> dups = sql.rows("SELECT event_id, count(*) FROM (" + all
                + ") GROUP BY event_id HAVING count(*) > 1 ORDER BY event_id LIMIT 3");
        long n = sql.scalar(
                "SELECT count(*) FROM (SELECT event_id FROM (" + all + ") GROUP BY event_id HAVING count(*) > 1)");
        return problems(
                "unique_event_ids",
                n,
                dups.stream().map(d -> d[0] + " x" + d[1]).toList());
    }

    /** A band for an observed rate: 10% of the configured rate plus four binomial standard deviations. */
    static double tolerance(double rate, long n) {
        return 0.1 * rate + 4 * Math.sqrt(Math.max(rate * (1 - rate), 1e-12) / Math.max(n, 1)) + 2.0 / Math.max(n, 1);
    }

    private static Check fraudRate(WorldSql sql, WorldConfig config, long txns, long fraud) {
        double observed = txns == 0 ? 0 : (double) fraud / txns;
        double f = config.fraudRate();
        double tol = tolerance(f, txns);
        return new Check(
                "fraud_rate_band",
                Math.abs(observed - f) <= tol,
                String.format(Locale.ROOT, "observed %.5f, configured %.5f, band +/- %.5f", observed, f, tol));
    }

    private static Check typologyMix(WorldSql sql, WorldConfig config, long txns) {
        List<String> parts = new ArrayList<>();
        boolean ok = true;
        for (Typology t : Typology.values()) {
            long n = sql.scalar("SELECT count(*) FROM truth WHERE typology = " + WorldSql.literal(t.key()));
            double observed = txns == 0 ? 0 : (double) n / txns;
            double tol = tolerance(config.rate(t), txns);
            boolean in = Math.abs(observed - config.rate(t)) <= tol;
            ok &= in;
            parts.add(String.format(
                    Locale.ROOT,
                    "%s %.5f (configured %.5f%s)",
                    t.key(),
                    observed,
                    config.rate(t),
                    in ? "" : ", OUT OF BAND"));
        }
        long unknown = sql.scalar("SELECT count(*) FROM truth WHERE typology NOT IN ("
                + java.util.Arrays.stream(Typology.values())
                        .map(t -> WorldSql.literal(t.key()))
                        .collect(Collectors.joining(", "))
                + ")");
        if (unknown > 0) parts.add(unknown + " rows of unknown typology");
        return new Check("typology_mix", ok && unknown == 0, String.join("; ", parts));
    }

    static final String DELAY_DAYS =
            "(event_time_ms - epoch_ms(CAST(replace(effective_time, 'Z', '') AS TIMESTAMP))) / 86400000.0";

    private static Check labelDelays(WorldSql sql, WorldConfig config) {
        LabelPolicy p = config.labels();
        double slack = 1.0 / 86_400_000; // one millisecond of rounding
        List<String> parts = new ArrayList<>();
        boolean ok = true;
        for (Object[] row : sql.rows("SELECT label_type, count(*), min(" + DELAY_DAYS + "), quantile_cont(" + DELAY_DAYS
                + ", 0.5), quantile_cont(" + DELAY_DAYS + ", 0.9), max(" + DELAY_DAYS
                + ") FROM label GROUP BY label_type ORDER BY label_type")) {
            String type = (String) row[0];
            double min = ((Number) row[2]).doubleValue();
            double max = ((Number) row[5]).doubleValue();
            double lo;
            double hi;
            switch (type) {
                case "CHARGEBACK" -> {
                    lo = p.chargebackMinDays();
                    hi = p.chargebackMaxDays();
                }
                case "FRAUD_REPORT" -> {
                    lo = LabelPolicy.REPORT_MIN_DAYS;
                    hi = p.reportMaxDays();
                }
                default -> {
                    lo = p.chargeOffMinDays();
                    hi = p.chargeOffMaxDays();
                }
            }
            boolean in = min >= Math.max(0, lo) - slack && max <= hi + slack;
            ok &= in;
            parts.add(String.format(
                    Locale.ROOT,
                    "%s n=%d delay days min %.2f p50 %.2f p90 %.2f max %.2f, allowed [%.2f, %.2f]%s",
                    type,
                    row[1],
                    min,
                    ((Number) row[3]).doubleValue(),
                    ((Number) row[4]).doubleValue(),
                    max,
                    Math.max(0, lo),
                    hi,
                    in ? "" : " OUT OF BOUNDS"));
        }
        return new Check("label_delays", ok, parts.isEmpty() ? "no labels" : String.join("; ", parts));
    }

    private static Check labelsAfterTransactions(WorldSql sql) {
        List<Object[]> r = sql.rows(
                "SELECT count(*) FILTER (WHERE l.event_time_ms < t.event_time_ms), "
                        + "count(*) FILTER (WHERE epoch_ms(CAST(replace(l.effective_time, 'Z', '') AS TIMESTAMP)) <> t.event_time_ms), "
                        + "min(l.event_id) FILTER (WHERE l.event_time_ms < t.event_time_ms) FROM label l JOIN txn t ON t.txn_id = l.txn_id");
        long early = ((Number) r.get(0)[0]).longValue();
        long wrongEffective = ((Number) r.get(0)[1]).longValue();
        List<String> problems = new ArrayList<>();
        if (early > 0) problems.add(early + " labels observed before their transaction, e.g. " + r.get(0)[2]);
        if (wrongEffective > 0)
            problems.add(wrongEffective + " labels whose effective time is not their transaction's time");
        return problems("labels_after_transactions", early + wrongEffective, problems);
    }

    private static Check labelsMatchTruth(WorldSql sql) {
        long labelWithoutTruth = sql.scalar(
                "SELECT count(*) FROM label l WHERE NOT EXISTS (SELECT 1 FROM truth f WHERE f.txn_id = l.txn_id "
                        + "AND f.label_type = l.label_type)");
        long truthWithoutLabel =
                sql.scalar("SELECT count(*) FROM truth f WHERE f.label_type IS NOT NULL AND NOT EXISTS "
                        + "(SELECT 1 FROM label l WHERE l.txn_id = f.txn_id)");
        List<String> problems = new ArrayList<>();
        if (labelWithoutTruth > 0)
            problems.add(labelWithoutTruth + " labels of transactions the truth does not know as labelled fraud");
        if (truthWithoutLabel > 0)
            problems.add(truthWithoutLabel + " truth rows say labelled but no label event exists");
        return problems("labels_match_truth", labelWithoutTruth + truthWithoutLabel, problems);
    }

    private static Check unlabelledShare(WorldSql sql, WorldConfig config) {
        Object[] r = sql.rows(
                        "SELECT count(*), count(*) FILTER (WHERE label_type IS NULL) FROM truth WHERE NOT first_party OR typology = 'bust_out'")
                .get(0);
        long n = ((Number) r[0]).longValue();
        if (n == 0) return new Check("unlabelled_share", true, "no fraud to label");
        double observed = (double) ((Number) r[1]).longValue() / n;
        double u = config.labels().unlabelledShare();
        // Episodes are labelled together (one report, one charge-off), so the spread is wider than binomial.
        double tol = 0.05 + 6 * Math.sqrt(Math.max(u * (1 - u), 1e-12) / n);
        return new Check(
                "unlabelled_share",
                Math.abs(observed - u) <= tol,
                String.format(Locale.ROOT, "observed %.4f of %d, configured %.4f, band +/- %.4f", observed, n, u, tol));
    }

    /** Counts rows breaking each {@code view|condition} rule. */
    private static Check violations(WorldSql sql, String name, List<String> rules) {
        long total = 0;
        List<String> examples = new ArrayList<>();
        for (String rule : rules) {
            String table = rule.substring(0, rule.indexOf('|'));
            String condition = rule.substring(rule.indexOf('|') + 1);
            long n = sql.scalar("SELECT count(*) FROM " + table + " WHERE " + condition);
            if (n > 0) {
                total += n;
                Object id = sql.rows("SELECT * FROM " + table + " WHERE " + condition + " LIMIT 1")
                        .get(0)[0];
                examples.add(n + " " + table + " rows where " + condition + " (e.g. " + id + ")");
            }
        }
        return problems(name, total, examples);
    }

    private static Check problems(String name, long count, List<String> examples) {
        return new Check(
                name,
                count == 0,
                count == 0
                        ? "ok"
                        : count + " problems: " + String.join("; ", examples.subList(0, Math.min(3, examples.size()))));
    }

    private void writeReceipt(Verdict v) {
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.put("world_id", v.worldId());
        n.put("status", v.passed() ? "PASSED" : "FAILED");
        ArrayNode checks = n.putArray("checks");
        for (Check c : v.checks())
            checks.addObject().put("name", c.name()).put("passed", c.passed()).put("detail", c.detail());
        // Deterministic content: a build resumed after a crash finds the same receipt already there.
        WorldBuilder.writeIdempotent(store, WorldBuilder.prefix(v.worldId()) + "/" + RECEIPT, CanonicalJson.bytes(n));
    }

    /** Reads a world's gate receipt; a missing receipt reads as a failed verdict naming that. */
    public static Verdict readReceipt(ObjectStore store, String worldId) {
        String key = WorldBuilder.prefix(worldId) + "/" + RECEIPT;
        if (!store.exists(key)) {
            return new Verdict(worldId, false, List.of(new Check("gate_receipt", false, "no gate receipt at " + key)));
        }
        try {
            JsonNode n = Json.MAPPER.readTree(store.read(key));
            List<Check> checks = new ArrayList<>();
            n.path("checks")
                    .forEach(c -> checks.add(new Check(
                            c.path("name").asText(),
                            c.path("passed").asBoolean(),
                            c.path("detail").asText())));
            return new Verdict(worldId, "PASSED".equals(n.path("status").asText()), checks);
        } catch (IOException e) {
            return new Verdict(
                    worldId,
                    false,
                    List.of(new Check("gate_receipt", false, "unreadable gate receipt: " + e.getMessage())));
        }
    }
}
