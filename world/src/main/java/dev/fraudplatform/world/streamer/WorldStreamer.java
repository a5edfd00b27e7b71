package dev.fraudplatform.world.streamer;

import dev.fraudplatform.core.envelope.Envelope;
import dev.fraudplatform.core.envelope.Times;
import dev.fraudplatform.core.ingress.BackpressureException;
import dev.fraudplatform.core.ingress.IngressPort;
import dev.fraudplatform.core.ingress.Receipt;
import dev.fraudplatform.core.store.ObjectStore;
import dev.fraudplatform.world.WorldReader;
import dev.fraudplatform.world.WorldRow;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongConsumer;

/**
 * The World Streamer Producer: replays a sealed world's stream views, in event-time order, as envelopes of a run,
 * into the Ingestion Gate. It knows the gate only as the {@link IngressPort} it is handed (the gate in process, or
 * an HTTP client of it): the wiring chooses.
 *
 * <p>Events are spread over {@code lanes} by partition key; each lane sends its batches in order, one at a time,
 * so every account's events reach the gate in event-time order while lanes run in parallel. Lanes take work from
 * bounded queues: when the gate slows down, the reader blocks (backpressure, never an unbounded buffer).
 */
public final class WorldStreamer {
    private final ObjectStore store;
    private final IngressPort gate;
    private final int batchSize;
    private final int lanes;
    private final double rate;
    private final AtomicLong backpressured = new AtomicLong();
    private final AtomicLong resentUnanswered = new AtomicLong();
    /** First merge index of every batch built but not yet receipted: the checkpoint is the smallest. */
    private final java.util.concurrent.ConcurrentSkipListSet<Long> outstanding =
            new java.util.concurrent.ConcurrentSkipListSet<>();

    private final java.util.Map<List<WorldRow>, Long> firstIndex =
            java.util.Collections.synchronizedMap(new java.util.IdentityHashMap<>());

    private java.nio.file.Path checkpoint;
    private double speedup;

    /**
     * Resumable streaming: the position (events of the merged stream that have their receipts, counted from the
     * start) is written to {@code file} every half second and at the end; a stream started with a checkpoint skips
     * that many events. Killed at any moment, a restarted stream leaves no gap; the few events between the last
     * checkpoint and the kill are sent again and come back DUPLICATE.
     */
    public WorldStreamer withCheckpoint(java.nio.file.Path file) {
        this.checkpoint = file;
        return this;
    }

    private java.util.function.ToIntFunction<String> shardOf = String::hashCode;

    /**
     * Lanes by shard rather than by key: an event goes to lane {@code shardOf(partition key) mod lanes}. Given the bus
     * partition of a key, every partition is then fed by one lane alone, in event-time order, which lets the decision
     * loop's projections derive exact event-time watermarks from it.
     */
    public WorldStreamer withShards(java.util.function.ToIntFunction<String> shardOf) {
        this.shardOf = shardOf;
        return this;
    }

    /** Paces by event time: {@code x} seconds of event time per second of wall time (0: off). */
    public WorldStreamer withSpeedup(double x) {
        if (x < 0) throw new IllegalArgumentException("speedup must not be negative");
        this.speedup = x;
        return this;
    }

    private java.util.function.Predicate<WorldRow> filter = row -> true;
    private java.util.function.UnaryOperator<WorldRow> rewrite = java.util.function.UnaryOperator.identity();

    /**
     * Sends only the rows {@code keep} accepts (drills: a sample to resend, context to drop); the others are read and
     * passed over, and still count as positions of the merged stream for the checkpoint.
     */
    public WorldStreamer withFilter(java.util.function.Predicate<WorldRow> keep) {
        this.filter = keep;
        return this;
    }

    private java.util.function.Predicate<WorldRow> echo = row -> false;

    private java.util.function.IntConsumer laneDone = lane -> {};

    /**
     * Called on a lane's thread once every batch of that lane has its receipts and nothing more will be sent in it
     * (not called for a stream that failed); the stream returns only after every call has returned.
     */
    public WorldStreamer withLaneDone(java.util.function.IntConsumer done) {
        this.laneDone = done;
        return this;
    }

    /**
     * Sends the rows {@code twice} accepts a second time, right after the first, in the same lane (drills: duplicates
     * as a producer's retry makes them, in order); each copy counts as sent.
     */
    public WorldStreamer withEcho(java.util.function.Predicate<WorldRow> twice) {
        this.echo = twice;
        return this;
    }

    /** Sends each row as {@code rewrite} returns it (drills: altered payloads under the same ids). */
    public WorldStreamer withRewrite(java.util.function.UnaryOperator<WorldRow> rewrite) {
        this.rewrite = rewrite;
        return this;
    }

    /**
     * What a stream sent and what came back.
     *
     * @param resentUnanswered events sent again after an attempt whose answer was lost (the gate may hold receipts of
     *                         that attempt too: a receipt per input, and an unanswered attempt was an input)
     */
    public record Stats(
            long sent,
            Map<String, Long> receiptsByOutcome,
            long startedAtMillis,
            long finishedAtMillis,
            long resentUnanswered) {}

    /**
     * @param rate events per second to offer, or 0 for as fast as the gate accepts; when paced, partial batches are
     *             flushed every 20 ms so pacing does not turn into batching delay
     */
    public WorldStreamer(ObjectStore store, IngressPort gate, int batchSize, int lanes, double rate) {
        if (batchSize < 1 || lanes < 1) throw new IllegalArgumentException("batchSize and lanes must be positive");
        if (rate < 0) throw new IllegalArgumentException("rate must not be negative");
        this.rate = rate;
        this.store = store;
        this.gate = gate;
        this.batchSize = batchSize;
        this.lanes = lanes;
    }

    /**
     * Streams the whole world as run {@code runId}; blocks until every event has its receipt.
     *
     * @param progress called with the number of events receipted so far (from lane threads)
     */
    public Stats stream(String worldId, String runId, LongConsumer progress) throws InterruptedException {
        long started = System.currentTimeMillis();
        List<BlockingQueue<List<WorldRow>>> queues = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        Map<String, Long> outcomes = new TreeMap<>();
        AtomicLong receipted = new AtomicLong();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<WorldRow> poison = List.of();
        for (int l = 0; l < lanes; l++) {
            BlockingQueue<List<WorldRow>> q = new ArrayBlockingQueue<>(4);
            queues.add(q);
            int lane = l;
            Thread t = new Thread(
                    () -> {
                        org.slf4j.MDC.put("platform_run_id", runId); // a lane's log lines name the run it streams
                        try {
                            while (true) {
                                List<WorldRow> batch = q.take();
                                if (batch == poison) {
                                    if (failure.get() == null) laneDone.accept(lane);
                                    return;
                                }
                                if (failure.get() != null) continue; // drain without sending once something failed
                                long first = firstIndex.get(batch);
                                List<Receipt> receipts = submitWithBackoff(toEnvelopes(batch, runId));
                                if (receipts.size() != batch.size()) {
                                    throw new IllegalStateException("gate answered " + receipts.size()
                                            + " receipts for " + batch.size() + " events");
                                }
                                synchronized (outcomes) {
                                    for (Receipt r : receipts) {
                                        String k = r.reason() == null
                                                ? r.outcome().name()
                                                : r.outcome() + "/" + r.reason();
                                        outcomes.merge(k, 1L, Long::sum);
                                    }
                                }
                                outstanding.remove(first);
                                firstIndex.remove(batch);
                                progress.accept(receipted.addAndGet(receipts.size()));
                            }
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        } catch (Throwable e) {
                            failure.compareAndSet(null, e);
                            // keep taking until the poison pill so the reader never blocks on a dead lane
                            try {
                                while (q.take() != poison) {
                                    /* discard */
                                }
                            } catch (InterruptedException ie) {
                                Thread.currentThread().interrupt();
                            }
                        }
                    },
                    "wsp-lane-" + l);
            t.setDaemon(true);
            t.start();
            threads.add(t);
        }
        long sent = 0;
        long position = readCheckpoint(worldId, runId);
        long skipped = 0;
        long passedOver = 0;
        long echoed = 0;
        List<List<WorldRow>> pending = new ArrayList<>();
        for (int l = 0; l < lanes; l++) pending.add(new ArrayList<>(batchSize));
        long t0 = System.nanoTime();
        long lastFlush = t0;
        long firstEventTime = -1;
        long lastCheckpoint = System.nanoTime();
        try (WorldReader reader = new WorldReader(store, worldId, List.of())) {
            while (skipped < position && reader.hasNext()) {
                reader.next();
                skipped++;
            }
            while (reader.hasNext() && failure.get() == null) {
                if (checkpoint != null && System.nanoTime() - lastCheckpoint > 500_000_000L) {
                    writeCheckpoint(
                            worldId,
                            runId,
                            outstanding.isEmpty() ? skipped + sent - echoed + passedOver : outstanding.first());
                    lastCheckpoint = System.nanoTime();
                }
                if (rate > 0) {
                    long due = t0 + (long) (sent * 1e9 / rate);
                    long wait = due - System.nanoTime();
                    if (wait > 1_000_000L) Thread.sleep(wait / 1_000_000L);
                }
                WorldRow e = reader.next();
                if (!filter.test(e)) {
                    passedOver++;
                    continue;
                }
                e = rewrite.apply(e);
                if (speedup > 0) {
                    if (firstEventTime < 0) firstEventTime = e.eventTimeMillis();
                    long due = t0 + (long) ((e.eventTimeMillis() - firstEventTime) * 1e6 / speedup);
                    long wait = due - System.nanoTime();
                    if (wait > 1_000_000L) {
                        flushAll(queues, pending);
                        Thread.sleep(Math.min(wait / 1_000_000L, 60_000));
                    }
                }
                int lane = Math.floorMod(shardOf.applyAsInt(e.partitionKey()), lanes);
                List<WorldRow> b = pending.get(lane);
                if (b.isEmpty()) {
                    outstanding.add(skipped + sent - echoed + passedOver);
                    firstIndex.put(b, skipped + sent - echoed + passedOver);
                }
                b.add(e);
                sent++;
                if (echo.test(e)) {
                    b.add(e);
                    sent++;
                    echoed++;
                }
                if (b.size() >= batchSize) {
                    queues.get(lane).put(b);
                    pending.set(lane, new ArrayList<>(batchSize));
                }
                if (rate > 0 && System.nanoTime() - lastFlush > 20_000_000L) {
                    // Paced: hand partial batches over every 20 ms so pacing never turns into batching delay.
                    for (int l = 0; l < lanes; l++) {
                        if (!pending.get(l).isEmpty()) {
                            queues.get(l).put(pending.get(l));
                            pending.set(l, new ArrayList<>(batchSize));
                        }
                    }
                    lastFlush = System.nanoTime();
                }
            }
            for (int l = 0; l < lanes; l++) {
                if (!pending.get(l).isEmpty()) queues.get(l).put(pending.get(l));
            }
        } finally {
            for (BlockingQueue<List<WorldRow>> q : queues) q.put(poison);
            for (Thread t : threads) t.join();
        }
        if (failure.get() != null) {
            throw new IllegalStateException(
                    "streaming " + worldId + " failed: " + failure.get().getMessage(), failure.get());
        }
        if (checkpoint != null) writeCheckpoint(worldId, runId, skipped + sent - echoed + passedOver);
        return new Stats(sent, outcomes, started, System.currentTimeMillis(), resentUnanswered.get());
    }

    private void flushAll(List<BlockingQueue<List<WorldRow>>> queues, List<List<WorldRow>> pending)
            throws InterruptedException {
        for (int l = 0; l < queues.size(); l++) {
            if (!pending.get(l).isEmpty()) {
                queues.get(l).put(pending.get(l));
                pending.set(l, new ArrayList<>(batchSize));
            }
        }
    }

    /** The position to resume from: 0 without a checkpoint file; refuses a checkpoint of another world or run. */
    private long readCheckpoint(String worldId, String runId) {
        if (checkpoint == null || !java.nio.file.Files.exists(checkpoint)) return 0;
        try {
            com.fasterxml.jackson.databind.JsonNode n =
                    dev.fraudplatform.core.json.Json.MAPPER.readTree(checkpoint.toFile());
            if (!worldId.equals(n.path("world_id").asText())
                    || !runId.equals(n.path("platform_run_id").asText())) {
                throw new IllegalArgumentException("checkpoint " + checkpoint + " belongs to world "
                        + n.path("world_id").asText() + ", run "
                        + n.path("platform_run_id").asText() + "; not to " + worldId + ", " + runId);
            }
            return n.path("position").asLong();
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("checkpoint " + checkpoint + " is unreadable: " + e.getMessage());
        }
    }

    /** Writes the checkpoint atomically (a temp file moved into place), so a kill never leaves half a checkpoint. */
    private void writeCheckpoint(String worldId, String runId, long position) {
        try {
            com.fasterxml.jackson.databind.node.ObjectNode n =
                    dev.fraudplatform.core.json.Json.MAPPER.createObjectNode();
            n.put("world_id", worldId).put("platform_run_id", runId).put("position", position);
            java.nio.file.Path dir = checkpoint.toAbsolutePath().getParent();
            java.nio.file.Files.createDirectories(dir);
            java.nio.file.Path tmp = java.nio.file.Files.createTempFile(dir, ".checkpoint-", ".tmp");
            java.nio.file.Files.writeString(tmp, n.toString());
            java.nio.file.Files.move(
                    tmp,
                    checkpoint,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("writing checkpoint " + checkpoint, e);
        }
    }

    /**
     * Sends a batch; when the gate pushes back or cannot be reached, waits as long as it asks and sends the batch
     * again (safe: the gate deduplicates), for up to {@link #MAX_RETRY_MILLIS} in a row.
     */
    private List<Receipt> submitWithBackoff(List<byte[]> envelopes) throws InterruptedException {
        long since = System.currentTimeMillis();
        while (true) {
            try {
                return gate.submit(envelopes);
            } catch (BackpressureException e) {
                backpressured.incrementAndGet();
                if (e.unanswered()) resentUnanswered.addAndGet(envelopes.size());
                if (System.currentTimeMillis() - since > MAX_RETRY_MILLIS) {
                    throw new IllegalStateException(
                            "the gate kept refusing for " + MAX_RETRY_MILLIS / 1000 + " s: " + e.getMessage(), e);
                }
                Thread.sleep(Math.min(e.retryAfterMillis(), 30_000));
            }
        }
    }

    private static final long MAX_RETRY_MILLIS = 180_000;

    /** How often the gate pushed back (429 or 503) so far. */
    public long backpressureCount() {
        return backpressured.get();
    }

    private static List<byte[]> toEnvelopes(List<WorldRow> batch, String runId) {
        String emittedAt = Times.format(Instant.now());
        List<byte[]> out = new ArrayList<>(batch.size());
        for (WorldRow e : batch) {
            out.add(Envelope.canonicalBytes(
                    runId,
                    e.eventClass(),
                    e.eventId(),
                    e.schemaVersion(),
                    e.eventTimeText(),
                    emittedAt,
                    e.partitionKey(),
                    e.payloadJson()));
        }
        return out;
    }
}
