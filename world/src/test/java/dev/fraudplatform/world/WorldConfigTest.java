package dev.fraudplatform.world;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fraudplatform.core.json.Json;
import java.time.LocalDate;
import java.util.Map;
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

    private static final WorldConfig.Overrides NO_FLAGS =
            new WorldConfig.Overrides(null, null, null, null, null, Map.of());

    @Test
    void withoutAFileTheFlagsShapeTheDefaults() {
        assertThat(WorldConfig.merge(null, null, NO_FLAGS)).isEqualTo(WorldConfig.defaults(1, 100_000));
        WorldConfig c = WorldConfig.merge(
                null, null, new WorldConfig.Overrides(5L, 2000, null, 3, 0.02, Map.of(Typology.BUST_OUT, 0.004)));
        WorldConfig expected = WorldConfig.defaults(5, 2000)
                .withShape(2000, 50, 3, LocalDate.of(2026, 3, 2))
                .withFraudRate(0.02)
                .withTypologyRate(Typology.BUST_OUT, 0.004);
        assertThat(c).isEqualTo(expected);
    }

    @Test
    void aFileSizeRescalesTheDefaultsAndFlagsWinOverTheFile() throws Exception {
        JsonNode file = Json.MAPPER.readTree("{\"seed\": 9, \"transactions\": 400000, \"days\": 30}");
        // Given only the file: its size scales the accounts; its days stay.
        WorldConfig fromFile = WorldConfig.merge(file, "w.json", NO_FLAGS);
        assertThat(fromFile.seed()).isEqualTo(9);
        assertThat(fromFile.transactions()).isEqualTo(400_000);
        assertThat(fromFile.accounts()).isEqualTo(10_000);
        assertThat(fromFile.days()).isEqualTo(30);
        // A --transactions flag over the file rescales what derives from the size, the file's days included.
        WorldConfig resized =
                WorldConfig.merge(file, "w.json", new WorldConfig.Overrides(2L, 80_000, 7, null, null, Map.of()));
        assertThat(resized.seed()).isEqualTo(2);
        assertThat(resized.transactions()).isEqualTo(80_000);
        assertThat(resized.accounts()).isEqualTo(7);
        assertThat(resized.days()).isEqualTo(WorldConfig.defaults(2, 80_000).days());
    }

    @Test
    void aRefusedFieldOfTheFileNamesTheFileAndARefusedFlagDoesNot() throws Exception {
        assertThatThrownBy(() ->
                        WorldConfig.merge(Json.MAPPER.readTree("{\"start_date\": \"March\"}"), "my.json", NO_FLAGS))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("world config my.json: ");
        assertThatThrownBy(() -> WorldConfig.merge(Json.MAPPER.readTree("[1]"), "my.json", NO_FLAGS))
                .hasMessage("world config my.json: a world config is a JSON object");
        assertThatThrownBy(() -> WorldConfig.merge(
                        Json.MAPPER.readTree("{}"),
                        "my.json",
                        new WorldConfig.Overrides(
                                null,
                                null,
                                null,
                                null,
                                null,
                                Map.of(Typology.BUST_OUT, 0.3, Typology.CARD_TESTING, 0.3))))
                .hasMessageStartingWith("typology rates add up to");
    }
}
