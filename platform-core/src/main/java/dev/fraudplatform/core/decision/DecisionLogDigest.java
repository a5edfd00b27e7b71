package dev.fraudplatform.core.decision;

import dev.fraudplatform.core.json.Sha256;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
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
 * <p>Memory is bounded, whatever the run's size: the entries are sorted by a {@link DecisionIdSort}, in chunks written
 * to temporary files and merged by {@link #finish}. A run of ten million decisions holds one chunk in memory, not ten
 * million ids. Not thread-safe; {@link #finish} once.
 */
public final class DecisionLogDigest implements AutoCloseable {
    private static final int MAX_CONFLICTS_NAMED = 10;

    /** What the log holds once merged: its digest, and what was added to it. */
    public record Summary(long added, long distinct, long conflicts, List<String> conflictingIds, String digest) {}

    private final DecisionIdSort entries;

    /** A log that sorts in chunks of {@link DecisionIdSort#DEFAULT_ENTRIES_IN_MEMORY} in the temporary directory. */
    public DecisionLogDigest() {
        this.entries = new DecisionIdSort();
    }

    /** A log that holds at most {@code entriesInMemory} entries, writing sorted chunks under {@code spillParent}. */
    public DecisionLogDigest(int entriesInMemory, Path spillParent) {
        this.entries = new DecisionIdSort(entriesInMemory, spillParent);
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
        entries.add(decision.decisionId(), HexFormat.of().parseHex(decision.contentDigest()), tag);
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
        MessageDigest md = Sha256.newDigest();
        HexFormat hex = HexFormat.of();
        long[] distinctAndConflicts = {0, 0};
        List<String> named = new ArrayList<>();
        DecisionIdSort.Entry[] standingEntry = {null};
        entries.forEachSorted(e -> {
            DecisionIdSort.Entry first = standingEntry[0];
            if (first != null && first.id().equals(e.id())) {
                if (!Arrays.equals(first.content(), e.content())) {
                    distinctAndConflicts[1]++;
                    if (named.size() < MAX_CONFLICTS_NAMED) named.add(e.id());
                }
                return;
            }
            standingEntry[0] = e;
            distinctAndConflicts[0]++;
            md.update(e.id().getBytes(StandardCharsets.UTF_8));
            md.update((byte) ':');
            md.update(hex.formatHex(e.content()).getBytes(StandardCharsets.US_ASCII));
            md.update((byte) '\n');
            standing.accept(e.tag());
        });
        return new Summary(
                entries.added(),
                distinctAndConflicts[0],
                distinctAndConflicts[1],
                List.copyOf(named),
                Sha256.toHex(md.digest()));
    }

    /** Removes the chunk files, if any. */
    @Override
    public void close() {
        entries.close();
    }
}
