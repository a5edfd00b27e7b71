package dev.fraudplatform.rtdl.audit;

import static dev.fraudplatform.parquet.ParquetSchema.optional;

import dev.fraudplatform.parquet.ParquetCodec;
import dev.fraudplatform.parquet.ParquetSchema;
import dev.fraudplatform.parquet.ParquetType;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;

/**
 * The layout of an audit segment, one Parquet file per segment written through the {@link ParquetCodec}. One row per
 * audit record, in offset order: {@code partition}, {@code offset} (the decision's coordinates), {@code decision_id},
 * {@code event_id}, {@code action}, {@code degrade_mode}, {@code score}, and {@code line}, the record's canonical JSON
 * (what replay reads back). The bytes are a function of the rows, so a segment's digest is stable evidence.
 */
final class AuditSegment {
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

    static final ParquetSchema SCHEMA = new ParquetSchema(List.of(
            optional("partition", ParquetType.INTEGER),
            optional("offset", ParquetType.BIGINT),
            optional("decision_id", ParquetType.VARCHAR),
            optional("event_id", ParquetType.VARCHAR),
            optional("action", ParquetType.VARCHAR),
            optional("degrade_mode", ParquetType.VARCHAR),
            optional("score", ParquetType.DOUBLE),
            optional("line", ParquetType.VARCHAR)));

    private AuditSegment() {}

    /** Writes {@code rows}, in offset order, as one Parquet file to {@code out} (which the caller closes). */
    static void write(List<Row> rows, OutputStream out) {
        List<Row> ordered = new ArrayList<>(rows);
        ordered.sort(Comparator.comparingLong(Row::offset));
        List<Object[]> columns = new ArrayList<>(ordered.size());
        for (Row r : ordered) {
            columns.add(new Object[] {
                r.partition(), r.offset(), r.decisionId(), r.eventId(), r.action(), r.degradeMode(), r.score(), r.line()
            });
        }
        ParquetCodec.write(SCHEMA, columns, ParquetCodec.DEFAULT_ROW_GROUP_ROWS, out);
    }

    /**
     * Calls {@code action} with each record's canonical line, in offset order (the order a segment is written in).
     *
     * @throws IllegalStateException when the segment's offsets are out of order (a writer that did not sort them)
     */
    static void readLines(InputStream in, Consumer<String> action) {
        long[] last = {Long.MIN_VALUE};
        ParquetCodec.forEachRow(in, List.of("offset", "line"), row -> {
            long offset = row.getLong(0);
            if (offset < last[0])
                throw new IllegalStateException("audit segment out of offset order: " + offset + " after " + last[0]);
            last[0] = offset;
            action.accept(row.getString(1));
        });
    }
}
