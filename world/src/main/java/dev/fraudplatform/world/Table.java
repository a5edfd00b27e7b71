package dev.fraudplatform.world;

import java.math.BigDecimal;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.duckdb.DuckDBAppender;

/**
 * The typed columns of one kind of world file, as written to Parquet. A row is an {@code Object[]} in column order:
 * {@link String} for VARCHAR, {@link Long} for BIGINT, {@link Integer} for INTEGER, {@link BigDecimal} for
 * DECIMAL(9,4), {@link Boolean} for BOOLEAN, and null for a missing optional value.
 */
final class Table {
    enum Type {
        VARCHAR("VARCHAR"),
        BIGINT("BIGINT"),
        INTEGER("INTEGER"),
        DECIMAL("DECIMAL(9,4)"),
        BOOLEAN("BOOLEAN");

        final String sql;

        Type(String sql) {
            this.sql = sql;
        }
    }

    record Column(String name, Type type, boolean required) {}

    private final List<Column> columns;
    private final Map<String, Integer> index = new HashMap<>();

    Table(List<Column> columns) {
        this.columns = List.copyOf(columns);
        for (int i = 0; i < columns.size(); i++) index.put(columns.get(i).name(), i);
    }

    static Column req(String name, Type type) {
        return new Column(name, type, true);
    }

    static Column opt(String name, Type type) {
        return new Column(name, type, false);
    }

    List<Column> columns() {
        return columns;
    }

    int width() {
        return columns.size();
    }

    int indexOf(String name) {
        Integer i = index.get(name);
        if (i == null) throw new IllegalArgumentException("no column " + name + " in " + columnNames());
        return i;
    }

    List<String> columnNames() {
        List<String> names = new ArrayList<>();
        for (Column c : columns) names.add(c.name());
        return names;
    }

    String createSql(String table) {
        StringBuilder sb = new StringBuilder("CREATE TABLE ").append(table).append(" (");
        for (int i = 0; i < columns.size(); i++) {
            Column c = columns.get(i);
            if (i > 0) sb.append(", ");
            sb.append(c.name()).append(' ').append(c.type().sql);
            if (c.required()) sb.append(" NOT NULL");
        }
        return sb.append(')').toString();
    }

    void append(DuckDBAppender appender, Object[] row) throws SQLException {
        appender.beginRow();
        for (int i = 0; i < columns.size(); i++) {
            Object v = row[i];
            if (v == null) {
                if (columns.get(i).required())
                    throw new IllegalStateException(
                            "required column " + columns.get(i).name() + " is null");
                appender.appendNull();
                continue;
            }
            switch (columns.get(i).type()) {
                case VARCHAR -> appender.append((String) v);
                case BIGINT -> appender.append((long) (Long) v);
                case INTEGER -> appender.append((int) (Integer) v);
                case DECIMAL -> appender.append((BigDecimal) v);
                case BOOLEAN -> appender.append((boolean) (Boolean) v);
                default ->
                    throw new IllegalStateException(
                            "unhandled type " + columns.get(i).type());
            }
        }
        appender.endRow();
    }
}
