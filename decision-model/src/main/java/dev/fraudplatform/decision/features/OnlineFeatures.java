package dev.fraudplatform.decision.features;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Set;

/**
 * The online feature projection (OFP): features of a transaction at event time t with amount a, per entity E of the
 * transaction. {@code p} is E's prefix: none for the account, {@code card_}, {@code merchant_}, {@code device_},
 * {@code ip_}. Every entity's state has already applied the entity's earlier events and is then updated with this
 * one, so an event is always counted before the next event on the same key is scored. {@code h(x) = floor(x / 1 h)}.
 *
 * <p>Per entity (all five):
 * <ul>
 *   <li>{@code p txn_count_1m} = COUNT(txn, E, (t - 1 min, t]), this one included; {@code p amount_sum_1m} = SUM(amount,
 *       same)</li>
 *   <li>{@code p txn_count_1h} = COUNT(txn, E, (t - 1 h, t]); {@code p amount_sum_1h} = SUM(amount, same)</li>
 *   <li>{@code p txn_count_24h} = COUNT(txn, E, clock hours h(t) - 23 .. h(t)); {@code p amount_sum_24h} = SUM</li>
 *   <li>{@code p txn_count_7d} = COUNT(txn, E, clock hours h(t) - 167 .. h(t)); {@code p amount_sum_7d} = SUM</li>
 *   <li>{@code p seconds_since_last} = floor((t - time of E's previous txn) / 1 s), or -1 for E's first</li>
 *   <li>{@code p amount_zscore} = (a - MEAN(E's earlier amounts)) / STDDEV(same), 4 decimals; 0 with fewer than 3
 *       earlier amounts or a zero deviation</li>
 * </ul>
 * Account ({@link #account}): {@code amount_minor} = a; {@code small_txn_count_10m} = COUNT(txn with amount &lt;
 * small_amount_minor, account, (t - 10 min, t]); {@code amount_to_mean_ratio} = a / MEAN(earlier amounts), 4
 * decimals, 1 with fewer than 3; {@code new_device} = 1 if the account has earlier txns and this device is not among
 * its last 32, else 0; {@code new_country} = the same for the country with 3+ earlier txns; {@code
 * distinct_merchants_24h}, {@code distinct_devices_24h}, {@code distinct_cards_24h} = COUNT DISTINCT(id last seen in
 * (t - 24 h, t]) among the last 32 of each; {@code geo_velocity_kmh} = haversine(previous located txn, this) /
 * max(1 min, time between), 1 decimal, 0 without both locations; {@code high_risk_mcc} = 1 if the MCC is in the
 * bundle's list; {@code card_not_present} = 1 if channel = CNP; {@code password_reset_24h}, {@code
 * email_change_24h} = 1 if such a profile change happened in (t - 24 h, t]; {@code failed_login_1h} = 1 if a login
 * failed in (t - 1 h, t]; {@code account_fraud_label_before} = 1 if a fraud label on the account was observed at or
 * before t.
 *
 * <p>Card ({@link #card}): {@code card_new_merchant} = 1 if the card has earlier txns and this merchant is not among
 * its last 32; {@code card_fraud_label_before} = 1 if a fraud label on the card was observed at or before t.
 *
 * <p>Merchant: {@code merchant_distinct_cards_1h} = COUNT DISTINCT(card, (t - 1 h, t]), at most 32.
 * Device and IP are also the entity graph's (IEG) features, see {@link dev.fraudplatform.decision.graph.EntityGraph}.
 */
public final class OnlineFeatures {
    /** Mark names an account's state carries from its context and labels. */
    public static final String PASSWORD_RESET = "password_reset",
            EMAIL_CHANGE = "email_change",
            FAILED_LOGIN = "failed_login",
            FRAUD_LABEL = "fraud_label";

    private final Set<String> highRiskMcc;
    private final long smallAmountMinor;

    public OnlineFeatures(Set<String> highRiskMcc, long smallAmountMinor) {
        this.highRiskMcc = Set.copyOf(highRiskMcc);
        this.smallAmountMinor = smallAmountMinor;
    }

    /** Adds the account's features of {@code x} to {@code f} and applies {@code x} to the account's state. */
    public void account(EntityState s, TxnEvent x, ObjectNode f) {
        long t = x.timeMs();
        long a = x.amount();
        f.put("amount_minor", a);
        f.put("amount_to_mean_ratio", s.count() >= 3 && s.mean() > 0 ? round(a / s.mean(), 10_000) : 1.0);
        f.put("new_device", s.count() > 0 && x.device() != null && !s.linked("device", x.device()) ? 1 : 0);
        f.put("new_country", s.count() >= 3 && x.country() != null && !s.linked("country", x.country()) ? 1 : 0);
        double[] geo = s.lastGeo();
        double velocity = 0;
        if (geo != null && x.lat() != null && x.lon() != null) {
            double km = haversineKm(geo[0], geo[1], x.lat(), x.lon());
            velocity = round(km / (Math.max(EntityState.MINUTE, t - (long) geo[2]) / (double) EntityState.HOUR), 10);
        }
        f.put("geo_velocity_kmh", velocity);
        entityWindows("", s, x.timeMs(), a, f);
        if (x.lat() != null && x.lon() != null) s.geo(x.lat(), x.lon(), t);
        s.link("device", x.device(), t);
        s.link("ip", x.ip(), t);
        s.link("country", x.country(), t);
        s.link("merchant", x.merchant(), t);
        s.link("card", x.card(), t);
        f.put("small_txn_count_10m", s.countBelow(t, 10 * EntityState.MINUTE, smallAmountMinor));
        f.put("distinct_merchants_24h", s.distinct("merchant", t, EntityState.DAY));
        f.put("distinct_devices_24h", s.distinct("device", t, EntityState.DAY));
        f.put("distinct_cards_24h", s.distinct("card", t, EntityState.DAY));
        f.put("high_risk_mcc", x.mcc() != null && highRiskMcc.contains(x.mcc()) ? 1 : 0);
        f.put("card_not_present", "CNP".equals(x.channel()) ? 1 : 0);
    }

    /**
     * The account's and card's context marks as of t, read when the frame is decided rather than when the transaction
     * arrived, so a context event or label at or before t that the task read just after the transaction still counts.
     *
     * @param card the card's state, or null when the transaction names no card
     */
    public static void marks(EntityState account, EntityState card, long t, ObjectNode f) {
        f.put("password_reset_24h", account.distinct(PASSWORD_RESET, t, EntityState.DAY) > 0 ? 1 : 0);
        f.put("email_change_24h", account.distinct(EMAIL_CHANGE, t, EntityState.DAY) > 0 ? 1 : 0);
        f.put("failed_login_1h", account.distinct(FAILED_LOGIN, t, EntityState.HOUR) > 0 ? 1 : 0);
        f.put("account_fraud_label_before", atOrBefore(account.mark(FRAUD_LABEL), t));
        f.put("card_fraud_label_before", card == null ? 0 : atOrBefore(card.mark(FRAUD_LABEL), t));
    }

    /** Records a context mark (a password reset, an email change, a failed login) at time t. */
    public static void mark(EntityState account, String name, long t) {
        account.link(name, Long.toString(t), t);
    }

    /** Adds the card's features of {@code x} to {@code f} and applies {@code x} to the card's state. */
    public void card(EntityState s, TxnEvent x, ObjectNode f) {
        f.put(
                "card_new_merchant",
                s.count() > 0 && x.merchant() != null && !s.linked("merchant", x.merchant()) ? 1 : 0);
        entityWindows("card_", s, x.timeMs(), x.amount(), f);
        s.link("merchant", x.merchant(), x.timeMs());
    }

    /** Adds the merchant's features of an event to {@code f} and applies the event to the merchant's state. */
    public static void merchant(EntityState s, EntityEvent e, ObjectNode f) {
        entityWindows("merchant_", s, e.timeMs(), e.amount(), f);
        s.link("card", e.card(), e.timeMs());
        f.put("merchant_distinct_cards_1h", s.distinct("card", e.timeMs(), EntityState.HOUR));
    }

    /**
     * The windows, recency and z-score of one entity ({@code prefix} names it): recency and z-score from its state
     * before the event, windows after applying it.
     */
    public static void entityWindows(String prefix, EntityState s, long t, long amount, ObjectNode f) {
        f.put(prefix + "seconds_since_last", s.lastTimeMs() < 0 ? -1 : Math.floorDiv(t - s.lastTimeMs(), 1000L));
        double sd = s.stddev();
        f.put(prefix + "amount_zscore", s.count() >= 3 && sd > 0 ? round((amount - s.mean()) / sd, 10_000) : 0.0);
        s.add(t, amount);
        f.put(prefix + "txn_count_1m", s.count(t, EntityState.MINUTE));
        f.put(prefix + "amount_sum_1m", s.sum(t, EntityState.MINUTE));
        f.put(prefix + "txn_count_1h", s.count(t, EntityState.HOUR));
        f.put(prefix + "amount_sum_1h", s.sum(t, EntityState.HOUR));
        long[] day = s.hourWindow(t, 24);
        f.put(prefix + "txn_count_24h", day[0]);
        f.put(prefix + "amount_sum_24h", day[1]);
        long[] week = s.hourWindow(t, EntityState.HOURS_KEPT);
        f.put(prefix + "txn_count_7d", week[0]);
        f.put(prefix + "amount_sum_7d", week[1]);
    }

    static int atOrBefore(Long mark, long t) {
        return mark != null && mark <= t ? 1 : 0;
    }

    static double round(double x, double scale) {
        return Math.round(x * scale) / scale;
    }

    /** Great-circle distance in km on a sphere of radius 6371 km. */
    static double haversineKm(double lat1, double lon1, double lat2, double lon2) {
        double dLat = Math.toRadians(lat2 - lat1);
        double dLon = Math.toRadians(lon2 - lon1);
        double h = Math.sin(dLat / 2) * Math.sin(dLat / 2)
                + Math.cos(Math.toRadians(lat1))
                        * Math.cos(Math.toRadians(lat2))
                        * Math.sin(dLon / 2)
                        * Math.sin(dLon / 2);
        return 2 * 6371.0 * Math.asin(Math.min(1, Math.sqrt(h)));
    }
}
