package dev.fraudplatform.casework.labels;

import dev.fraudplatform.core.labels.LabelAssertion;
import dev.fraudplatform.core.labels.LabelStore;
import dev.fraudplatform.parquet.ParquetCodec;
import dev.fraudplatform.parquet.ParquetSchema;
import dev.fraudplatform.parquet.ParquetType;
import java.io.OutputStream;
import java.time.Instant;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The learning plane's view of the labels: every standing assertion of a run as of an observed time T, one row per
 * subject ({@link LabelStore#forEachStanding}), as one Parquet file whose columns are named like
 * {@link LabelAssertionJson}'s fields, times as that JSON writes them. Nothing observed after T is in it, so a model
 * trained on it sees only what was known at T.
 *
 * <p>Streamed: the store's rows pass through a small queue from a reader thread to the Parquet writer, so a run of
 * millions of assertions never sits in memory.
 */
public final class LabelExport {
    /** The file's columns: {@link LabelAssertionJson#FIELDS}, the required ones those an assertion always has. */
    public static final ParquetSchema SCHEMA = new ParquetSchema(List.of(
            ParquetSchema.required("platform_run_id", ParquetType.VARCHAR),
            ParquetSchema.required("assertion_id", ParquetType.VARCHAR),
            ParquetSchema.required("subject_kind", ParquetType.VARCHAR),
            ParquetSchema.required("subject_id", ParquetType.VARCHAR),
            ParquetSchema.optional("account_id", ParquetType.VARCHAR),
            ParquetSchema.optional("card_id", ParquetType.VARCHAR),
            ParquetSchema.required("value", ParquetType.VARCHAR),
            ParquetSchema.optional("typology", ParquetType.VARCHAR),
            ParquetSchema.required("source", ParquetType.VARCHAR),
            ParquetSchema.required("label_type", ParquetType.VARCHAR),
            ParquetSchema.optional("reason_code", ParquetType.VARCHAR),
            ParquetSchema.required("effective_time", ParquetType.VARCHAR),
            ParquetSchema.required("observed_time", ParquetType.VARCHAR),
            ParquetSchema.optional("recorded_time", ParquetType.VARCHAR),
            ParquetSchema.required("provenance", ParquetType.VARCHAR),
            ParquetSchema.optional("actor", ParquetType.VARCHAR),
            ParquetSchema.optional("event_id", ParquetType.VARCHAR),
            ParquetSchema.optional("amount_minor", ParquetType.BIGINT)));

    private static final Object[] END = new Object[0];

    private LabelExport() {}

    /** One row of the file. */
    public static Object[] row(LabelAssertion a) {
        return new Object[] {
            a.platformRunId(),
            a.assertionId(),
            a.subject().kind().name(),
            a.subject().id(),
            a.accountId(),
            a.cardId(),
            a.value().name(),
            a.typology(),
            a.source().name(),
            a.labelType(),
            a.reasonCode(),
            LabelAssertionJson.time(a.effectiveTime()),
            LabelAssertionJson.time(a.observedTime()),
            a.recordedTime() == null ? null : LabelAssertionJson.time(a.recordedTime()),
            a.provenance(),
            a.actor(),
            a.eventId(),
            a.amountMinor()
        };
    }

    /** Writes the standing assertions of {@code run} as of {@code asOf} to {@code out} (the caller closes it); returns how many. */
    public static long write(LabelStore store, String run, Instant asOf, OutputStream out) {
        BlockingQueue<Object[]> queue = new ArrayBlockingQueue<>(4_096);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        AtomicLong rows = new AtomicLong();
        Thread reader = new Thread(
                () -> {
                    try {
                        store.forEachStanding(run, asOf, a -> put(queue, row(a)));
                    } catch (Throwable e) {
                        failure.set(e);
                    } finally {
                        put(queue, END);
                    }
                },
                "label-export-reader");
        reader.setDaemon(true);
        reader.start();
        Iterable<Object[]> iterable = () -> new Iterator<>() {
            private Object[] next;

            @Override
            public boolean hasNext() {
                if (next == null) next = take(queue);
                return next != END;
            }

            @Override
            public Object[] next() {
                if (!hasNext()) throw new NoSuchElementException();
                Object[] r = next;
                next = null;
                rows.incrementAndGet();
                return r;
            }
        };
        try {
            ParquetCodec.write(SCHEMA, iterable, ParquetCodec.DEFAULT_ROW_GROUP_ROWS, out);
        } finally {
            reader.interrupt();
        }
        if (failure.get() != null)
            throw new IllegalStateException(
                    "reading the labels: " + failure.get().getMessage(), failure.get());
        return rows.get();
    }

    private static void put(BlockingQueue<Object[]> queue, Object[] row) {
        try {
            queue.put(row);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("label export stopped", e);
        }
    }

    private static Object[] take(BlockingQueue<Object[]> queue) {
        try {
            return queue.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("label export interrupted", e);
        }
    }
}
