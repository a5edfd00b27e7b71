package dev.fraudplatform.rtdl.audit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.function.Consumer;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;

/**
 * Audit segments as Parquet, written and read through an in-memory DuckDB (ARCHITECTURE.md §9: DuckDB reads only
 * local files here, so objects pass through a temporary file). One row per audit record: {@code partition},
 * {@code offset} (the decision's coordinates), {@code decision_id}, {@code event_id}, {@code action},
 * {@code degrade_mode}, {@code score}, and {@code line}, the record's canonical JSON (what replay reads back).
 */
final class ParquetSegments {
    /** One audit record of a segment. */
    record Row(
            int partition,
            long offset,
            String decisionId,
            String eventId,
            String action,
            String degradeMode,
            double score,
            String line) {}

    private ParquetSegments() {}

    /** Writes {@code rows} as one Parquet file to {@code out}. */
    static void write(List<Row> rows, OutputStream out) {
        Path dir = null;
        try {
            dir = Files.createTempDirectory("fp-audit-");
            Path file = dir.resolve("segment.parquet");
            try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
                    Statement s = c.createStatement()) {
                s.execute("SET threads TO 1");
                s.execute(
                        "CREATE TABLE audit (partition INTEGER, \"offset\" BIGINT, decision_id VARCHAR, event_id VARCHAR, "
                                + "action VARCHAR, degrade_mode VARCHAR, score DOUBLE, line VARCHAR)");
                try (DuckDBAppender a =
                        ((DuckDBConnection) c).createAppender(DuckDBConnection.DEFAULT_SCHEMA, "audit")) {
                    for (Row r : rows) {
                        a.beginRow();
                        a.append(r.partition());
                        a.append(r.offset());
                        a.append(r.decisionId());
                        a.append(r.eventId());
                        a.append(r.action());
                        a.append(r.degradeMode());
                        a.append(r.score());
                        a.append(r.line());
                        a.endRow();
                    }
                }
                s.execute("COPY (SELECT * FROM audit ORDER BY \"offset\") TO '" + file
                        + "' (FORMAT PARQUET, COMPRESSION ZSTD)");
            }
            Files.copy(file, out);
        } catch (SQLException e) {
            throw new IllegalStateException("writing an audit segment: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            deleteQuietly(dir);
        }
    }

    /** Calls {@code action} with each record's canonical line, in offset order. */
    static void readLines(InputStream in, Consumer<String> action) {
        Path dir = null;
        try {
            dir = Files.createTempDirectory("fp-audit-");
            Path file = dir.resolve("segment.parquet");
            Files.copy(in, file);
            try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
                    PreparedStatement ps = c.prepareStatement("SELECT line FROM read_parquet(?) ORDER BY \"offset\"")) {
                ps.setString(1, file.toString());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) action.accept(rs.getString(1));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("reading an audit segment: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            deleteQuietly(dir);
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
