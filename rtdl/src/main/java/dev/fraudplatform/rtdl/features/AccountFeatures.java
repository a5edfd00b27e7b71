package dev.fraudplatform.rtdl.features;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fraudplatform.core.json.Json;
import java.util.Set;

/**
 * Per-account online features of a transaction at time t, computed from the account's state <em>before</em> the
 * transaction, which is then added to the state (so every event is counted before the next one on the same
 * account is scored). Windows include the transaction itself:
 * <ul>
 *   <li>{@code amount_minor} = amount of this transaction</li>
 *   <li>{@code txn_count_1h} = COUNT(txn, account, (t - 1 h, t])</li>
 *   <li>{@code txn_count_24h} = COUNT(txn, account, (t - 24 h, t])</li>
 *   <li>{@code amount_sum_24h} = SUM(amount, account, (t - 24 h, t])</li>
 *   <li>{@code small_txn_count_10m} = COUNT(txn with amount &lt; small_amount_minor, account, (t - 10 min, t])</li>
 *   <li>{@code amount_to_mean_ratio} = amount / MEAN(amount of the account's earlier transactions), rounded to 4
 *       decimals; 1 when fewer than 3 earlier transactions</li>
 *   <li>{@code new_device} = 1 if the account has history and this device is not among its last 8, else 0</li>
 *   <li>{@code new_country} = 1 if the account has 3+ earlier transactions and this country is not among its
 *       last 4, else 0</li>
 *   <li>{@code high_risk_mcc} = 1 if the MCC is in the bundle's high-risk list</li>
 *   <li>{@code card_not_present} = 1 if channel is CNP</li>
 *   <li>{@code seconds_since_last} = (t - time of the previous transaction) / 1 s, or -1 for the first</li>
 * </ul>
 */
public final class AccountFeatures {
    private final Set<String> highRiskMcc;
    private final long smallAmountMinor;

    public AccountFeatures(Set<String> highRiskMcc, long smallAmountMinor) {
        this.highRiskMcc = Set.copyOf(highRiskMcc);
        this.smallAmountMinor = smallAmountMinor;
    }

    /** Computes the features of a transaction and folds the transaction into {@code state}. */
    public ObjectNode computeAndUpdate(AccountState state, long t, long amount, String device, String country, String mcc,
                                       String channel) {
        long c1h = 1, c24h = 1, sum24h = amount, small10m = amount < smallAmountMinor ? 1 : 0;
        for (AccountState.Txn x : state.recent) {
            if (x.timeMs() > t - AccountState.WINDOW_24H_MS && x.timeMs() <= t) {
                c24h++;
                sum24h += x.amountMinor();
                if (x.timeMs() > t - 3_600_000L) c1h++;
                if (x.timeMs() > t - 600_000L && x.amountMinor() < smallAmountMinor) small10m++;
            }
        }
        double ratio = 1.0;
        if (state.count >= 3 && state.sumAmount > 0) {
            ratio = Math.round(amount / ((double) state.sumAmount / state.count) * 10_000.0) / 10_000.0;
        }
        ObjectNode f = Json.MAPPER.createObjectNode();
        f.put("amount_minor", amount);
        f.put("txn_count_1h", c1h);
        f.put("txn_count_24h", c24h);
        f.put("amount_sum_24h", sum24h);
        f.put("small_txn_count_10m", small10m);
        f.put("amount_to_mean_ratio", ratio);
        f.put("new_device", state.count > 0 && device != null && !state.devices.contains(device) ? 1 : 0);
        f.put("new_country", state.count >= 3 && country != null && !state.countries.contains(country) ? 1 : 0);
        f.put("high_risk_mcc", mcc != null && highRiskMcc.contains(mcc) ? 1 : 0);
        f.put("card_not_present", "CNP".equals(channel) ? 1 : 0);
        f.put("seconds_since_last", state.lastTimeMs < 0 ? -1 : (t - state.lastTimeMs) / 1000);
        state.add(t, amount, device, country);
        return f;
    }
}
