package dev.fraudplatform.decision.features;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Every feature the real-time loop puts in a decision's feature snapshot, by name: the account's, card's, merchant's,
 * device's and IP's (see {@link OnlineFeatures}), the entity graph's ({@link dev.fraudplatform.decision.graph.EntityGraph})
 * and the flow context's ({@link dev.fraudplatform.decision.scoring.ContextFeatures}). A bundle's feature schema may name
 * only these: a model trained on anything else would score missing values in production. The Offline Feature Shadow's
 * test on a real run checks that this list is exactly what the loop computes.
 */
public final class LoopFeatures {
    /** In name order. */
    public static final List<String> NAMES = List.of(
            "account_fraud_label_before",
            "amount_minor",
            "amount_sum_1h",
            "amount_sum_1m",
            "amount_sum_24h",
            "amount_sum_7d",
            "amount_to_mean_ratio",
            "amount_zscore",
            "card_amount_sum_1h",
            "card_amount_sum_1m",
            "card_amount_sum_24h",
            "card_amount_sum_7d",
            "card_amount_zscore",
            "card_fraud_label_before",
            "card_new_merchant",
            "card_not_present",
            "card_seconds_since_last",
            "card_txn_count_1h",
            "card_txn_count_1m",
            "card_txn_count_24h",
            "card_txn_count_7d",
            "device_amount_sum_1h",
            "device_amount_sum_1m",
            "device_amount_sum_24h",
            "device_amount_sum_7d",
            "device_amount_zscore",
            "device_distinct_accounts_24h",
            "device_linked_fraud_label",
            "device_seconds_since_last",
            "device_txn_count_1h",
            "device_txn_count_1m",
            "device_txn_count_24h",
            "device_txn_count_7d",
            "distinct_cards_24h",
            "distinct_devices_24h",
            "distinct_merchants_24h",
            "email_change_24h",
            "failed_login_1h",
            "flow_login",
            "flow_login_failed",
            "flow_profile_change",
            "flow_three_ds",
            "geo_velocity_kmh",
            "high_risk_mcc",
            "ip_amount_sum_1h",
            "ip_amount_sum_1m",
            "ip_amount_sum_24h",
            "ip_amount_sum_7d",
            "ip_amount_zscore",
            "ip_distinct_accounts_24h",
            "ip_distinct_cards_1h",
            "ip_linked_fraud_label",
            "ip_seconds_since_last",
            "ip_txn_count_1h",
            "ip_txn_count_1m",
            "ip_txn_count_24h",
            "ip_txn_count_7d",
            "merchant_amount_sum_1h",
            "merchant_amount_sum_1m",
            "merchant_amount_sum_24h",
            "merchant_amount_sum_7d",
            "merchant_amount_zscore",
            "merchant_distinct_cards_1h",
            "merchant_seconds_since_last",
            "merchant_txn_count_1h",
            "merchant_txn_count_1m",
            "merchant_txn_count_24h",
            "merchant_txn_count_7d",
            "new_country",
            "new_device",
            "password_reset_24h",
            "seconds_since_last",
            "small_txn_count_10m",
            "three_ds_challenged",
            "three_ds_not_authenticated",
            "txn_count_1h",
            "txn_count_1m",
            "txn_count_24h",
            "txn_count_7d");

    private static final Set<String> SET = Set.copyOf(NAMES);

    private LoopFeatures() {}

    /** The names in {@code schema} that the loop does not compute, in schema order; empty when it matches. */
    public static List<String> unknown(List<String> schema) {
        List<String> out = new ArrayList<>();
        for (String name : schema) if (!SET.contains(name)) out.add(name);
        return out;
    }
}
