package dev.fraudplatform.world;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;

/**
 * Writes and opens world files with DuckDB. Each write runs in its own single-threaded in-memory database, so rows
 * land in the file in the order given and the same rows give the same bytes (DuckDB's writer is deterministic for a
 * fixed version, row order and settings).
 */
final class ParquetFiles {
    private ParquetFiles() {}

    /** Row groups small enough that a reader streams a day file without holding it. */
    private static final int ROW_GROUP_SIZE = 65_536;

    /** The rows, in order, as Parquet bytes (zstd). {@code scratch} is a directory for the temporary file. */
    static byte[] write(Table table, Iterable<Object[]> rows, Path scratch) {
        Path file = null;
        try (DuckDBConnection c = (DuckDBConnection) open(false)) {
            try (Statement s = c.createStatement()) {
                s.execute(table.createSql("t"));
            }
            try (DuckDBAppender appender = c.createAppender(DuckDBConnection.DEFAULT_SCHEMA, "t")) {
                for (Object[] row : rows) table.append(appender, row);
            }
            file = Files.createTempFile(scratch, "part-", ".parquet");
            Files.delete(file);
            try (Statement s = c.createStatement()) {
                s.execute("COPY t TO " + literal(file.toString())
                        + " (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE " + ROW_GROUP_SIZE + ")");
            }
            return Files.readAllBytes(file);
        } catch (SQLException e) {
            throw new IllegalStateException("writing a world file: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            if (file != null) {
                try {
                    Files.deleteIfExists(file);
                } catch (IOException ignored) {
                    // a scratch file; the scratch directory is removed after the build
                }
            }
        }
    }

    /**
     * A fresh single-threaded in-memory DuckDB. {@code streaming} makes results stream rather than materialise, for
     * readers of large files.
     */
    static Connection open(boolean streaming) throws SQLException {
        Properties p = new Properties();
        if (streaming) p.setProperty("jdbc_stream_results", "true");
        Connection c = DriverManager.getConnection("jdbc:duckdb:", p);
        try (Statement s = c.createStatement()) {
            s.execute("SET threads = 1");
            s.execute("SET preserve_insertion_order = true");
        }
        return c;
    }

    /** {@code read_parquet} of one or more files ({@code files} is a SQL list or literal), without hive-partition columns. */
    static String readParquet(String files, String options) {
        return "read_parquet(" + files + ", hive_partitioning = false" + (options.isEmpty() ? "" : ", " + options)
                + ")";
    }

    /** A SQL string literal. */
    static String literal(String s) {
        return "'" + s.replace("'", "''") + "'";
    }
}
