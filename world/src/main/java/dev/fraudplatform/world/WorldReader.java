package dev.fraudplatform.world;

import dev.fraudplatform.core.store.ObjectStore;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.PriorityQueue;
import java.util.TreeMap;

/**
 * Reads a world's stream views as one sequence in event-time order: day by day, merging that day's view files
 * by (event time, event id). Memory is one line per open file. Not thread-safe; close it when done.
 */
public final class WorldReader implements Iterator<WorldRow>, AutoCloseable {
    private final ObjectStore store;
    private final Iterator<List<String>> days;
    private final PriorityQueue<Cursor> heap = new PriorityQueue<>((x, y) -> WorldRow.EVENT_ORDER.compare(x.head, y.head));
    private final List<Cursor> open = new ArrayList<>();

    private static final class Cursor {
        final BufferedReader reader;
        final String key;
        WorldRow head;

        Cursor(BufferedReader reader, String key) {
            this.reader = reader;
            this.key = key;
        }

        boolean advance() {
            try {
                String line = reader.readLine();
                if (line == null) return false;
                head = WorldRow.parse(line);
                return true;
            } catch (IOException e) {
                throw new UncheckedIOException("reading " + key, e);
            }
        }
    }

    /** Opens the views of a sealed world (event classes in {@code views}, or all when empty). */
    public WorldReader(ObjectStore store, String worldId, List<String> views) {
        this.store = store;
        String prefix = WorldBuilder.prefix(worldId) + "/views/";
        TreeMap<String, List<String>> byDay = new TreeMap<>();
        for (String key : store.list(prefix)) {
            String rest = key.substring(prefix.length());
            String eventClass = rest.substring(0, rest.indexOf('/'));
            if (!views.isEmpty() && !views.contains(eventClass)) continue;
            int d = rest.indexOf("day=");
            if (d < 0) continue;
            String day = rest.substring(d + 4, rest.indexOf('/', d));
            byDay.computeIfAbsent(day, k -> new ArrayList<>()).add(key);
        }
        if (byDay.isEmpty()) throw new IllegalArgumentException("world " + worldId + " has no stream views in " + store.describe());
        this.days = byDay.values().iterator();
    }

    @Override
    public boolean hasNext() {
        while (heap.isEmpty()) {
            closeOpen();
            if (!days.hasNext()) return false;
            for (String key : days.next()) {
                Cursor c = new Cursor(new BufferedReader(new InputStreamReader(store.open(key), StandardCharsets.UTF_8), 1 << 16), key);
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
        for (Cursor c : open) {
            try {
                c.reader.close();
            } catch (IOException ignored) {
                // read-only stream: nothing to lose
            }
        }
        open.clear();
    }

    @Override
    public void close() {
        heap.clear();
        closeOpen();
    }
}
