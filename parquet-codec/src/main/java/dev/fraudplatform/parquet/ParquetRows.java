package dev.fraudplatform.parquet;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A forward-only cursor over the rows of one Parquet file, in file order, streamed: memory is about one row group.
 * Columns are addressed by 0-based position among the columns read. Call {@link #next()} before the first row. Not
 * thread-safe; the opener must {@link #close()} it.
 */
public final class ParquetRows implements AutoCloseable {
    private final String source;
    private final Connection connection;
    private final Statement statement;
    private final ResultSet rs;

    ParquetRows(String source, Connection connection, Statement statement, ResultSet rs) {
        this.source = source;
        this.connection = connection;
        this.statement = statement;
        this.rs = rs;
    }

    /** The names of the columns read, in the cursor's order. */
    public java.util.List<String> columnNames() {
        try {
            var meta = rs.getMetaData();
            java.util.List<String> names = new java.util.ArrayList<>(meta.getColumnCount());
            for (int i = 1; i <= meta.getColumnCount(); i++) names.add(meta.getColumnName(i));
            return names;
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    /** Moves to the next row; false once past the last. */
    public boolean next() {
        try {
            return rs.next();
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    /** The value, or null when missing. */
    public String getString(int column) {
        try {
            return rs.getString(column + 1);
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    /** The value, or 0 when missing (see {@link #wasNull()}). */
    public long getLong(int column) {
        try {
            return rs.getLong(column + 1);
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    /** The value, or 0 when missing (see {@link #wasNull()}). */
    public int getInt(int column) {
        try {
            return rs.getInt(column + 1);
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    /** The value, or 0 when missing (see {@link #wasNull()}). */
    public double getDouble(int column) {
        try {
            return rs.getDouble(column + 1);
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    /** The value, or null when missing. */
    public BigDecimal getDecimal(int column) {
        try {
            return rs.getBigDecimal(column + 1);
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    /** The value, or 0 when missing (see {@link #wasNull()}). */
    public float getFloat(int column) {
        try {
            return rs.getFloat(column + 1);
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    /** The value, or false when missing (see {@link #wasNull()}). */
    public boolean getBoolean(int column) {
        try {
            return rs.getBoolean(column + 1);
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    /** True when the value last got was missing. */
    public boolean wasNull() {
        try {
            return rs.wasNull();
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    private IllegalStateException failure(SQLException e) {
        return new IllegalStateException("reading Parquet " + source + ": " + e.getMessage(), e);
    }

    @Override
    public void close() {
        try {
            rs.close();
            statement.close();
            connection.close();
        } catch (SQLException ignored) {
            // read-only, in-memory: nothing to lose
        }
    }
}
