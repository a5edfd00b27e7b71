package dev.fraudplatform.world;

import java.util.Comparator;

/**
 * A generated stream-view row before it is written: its time, its place in its episode, and its payload. The event id
 * (and, for a transaction, the {@code txn_id} in its payload) is assigned once the row's day is in time order, so ids
 * follow event time. A fraud transaction carries its {@link Truth}, which never reaches the views.
 */
final class GenRow {
    /** Generation order: event time, then episode, then position in the episode; a total order within a view. */
    static final Comparator<GenRow> ORDER = Comparator.comparingLong((GenRow r) -> r.timeMs)
            .thenComparingLong(r -> r.episode)
            .thenComparingInt(r -> r.seq);

    final View view;
    final long timeMs;
    final long episode;
    final int seq;
    final String account;
    final Object[] payload;
    Truth truth;
    String eventId;
    /** Whether a planned row made it into its day (a planner may drop rows that fall outside the world). */
    boolean placed;

    GenRow(View view, long timeMs, long episode, int seq, String account) {
        this.view = view;
        this.timeMs = timeMs;
        this.episode = episode;
        this.seq = seq;
        this.account = account;
        this.payload = view.newPayload();
        set("account_id", account);
    }

    GenRow set(String field, Object value) {
        payload[view.field(field)] = value;
        return this;
    }

    Object get(String field) {
        return payload[view.field(field)];
    }

    /** The row as written: routing columns, then the payload. */
    Object[] toColumns() {
        Object[] row = new Object[View.PAYLOAD_OFFSET + payload.length];
        row[0] = eventId;
        row[1] = timeMs;
        row[2] = account;
        row[3] = View.SCHEMA_VERSION;
        System.arraycopy(payload, 0, row, View.PAYLOAD_OFFSET, payload.length);
        return row;
    }

    /** What the truth says of a fraud transaction; {@code labelType} stays null if it is never labelled. */
    static final class Truth {
        final Typology typology;
        final long episodeId;
        final String compromisedMerchant;
        String labelType;

        Truth(Typology typology, long episodeId, String compromisedMerchant) {
            this.typology = typology;
            this.episodeId = episodeId;
            this.compromisedMerchant = compromisedMerchant;
        }
    }
}
