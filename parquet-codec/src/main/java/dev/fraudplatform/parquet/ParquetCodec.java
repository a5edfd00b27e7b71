package dev.fraudplatform.parquet;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.BlockingDeque;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;

/**
 * The platform's one Parquet codec: rows of a {@link ParquetSchema} to Parquet bytes (zstd), and Parquet files back to
 * rows. Its users are the world's files, the audit's segments and the archive.
 *
 * <p>Deterministic: the same schema, rows (in the same order) and row-group size give the same bytes, so files can be
 * sealed by digest. Each call runs in a single-threaded in-memory DuckDB of its own while it runs, which keeps rows in
 * the order given and makes the writer's output a function of its input for a fixed DuckDB version and these
 * settings; changing either changes every sealed world's id. DuckDB reads and writes local files only, so streams
 * pass through a temporary file that the call removes. Thread-safe: no two calls share a database at once.
 *
 * <p>A writer's DuckDB is reused: starting and tearing down an in-memory database costs about 20 ms of CPU and a
 * storm of page faults and TLB flushes, more than writing a thousand rows, and the archive and the audit write a
 * segment per folder and roll. A write borrows an idle database (or starts one), writes its table and drops it, and
 * hands the database back; at most {@link #IDLE_WRITERS} wait idle, and one whose write failed, or was large, is
 * closed, never reused. The bytes are those a fresh database writes ({@code ParquetCodecIT} checks it).
 */
public final class ParquetCodec {
    /** DuckDB's own default number of rows per row group. */
    public static final int DEFAULT_ROW_GROUP_ROWS = 122_880;

    private static final String TABLE = "t";

    /** Idle writer databases kept for reuse: as many as writers commonly run at once (archive, audit, builders). */
    static final int IDLE_WRITERS = 4;

    /**
     * A database that wrote more rows than this is closed rather than kept: what its allocator holds after a large
     * write would stay in the process (segments and a world's day files are well below it; training sets are not).
     */
    static final long REUSE_MAX_ROWS = 50_000;

    private static final BlockingDeque<DuckDBConnection> IDLE = new LinkedBlockingDeque<>(IDLE_WRITERS);

    private ParquetCodec() {}

    /**
     * Writes {@code rows} (each as {@link ParquetSchema} describes, in the order given) as one Parquet file to
     * {@code out}, which the caller owns and closes. Throws for a null in a required column or a value of the wrong
     * type, before anything is written.
     *
     * @param rowGroupRows rows per row group: smaller groups let a reader stream a large file in less memory
     */
    public static void write(ParquetSchema schema, Iterable<Object[]> rows, int rowGroupRows, OutputStream out) {
        viaTempFile(schema, rows, rowGroupRows, file -> {
            Files.copy(file, out);
            return null;
        });
    }

    /** {@link #write} into a byte array (read from the written file at its exact size: no growing buffer). */
    public static byte[] toBytes(ParquetSchema schema, Iterable<Object[]> rows, int rowGroupRows) {
        return viaTempFile(schema, rows, rowGroupRows, Files::readAllBytes);
    }

    private interface FileReader<T> {
        T read(Path file) throws IOException;
    }

    /** Writes the rows to a Parquet file in a temporary directory, hands it to {@code then}, and removes it. */
    private static <T> T viaTempFile(
            ParquetSchema schema, Iterable<Object[]> rows, int rowGroupRows, FileReader<T> then) {
        if (rowGroupRows < 1) throw new IllegalArgumentException("rowGroupRows must be positive");
        Path dir = null;
        try {
            dir = Files.createTempDirectory("fp-parquet-");
            Path file = dir.resolve("part.parquet");
            DuckDBConnection c = borrowWriter();
            boolean clean = false;
            long written = 0;
            try {
                try (Statement s = c.createStatement()) {
                    s.execute(createTable(schema));
                }
                try (DuckDBAppender appender = c.createAppender(DuckDBConnection.DEFAULT_SCHEMA, TABLE)) {
                    for (Object[] row : rows) {
                        append(schema, appender, row);
                        written++;
                    }
                }
                try (Statement s = c.createStatement()) {
                    s.execute("COPY " + TABLE + " TO " + literal(file.toString())
                            + " (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE " + rowGroupRows + ")");
                    s.execute("DROP TABLE " + TABLE);
                }
                clean = written <= REUSE_MAX_ROWS;
            } finally {
                if (!clean || !IDLE.offerFirst(c)) c.close();
            }
            return then.read(file);
        } catch (SQLException e) {
            throw new IllegalStateException("writing Parquet: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            deleteQuietly(dir);
        }
    }

    /**
     * Opens a local Parquet file for streaming, its rows in file order. The caller closes the cursor.
     *
     * @param columns the columns to read, in the cursor's order; empty for all of them in file order
     */
    public static ParquetRows open(Path file, List<String> columns) {
        Connection c = null;
        Statement s = null;
        try {
            c = connect(true);
            s = c.createStatement();
            ResultSet rs = s.executeQuery("SELECT " + projection(columns) + " FROM read_parquet("
                    + literal(file.toString()) + ", hive_partitioning = false)");
            return new ParquetRows(file.toString(), c, s, rs);
        } catch (SQLException e) {
            closeQuietly(s, c);
            throw new IllegalStateException("opening Parquet " + file + ": " + e.getMessage(), e);
        }
    }

    /** The column names of the Parquet file in {@code in} (which the caller owns and closes), in file order. */
    public static List<String> columnNames(InputStream in) {
        Path dir = null;
        try {
            dir = Files.createTempDirectory("fp-parquet-");
            Path file = dir.resolve("part.parquet");
            Files.copy(in, file);
            try (ParquetRows rows = open(file, List.of())) {
                return rows.columnNames();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            deleteQuietly(dir);
        }
    }

    /**
     * Calls {@code action} once per row of the Parquet file in {@code in} (which the caller owns and closes), in file
     * order, with the cursor on that row; the cursor is valid only during the call.
     *
     * @param columns as for {@link #open}
     */
    public static void forEachRow(InputStream in, List<String> columns, Consumer<ParquetRows> action) {
        Path dir = null;
        try {
            dir = Files.createTempDirectory("fp-parquet-");
            Path file = dir.resolve("part.parquet");
            Files.copy(in, file);
            try (ParquetRows rows = open(file, columns)) {
                while (rows.next()) action.accept(rows);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            deleteQuietly(dir);
        }
    }

    /** An idle writer database, the one used last first (its memory is warm), or a fresh one. */
    private static DuckDBConnection borrowWriter() throws SQLException {
        DuckDBConnection idle = IDLE.pollFirst();
        return idle != null ? idle : (DuckDBConnection) connect(false);
    }

    /** Closes the idle writer databases, so that the next write starts a fresh one (tests compare the two). */
    static void closeIdleWriters() throws SQLException {
        for (DuckDBConnection c; (c = IDLE.pollFirst()) != null; ) c.close();
    }

    /**
     * A fresh single-threaded in-memory DuckDB that keeps insertion order. {@code streaming} makes results stream
     * rather than materialise, for readers of large files.
     */
    private static Connection connect(boolean streaming) throws SQLException {
        Properties p = new Properties();
        if (streaming) p.setProperty("jdbc_stream_results", "true");
        Connection c = DriverManager.getConnection("jdbc:duckdb:", p);
        try (Statement s = c.createStatement()) {
            s.execute("SET threads = 1");
            s.execute("SET preserve_insertion_order = true");
        } catch (SQLException e) {
            c.close();
            throw e;
        }
        return c;
    }

    private static String createTable(ParquetSchema schema) {
        StringBuilder sb = new StringBuilder("CREATE TABLE ").append(TABLE).append(" (");
        List<ParquetSchema.Column> columns = schema.columns();
        for (int i = 0; i < columns.size(); i++) {
            ParquetSchema.Column c = columns.get(i);
            if (i > 0) sb.append(", ");
            sb.append(identifier(c.name())).append(' ').append(c.type().sqlName());
            if (c.required()) sb.append(" NOT NULL");
        }
        return sb.append(')').toString();
    }

    private static void append(ParquetSchema schema, DuckDBAppender appender, Object[] row) throws SQLException {
        List<ParquetSchema.Column> columns = schema.columns();
        if (row.length != columns.size())
            throw new IllegalArgumentException(
                    "a row of " + row.length + " values for " + columns.size() + " columns " + schema.columnNames());
        appender.beginRow();
        for (int i = 0; i < row.length; i++) {
            ParquetSchema.Column c = columns.get(i);
            Object v = row[i];
            if (v == null) {
                if (c.required()) throw new IllegalArgumentException("required column " + c.name() + " is null");
                appender.appendNull();
                continue;
            }
            if (!c.type().javaType().isInstance(v))
                throw new IllegalArgumentException("column " + c.name() + " is " + c.type() + ", not "
                        + v.getClass().getSimpleName());
            switch (c.type()) {
                case VARCHAR -> appender.append((String) v);
                case BIGINT -> appender.append((long) (Long) v);
                case INTEGER -> appender.append((int) (Integer) v);
                case DOUBLE -> appender.append((double) (Double) v);
                case FLOAT -> appender.append((float) (Float) v);
                case DECIMAL -> appender.append((BigDecimal) v);
                case BOOLEAN -> appender.append((boolean) (Boolean) v);
            }
        }
        appender.endRow();
    }

    private static String projection(List<String> columns) {
        if (columns.isEmpty()) return "*";
        return columns.stream().map(ParquetCodec::identifier).collect(Collectors.joining(", "));
    }

    /** A SQL string literal. */
    private static String literal(String s) {
        return "'" + s.replace("'", "''") + "'";
    }

    /** A quoted SQL identifier, so that names such as {@code offset} need no special care. */
    private static String identifier(String s) {
        return "\"" + s.replace("\"", "\"\"") + "\"";
    }

    private static void closeQuietly(Statement s, Connection c) {
        try {
            if (s != null) s.close();
            if (c != null) c.close();
        } catch (SQLException ignored) {
            // nothing was read
        }
    }

    private static void deleteQuietly(Path dir) {
        if (dir == null) return;
        try (var files = Files.list(dir)) {
            for (Path p : files.toList()) Files.deleteIfExists(p);
            Files.deleteIfExists(dir);
        } catch (IOException ignored) {
            // a temporary directory left behind is harmless
        }
    }
}
