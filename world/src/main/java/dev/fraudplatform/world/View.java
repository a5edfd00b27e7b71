package dev.fraudplatform.world;

import static dev.fraudplatform.parquet.ParquetSchema.optional;
import static dev.fraudplatform.parquet.ParquetSchema.required;

import dev.fraudplatform.core.json.CanonicalJson;
import dev.fraudplatform.parquet.ParquetRows;
import dev.fraudplatform.parquet.ParquetSchema;
import dev.fraudplatform.parquet.ParquetSchema.Column;
import dev.fraudplatform.parquet.ParquetType;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A stream view: one event class with its Parquet layout. Every view file has the routing columns
 * ({@code event_id, event_time_ms, partition_key, schema_version}) and then the payload's fields as typed columns in
 * name order, so that a row's payload reads back as canonical JSON (sorted keys, absent optional fields omitted)
 * without a JSON library on the replay path.
 */
public enum View {
    TXN(
            "txn.authorization",
            "t",
            required("account_id", ParquetType.VARCHAR),
            required("amount_minor", ParquetType.BIGINT),
            required("card_id", ParquetType.VARCHAR),
            required("channel", ParquetType.VARCHAR),
            required("city", ParquetType.VARCHAR),
            required("country", ParquetType.VARCHAR),
            required("currency", ParquetType.VARCHAR),
            optional("device_id", ParquetType.VARCHAR),
            required("entry_mode", ParquetType.VARCHAR),
            optional("flow_id", ParquetType.VARCHAR),
            optional("ip", ParquetType.VARCHAR),
            optional("ip_country", ParquetType.VARCHAR),
            optional("lat", ParquetType.DECIMAL),
            optional("lon", ParquetType.DECIMAL),
            required("mcc", ParquetType.VARCHAR),
            required("merchant_id", ParquetType.VARCHAR),
            required("recurring", ParquetType.BOOLEAN),
            required("txn_id", ParquetType.VARCHAR)),
    LOGIN(
            "ctx.login",
            "s",
            required("account_id", ParquetType.VARCHAR),
            required("device_id", ParquetType.VARCHAR),
            required("device_os", ParquetType.VARCHAR),
            required("flow_id", ParquetType.VARCHAR),
            required("ip", ParquetType.VARCHAR),
            required("ip_country", ParquetType.VARCHAR),
            required("method", ParquetType.VARCHAR),
            required("outcome", ParquetType.VARCHAR)),
    THREE_DS(
            "ctx.three_ds",
            "a",
            required("account_id", ParquetType.VARCHAR),
            required("card_id", ParquetType.VARCHAR),
            required("challenge", ParquetType.VARCHAR),
            optional("device_id", ParquetType.VARCHAR),
            required("flow_id", ParquetType.VARCHAR),
            required("merchant_id", ParquetType.VARCHAR),
            required("result", ParquetType.VARCHAR)),
    PROFILE_CHANGE(
            "ctx.profile_change",
            "p",
            required("account_id", ParquetType.VARCHAR),
            required("change", ParquetType.VARCHAR),
            required("device_id", ParquetType.VARCHAR),
            required("flow_id", ParquetType.VARCHAR),
            required("ip", ParquetType.VARCHAR),
            required("ip_country", ParquetType.VARCHAR),
            optional("new_email_domain", ParquetType.VARCHAR)),
    LABEL(
            "label.assertion",
            "l",
            required("account_id", ParquetType.VARCHAR),
            required("amount_minor", ParquetType.BIGINT),
            required("card_id", ParquetType.VARCHAR),
            required("effective_time", ParquetType.VARCHAR),
            required("label_id", ParquetType.VARCHAR),
            required("label_type", ParquetType.VARCHAR),
            required("observed_time", ParquetType.VARCHAR),
            required("reason_code", ParquetType.VARCHAR),
            required("source", ParquetType.VARCHAR),
            required("txn_id", ParquetType.VARCHAR));

    /** Columns before the payload's. */
    static final int PAYLOAD_OFFSET = 4;

    public static final int SCHEMA_VERSION = 1;

    private final String eventClass;
    private final String idLetter;
    private final ParquetSchema table;
    private final String[] payloadKeys;

    View(String eventClass, String idLetter, Column... payload) {
        this.eventClass = eventClass;
        this.idLetter = idLetter;
        List<Column> cols = new ArrayList<>(List.of(
                required("event_id", ParquetType.VARCHAR),
                required("event_time_ms", ParquetType.BIGINT),
                required("partition_key", ParquetType.VARCHAR),
                required("schema_version", ParquetType.INTEGER)));
        List<Column> sorted = new ArrayList<>(List.of(payload));
        sorted.sort(Comparator.comparing(Column::name));
        if (!sorted.equals(List.of(payload)))
            throw new IllegalStateException(eventClass + ": payload columns must be listed in name order");
        cols.addAll(sorted);
        this.table = new ParquetSchema(cols);
        this.payloadKeys = new String[payload.length];
        for (int i = 0; i < payload.length; i++) payloadKeys[i] = CanonicalJson.quote(payload[i].name()) + ":";
    }

    public String eventClass() {
        return eventClass;
    }

    String idLetter() {
        return idLetter;
    }

    ParquetSchema table() {
        return table;
    }

    public static View of(String eventClass) {
        for (View v : values()) if (v.eventClass.equals(eventClass)) return v;
        return null;
    }

    /** A blank payload for this view: an array indexed by {@link #field(String)}. */
    Object[] newPayload() {
        return new Object[payloadKeys.length];
    }

    /** The payload index of a field. */
    int field(String name) {
        return table.indexOf(name) - PAYLOAD_OFFSET;
    }

    /**
     * The canonical JSON of the payload in the current row of {@code rows}, whose columns are this view's in order
     * (column {@code PAYLOAD_OFFSET} is the first payload field).
     */
    String payloadJson(ParquetRows rs) {
        StringBuilder sb = new StringBuilder(320).append('{');
        boolean first = true;
        List<Column> cols = table.columns();
        for (int i = 0; i < payloadKeys.length; i++) {
            int col = PAYLOAD_OFFSET + i;
            Column c = cols.get(PAYLOAD_OFFSET + i);
            String value;
            switch (c.type()) {
                case VARCHAR -> {
                    String s = rs.getString(col);
                    value = s == null ? null : CanonicalJson.quote(s);
                }
                case BIGINT -> {
                    long v = rs.getLong(col);
                    value = rs.wasNull() ? null : Long.toString(v);
                }
                case INTEGER -> {
                    int v = rs.getInt(col);
                    value = rs.wasNull() ? null : Integer.toString(v);
                }
                case DECIMAL -> {
                    BigDecimal d = rs.getDecimal(col);
                    value = d == null ? null : CanonicalJson.canonicalNumber(d);
                }
                case BOOLEAN -> {
                    boolean v = rs.getBoolean(col);
                    value = rs.wasNull() ? null : Boolean.toString(v);
                }
                default -> throw new IllegalStateException("unhandled type " + c.type());
            }
            if (value == null) continue;
            if (!first) sb.append(',');
            first = false;
            sb.append(payloadKeys[i]).append(value);
        }
        return sb.append('}').toString();
    }
}
