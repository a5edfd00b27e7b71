package dev.fraudplatform.parquet;

import static dev.fraudplatform.parquet.ParquetSchema.optional;
import static dev.fraudplatform.parquet.ParquetSchema.required;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The codec on real files: every type round-trips, nulls only where optional, and the same rows give the same bytes. */
class ParquetCodecIT {
    private static final ParquetSchema SCHEMA = new ParquetSchema(List.of(
            required("id", ParquetType.VARCHAR),
            required("offset", ParquetType.BIGINT),
            optional("n", ParquetType.INTEGER),
            optional("score", ParquetType.DOUBLE),
            optional("lat", ParquetType.DECIMAL),
            optional("flag", ParquetType.BOOLEAN)));

    private static List<Object[]> rows(int n) {
        List<Object[]> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            boolean gaps = i % 4 == 3;
            rows.add(new Object[] {
                "r-" + i + (i == 1 ? " é ☃ 'quoted'" : ""),
                1_000_000_000_000L + i,
                gaps ? null : i * 7,
                gaps ? null : i / 3.0,
                gaps ? null : new BigDecimal("51.5074").add(BigDecimal.valueOf(i, 4)),
                gaps ? null : i % 2 == 0
            });
        }
        return rows;
    }

    @Test
    void everyTypeRoundTripsInTheOrderWrittenWithNullsForMissingValues(@TempDir Path dir) throws Exception {
        // Given a file of 10 rows, every fourth with its optional columns missing
        Path file = dir.resolve("f.parquet");
        Files.write(file, ParquetCodec.toBytes(SCHEMA, rows(10), ParquetCodec.DEFAULT_ROW_GROUP_ROWS));

        // When it is read back, Then each row comes back as written, in order
        List<Object[]> expected = rows(10);
        try (ParquetRows r = ParquetCodec.open(file, List.of())) {
            for (Object[] e : expected) {
                assertThat(r.next()).isTrue();
                assertThat(r.getString(0)).isEqualTo(e[0]);
                assertThat(r.getLong(1)).isEqualTo(e[1]);
                int n = r.getInt(2);
                assertThat(r.wasNull() ? null : n).isEqualTo(e[2]);
                double score = r.getDouble(3);
                assertThat(r.wasNull() ? null : score).isEqualTo(e[3]);
                assertThat(r.getDecimal(4)).isEqualTo(e[4]);
                boolean flag = r.getBoolean(5);
                assertThat(r.wasNull() ? null : flag).isEqualTo(e[5]);
            }
            assertThat(r.next()).isFalse();
        }
    }

    @Test
    void aStreamReadsTheNamedColumnsInTheOrderAsked() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ParquetCodec.write(SCHEMA, rows(5), ParquetCodec.DEFAULT_ROW_GROUP_ROWS, out);

        List<String> seen = new ArrayList<>();
        ParquetCodec.forEachRow(
                new ByteArrayInputStream(out.toByteArray()),
                List.of("offset", "id"),
                r -> seen.add(r.getLong(0) + " " + r.getString(1)));

        assertThat(seen).hasSize(5).startsWith("1000000000000 r-0").endsWith("1000000000004 r-4");
    }

    @Test
    void theSameRowsGiveTheSameBytesAndTheRowGroupSizeIsPartOfThem() throws Exception {
        byte[] a = ParquetCodec.toBytes(SCHEMA, rows(3_000), 1_000);
        byte[] b = ParquetCodec.toBytes(SCHEMA, rows(3_000), 1_000);
        byte[] c = ParquetCodec.toBytes(SCHEMA, rows(3_000), ParquetCodec.DEFAULT_ROW_GROUP_ROWS);

        assertThat(a).isEqualTo(b);
        assertThat(a).isNotEqualTo(c);
        // Pinned: a change here (DuckDB version, settings) changes the bytes of every sealed world and audit segment.
        assertThat(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(c)))
                .isEqualTo(PINNED_DIGEST);
    }

    @Test
    void aReusedWriterGivesTheBytesOfAFreshOneWhateverItWroteBefore() throws Exception {
        ParquetSchema other =
                new ParquetSchema(List.of(required("k", ParquetType.VARCHAR), optional("v", ParquetType.DOUBLE)));
        List<Object[]> otherRows = List.<Object[]>of(new Object[] {"a", 1.5}, new Object[] {"b", null});

        ParquetCodec.closeIdleWriters();
        byte[] fresh = ParquetCodec.toBytes(SCHEMA, rows(3_000), 1_000);
        ParquetCodec.closeIdleWriters();
        byte[] otherFresh = ParquetCodec.toBytes(other, otherRows, 10);
        // a write that fails half-way leaves nothing behind for the next one
        List<Object[]> bad = new ArrayList<>(rows(10));
        bad.add(new Object[] {null, 1L, null, null, null, null});
        assertThatThrownBy(() -> ParquetCodec.toBytes(SCHEMA, bad, 10)).isInstanceOf(IllegalArgumentException.class);
        byte[] reused = ParquetCodec.toBytes(SCHEMA, rows(3_000), 1_000);
        byte[] otherReused = ParquetCodec.toBytes(other, otherRows, 10);
        byte[] reusedAgain = ParquetCodec.toBytes(SCHEMA, rows(3_000), 1_000);

        assertThat(reused).isEqualTo(fresh);
        assertThat(reusedAgain).isEqualTo(fresh);
        assertThat(otherReused).isEqualTo(otherFresh);
        assertThat(readIds(reused)).hasSize(3_000).startsWith("r-0").endsWith("r-2999");
    }

    private static List<String> readIds(byte[] parquet) {
        List<String> ids = new ArrayList<>();
        ParquetCodec.forEachRow(new ByteArrayInputStream(parquet), List.of("id"), r -> ids.add(r.getString(0)));
        return ids;
    }

    private static final String PINNED_DIGEST = "4fefc8c22d1b545d2cd42bca42748dcdb4a6d8f354d237e3b1355cad74ef7d89";

    @Test
    void aNullInARequiredColumnOrAValueOfTheWrongTypeIsRefused() {
        List<Object[]> nullId = List.<Object[]>of(new Object[] {null, 1L, null, null, null, null});
        assertThatThrownBy(() -> ParquetCodec.toBytes(SCHEMA, nullId, 10))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("required column id is null");

        List<Object[]> intOffset = List.<Object[]>of(new Object[] {"x", 1, null, null, null, null});
        assertThatThrownBy(() -> ParquetCodec.toBytes(SCHEMA, intOffset, 10))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("column offset is BIGINT, not Integer");

        List<Object[]> short1 = List.<Object[]>of(new Object[] {"x"});
        assertThatThrownBy(() -> ParquetCodec.toBytes(SCHEMA, short1, 10))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("a row of 1 values for 6 columns");
    }
}
