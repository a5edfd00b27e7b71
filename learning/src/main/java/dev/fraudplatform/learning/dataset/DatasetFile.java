package dev.fraudplatform.learning.dataset;

import dev.fraudplatform.core.json.Sha256;
import dev.fraudplatform.parquet.ParquetCodec;
import dev.fraudplatform.parquet.ParquetRows;
import dev.fraudplatform.parquet.ParquetSchema;
import dev.fraudplatform.parquet.ParquetType;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * A {@link Dataset} as one Parquet file: the {@link Dataset#FIXED_COLUMNS} ({@code decision_id}, {@code event_id}
 * VARCHAR; {@code event_time_ms} BIGINT; {@code label} INTEGER; {@code typology} VARCHAR, optional; {@code rules_score}
 * DOUBLE), then one optional FLOAT column per feature in the dataset's order, null for a missing value (NaN in
 * memory). Rows in the dataset's (event-time) order.
 *
 * <p>Deterministic: the same dataset gives the same bytes ({@link ParquetCodec}'s guarantee), so the file's SHA-256 is
 * the <em>dataset digest</em> that a bundle's evidence names.
 */
public final class DatasetFile {
    /** Rows per row group: about 60 MB of features a group at 70 features, so a reader streams in bounded memory. */
    public static final int ROW_GROUP_ROWS = 200_000;

    private DatasetFile() {}

    /** The Parquet schema of a dataset with these features. */
    public static ParquetSchema schema(List<String> featureNames) {
        List<ParquetSchema.Column> columns = new ArrayList<>();
        columns.add(ParquetSchema.required("decision_id", ParquetType.VARCHAR));
        columns.add(ParquetSchema.required("event_id", ParquetType.VARCHAR));
        columns.add(ParquetSchema.required("event_time_ms", ParquetType.BIGINT));
        columns.add(ParquetSchema.required("label", ParquetType.INTEGER));
        columns.add(ParquetSchema.optional("typology", ParquetType.VARCHAR));
        columns.add(ParquetSchema.required("rules_score", ParquetType.DOUBLE));
        for (String f : featureNames) columns.add(ParquetSchema.optional(f, ParquetType.FLOAT));
        return new ParquetSchema(columns);
    }

    /**
     * Writes the dataset to {@code file} (atomically: a temporary sibling, then a move) and returns its digest, the
     * SHA-256 hex of the file's bytes.
     */
    public static String write(Dataset dataset, Path file) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            Path tmp = Files.createTempFile(parent, file.getFileName().toString(), ".tmp");
            try {
                try (OutputStream out = Files.newOutputStream(tmp)) {
                    write(dataset, out);
                }
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(tmp);
            }
            return digest(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes the dataset as Parquet to {@code out}, which the caller owns and closes. */
    public static void write(Dataset dataset, OutputStream out) {
        ParquetCodec.write(schema(dataset.featureNames()), () -> rows(dataset), ROW_GROUP_ROWS, out);
    }

    /** The dataset's Parquet bytes. */
    public static byte[] toBytes(Dataset dataset) {
        return ParquetCodec.toBytes(schema(dataset.featureNames()), () -> rows(dataset), ROW_GROUP_ROWS);
    }

    /** The dataset digest of a file: SHA-256 hex of its bytes. */
    public static String digest(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return Sha256.hex(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Rows made one at a time, so writing holds no second copy of the dataset. */
    private static Iterator<Object[]> rows(Dataset d) {
        int w = d.width();
        return new Iterator<>() {
            int i;

            @Override
            public boolean hasNext() {
                return i < d.size();
            }

            @Override
            public Object[] next() {
                if (i >= d.size()) throw new NoSuchElementException();
                Object[] row = new Object[6 + w];
                row[0] = d.decisionId(i);
                row[1] = d.eventId(i);
                row[2] = d.eventTimeMs(i);
                row[3] = d.label(i);
                row[4] = d.typology(i);
                row[5] = d.rulesScore(i);
                for (int f = 0; f < w; f++) {
                    float v = d.feature(i, f);
                    row[6 + f] = Float.isNaN(v) ? null : v;
                }
                i++;
                return row;
            }
        };
    }

    /**
     * Reads a dataset file; the features are the columns after the fixed ones, in file order. Refuses a file whose
     * first columns are not the dataset's.
     */
    public static Dataset read(Path file) {
        try (ParquetRows r = ParquetCodec.open(file, List.of())) {
            List<String> columns = r.columnNames();
            if (columns.size() <= Dataset.FIXED_COLUMNS.size()
                    || !columns.subList(0, Dataset.FIXED_COLUMNS.size()).equals(Dataset.FIXED_COLUMNS))
                throw new IllegalArgumentException(file + " is not a dataset: its columns are " + columns
                        + ", a dataset's begin " + Dataset.FIXED_COLUMNS + " and have at least one feature");
            List<String> featureNames = columns.subList(Dataset.FIXED_COLUMNS.size(), columns.size());
            int w = featureNames.size();
            Dataset.Builder b = Dataset.builder(featureNames);
            float[] x = new float[w];
            while (r.next()) {
                String typology = r.getString(4);
                for (int f = 0; f < w; f++) {
                    float v = r.getFloat(6 + f);
                    x[f] = r.wasNull() ? Float.NaN : v;
                }
                b.add(r.getString(0), r.getString(1), r.getLong(2), r.getInt(3), typology, r.getDouble(5), x);
            }
            return b.build();
        }
    }
}
