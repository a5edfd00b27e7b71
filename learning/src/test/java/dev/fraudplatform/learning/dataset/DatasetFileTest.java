package dev.fraudplatform.learning.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fraudplatform.decision.bundle.DecisionBundle;
import dev.fraudplatform.parquet.ParquetCodec;
import dev.fraudplatform.parquet.ParquetSchema;
import dev.fraudplatform.parquet.ParquetType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The dataset's Parquet file (in-process DuckDB, a temporary directory). */
class DatasetFileTest {
    private static final List<DecisionBundle.Rule> RULES =
            DecisionBundle.builtIn("rules-v1").rules();

    @Test
    void aDatasetRoundTripsExactlyMissingValuesTypologiesAndAll(@TempDir Path dir) {
        Dataset d = SyntheticDataset.generate(3_000, 14, 3, 9, RULES);

        String digest = DatasetFile.write(d, dir.resolve("d.parquet"));
        Dataset back = DatasetFile.read(dir.resolve("d.parquet"));

        assertThat(digest).hasSize(64).isEqualTo(DatasetFile.digest(dir.resolve("d.parquet")));
        assertThat(back.featureNames()).isEqualTo(d.featureNames());
        assertThat(back.size()).isEqualTo(d.size());
        int nans = 0;
        for (int i = 0; i < d.size(); i++) {
            assertThat(back.decisionId(i)).isEqualTo(d.decisionId(i));
            assertThat(back.eventId(i)).isEqualTo(d.eventId(i));
            assertThat(back.eventTimeMs(i)).isEqualTo(d.eventTimeMs(i));
            assertThat(back.label(i)).isEqualTo(d.label(i));
            assertThat(back.typology(i)).isEqualTo(d.typology(i));
            assertThat(back.rulesScore(i)).isEqualTo(d.rulesScore(i));
            for (int f = 0; f < d.width(); f++) {
                if (Float.isNaN(d.feature(i, f))) nans++;
                assertThat(Float.floatToIntBits(back.feature(i, f)))
                        .as("row %d feature %d", i, f)
                        .isEqualTo(Float.floatToIntBits(d.feature(i, f)));
            }
        }
        assertThat(nans).as("the case has missing values").isPositive();
        assertThat(DatasetFile.toBytes(back))
                .as("the same rows give the same bytes")
                .isEqualTo(DatasetFile.toBytes(d));
    }

    @Test
    void theDigestIsAFunctionOfTheRowsNotOfTheOrderTheyWereAddedIn(@TempDir Path dir) {
        Dataset.Builder forward = Dataset.builder(List.of("x"));
        Dataset.Builder backward = Dataset.builder(List.of("x"));
        for (int i = 0; i < 100; i++) forward.add("dec-" + i, "e-" + i, i, i % 2, null, 0.5, new float[] {i});
        for (int i = 99; i >= 0; i--) backward.add("dec-" + i, "e-" + i, i, i % 2, null, 0.5, new float[] {i});

        assertThat(DatasetFile.write(forward.build(), dir.resolve("a.parquet")))
                .isEqualTo(DatasetFile.write(backward.build(), dir.resolve("b.parquet")));
    }

    @Test
    void aFileThatIsNotADatasetIsRefused(@TempDir Path dir) throws Exception {
        Path other = dir.resolve("other.parquet");
        Files.write(
                other,
                ParquetCodec.toBytes(
                        new ParquetSchema(List.of(ParquetSchema.required("id", ParquetType.VARCHAR))),
                        List.<Object[]>of(new Object[] {"a"}),
                        10));
        assertThatThrownBy(() -> DatasetFile.read(other)).hasMessageContaining("is not a dataset");
    }
}
