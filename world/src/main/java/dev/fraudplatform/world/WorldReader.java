package dev.fraudplatform.world;

import dev.fraudplatform.core.envelope.Times;
import dev.fraudplatform.core.store.ObjectStore;
import dev.fraudplatform.parquet.ParquetCodec;
import dev.fraudplatform.parquet.ParquetRows;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.PriorityQueue;
import java.util.TreeMap;

/**
 * Reads a world's stream views as one sequence in event-time order: day by day, merging that day's view files by
 * (event time, event id). Each file streams through the Parquet codec, so memory is a row group per open file. Not
 * thread-safe; close it when done.
 */
public final class WorldReader implements Iterator<WorldRow>, AutoCloseable {
    private final LocalFiles files;
    private final Iterator<List<String>> days;
    private final PriorityQueue<Cursor> heap =
            new PriorityQueue<>((x, y) -> WorldRow.EVENT_ORDER.compare(x.head, y.head));
    private final List<Cursor> open = new ArrayList<>();

    private static final class Cursor {
        final View view;
        final String key;
        final ParquetRows rows;
        WorldRow head;

        Cursor(View view, String key, java.nio.file.Path file) {
            this.view = view;
            this.key = key;
            this.rows = ParquetCodec.open(file, List.of());
        }

        boolean advance() {
            try {
                if (!rows.next()) return false;
                long t = rows.getLong(1);
                head = new WorldRow(
                        view.eventClass(),
                        rows.getString(0),
                        rows.getInt(3),
                        t,
                        Times.formatMillis(t),
                        rows.getString(2),
                        view.payloadJson(rows));
                return true;
            } catch (IllegalStateException e) {
                throw new IllegalStateException("reading " + key + ": " + e.getMessage(), e);
            }
        }

        void close() {
            rows.close();
        }
    }

    /** Opens the views of a sealed world (event classes in {@code views}, or all when empty). */
    public WorldReader(ObjectStore store, String worldId, List<String> views) {
        this.files = new LocalFiles(store);
        String prefix = WorldBuilder.prefix(worldId) + "/views/";
        TreeMap<String, List<String>> byDay = new TreeMap<>();
        for (String key : store.list(prefix)) {
            String rest = key.substring(prefix.length());
            String eventClass = rest.substring(0, rest.indexOf('/'));
            if (View.of(eventClass) == null || (!views.isEmpty() && !views.contains(eventClass))) continue;
            int d = rest.indexOf("day=");
            if (d < 0) continue;
            String day = rest.substring(d + 4, rest.indexOf('/', d));
            byDay.computeIfAbsent(day, k -> new ArrayList<>()).add(key);
        }
        if (byDay.isEmpty())
            throw new IllegalArgumentException("world " + worldId + " has no stream views in " + store.describe());
        this.days = byDay.values().iterator();
    }

    @Override
    public boolean hasNext() {
        while (heap.isEmpty()) {
            closeOpen();
            if (!days.hasNext()) return false;
            for (String key : days.next()) {
                String eventClass = key.substring(key.indexOf("/views/") + 7, key.indexOf("/day="));
                Cursor c = new Cursor(View.of(eventClass), key, files.of(key));
                open.add(c);
                if (c.advance()) heap.add(c);
            }
        }
        return true;
    }

    @Override
    public WorldRow next() {
        if (!hasNext()) throw new NoSuchElementException();
        Cursor c = heap.poll();
        WorldRow e = c.head;
        if (c.advance()) heap.add(c);
        return e;
    }

    private void closeOpen() {
        for (Cursor c : open) c.close();
        open.clear();
    }

    @Override
    public void close() {
        heap.clear();
        closeOpen();
        files.close();
    }
}
