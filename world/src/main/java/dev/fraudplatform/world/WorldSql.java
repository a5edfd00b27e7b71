package dev.fraudplatform.world;

import dev.fraudplatform.core.store.ObjectStore;
import dev.fraudplatform.parquet.ParquetSchema;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A DuckDB session over one world's Parquet files, for the gate and for inspection. Each stream view is a SQL view
 * named after it ({@code txn, login, three_ds, profile_change, label}) with the extra columns {@code filename} and
 * {@code file_row_number}; the truth is {@code truth}; the entities are {@code customers, accounts, cards, merchants,
 * devices}. A view with no files is an empty table of the right shape.
 */
final class WorldSql implements AutoCloseable {
    static final Map<View, String> NAMES = Map.of(
            View.TXN,
            "txn",
            View.LOGIN,
            "login",
            View.THREE_DS,
            "three_ds",
            View.PROFILE_CHANGE,
            "profile_change",
            View.LABEL,
            "label");
    static final List<String> ENTITIES = List.of("customers", "accounts", "cards", "merchants", "devices");

    private final LocalFiles files;
    private final Connection connection;
    private final Map<View, List<String>> viewKeys = new EnumMap<>(View.class);
    private final List<String> truthKeys = new ArrayList<>();

    WorldSql(ObjectStore store, String worldId) {
        String prefix = WorldBuilder.prefix(worldId);
        this.files = new LocalFiles(store);
        for (View v : View.values()) viewKeys.put(v, store.list(prefix + "/views/" + v.eventClass() + "/"));
        truthKeys.addAll(store.list(prefix + "/truth/fraud/"));
        try {
            connection = DriverManager.getConnection("jdbc:duckdb:");
            try (Statement s = connection.createStatement()) {
                s.execute("SET threads = 2");
                s.execute("SET memory_limit = '1GB'");
                s.execute("SET temp_directory = " + literal(files.scratch().toString()));
                for (View v : View.values()) register(s, NAMES.get(v), viewKeys.get(v), v.table());
                register(s, "truth", truthKeys, WorldBuilder.TRUTH);
                for (String e : ENTITIES) {
                    s.execute("CREATE VIEW " + e + " AS SELECT * FROM "
                            + readParquet(
                                    literal(files.of(prefix + "/entities/" + e + ".parquet")
                                            .toString()),
                                    ""));
                }
            }
        } catch (SQLException e) {
            files.close();
            throw new IllegalStateException("world " + worldId + " cannot be opened for SQL: " + e.getMessage(), e);
        }
    }

    private void register(Statement s, String name, List<String> keys, ParquetSchema table) throws SQLException {
        if (keys.isEmpty()) {
            s.execute(table.columns().stream()
                    .map(c -> c.name() + " " + c.type().sqlName())
                    .collect(Collectors.joining(", ", "CREATE TABLE " + name + "_empty (", ")")));
            s.execute("CREATE VIEW " + name
                    + " AS SELECT *, NULL::VARCHAR AS filename, NULL::BIGINT AS file_row_number FROM " + name
                    + "_empty");
            return;
        }
        String list =
                keys.stream().map(k -> literal(files.of(k).toString())).collect(Collectors.joining(", ", "[", "]"));
        s.execute("CREATE VIEW " + name + " AS SELECT * FROM "
                + readParquet(list, "filename = true, file_row_number = true"));
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

    List<String> viewKeys(View v) {
        return viewKeys.get(v);
    }

    List<String> truthKeys() {
        return truthKeys;
    }

    java.nio.file.Path local(String key) {
        return files.of(key);
    }

    Connection connection() {
        return connection;
    }

    /** The first column of the first row, as a long (0 when null). */
    long scalar(String sql) {
        List<Object[]> rows = rows(sql);
        if (rows.isEmpty() || rows.get(0)[0] == null) return 0;
        return ((Number) rows.get(0)[0]).longValue();
    }

    List<Object[]> rows(String sql) {
        try (Statement s = connection.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            int n = rs.getMetaData().getColumnCount();
            List<Object[]> out = new ArrayList<>();
            while (rs.next()) {
                Object[] row = new Object[n];
                for (int i = 0; i < n; i++) row[i] = rs.getObject(i + 1);
                out.add(row);
            }
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage() + " in: " + sql, e);
        }
    }

    void execute(String sql) {
        try (Statement s = connection.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage() + " in: " + sql, e);
        }
    }

    @Override
    public void close() {
        try {
            connection.close();
        } catch (SQLException ignored) {
            // in-memory database
        } finally {
            files.close();
        }
    }
}
