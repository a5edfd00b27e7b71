package dev.fraudplatform.learning.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fraudplatform.learning.dataset.Dataset;
import java.util.List;
import org.junit.jupiter.api.Test;

class OutOfTimeSplitTest {
    private static final long DAY = 86_400_000L;
    private static final long T0 = 1_767_225_600_000L; // 2026-01-01T00:00Z

    /** {@code perDay} rows a day for {@code days} days, every fifth row fraud, added newest first. */
    private static Dataset days(int days, int perDay) {
        Dataset.Builder b = Dataset.builder(List.of("f"));
        for (int d = days - 1; d >= 0; d--)
            for (int i = perDay - 1; i >= 0; i--) {
                int n = d * perDay + i;
                b.add("dec-" + n, "e-" + n, T0 + d * DAY + i * 1000L, n % 5 == 0 ? 1 : 0, null, 0, new float[] {n});
            }
        return b.build();
    }

    @Test
    void byFractionsTheWindowsFollowEachOtherInEventTime() {
        Dataset d = days(10, 10);

        OutOfTimeSplit s = OutOfTimeSplit.of(d, OutOfTimeSplit.Config.fractions(0.6, 0.2));

        assertThat(s.train().rows()).isEqualTo(60);
        assertThat(s.validation().rows()).isEqualTo(20);
        assertThat(s.test().rows()).isEqualTo(20);
        assertThat(s.train().toMs()).isEqualTo(s.validation().fromMs()).isEqualTo(d.eventTimeMs(60));
        assertThat(s.validation().toMs()).isEqualTo(s.test().fromMs());
        assertThat(d.eventTimeMs(s.train().toRow() - 1))
                .isLessThan(s.validation().fromMs());
        assertThat(s.test().positives()).isEqualTo(4);
    }

    @Test
    void rowsOfTheSameEventTimeAreNeverSplitApart() {
        Dataset.Builder b = Dataset.builder(List.of("f"));
        for (int i = 0; i < 20; i++)
            b.add("dec-" + i, "e", T0 + (i < 14 ? 0 : i) * 1000L, i % 2, null, 0, new float[] {i});
        Dataset d = b.build();

        OutOfTimeSplit s = OutOfTimeSplit.of(d, OutOfTimeSplit.Config.fractions(0.5, 0.3));

        assertThat(s.train().rows()).as("the first 14 rows share one time").isEqualTo(14);
        assertThat(s.validation().fromRow()).isEqualTo(14);
    }

    @Test
    void byDaysTheTestWindowIsTheLastDaysAndValidationTheDaysBefore() {
        Dataset d = days(10, 10);

        OutOfTimeSplit s = OutOfTimeSplit.of(d, OutOfTimeSplit.Config.days(2, 3));

        assertThat(s.test().fromMs()).isEqualTo(T0 + 7 * DAY);
        assertThat(s.test().toMs()).isEqualTo(T0 + 10 * DAY);
        assertThat(s.test().rows()).isEqualTo(30);
        assertThat(s.validation().fromMs()).isEqualTo(T0 + 5 * DAY);
        assertThat(s.validation().rows()).isEqualTo(20);
        assertThat(s.train().rows()).isEqualTo(50);
        assertThat(s.toJson().path("test").path("rows").asInt()).isEqualTo(30);
    }

    @Test
    void anEmptyWindowOneClassOrNoPositiveLabelAtAllIsRefusedNamingTheWindow() {
        assertThatThrownBy(() -> OutOfTimeSplit.of(days(3, 10), OutOfTimeSplit.Config.days(2, 2)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("the train window")
                .hasMessageContaining("has no rows");

        Dataset.Builder b = Dataset.builder(List.of("f"));
        for (int i = 0; i < 10; i++) b.add("dec-" + i, "e", T0 + i, i < 3 ? 1 : 0, null, 0, new float[] {i});
        assertThatThrownBy(() -> OutOfTimeSplit.of(b.build(), OutOfTimeSplit.Config.fractions(0.5, 0.2)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("the validation window")
                .hasMessageContaining("one class only: 0 fraud, 2 legitimate");

        Dataset.Builder none = Dataset.builder(List.of("f"));
        for (int i = 0; i < 10; i++) none.add("dec-" + i, "e", T0 + i, 0, null, 0, new float[] {i});
        assertThatThrownBy(() -> OutOfTimeSplit.of(none.build(), OutOfTimeSplit.Config.defaults()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no positive labels");
        assertThatThrownBy(() ->
                        OutOfTimeSplit.of(Dataset.builder(List.of("f")).build(), OutOfTimeSplit.Config.defaults()))
                .hasMessageContaining("no rows");
        assertThatThrownBy(() -> OutOfTimeSplit.Config.fractions(0.8, 0.2)).hasMessageContaining("leave a test window");
    }
}
