package dev.fraudplatform.core.decision;

import dev.fraudplatform.core.json.Sha256;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.PriorityQueue;
import java.util.function.IntConsumer;

/**
 * The decision-log digest: SHA-256 over each decision's content digest, taken in decision-id order
 * ({@code SHA-256(decisionId_1 ":" contentDigest_1 "\n" decisionId_2 ...)}); decision ids are a function of
 * (event class, event id). Run ids and wall-clock times stay outside it, so two runs of one world with one bundle
 * and one config can be compared.
 *
 * <p>One decision counts per decision id: the same decision added again is a duplicate (an at-least-once write), and a
 * different decision with an id already added is a conflict (the log would not be a function of the events), counted
 * and left out; the first one added stands.
 *
 * <p>Memory is bounded, whatever the run's size: the entries are sorted in chunks of {@code entriesInMemory}, each
 * chunk past the first written to a file of its own, and {@link #finish} merges them in decision-id order. A run of
 * ten million decisions holds one chunk in memory, not ten million ids. Not thread-safe; {@link #finish} once.
 */
public final class DecisionLogDigest implements AutoCloseable {
    /** Entries held in memory before a sorted chunk is written out: some 40 MB of ids and digests. */
    public static final int DEFAULT_ENTRIES_IN_MEMORY = 262_144;

    private static final int DIGEST_BYTES = 32;
    private static final int MAX_CONFLICTS_NAMED = 10;
    private static final Comparator<Entry> BY_ID = Comparator.comparing(Entry::id);

    /** What the log holds once merged: its digest, and what was added to it. */
    public record Summary(long added, long distinct, long conflicts, List<String> conflictingIds, String digest) {}

    private record Entry(String id, byte[] content, int tag) {}

    private final int entriesInMemory;
    private final Path spillParent;
    private final List<Path> chunks = new ArrayList<>();
    private List<Entry> held = new ArrayList<>();
    private Path spillDir;
    private long added;
    private boolean finished;

    /** A log that writes sorted chunks of {@link #DEFAULT_ENTRIES_IN_MEMORY} to the JVM's temporary directory. */
    public DecisionLogDigest() {
        this(DEFAULT_ENTRIES_IN_MEMORY, Path.of(System.getProperty("java.io.tmpdir")));
    }

    /** A log that holds at most {@code entriesInMemory} entries, writing sorted chunks under {@code spillParent}. */
    public DecisionLogDigest(int entriesInMemory, Path spillParent) {
        if (entriesInMemory < 1) throw new IllegalArgumentException("entriesInMemory must be positive");
        this.entriesInMemory = entriesInMemory;
        this.spillParent = spillParent;
    }

    /** Adds a decision. */
    public void add(Decision decision) {
        add(decision, 0);
    }

    /**
     * Adds a decision with a {@code tag} of the caller's (what it wants to count of each decision); {@link
     * #finish(IntConsumer)} hands back the tag of the decision that stands for each id, once.
     */
    public void add(Decision decision, int tag) {
        if (finished) throw new IllegalStateException("the decision log was finished");
        held.add(new Entry(decision.decisionId(), HexFormat.of().parseHex(decision.contentDigest()), tag));
        added++;
        if (held.size() >= entriesInMemory) spill();
    }

    /** As {@link #finish(IntConsumer)}, without the tags. */
    public Summary finish() {
        return finish(tag -> {});
    }

    /**
     * Merges what was added in decision-id order: the digest, the distinct decisions and the conflicts; calls {@code
     * standing} with the tag of each decision that stands (the first added for its id). Removes the chunk files.
     */
    public Summary finish(IntConsumer standing) {
        if (finished) throw new IllegalStateException("the decision log was finished");
        finished = true;
        held.sort(BY_ID); // stable: among equal ids, the first added comes first
        List<Cursor> cursors = new ArrayList<>();
        try {
            for (int i = 0; i < chunks.size(); i++) cursors.add(Cursor.ofFile(chunks.get(i), i));
            cursors.add(Cursor.ofList(held, chunks.size()));
            return merge(cursors, standing);
        } catch (IOException e) {
            throw new UncheckedIOException("merging the decision log's chunks under " + spillDir, e);
        } finally {
            for (Cursor c : cursors) c.close();
            held = List.of();
            close();
        }
    }

    private Summary merge(List<Cursor> cursors, IntConsumer standing) throws IOException {
        // Ordered by id, then by chunk: the chunks were written in the order their entries were added.
        PriorityQueue<Cursor> queue = new PriorityQueue<>(
                Comparator.comparing((Cursor c) -> c.current.id()).thenComparingInt(c -> c.index));
        for (Cursor c : cursors) if (c.advance()) queue.add(c);
        MessageDigest md = Sha256.newDigest();
        HexFormat hex = HexFormat.of();
        long distinct = 0;
        long conflicts = 0;
        List<String> named = new ArrayList<>();
        Entry standingEntry = null;
        while (!queue.isEmpty()) {
            Cursor c = queue.poll();
            Entry e = c.current;
            if (standingEntry != null && standingEntry.id().equals(e.id())) {
                if (!Arrays.equals(standingEntry.content(), e.content())) {
                    conflicts++;
                    if (named.size() < MAX_CONFLICTS_NAMED) named.add(e.id());
                }
            } else {
                standingEntry = e;
                distinct++;
                md.update(e.id().getBytes(StandardCharsets.UTF_8));
                md.update((byte) ':');
                md.update(hex.formatHex(e.content()).getBytes(StandardCharsets.US_ASCII));
                md.update((byte) '\n');
                standing.accept(e.tag());
            }
            if (c.advance()) queue.add(c);
        }
        return new Summary(added, distinct, conflicts, List.copyOf(named), Sha256.toHex(md.digest()));
    }

    private void spill() {
        held.sort(BY_ID);
        try {
            if (spillDir == null) spillDir = Files.createTempDirectory(spillParent, "fp-decision-log-");
            Path chunk = spillDir.resolve("chunk-" + chunks.size());
            try (DataOutputStream out =
                    new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(chunk), 1 << 16))) {
                for (Entry e : held) {
                    out.writeUTF(e.id());
                    out.write(e.content());
                    out.writeInt(e.tag());
                }
            }
            chunks.add(chunk);
        } catch (IOException e) {
            throw new UncheckedIOException("writing a chunk of the decision log under " + spillParent, e);
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
            throw new UncheckedIOException("removing the decision log's chunks under " + spillDir, e);
        }
        spillDir = null;
    }

    /** One sorted chunk, read an entry at a time. */
    private static final class Cursor implements AutoCloseable {
        final int index;
        private final DataInputStream in;
        private final java.util.Iterator<Entry> list;
        Entry current;

        private Cursor(int index, DataInputStream in, java.util.Iterator<Entry> list) {
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
            byte[] content = new byte[DIGEST_BYTES];
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
