package dev.fraudplatform.rtdl.loop;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fraudplatform.core.json.Json;
import dev.fraudplatform.decision.bundle.DecisionBundle;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Each online and graph feature through the whole topology (TopologyTestDriver), against expectations computed by
 * hand from the formulas in {@code OnlineFeatures} and {@code EntityGraph}.
 */
class OnlineFeaturesTopologyTest {
    private static final Instant T = Instant.parse("2026-03-01T10:00:00.000Z");

    private static JsonNode last(List<JsonNode> decisions) {
        return decisions.get(decisions.size() - 1).path("features");
    }

    @Test
    void windowsOfOneMinuteAndOneHourAreExactAndOfADayAndAWeekGoByClockHour() {
        try (LoopDriver d = new LoopDriver(DecisionBundle.builtIn("rules-v1"))) {
            String[][] events = {
                {"e1", "2026-02-22T10:30:00.000Z", "100"}, // clock hour h(t) - 168: outside 7 d
                {"e2", "2026-02-22T11:10:00.000Z", "200"}, // h(t) - 167: inside 7 d
                {"e3", "2026-02-28T10:59:00.000Z", "300"}, // h(t) - 24: outside 24 h
                {"e4", "2026-02-28T11:00:00.000Z", "400"}, // h(t) - 23: inside 24 h
                {"e6", "2026-03-01T09:00:00.000Z", "500"}, // exactly t - 1 h: outside (t - 1 h, t]
                {"e5", "2026-03-01T09:10:00.000Z", "600"},
                {"e7", "2026-03-01T09:59:30.000Z", "700"}, // inside 1 min
                {"e8", "2026-03-01T10:00:00.000Z", "800"}
            };
            for (String[] e : events) d.send(d.txn(e[0], "acct-1", Instant.parse(e[1]), Long.parseLong(e[2])));
            JsonNode f = last(d.decisions());
            for (String p : List.of("", "card_", "merchant_", "device_", "ip_")) {
                assertThat(f.path(p + "txn_count_1m").asLong()).as(p + "1m").isEqualTo(2);
                assertThat(f.path(p + "amount_sum_1m").asLong())
                        .as(p + "sum 1m")
                        .isEqualTo(700 + 800);
                assertThat(f.path(p + "txn_count_1h").asLong()).as(p + "1h").isEqualTo(3);
                assertThat(f.path(p + "amount_sum_1h").asLong())
                        .as(p + "sum 1h")
                        .isEqualTo(600 + 700 + 800);
                assertThat(f.path(p + "txn_count_24h").asLong()).as(p + "24h").isEqualTo(5);
                assertThat(f.path(p + "amount_sum_24h").asLong())
                        .as(p + "sum 24h")
                        .isEqualTo(400 + 500 + 600 + 700 + 800);
                assertThat(f.path(p + "txn_count_7d").asLong()).as(p + "7d").isEqualTo(7);
                assertThat(f.path(p + "amount_sum_7d").asLong())
                        .as(p + "sum 7d")
                        .isEqualTo(3_500);
                assertThat(f.path(p + "seconds_since_last").asLong())
                        .as(p + "recency")
                        .isEqualTo(30);
                // earlier amounts 100..700: mean 400, sample deviation sqrt(280,000 / 6) = 216.02
                assertThat(f.path(p + "amount_zscore").asDouble()).as(p + "z").isEqualTo(1.8516);
            }
            assertThat(f.path("amount_to_mean_ratio").asDouble()).isEqualTo(2.0);
            assertThat(f.path("amount_minor").asLong()).isEqualTo(800);
        }
    }

    @Test
    void theFirstEventOfAnEntityHasNoHistory() {
        try (LoopDriver d = new LoopDriver(DecisionBundle.builtIn("rules-v1"))) {
            d.send(d.txn("e1", "acct-1", T, 1_000));
            JsonNode f = last(d.decisions());
            assertThat(f.path("seconds_since_last").asLong()).isEqualTo(-1);
            assertThat(f.path("merchant_seconds_since_last").asLong()).isEqualTo(-1);
            assertThat(f.path("amount_zscore").asDouble()).isZero();
            assertThat(f.path("new_device").asInt()).isZero();
            assertThat(f.path("card_new_merchant").asInt()).isZero();
            assertThat(f.path("txn_count_1h").asLong()).isEqualTo(1);
            assertThat(f.path("geo_velocity_kmh").asDouble()).isZero();
        }
    }

    @Test
    void distinctsFirstSeenFlagsAndGeoVelocity() {
        try (LoopDriver d = new LoopDriver(DecisionBundle.builtIn("rules-v1"))) {
            d.send(d.txn("e1", "acct-2", T, 1_000)
                    .set("device_id", "d1")
                    .set("merchant_id", "m-1")
                    .set("card_id", "c1")
                    .geo(51.5074, -0.1278));
            d.send(d.txn("e2", "acct-2", T.plusSeconds(600), 1_000)
                    .set("device_id", "d2")
                    .set("merchant_id", "m-2")
                    .set("card_id", "c1")
                    .geo(48.8566, 2.3522));
            JsonNode f = last(d.decisions());
            assertThat(f.path("new_device").asInt()).isEqualTo(1);
            assertThat(f.path("card_new_merchant").asInt()).isEqualTo(1);
            assertThat(f.path("distinct_devices_24h").asLong()).isEqualTo(2);
            assertThat(f.path("distinct_merchants_24h").asLong()).isEqualTo(2);
            assertThat(f.path("distinct_cards_24h").asLong()).isEqualTo(1);
            // London to Paris, 343.56 km, in 10 minutes
            assertThat(f.path("geo_velocity_kmh").asDouble()).isEqualTo(2061.3);

            d.send(d.txn("e3", "acct-2", T.plusSeconds(1200), 1_000)
                    .set("device_id", "d1")
                    .set("merchant_id", "m-1")
                    .set("card_id", "c2"));
            f = last(d.decisions());
            assertThat(f.path("new_device").asInt()).as("d1 is known").isZero();
            assertThat(f.path("card_new_merchant").asInt())
                    .as("c2's first transaction")
                    .isZero();
            assertThat(f.path("distinct_cards_24h").asLong()).isEqualTo(2);
            assertThat(f.path("new_country").asInt())
                    .as("only 2 earlier transactions")
                    .isZero();

            d.send(d.txn("e4", "acct-2", T.plusSeconds(1800), 1_000).set("country", "FR"));
            assertThat(last(d.decisions()).path("new_country").asInt()).isEqualTo(1);
            d.send(d.txn("e5", "acct-2", T.plusSeconds(2400), 1_000).set("country", "FR"));
            assertThat(last(d.decisions()).path("new_country").asInt()).isZero();
        }
    }

    @Test
    void theEntityGraphCountsAccountsPerDeviceAndCardsPerIpAndMerchant() {
        try (LoopDriver d = new LoopDriver(DecisionBundle.builtIn("rules-v1"))) {
            d.send(d.txn("e1", "acct-a", T, 1_000).set("device_id", "shared").set("ip", "9.9.9.9"));
            d.send(d.txn("e2", "acct-b", T.plusSeconds(60), 1_000)
                    .set("device_id", "shared")
                    .set("ip", "9.9.9.9"));
            d.send(d.txn("e3", "acct-a", T.plusSeconds(90), 1_000)
                    .set("device_id", "shared")
                    .set("ip", "9.9.9.9"));
            d.send(d.txn("e4", "acct-c", T.plusSeconds(120), 1_000)
                    .set("device_id", "shared")
                    .set("ip", "9.9.9.9"));
            JsonNode f = last(d.decisions());
            assertThat(f.path("device_distinct_accounts_24h").asLong()).isEqualTo(3);
            assertThat(f.path("ip_distinct_cards_1h").asLong()).isEqualTo(3);
            assertThat(f.path("ip_distinct_accounts_24h").asLong()).isEqualTo(3);
            assertThat(f.path("merchant_distinct_cards_1h").asLong()).isEqualTo(3);
            assertThat(f.path("device_txn_count_1h").asLong()).isEqualTo(4);
            // two hours later the IP's 1 h window has emptied; the device's 24 h window has not
            d.send(d.txn("e5", "acct-d", T.plusSeconds(7_200), 1_000)
                    .set("device_id", "shared")
                    .set("ip", "9.9.9.9"));
            f = last(d.decisions());
            assertThat(f.path("ip_distinct_cards_1h").asLong()).isEqualTo(1);
            assertThat(f.path("device_distinct_accounts_24h").asLong()).isEqualTo(4);
        }
    }

    @Test
    void aFraudLabelReachesLinkedEntitiesOnlyFromItsObservedTime() {
        try (LoopDriver d = new LoopDriver(DecisionBundle.builtIn("rules-v1"))) {
            d.send(d.txn("e1", "acct-a", T, 1_000).set("device_id", "shared").set("ip", "9.9.9.9"));
            d.label("acct-a", "card-acct-a", T.plusSeconds(3_600));
            d.send(d.txn("e2", "acct-b", T.plusSeconds(1_800), 1_000)
                    .set("device_id", "shared")
                    .set("ip", "8.8.8.8"));
            JsonNode before = last(d.decisions());
            assertThat(before.path("device_linked_fraud_label").asInt())
                    .as("observed after this transaction")
                    .isZero();
            d.send(d.txn("e3", "acct-b", T.plusSeconds(7_200), 1_000)
                    .set("device_id", "shared")
                    .set("ip", "8.8.8.8"));
            JsonNode after = last(d.decisions());
            assertThat(after.path("device_linked_fraud_label").asInt()).isEqualTo(1);
            assertThat(after.path("ip_linked_fraud_label").asInt())
                    .as("8.8.8.8 never saw acct-a")
                    .isZero();
            assertThat(after.path("account_fraud_label_before").asInt()).isZero();

            // the labelled account itself, on a device it never used before the label
            d.send(d.txn("e4", "acct-a", T.plusSeconds(7_300), 1_000)
                    .set("device_id", "fresh")
                    .set("ip", "9.9.9.9"));
            JsonNode self = last(d.decisions());
            assertThat(self.path("account_fraud_label_before").asInt()).isEqualTo(1);
            assertThat(self.path("card_fraud_label_before").asInt()).isEqualTo(1);
            assertThat(self.path("device_linked_fraud_label").asInt()).isEqualTo(1);
            assertThat(self.path("ip_linked_fraud_label").asInt()).isEqualTo(1);
        }
    }

    @Test
    void profileChangesAndFailedLoginsMarkTheAccount() {
        try (LoopDriver d = new LoopDriver(DecisionBundle.builtIn("rules-v1"))) {
            d.context(
                    "ctx.profile_change",
                    "acct-1",
                    T.minusSeconds(25 * 3_600),
                    Json.MAPPER
                            .createObjectNode()
                            .put("flow_id", "s1")
                            .put("change", "EMAIL")
                            .put("new_email_domain", "mailinator.com")
                            .put("device_id", "d")
                            .put("ip", "1.1.1.1")
                            .put("ip_country", "GB"));
            d.context(
                    "ctx.profile_change",
                    "acct-1",
                    T.minusSeconds(2 * 3_600),
                    Json.MAPPER
                            .createObjectNode()
                            .put("flow_id", "s2")
                            .put("change", "PASSWORD_RESET")
                            .put("device_id", "d")
                            .put("ip", "1.1.1.1")
                            .put("ip_country", "GB"));
            d.context(
                    "ctx.login",
                    "acct-1",
                    T.minusSeconds(1_800),
                    Json.MAPPER
                            .createObjectNode()
                            .put("flow_id", "s3")
                            .put("device_id", "d")
                            .put("device_os", "ios")
                            .put("ip", "1.1.1.1")
                            .put("ip_country", "GB")
                            .put("method", "PASSWORD")
                            .put("outcome", "FAILURE"));
            d.send(d.txn("e1", "acct-1", T, 1_000));
            JsonNode f = last(d.decisions());
            assertThat(f.path("email_change_24h").asInt()).as("25 h ago").isZero();
            assertThat(f.path("password_reset_24h").asInt()).isEqualTo(1);
            assertThat(f.path("failed_login_1h").asInt()).isEqualTo(1);
            d.send(d.txn("e2", "acct-1", T.plusSeconds(1_900), 1_000));
            assertThat(last(d.decisions()).path("failed_login_1h").asInt())
                    .as("61 min after the failure")
                    .isZero();
        }
    }
}
