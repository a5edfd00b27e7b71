package dev.fraudplatform.learning.archive;

import static dev.fraudplatform.parquet.ParquetSchema.optional;
import static dev.fraudplatform.parquet.ParquetSchema.required;

import dev.fraudplatform.core.store.ObjectStore;
import dev.fraudplatform.parquet.ParquetCodec;
import dev.fraudplatform.parquet.ParquetSchema;
import dev.fraudplatform.parquet.ParquetType;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The layout of an archive segment: where it lives, what its name says, and its Parquet columns.
 *
 * <p>Key: {@code archive/<run>/<event_class>/day=<yyyy-MM-dd>/<topic>-p<partition>-o<first>-l<last>-n<rows>.parquet},
 * the day being the UTC day of the records' event time, {@code first} and {@code last} the Kafka offsets of its first
 * and last record on that (topic, partition) (zero-padded to 20 digits, so names sort by offset) and {@code rows} how
 * many it holds. One segment holds records of one (run, event class, day, topic, partition), in offset order; the
 * offsets of two segments of one folder and (topic, partition) never overlap, and a later one starts past an earlier
 * one's last.
 *
 * <p>Columns, one row per record: {@code topic}, {@code partition}, {@code offset}, {@code key} (null when none),
 * {@code event_class}, {@code event_id}, {@code event_time_ms}, {@code admitted_at_ms} (the gate's admission header,
 * null when absent), {@code value_encoding} ({@code utf8}, or {@code base64} for bytes that are not UTF-8) and
 * {@code value}: the record's exact value bytes in that encoding. The bytes of a segment are a function of its rows,
 * so its digest is stable evidence.
 */
final class ArchiveSegment {
    static final String ROOT = "archive/";
    static final String SUFFIX = ".parquet";
    static final String UTF8 = "utf8";
    static final String BASE64 = "base64";

    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy-MM-dd", Locale.ROOT);
    private static final Pattern NAME = Pattern.compile(
            "archive/([^/]+)/([^/]+)/day=(\\d{4}-\\d{2}-\\d{2})/(.+)-p(\\d+)-o(\\d+)-l(\\d+)-n(\\d+)\\.parquet");

    /** One archived record as a segment holds it. */
    record Row(
            String topic,
            int partition,
            long offset,
            String key,
            String eventClass,
            String eventId,
            long eventTimeMillis,
            Long admittedAtMillis,
            byte[] value) {}

    /** What a segment's key says of it. */
    record Name(
            String key,
            String runId,
            String eventClass,
            String day,
            String topic,
            int partition,
            long firstOffset,
            long lastOffset,
            long rows) {}

    static final ParquetSchema SCHEMA = new ParquetSchema(List.of(
            required("topic", ParquetType.VARCHAR),
            required("partition", ParquetType.INTEGER),
            required("offset", ParquetType.BIGINT),
            optional("key", ParquetType.VARCHAR),
            required("event_class", ParquetType.VARCHAR),
            required("event_id", ParquetType.VARCHAR),
            required("event_time_ms", ParquetType.BIGINT),
            optional("admitted_at_ms", ParquetType.BIGINT),
            required("value_encoding", ParquetType.VARCHAR),
            optional("value", ParquetType.VARCHAR)));

    private ArchiveSegment() {}

    /** The folder of a run's archive: {@code archive/<run>} (no trailing slash; what its manifest seals). */
    static String runFolder(String runId) {
        return ROOT + runId;
    }

    /** The folder of one (run, event class, day): {@code archive/<run>/<event_class>/day=<yyyy-MM-dd>/}. */
    static String folder(String runId, String eventClass, long eventTimeMillis) {
        return runFolder(runId) + "/" + eventClass + "/day=" + day(eventTimeMillis) + "/";
    }

    /** The UTC day of an instant, {@code yyyy-MM-dd}; called per record, so without a formatter. */
    static String day(long epochMillis) {
        LocalDate d = LocalDate.ofEpochDay(Math.floorDiv(epochMillis, 86_400_000L));
        // ISO for the years 1-9999, which is what the pattern (year of era) gives there; the formatter for the rest
        return d.getYear() >= 1 && d.getYear() <= 9999 ? d.toString() : DAY.format(d);
    }

    /** The key prefix of one (topic, partition) in a folder: its segments' names start with it. */
    static String partitionPrefix(String folder, String topic, int partition) {
        String p = Integer.toString(partition);
        return folder + topic + (p.length() >= 3 ? "-p" : p.length() == 2 ? "-p0" : "-p00") + p + "-";
    }

    /** A segment's key: its partition prefix, then its first and last offsets and its row count. */
    static String key(String partitionPrefix, long first, long last, int rows) {
        return partitionPrefix + String.format(Locale.ROOT, "o%020d-l%020d-n%06d", first, last, rows) + SUFFIX;
    }

    /** What {@code key} says, or null when it is no archive segment's key (a manifest, another file). */
    static Name parse(String key) {
        Matcher m = NAME.matcher(key);
        if (!m.matches()) return null;
        return new Name(
                key,
                m.group(1),
                m.group(2),
                m.group(3),
                m.group(4),
                Integer.parseInt(m.group(5)),
                Long.parseLong(m.group(6)),
                Long.parseLong(m.group(7)),
                Long.parseLong(m.group(8)));
    }

    /** The highest last offset among segments whose keys start with {@code partitionPrefix}, or -1 when none. */
    static long lastOffsetWritten(ObjectStore store, String partitionPrefix) {
        long last = -1;
        for (String key : store.list(partitionPrefix)) {
            if (!key.endsWith(SUFFIX)) continue;
            Name n = parse(key);
            if (n == null) throw new IllegalStateException("archive segment without offsets in its name: " + key);
            last = Math.max(last, n.lastOffset());
        }
        return last;
    }

    /** Writes {@code rows}, in offset order, as one Parquet file to {@code out} (which the caller closes). */
    static void write(List<Row> rows, OutputStream out) {
        List<Row> ordered = new ArrayList<>(rows);
        ordered.sort(Comparator.comparingLong(Row::offset));
        List<Object[]> columns = new ArrayList<>(ordered.size());
        for (Row r : ordered) {
            String text = r.value() == null ? null : utf8(r.value());
            boolean base64 = r.value() != null && text == null;
            columns.add(new Object[] {
                r.topic(),
                r.partition(),
                r.offset(),
                r.key(),
                r.eventClass(),
                r.eventId(),
                r.eventTimeMillis(),
                r.admittedAtMillis(),
                base64 ? BASE64 : UTF8,
                base64 ? Base64.getEncoder().encodeToString(r.value()) : text
            });
        }
        ParquetCodec.write(SCHEMA, columns, ParquetCodec.DEFAULT_ROW_GROUP_ROWS, out);
    }

    /**
     * Calls {@code action} with each row of the segment {@code key}, in file (offset) order: in place when the store
     * keeps it as a local file, else through a copy.
     */
    static void read(ObjectStore store, String key, Consumer<Row> action) {
        java.util.Optional<java.nio.file.Path> local = store.localPath(key);
        if (local.isPresent()) {
            try (dev.fraudplatform.parquet.ParquetRows rows = ParquetCodec.open(local.get(), SCHEMA.columnNames())) {
                while (rows.next()) action.accept(row(rows));
            }
            return;
        }
        try (InputStream in = store.open(key)) {
            read(in, action);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("reading archive segment " + key, e);
        }
    }

    /** Calls {@code action} with each row of the segment in {@code in}, in file (offset) order. */
    static void read(InputStream in, Consumer<Row> action) {
        ParquetCodec.forEachRow(in, SCHEMA.columnNames(), r -> action.accept(row(r)));
    }

    /** The row the cursor is on. */
    private static Row row(dev.fraudplatform.parquet.ParquetRows r) {
        long admitted = r.getLong(7);
        Long admittedAt = r.wasNull() ? null : admitted;
        String encoding = r.getString(8);
        String value = r.getString(9);
        byte[] bytes = value == null
                ? null
                : BASE64.equals(encoding) ? Base64.getDecoder().decode(value) : value.getBytes(StandardCharsets.UTF_8);
        return new Row(
                r.getString(0),
                r.getInt(1),
                r.getLong(2),
                r.getString(3),
                r.getString(4),
                r.getString(5),
                r.getLong(6),
                admittedAt,
                bytes);
    }

    /** The bytes as text when they are well-formed UTF-8 (so the text encodes back to exactly them), else null. */
    private static String utf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
