package dev.fraudplatform.rtdl.features;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Per-account features against hand-computed expectations. */
class AccountFeaturesTest {
    private static final long T0 = 1_772_323_200_000L; // 2026-03-01T00:00:00Z
    private static final long MIN = 60_000L;
    private final AccountFeatures features = new AccountFeatures(Set.of("7995"), 500);

    private ObjectNode txn(AccountState s, long t, long amount, String device, String country, String mcc, String channel) {
        return features.computeAndUpdate(s, t, amount, device, country, mcc, channel);
    }

    @Test
    void theFirstTransactionCountsItselfAndHasNoHistory() {
        ObjectNode f = txn(new AccountState(), T0, 1_000, "dev-a", "GB", "5411", "CP");
        assertThat(f.path("txn_count_1h").asLong()).isEqualTo(1);
        assertThat(f.path("txn_count_24h").asLong()).isEqualTo(1);
        assertThat(f.path("amount_sum_24h").asLong()).isEqualTo(1_000);
        assertThat(f.path("small_txn_count_10m").asLong()).isEqualTo(0);
        assertThat(f.path("amount_to_mean_ratio").asDouble()).isEqualTo(1.0);
        assertThat(f.path("new_device").asLong()).isEqualTo(0);
        assertThat(f.path("seconds_since_last").asLong()).isEqualTo(-1);
        assertThat(f.path("card_not_present").asLong()).isEqualTo(0);
    }

    @Test
    void windowsCountWhatFallsInsideThemAndNothingOlder() {
        AccountState s = new AccountState();
        txn(s, T0, 1_000, "dev-a", "GB", "5411", "CP");                    // 25 h before the last: outside 24 h
        txn(s, T0 + 2 * 60 * MIN, 2_000, "dev-a", "GB", "5411", "CP");     // 23 h before: inside 24 h, outside 1 h
        txn(s, T0 + 24 * 60 * MIN + 30 * MIN, 3_000, "dev-a", "GB", "5411", "CP"); // 30 min before: inside 1 h
        ObjectNode f = txn(s, T0 + 25 * 60 * MIN, 4_000, "dev-a", "GB", "5411", "CP");
        assertThat(f.path("txn_count_1h").asLong()).isEqualTo(2);          // 3,000 and itself
        assertThat(f.path("txn_count_24h").asLong()).isEqualTo(3);         // 2,000, 3,000 and itself
        assertThat(f.path("amount_sum_24h").asLong()).isEqualTo(9_000);
        assertThat(f.path("seconds_since_last").asLong()).isEqualTo(30 * 60);
        // mean of earlier = (1000 + 2000 + 3000) / 3 = 2000 -> 4000 / 2000
        assertThat(f.path("amount_to_mean_ratio").asDouble()).isEqualTo(2.0);
    }

    @Test
    void aBurstOfSmallAmountsIsCountedWithinTenMinutes() {
        AccountState s = new AccountState();
        txn(s, T0, 300, "dev-x", "GB", "5999", "CNP");
        txn(s, T0 + 11 * MIN, 200, "dev-x", "GB", "5999", "CNP");   // the first is now outside 10 min
        txn(s, T0 + 12 * MIN, 5_000, "dev-x", "GB", "5999", "CNP"); // not small
        ObjectNode f = txn(s, T0 + 13 * MIN, 450, "dev-x", "GB", "5999", "CNP");
        assertThat(f.path("small_txn_count_10m").asLong()).isEqualTo(2);
        assertThat(f.path("txn_count_1h").asLong()).isEqualTo(4);
        assertThat(f.path("card_not_present").asLong()).isEqualTo(1);
    }

    @Test
    void newDeviceNewCountryAndHighRiskMerchantAreFlagged() {
        AccountState s = new AccountState();
        for (int i = 0; i < 3; i++) txn(s, T0 + i * MIN, 1_000, "dev-a", "GB", "5411", "CP");
        ObjectNode seen = txn(s, T0 + 5 * MIN, 1_000, "dev-a", "GB", "5411", "CP");
        assertThat(seen.path("new_device").asLong()).isZero();
        assertThat(seen.path("new_country").asLong()).isZero();
        ObjectNode odd = txn(s, T0 + 6 * MIN, 1_000, "dev-z", "FR", "7995", "CNP");
        assertThat(odd.path("new_device").asLong()).isEqualTo(1);
        assertThat(odd.path("new_country").asLong()).isEqualTo(1);
        assertThat(odd.path("high_risk_mcc").asLong()).isEqualTo(1);
        ObjectNode again = txn(s, T0 + 7 * MIN, 1_000, "dev-z", "FR", "5411", "CNP");
        assertThat(again.path("new_device").asLong()).as("remembered after first sight").isZero();
    }

    @Test
    void stateSurvivesEncodingExactly() {
        AccountState s = new AccountState();
        txn(s, T0, 1_000, "dev-a", "GB", "5411", "CP");
        txn(s, T0 + MIN, 250, "dev-b", "IE", "5411", "CNP");
        AccountState copy = AccountState.decode(s.encode());
        ObjectNode a = txn(s, T0 + 2 * MIN, 300, "dev-b", "IE", "5411", "CNP");
        ObjectNode b = txn(copy, T0 + 2 * MIN, 300, "dev-b", "IE", "5411", "CNP");
        assertThat(b).isEqualTo(a);
        assertThat(AccountState.decode(null).count).isZero();
    }
}
