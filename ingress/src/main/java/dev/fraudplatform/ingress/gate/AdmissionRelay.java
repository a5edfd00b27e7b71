package dev.fraudplatform.ingress.gate;

import dev.fraudplatform.core.bus.AtomicPublisher;
import dev.fraudplatform.core.bus.OutboundRecord;
import dev.fraudplatform.core.ingress.BusCoordinates;
import dev.fraudplatform.core.ingress.Receipt;
import dev.fraudplatform.core.ingress.ReceiptOutcome;
import dev.fraudplatform.core.ingress.ReceiptStore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Admits claimed events to the bus exactly once, whatever crashes: a transactional outbox in the receipt store, and
 * a relay that publishes outbox records in bus transactions together with a marker. The relay is a two-stage
 * pipeline: one thread claims the next group while another publishes and receipts the ones claimed before, strictly
 * in claim order (recovery relies on receipts following outbox order); every group claimed while a publication was
 * under way goes into the next bus transaction together.
 *
 * <p>Per group of batches: (1) for each batch, {@link ReceiptStore#claim} commits the claims, the outbox records and
 * the receipts it can settle at once; (2) one bus transaction publishes every claimed record plus a marker naming each
 * record's outbox sequence and coordinates; (3) {@link ReceiptStore#recordAdmitted} appends the ADMITTED receipts with
 * those coordinates and the marker's offset. A crash:
 * <ul>
 *   <li>before (1) commits: nothing happened; the sender, which got no receipts, sends again;</li>
 *   <li>after (1), before (2) commits: the next relay's start aborts the open bus transaction (fencing), finds the
 *       outbox records without receipts and no marker for them, and publishes them once;</li>
 *   <li>after (2), before (3) commits: the marker is committed; the next relay finds it and writes the receipts from
 *       it, publishing nothing again;</li>
 * </ul>
 * A sender that retries in the meantime gets DUPLICATE (the claim stands): one ADMITTED receipt and one record on the
 * bus per event, always. One relay per receipt store (its transactional id fences any other).
 */
public final class AdmissionRelay implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AdmissionRelay.class);
    /** Records per bus transaction; keeps the marker (about 45 bytes a record) well under the bus's 1 MiB limit. */
    private static final int MAX_GROUP_RECORDS = 10_000;

    private record Work(
            List<ReceiptStore.Candidate> candidates,
            Map<Integer, Receipt> quarantined,
            CompletableFuture<Map<Integer, Receipt>> result) {}

    private final ReceiptStore store;
    private final AtomicPublisher publisher;
    private final BlockingQueue<Work> queue = new LinkedBlockingQueue<>();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final Thread claimer;
    private final Thread publisherThread;
    /** Claimed groups waiting for the bus, in claim order; small, so claims never run far ahead of publication. */
    private final BlockingQueue<ClaimedGroup> claimed = new java.util.concurrent.ArrayBlockingQueue<>(2);

    private record ClaimedGroup(List<Work> group, ReceiptStore.Claim claim, int[] base) {}

    private volatile boolean closed;

    private final AutoCloseable lease;

    /**
     * Takes the store's relay lease (waiting while another relay holds it), recovers whatever an earlier relay left
     * half done, then starts relaying.
     */
    public AdmissionRelay(ReceiptStore store, AtomicPublisher publisher) {
        this.store = store;
        this.publisher = publisher;
        this.lease = store.relayLease();
        try {
            recover();
        } catch (RuntimeException e) {
            release();
            throw e;
        }
        this.claimer = new Thread(this::claimLoop, "ig-admission-claimer");
        this.publisherThread = new Thread(this::publishLoop, "ig-admission-relay");
        claimer.setDaemon(true);
        publisherThread.setDaemon(true);
        claimer.start();
        publisherThread.start();
    }

    /** Claims, publishes and receipts one batch; the future completes with one receipt per input, by batch index. */
    public CompletableFuture<Map<Integer, Receipt>> submit(
            List<ReceiptStore.Candidate> candidates, Map<Integer, Receipt> quarantined) {
        CompletableFuture<Map<Integer, Receipt>> f = new CompletableFuture<>();
        Throwable failed = failure.get();
        if (failed != null || closed) {
            f.completeExceptionally(new IllegalStateException(
                    "admission relay stopped: " + (failed != null ? failed.getMessage() : "closed")));
            return f;
        }
        queue.add(new Work(candidates, quarantined, f));
        // The relay may have stopped between the check and the add: then nothing will take this batch.
        if (failure.get() != null || closed)
            failQueued(failure.get() != null ? failure.get() : new IllegalStateException("admission relay closed"));
        return f;
    }

    /** Batches waiting for the relay: a measure of how far the bus lags the gate. */
    public int backlog() {
        return queue.size();
    }

    /** Why the relay stopped, if it did; the gate then refuses traffic until restarted (and recovered). */
    public Throwable failure() {
        return failure.get();
    }

    private void recover() {
        List<ReceiptStore.Pending> pending = store.unpublished();
        if (pending.isEmpty()) return;
        List<AtomicPublisher.Marker> markers;
        try {
            markers = publisher.markersAfter(store.lastMarkerOffset());
        } catch (Exception e) {
            throw new IllegalStateException(
                    "cannot read publication markers to recover the outbox: " + e.getMessage(), e);
        }
        Map<Long, ReceiptStore.Pending> bySeq = new LinkedHashMap<>();
        for (ReceiptStore.Pending p : pending) bySeq.put(p.outboxSeq(), p);
        int fromMarkers = 0;
        for (AtomicPublisher.Marker m : markers) {
            List<ReceiptStore.Pending> published = new ArrayList<>();
            List<BusCoordinates> at = new ArrayList<>();
            for (Map.Entry<Long, BusCoordinates> e : m.coordinatesBySeq().entrySet()) {
                ReceiptStore.Pending p = bySeq.remove(e.getKey());
                if (p != null) {
                    published.add(p);
                    at.add(e.getValue());
                }
            }
            if (!published.isEmpty()) {
                store.recordAdmitted(published, at, m.markerOffset());
                fromMarkers += published.size();
            }
        }
        List<ReceiptStore.Pending> rest = new ArrayList<>(bySeq.values());
        for (int from = 0; from < rest.size(); from += MAX_GROUP_RECORDS) {
            publishAndRecord(rest.subList(from, Math.min(rest.size(), from + MAX_GROUP_RECORDS)));
        }
        LOG.warn(
                "admission relay recovered {} outbox records: {} were on the bus already (receipts written from their marker), {} published now",
                pending.size(),
                fromMarkers,
                rest.size());
    }

    private void claimLoop() {
        while (!closed && failure.get() == null) {
            List<Work> group = new ArrayList<>();
            try {
                Work first = queue.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) continue;
                group.add(first);
                int records = first.candidates().size();
                Work next;
                // Only this thread takes from the queue, so a peeked batch is the one polled next.
                while ((next = queue.peek()) != null
                        && records + next.candidates().size() <= MAX_GROUP_RECORDS) {
                    group.add(queue.poll());
                    records += next.candidates().size();
                }
                ClaimedGroup c = claim(group);
                if (c != null) {
                    try {
                        claimed.put(c);
                    } catch (InterruptedException e) {
                        // Closing: the claims are committed and a restarted relay publishes them; tell the senders now.
                        for (Work w : group)
                            w.result()
                                    .completeExceptionally(new IllegalStateException("admission relay closed; retry"));
                        throw e;
                    }
                    if (failure.get() != null) failClaimed(failure.get()); // the publisher stopped meanwhile
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Throwable e) {
                stop(e, group);
                return;
            }
        }
    }

    private void publishLoop() {
        while (!closed && failure.get() == null) {
            List<ClaimedGroup> ready = new ArrayList<>();
            try {
                ClaimedGroup c = claimed.poll(200, TimeUnit.MILLISECONDS);
                if (c == null) continue;
                ready.add(c);
                // Every group claimed while the last one was being published goes in one bus transaction, in claim
                // order: a publication costs the same round trips whatever its size, so small groups claimed back to
                // back must not each wait for the ones before them (at 100 single-event requests/s that wait was two
                // thirds of a receipt's 80-90 ms).
                int records = c.claim().pending().size();
                ClaimedGroup next;
                while ((next = claimed.peek()) != null
                        && records + next.claim().pending().size() <= MAX_GROUP_RECORDS) {
                    ready.add(claimed.poll());
                    records += next.claim().pending().size();
                }
                publish(ready);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Throwable e) {
                List<Work> holding = new ArrayList<>();
                for (ClaimedGroup g : ready) holding.addAll(g.group());
                stop(e, holding);
                return;
            }
        }
    }

    /** Stops the relay: fails what it holds and everything queued; a restarted gate recovers the outbox. */
    private void stop(Throwable e, List<Work> holding) {
        LOG.error("admission relay stopped: {}", e.toString(), e);
        failure.compareAndSet(null, e);
        for (Work w : holding) w.result().completeExceptionally(e);
        failClaimed(e);
        failQueued(e);
    }

    private void failClaimed(Throwable e) {
        ClaimedGroup c;
        while ((c = claimed.poll()) != null) for (Work w : c.group()) w.result().completeExceptionally(e);
    }

    private void failQueued(Throwable e) {
        Work w;
        while ((w = queue.poll()) != null) w.result().completeExceptionally(e);
    }

    /** Claims a group in one database transaction, its batches' inputs renumbered end to end; null if the claim failed. */
    private ClaimedGroup claim(List<Work> group) {
        List<ReceiptStore.Candidate> candidates = new ArrayList<>();
        Map<Integer, Receipt> quarantined = new HashMap<>();
        int[] base = new int[group.size() + 1];
        for (int w = 0; w < group.size(); w++) {
            Work work = group.get(w);
            int width = 0;
            for (ReceiptStore.Candidate c : work.candidates()) {
                candidates.add(new ReceiptStore.Candidate(base[w] + c.index(), c.tuple(), c.payloadHash(), c.record()));
                width = Math.max(width, c.index() + 1);
            }
            for (Map.Entry<Integer, Receipt> q : work.quarantined().entrySet()) {
                quarantined.put(base[w] + q.getKey(), q.getValue());
                width = Math.max(width, q.getKey() + 1);
            }
            base[w + 1] = base[w] + width;
        }
        try {
            return new ClaimedGroup(group, store.claim(candidates, quarantined), base);
        } catch (ReceiptStore.CommitOutcomeUnknownException e) {
            throw e; // the claims may stand: stop, so that a restarted relay's recovery finds them
        } catch (RuntimeException e) {
            for (Work w : group)
                w.result().completeExceptionally(e); // nothing was claimed; the senders may simply retry
            return null;
        }
    }

    /** Publishes and receipts claimed groups, in claim order, in one bus transaction; then answers their batches. */
    private void publish(List<ClaimedGroup> groups) {
        List<ReceiptStore.Pending> pending = new ArrayList<>();
        for (ClaimedGroup c : groups) pending.addAll(c.claim().pending());
        Map<Long, BusCoordinates> published = pending.isEmpty() ? Map.of() : publishAndRecord(pending);
        for (ClaimedGroup c : groups) answer(c, published);
    }

    /** Answers each batch of a published group with its receipts, by input index. */
    private void answer(ClaimedGroup c, Map<Long, BusCoordinates> published) {
        ReceiptStore.Claim claim = c.claim();
        int[] base = c.base();
        List<Work> group = c.group();
        List<Map<Integer, Receipt>> results = new ArrayList<>();
        for (int w = 0; w < group.size(); w++) results.add(new HashMap<>());
        for (Map.Entry<Integer, Receipt> e : claim.settled().entrySet()) {
            int w = owner(base, e.getKey());
            results.get(w).put(e.getKey() - base[w], e.getValue());
        }
        for (ReceiptStore.Pending p : claim.pending()) {
            int w = owner(base, p.index());
            results.get(w)
                    .put(
                            p.index() - base[w],
                            new Receipt(
                                    p.receiptId(),
                                    p.tuple(),
                                    ReceiptOutcome.ADMITTED,
                                    null,
                                    null,
                                    p.payloadHash(),
                                    published.get(p.outboxSeq()),
                                    p.receivedAt()));
        }
        for (int w = 0; w < group.size(); w++) group.get(w).result().complete(results.get(w));
    }

    /** The batch of the group that a renumbered input index belongs to. */
    private static int owner(int[] base, int index) {
        int w = java.util.Arrays.binarySearch(base, index);
        if (w < 0) w = -w - 2;
        while (w + 1 < base.length - 1 && base[w + 1] == index) w++; // skip batches with no inputs
        return w;
    }

    /** Publishes outbox records in one bus transaction, retrying a few times, then appends their receipts. */
    private Map<Long, BusCoordinates> publishAndRecord(List<ReceiptStore.Pending> pending) {
        List<OutboundRecord> records = new ArrayList<>(pending.size());
        List<Long> seqs = new ArrayList<>(pending.size());
        for (ReceiptStore.Pending p : pending) {
            records.add(p.record());
            seqs.add(p.outboxSeq());
        }
        AtomicPublisher.Published out = null;
        long backoff = 100;
        for (int attempt = 1; out == null; attempt++) {
            try {
                out = publisher.publish(records, seqs);
            } catch (Exception e) {
                if (attempt >= 5 || e instanceof AtomicPublisher.FencedException) {
                    throw new IllegalStateException(
                            "publishing " + records.size() + " admitted records failed " + attempt + " times: "
                                    + e.getMessage() + " (they stay in the outbox; a restarted gate publishes them)",
                            e);
                }
                LOG.warn("publish attempt {} failed ({}); retrying in {} ms", attempt, e.toString(), backoff);
                try {
                    Thread.sleep(backoff);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while retrying a publish", ie);
                }
                backoff = Math.min(backoff * 3, 5_000);
            }
        }
        store.recordAdmitted(pending, out.coordinates(), out.markerOffset());
        Map<Long, BusCoordinates> bySeq = new HashMap<>();
        for (int i = 0; i < pending.size(); i++)
            bySeq.put(pending.get(i).outboxSeq(), out.coordinates().get(i));
        return bySeq;
    }

    private void release() {
        try {
            lease.close();
        } catch (Exception e) {
            LOG.warn("releasing the relay lease: {}", e.toString());
        }
    }

    @Override
    public void close() {
        closed = true;
        claimer.interrupt();
        publisherThread.interrupt();
        try {
            claimer.join(10_000);
            publisherThread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        IllegalStateException closedError = new IllegalStateException("admission relay closed");
        failClaimed(closedError);
        failQueued(closedError);
        release();
    }
}
