package dev.fraudplatform.world;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * The trivial-rule canary: if one feature with one threshold catches half the fraud, the world is too easy to teach
 * or test anything. For each single feature below, computed from the stream views alone, it finds the best rule
 * {@code feature > t} and the best rule {@code feature < t} whose false-positive rate over legitimate transactions is
 * at most 1% ({@code t} = the legitimate 99th, or 1st, percentile), and measures its recall over third-party and
 * bust-out fraud (friendly fraud looks legitimate by design and is left out of both sides). The check fails if any
 * rule reaches a recall of 0.5 with 95% confidence (the Wilson lower bound of its recall is at least 0.5), so that a
 * tiny world with a handful of fraud transactions is not failed by chance, while a leak fails at any size worth
 * judging.
 *
 * <p>Features (per transaction {@code x}; windows end at {@code x}):
 * <ul>
 *   <li>{@code amount_minor} = x.amount_minor</li>
 *   <li>{@code amount_pct_of_account_mean} = 100 * x.amount / AVG(amount, account, all earlier transactions)</li>
 *   <li>{@code card_txns_1h} = COUNT(txn, card, [t - 1 h, t])</li>
 *   <li>{@code account_txns_24h} = COUNT(txn, account, [t - 24 h, t])</li>
 *   <li>{@code seconds_since_card_txn} = t - time of the card's previous transaction</li>
 *   <li>{@code new_device_for_account}, {@code new_ip_for_account}: 1 if the account never used it before</li>
 *   <li>{@code ip_abroad}, {@code merchant_abroad}: 1 if the IP's or merchant's country is not the account's home</li>
 *   <li>{@code high_risk_mcc}, {@code card_not_present}, {@code magstripe}, {@code hour_of_day}</li>
 *   <li>{@code device_accounts} = COUNT(DISTINCT account, device) over the whole world (deliberately generous:
 *       it even sees the future)</li>
 *   <li>{@code three_ds_not_authenticated}: 1 if the transaction's flow had a 3-D Secure result other than AUTHENTICATED</li>
 *   <li>{@code minutes_since_password_reset} = t - the account's latest PASSWORD_RESET before t</li>
 *   <li>{@code minutes_since_profile_change} = t - the account's latest profile change of any kind before t</li>
 * </ul>
 * Worlds above 2 million transactions are judged on a deterministic sample of whole accounts.
 */
final class Canary {
    static final double MAX_RECALL = 0.5;
    static final double MAX_FPR = 0.01;
    private static final long SAMPLE_TARGET = 2_000_000;

    private static final String[] FEATURES = {
        "amount_minor",
        "amount_pct_of_account_mean",
        "card_txns_1h",
        "account_txns_24h",
        "seconds_since_card_txn",
        "new_device_for_account",
        "new_ip_for_account",
        "ip_abroad",
        "merchant_abroad",
        "high_risk_mcc",
        "card_not_present",
        "magstripe",
        "hour_of_day",
        "device_accounts",
        "three_ds_not_authenticated",
        "minutes_since_password_reset",
        "minutes_since_profile_change"
    };

    /** One rule's result. */
    record Rule(String feature, String direction, Object threshold, double recall, long caught, long fraud) {
        /** Wilson score lower bound of the recall at 95% confidence. */
        double recallLowerBound() {
            double z = 1.96;
            double n = fraud;
            double p = recall;
            return (p + z * z / (2 * n) - z * Math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))) / (1 + z * z / n);
        }
    }

    private final WorldSql sql;

    Canary(WorldSql sql) {
        this.sql = sql;
    }

    WorldGate.Check check() {
        List<Rule> rules = evaluate();
        rules.sort(Comparator.comparingDouble(Rule::recall).reversed().thenComparing(Rule::feature));
        boolean ok = rules.stream().allMatch(r -> r.recallLowerBound() < MAX_RECALL);
        List<String> top = new ArrayList<>();
        for (Rule r : rules.subList(0, Math.min(3, rules.size()))) {
            top.add(String.format(
                    Locale.ROOT,
                    "%s %s %s: recall %.4f (%d of %d; 95%% lower bound %.4f)",
                    r.feature(),
                    r.direction(),
                    r.threshold(),
                    r.recall(),
                    r.caught(),
                    r.fraud(),
                    r.recallLowerBound()));
        }
        return new WorldGate.Check(
                "trivial_rule_canary",
                ok,
                "best single-feature rules at FPR <= 1%: " + String.join("; ", top)
                        + (ok ? "" : "; a rule this good means the world gives fraud away"));
    }

    List<Rule> evaluate() {
        long txns = sql.scalar("SELECT count(*) FROM txn");
        long modulus = Math.max(1, (txns + SAMPLE_TARGET - 1) / SAMPLE_TARGET);
        sql.execute("CREATE OR REPLACE TEMP TABLE canary_base AS SELECT t.*, a.home_country, f.typology FROM txn t "
                + "JOIN accounts a USING (account_id) LEFT JOIN truth f ON f.event_id = t.event_id "
                + "WHERE hash(t.account_id) % " + modulus
                + " = 0 AND (f.typology IS NULL OR f.typology <> 'friendly_fraud')");
        sql.execute("CREATE OR REPLACE TEMP TABLE canary AS SELECT typology IS NOT NULL AS is_fraud, "
                + "amount_minor, "
                + "CAST(100 * amount_minor / coalesce(avg(amount_minor) OVER (PARTITION BY account_id ORDER BY event_time_ms, event_id "
                + "ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), amount_minor) AS BIGINT) AS amount_pct_of_account_mean, "
                + "count(*) OVER (PARTITION BY card_id ORDER BY event_time_ms RANGE BETWEEN 3600000 PRECEDING AND CURRENT ROW) AS card_txns_1h, "
                + "count(*) OVER (PARTITION BY account_id ORDER BY event_time_ms RANGE BETWEEN 86400000 PRECEDING AND CURRENT ROW) AS account_txns_24h, "
                + "coalesce((event_time_ms - lag(event_time_ms) OVER (PARTITION BY card_id ORDER BY event_time_ms, event_id)) // 1000, 100000000) "
                + "AS seconds_since_card_txn, "
                + "CASE WHEN device_id IS NULL THEN 0 WHEN row_number() OVER (PARTITION BY account_id, device_id ORDER BY event_time_ms, event_id) = 1 "
                + "THEN 1 ELSE 0 END AS new_device_for_account, "
                + "CASE WHEN ip IS NULL THEN 0 WHEN row_number() OVER (PARTITION BY account_id, ip ORDER BY event_time_ms, event_id) = 1 "
                + "THEN 1 ELSE 0 END AS new_ip_for_account, "
                + "CASE WHEN ip_country IS NOT NULL AND ip_country <> home_country THEN 1 ELSE 0 END AS ip_abroad, "
                + "CASE WHEN country <> home_country THEN 1 ELSE 0 END AS merchant_abroad, "
                + "CASE WHEN mcc IN ('4829', '7995', '6051', '5967') THEN 1 ELSE 0 END AS high_risk_mcc, "
                + "CASE WHEN channel = 'CNP' THEN 1 ELSE 0 END AS card_not_present, "
                + "CASE WHEN entry_mode = 'MAGSTRIPE' THEN 1 ELSE 0 END AS magstripe, "
                + "(event_time_ms // 3600000) % 24 AS hour_of_day, "
                + "CASE WHEN device_id IS NULL THEN 0 ELSE count(DISTINCT account_id) OVER (PARTITION BY device_id) END AS device_accounts, "
                + "CASE WHEN EXISTS (SELECT 1 FROM three_ds d WHERE d.flow_id = b.flow_id AND d.result <> 'AUTHENTICATED') THEN 1 ELSE 0 END "
                + "AS three_ds_not_authenticated, "
                + "event_time_ms AS t, account_id FROM canary_base b");
        sql.execute("CREATE OR REPLACE TEMP TABLE canary_full AS SELECT c.*, "
                + "coalesce((c.t - r.reset_ms) // 60000, 100000000) AS minutes_since_password_reset, "
                + "coalesce((c.t - p.change_ms) // 60000, 100000000) AS minutes_since_profile_change FROM canary c "
                + "ASOF LEFT JOIN (SELECT account_id, event_time_ms AS reset_ms FROM profile_change WHERE change = 'PASSWORD_RESET') r "
                + "ON c.account_id = r.account_id AND c.t >= r.reset_ms "
                + "ASOF LEFT JOIN (SELECT account_id, event_time_ms AS change_ms FROM profile_change) p "
                + "ON c.account_id = p.account_id AND c.t >= p.change_ms");
        long fraud = sql.scalar("SELECT count(*) FROM canary_full WHERE is_fraud");
        List<Rule> rules = new ArrayList<>();
        if (fraud == 0) return rules;
        for (String f : FEATURES) {
            Object[] q = sql.rows("SELECT quantile_disc(" + f + ", 0.99) FILTER (WHERE NOT is_fraud), quantile_disc("
                            + f + ", 0.01) " + "FILTER (WHERE NOT is_fraud) FROM canary_full")
                    .get(0);
            if (q[0] == null) continue;
            long hi = ((Number) q[0]).longValue();
            long lo = ((Number) q[1]).longValue();
            long above = sql.scalar("SELECT count(*) FROM canary_full WHERE is_fraud AND " + f + " > " + hi);
            long below = sql.scalar("SELECT count(*) FROM canary_full WHERE is_fraud AND " + f + " < " + lo);
            rules.add(new Rule(f, ">", hi, (double) above / fraud, above, fraud));
            rules.add(new Rule(f, "<", lo, (double) below / fraud, below, fraud));
        }
        return rules;
    }
}
