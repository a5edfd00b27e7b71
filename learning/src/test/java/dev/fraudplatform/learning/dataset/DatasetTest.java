package dev.fraudplatform.learning.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DatasetTest {
    private static final List<String> F = List.of("a", "b", "c");

    @Test
    void rowsComeBackInEventTimeOrderWhateverOrderTheyWereAddedIn() {
        Dataset d = Dataset.builder(F)
                .add("dec-2", "e-2", 200, 1, "card_testing", 0.45, new float[] {4, 5, 6})
                .add("dec-1", "e-1", 100, 0, null, 0.0, new float[] {1, Float.NaN, 3})
                .add("dec-0", "e-0", 200, 0, null, 0.1, new float[] {7, 8, 9})
                .build();

        assertThat(d.size()).isEqualTo(3);
        assertThat(d.decisionId(0)).isEqualTo("dec-1");
        assertThat(d.decisionId(1)).as("ties by decision id").isEqualTo("dec-0");
        assertThat(d.decisionId(2)).isEqualTo("dec-2");
        assertThat(d.feature(0, 1)).isNaN();
        assertThat(d.row(2)).containsExactly(4, 5, 6);
        assertThat(d.features(1, 3)).containsExactly(7, 8, 9, 4, 5, 6);
        assertThat(d.labels(0, 3)).containsExactly(0, 0, 1);
        assertThat(d.typology(2)).isEqualTo("card_testing");
        assertThat(d.rulesScore(2)).isEqualTo(0.45);
        assertThat(d.positives()).isEqualTo(1);
    }

    @Test
    void featuresByNameLeaveTheUnnamedMissingAndRefuseAnUnknownName() {
        Dataset d = Dataset.builder(F)
                .add("dec-1", "e-1", 1, 0, null, 0, Map.of("c", 2.5, "a", 1L))
                .build();
        assertThat(d.row(0)[0]).isEqualTo(1f);
        assertThat(d.row(0)[1]).isNaN();
        assertThat(d.row(0)[2]).isEqualTo(2.5f);

        assertThatThrownBy(() -> Dataset.builder(F).add("dec-1", "e", 1, 0, null, 0, Map.of("z", 1)))
                .hasMessageContaining("has feature z, not in the schema [a, b, c]");
    }

    @Test
    void badRowsAndSchemasAreRefused() {
        Dataset.Builder b = Dataset.builder(F).add("dec-1", "e", 1, 0, null, 0, new float[3]);
        assertThatThrownBy(() -> b.add("dec-1", "e", 2, 0, null, 0, new float[3]))
                .hasMessageContaining("twice");
        assertThatThrownBy(() -> b.add("dec-2", "e", 2, 2, null, 0, new float[3]))
                .hasMessageContaining("0 or 1");
        assertThatThrownBy(() -> b.add("dec-3", "e", 2, 0, null, 0, new float[2]))
                .hasMessageContaining("has 2 features");
        assertThatThrownBy(() -> Dataset.builder(List.of("label"))).hasMessageContaining("name of a dataset column");
        assertThatThrownBy(() -> Dataset.builder(List.of("a", "a"))).hasMessageContaining("named twice");
    }

    @Test
    void aBuilderGrowsPastItsFirstChunk() {
        Dataset.Builder b = Dataset.builder(F);
        for (int i = 0; i < 5000; i++) b.add("dec-" + i, "e", 5000 - i, i % 2, null, 0, new float[] {i, i, i});
        Dataset d = b.build();
        assertThat(d.size()).isEqualTo(5000);
        assertThat(d.row(0)).containsExactly(4999, 4999, 4999);
    }
}
