package dev.fraudplatform.parquet;

import java.math.BigDecimal;

/**
 * The column types a {@link ParquetSchema} may declare, each with the Java type a row carries for it and the SQL type
 * name DuckDB gives it (what a query over the files sees, and what a world's manifest records).
 */
public enum ParquetType {
    /** {@link String}. */
    VARCHAR("VARCHAR", String.class),
    /** {@link Long}. */
    BIGINT("BIGINT", Long.class),
    /** {@link Integer}. */
    INTEGER("INTEGER", Integer.class),
    /** {@link Double}. */
    DOUBLE("DOUBLE", Double.class),
    /** {@link Float}: 32-bit IEEE-754, as model features are (half a DOUBLE's size, and no rounding on the way in). */
    FLOAT("FLOAT", Float.class),
    /** {@link BigDecimal} with at most 9 digits, 4 of them after the point (coordinates). */
    DECIMAL("DECIMAL(9,4)", BigDecimal.class),
    /** {@link Boolean}. */
    BOOLEAN("BOOLEAN", Boolean.class);

    private final String sqlName;
    private final Class<?> javaType;

    ParquetType(String sqlName, Class<?> javaType) {
        this.sqlName = sqlName;
        this.javaType = javaType;
    }

    /** The SQL type name, as DuckDB's {@code DESCRIBE} of a file shows it; never null. */
    public String sqlName() {
        return sqlName;
    }

    /** The class a row's value of this type must be an instance of. */
    public Class<?> javaType() {
        return javaType;
    }
}
