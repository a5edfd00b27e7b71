package dev.fraudplatform.parquet;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The typed columns of one kind of Parquet file, in file order. A row is an {@code Object[]} in this order, each value
 * an instance of its column's {@link ParquetType#javaType()}, or null for a missing value of an optional column. A
 * required column is written as a Parquet REQUIRED field, an optional one as OPTIONAL: the choice is part of the file's
 * bytes. Immutable.
 */
public final class ParquetSchema {
    /** One column: a name (any string; quoted where SQL needs it), its type, and whether null is refused. */
    public record Column(String name, ParquetType type, boolean required) {
        public Column {
            if (name == null || name.isEmpty()) throw new IllegalArgumentException("a column needs a name");
            if (type == null) throw new IllegalArgumentException("column " + name + " needs a type");
        }
    }

    private final List<Column> columns;
    private final Map<String, Integer> index = new HashMap<>();

    /** @param columns in file order, at least one, names unique */
    public ParquetSchema(List<Column> columns) {
        if (columns.isEmpty()) throw new IllegalArgumentException("a schema needs at least one column");
        this.columns = List.copyOf(columns);
        for (int i = 0; i < columns.size(); i++) {
            if (index.put(columns.get(i).name(), i) != null)
                throw new IllegalArgumentException("column " + columns.get(i).name() + " is declared twice");
        }
    }

    public static Column required(String name, ParquetType type) {
        return new Column(name, type, true);
    }

    public static Column optional(String name, ParquetType type) {
        return new Column(name, type, false);
    }

    /** The columns in file order (unmodifiable). */
    public List<Column> columns() {
        return columns;
    }

    public int width() {
        return columns.size();
    }

    /** The 0-based position of a column; throws for a name the schema does not declare. */
    public int indexOf(String name) {
        Integer i = index.get(name);
        if (i == null) throw new IllegalArgumentException("no column " + name + " in " + columnNames());
        return i;
    }

    public List<String> columnNames() {
        List<String> names = new ArrayList<>(columns.size());
        for (Column c : columns) names.add(c.name());
        return names;
    }
}
