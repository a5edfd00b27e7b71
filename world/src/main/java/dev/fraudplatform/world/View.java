package dev.fraudplatform.world;

import static dev.fraudplatform.world.Table.opt;
import static dev.fraudplatform.world.Table.req;

import dev.fraudplatform.core.json.CanonicalJson;
import dev.fraudplatform.world.Table.Column;
import dev.fraudplatform.world.Table.Type;
import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;
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
            req("account_id", Type.VARCHAR),
            req("amount_minor", Type.BIGINT),
            req("card_id", Type.VARCHAR),
            req("channel", Type.VARCHAR),
            req("city", Type.VARCHAR),
            req("country", Type.VARCHAR),
            req("currency", Type.VARCHAR),
            opt("device_id", Type.VARCHAR),
            req("entry_mode", Type.VARCHAR),
            opt("flow_id", Type.VARCHAR),
            opt("ip", Type.VARCHAR),
            opt("ip_country", Type.VARCHAR),
            opt("lat", Type.DECIMAL),
            opt("lon", Type.DECIMAL),
            req("mcc", Type.VARCHAR),
            req("merchant_id", Type.VARCHAR),
            req("recurring", Type.BOOLEAN),
            req("txn_id", Type.VARCHAR)),
    LOGIN(
            "ctx.login",
            "s",
            req("account_id", Type.VARCHAR),
            req("device_id", Type.VARCHAR),
            req("device_os", Type.VARCHAR),
            req("flow_id", Type.VARCHAR),
            req("ip", Type.VARCHAR),
            req("ip_country", Type.VARCHAR),
            req("method", Type.VARCHAR),
            req("outcome", Type.VARCHAR)),
    THREE_DS(
            "ctx.three_ds",
            "a",
            req("account_id", Type.VARCHAR),
            req("card_id", Type.VARCHAR),
            req("challenge", Type.VARCHAR),
            opt("device_id", Type.VARCHAR),
            req("flow_id", Type.VARCHAR),
            req("merchant_id", Type.VARCHAR),
            req("result", Type.VARCHAR)),
    PROFILE_CHANGE(
            "ctx.profile_change",
            "p",
            req("account_id", Type.VARCHAR),
            req("change", Type.VARCHAR),
            req("device_id", Type.VARCHAR),
            req("flow_id", Type.VARCHAR),
            req("ip", Type.VARCHAR),
            req("ip_country", Type.VARCHAR),
            opt("new_email_domain", Type.VARCHAR)),
    LABEL(
            "label.assertion",
            "l",
            req("account_id", Type.VARCHAR),
            req("amount_minor", Type.BIGINT),
            req("card_id", Type.VARCHAR),
            req("effective_time", Type.VARCHAR),
            req("label_id", Type.VARCHAR),
            req("label_type", Type.VARCHAR),
            req("observed_time", Type.VARCHAR),
            req("reason_code", Type.VARCHAR),
            req("source", Type.VARCHAR),
            req("txn_id", Type.VARCHAR));

    /** Columns before the payload's. */
    static final int PAYLOAD_OFFSET = 4;

    public static final int SCHEMA_VERSION = 1;

    private final String eventClass;
    private final String idLetter;
    private final Table table;
    private final String[] payloadKeys;

    View(String eventClass, String idLetter, Column... payload) {
        this.eventClass = eventClass;
        this.idLetter = idLetter;
        List<Column> cols = new ArrayList<>(List.of(
                req("event_id", Type.VARCHAR),
                req("event_time_ms", Type.BIGINT),
                req("partition_key", Type.VARCHAR),
                req("schema_version", Type.INTEGER)));
        List<Column> sorted = new ArrayList<>(List.of(payload));
        sorted.sort(Comparator.comparing(Column::name));
        if (!sorted.equals(List.of(payload)))
            throw new IllegalStateException(eventClass + ": payload columns must be listed in name order");
        cols.addAll(sorted);
        this.table = new Table(cols);
        this.payloadKeys = new String[payload.length];
        for (int i = 0; i < payload.length; i++) payloadKeys[i] = CanonicalJson.quote(payload[i].name()) + ":";
    }

    public String eventClass() {
        return eventClass;
    }

    String idLetter() {
        return idLetter;
    }

    Table table() {
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
     * The canonical JSON of the payload in the current row of {@code rs}, whose columns are this view's in order
     * (JDBC column {@code 1 + PAYLOAD_OFFSET} is the first payload field).
     */
    String payloadJson(ResultSet rs) throws SQLException {
        StringBuilder sb = new StringBuilder(320).append('{');
        boolean first = true;
        List<Column> cols = table.columns();
        for (int i = 0; i < payloadKeys.length; i++) {
            int col = PAYLOAD_OFFSET + i + 1;
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
                    BigDecimal d = rs.getBigDecimal(col);
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
