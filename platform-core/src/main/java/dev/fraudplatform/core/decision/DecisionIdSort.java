package dev.fraudplatform.core.decision;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.function.Consumer;

/**
 * Entries keyed by decision id, sorted in bounded memory however many are added: they are sorted in chunks of {@code
 * entriesInMemory}, each full chunk written to a temporary file of its own, and {@link #forEachSorted} merges the
 * chunks. What a run's report counts per decision (its digest, its shadow decisions) is counted over one chunk of
 * memory, not over every decision id of the run. Not thread-safe; sorted once.
 */
public final class DecisionIdSort implements AutoCloseable {
    /** Entries held in memory before a sorted chunk is written out: some 40 MB of ids and digests. */
    public static final int DEFAULT_ENTRIES_IN_MEMORY = 262_144;

    /** An entry: a decision id, bytes of the caller's (a content digest; may be empty) and a tag of the caller's. */
    public record Entry(String id, byte[] content, int tag) {}

    private static final Comparator<Entry> BY_ID = Comparator.comparing(Entry::id);

    private final int entriesInMemory;
    private final Path spillParent;
    private final List<Path> chunks = new ArrayList<>();
    private List<Entry> held = new ArrayList<>();
    private Path spillDir;
    private long added;
    private boolean sorted;

    /** A sort that writes chunks of {@link #DEFAULT_ENTRIES_IN_MEMORY} to the JVM's temporary directory. */
    public DecisionIdSort() {
        this(DEFAULT_ENTRIES_IN_MEMORY, Path.of(System.getProperty("java.io.tmpdir")));
    }

    /** A sort that holds at most {@code entriesInMemory} entries, writing sorted chunks under {@code spillParent}. */
    public DecisionIdSort(int entriesInMemory, Path spillParent) {
        if (entriesInMemory < 1) throw new IllegalArgumentException("entriesInMemory must be positive");
        this.entriesInMemory = entriesInMemory;
        this.spillParent = spillParent;
    }

    public void add(String decisionId, byte[] content, int tag) {
        if (sorted) throw new IllegalStateException("the entries were sorted already");
        if (content.length > Short.MAX_VALUE) throw new IllegalArgumentException("content of " + content.length + " B");
        held.add(new Entry(decisionId, content, tag));
        added++;
        if (held.size() >= entriesInMemory) spill();
    }

    /** Entries added so far. */
    public long added() {
        return added;
    }

    /**
     * Calls {@code each} with every entry in decision-id order, entries of one id in the order they were added; then
     * removes the chunk files.
     */
    public void forEachSorted(Consumer<Entry> each) {
        if (sorted) throw new IllegalStateException("the entries were sorted already");
        sorted = true;
        held.sort(BY_ID); // stable: among equal ids, the first added comes first
        List<Cursor> cursors = new ArrayList<>();
        try {
            for (int i = 0; i < chunks.size(); i++) cursors.add(Cursor.ofFile(chunks.get(i), i));
            cursors.add(Cursor.ofList(held, chunks.size()));
            // Ordered by id, then by chunk: the chunks were written in the order their entries were added.
            PriorityQueue<Cursor> queue = new PriorityQueue<>(
                    Comparator.comparing((Cursor c) -> c.current.id()).thenComparingInt(c -> c.index));
            for (Cursor c : cursors) if (c.advance()) queue.add(c);
            while (!queue.isEmpty()) {
                Cursor c = queue.poll();
                each.accept(c.current);
                if (c.advance()) queue.add(c);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("merging sorted decision ids under " + spillDir, e);
        } finally {
            for (Cursor c : cursors) c.close();
            held = List.of();
            close();
        }
    }

    private void spill() {
        held.sort(BY_ID);
        try {
            if (spillDir == null) spillDir = Files.createTempDirectory(spillParent, "fp-decision-ids-");
            Path chunk = spillDir.resolve("chunk-" + chunks.size());
            try (DataOutputStream out =
                    new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(chunk), 1 << 16))) {
                for (Entry e : held) {
                    out.writeUTF(e.id());
                    out.writeShort(e.content().length);
                    out.write(e.content());
                    out.writeInt(e.tag());
                }
            }
            chunks.add(chunk);
        } catch (IOException e) {
            throw new UncheckedIOException("writing sorted decision ids under " + spillParent, e);
        }
        held = new ArrayList<>();
    }

    /** Removes the chunk files, if any. */
    @Override
    public void close() {
        if (spillDir == null) return;
        try {
            for (Path chunk : chunks) Files.deleteIfExists(chunk);
            Files.deleteIfExists(spillDir);
        } catch (IOException e) {
            throw new UncheckedIOException("removing sorted decision ids under " + spillDir, e);
        }
        spillDir = null;
    }

    /** One sorted chunk, read an entry at a time. */
    private static final class Cursor implements AutoCloseable {
        final int index;
        private final DataInputStream in;
        private final Iterator<Entry> list;
        Entry current;

        private Cursor(int index, DataInputStream in, Iterator<Entry> list) {
            this.index = index;
            this.in = in;
            this.list = list;
        }

        static Cursor ofFile(Path chunk, int index) throws IOException {
            return new Cursor(
                    index, new DataInputStream(new BufferedInputStream(Files.newInputStream(chunk), 1 << 16)), null);
        }

        static Cursor ofList(List<Entry> sorted, int index) {
            return new Cursor(index, null, sorted.iterator());
        }

        boolean advance() throws IOException {
            if (list != null) {
                current = list.hasNext() ? list.next() : null;
                return current != null;
            }
            String id;
            try {
                id = in.readUTF();
            } catch (EOFException end) {
                current = null;
                return false;
            }
            byte[] content = new byte[in.readShort()];
            in.readFully(content);
            current = new Entry(id, content, in.readInt());
            return true;
        }

        @Override
        public void close() {
            if (in == null) return;
            try {
                in.close();
            } catch (IOException ignored) {
                // a chunk file read to its end or abandoned: nothing to keep
            }
        }
    }
}
