package dev.fraudplatform.world;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fraudplatform.core.json.Json;
import org.junit.jupiter.api.Test;

class WorldConfigTest {

    @Test
    void theJsonFormRoundTripsAndDeterminesTheWorldId() throws Exception {
        WorldConfig c = WorldConfig.defaults(7, 50_000)
                .withTypologyRate(Typology.BUST_OUT, 0.004)
                .withLabels(new LabelPolicy(6, 100, 3, 20, 80, 0.2));
        WorldConfig back = WorldConfig.fromJson(
                Json.MAPPER.readTree(Json.MAPPER.writeValueAsString(c.toJson())), WorldConfig.defaults(1, 10));
        assertThat(back).isEqualTo(c);
        assertThat(back.worldId()).isEqualTo(c.worldId());
        assertThat(c.withSeed(8).worldId()).isNotEqualTo(c.worldId());
        assertThat(c.withLeak(WorldConfig.Leak.AMOUNT).worldId()).isNotEqualTo(c.worldId());
    }

    @Test
    void fraudRateScalesTheMixAndZeroRemovesAllFraud() {
        WorldConfig c = WorldConfig.defaults(1, 10_000);
        assertThat(c.fraudRate()).isEqualTo(0.01, org.assertj.core.api.Assertions.within(1e-12));
        WorldConfig doubled = c.withFraudRate(0.02);
        for (Typology t : Typology.values())
            assertThat(doubled.rate(t)).isEqualTo(2 * c.rate(t), org.assertj.core.api.Assertions.within(1e-12));
        assertThat(c.withFraudRate(0).fraudRate()).isZero();
    }

    @Test
    void nonsenseIsRefusedWithAClearMessage() {
        assertThatThrownBy(() -> WorldConfig.fromJson(
                        Json.MAPPER.readTree("{\"seed\": 1, \"fraud_rat\": 0.1}"), WorldConfig.defaults(1, 10)))
                .hasMessageContaining("unknown world config field 'fraud_rat'");
        assertThatThrownBy(() -> WorldConfig.fromJson(
                        Json.MAPPER.readTree("{\"typology_rates\": {\"phishing\": 0.1}}"), WorldConfig.defaults(1, 10)))
                .hasMessageContaining("unknown typology 'phishing'");
        assertThatThrownBy(() -> WorldConfig.defaults(1, 10).withFraudRate(0.9)).hasMessageContaining("at most 0.5");
        assertThatThrownBy(() -> new LabelPolicy(10, 5, 5, 30, 90, 0.1)).hasMessageContaining("min <= max");
    }

    @Test
    void dayQuotasAddUpExactlyAndFollowTheWeek() {
        WorldConfig c = WorldConfig.defaults(1, 1_000_003)
                .withShape(1_000_003, 25_000, 14, java.time.LocalDate.of(2026, 3, 2)); // a Monday
        int[] q = WorldBuilder.dayQuotas(c);
        assertThat(java.util.Arrays.stream(q).asLongStream().sum()).isEqualTo(1_000_003);
        assertThat(q[4]).isGreaterThan(q[6]); // Friday busier than Sunday
    }
}
