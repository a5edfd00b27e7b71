package dev.fraudplatform.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fraudplatform.core.bus.OutboundRecord;
import dev.fraudplatform.core.ingress.BusCoordinates;
import dev.fraudplatform.core.ingress.DedupeTuple;
import dev.fraudplatform.core.ingress.QuarantineReason;
import dev.fraudplatform.core.ingress.Receipt;
import dev.fraudplatform.core.ingress.ReceiptOutcome;
import dev.fraudplatform.core.ingress.ReceiptStore;
import dev.fraudplatform.core.ingress.ReceiptStore.Candidate;
import dev.fraudplatform.core.ingress.ReceiptStore.Claim;
import dev.fraudplatform.core.ingress.ReceiptStore.Pending;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link ReceiptStore} adapter promises; extend once per adapter with {@link #newReceiptStore()}.
 *
 * <p>The store's outbox and relay progress are global, not per run: each test here receipts everything it claims, so
 * tests sharing one storage leave no outbox record behind for the next. Storage shared with other suites must not be
 * used by a relay meanwhile.
 */
public abstract class ReceiptStoreContract {
    protected ReceiptStore store;
    /** A run id of its own per test, so adapters backed by a shared server need no cleaning. */
    protected String run;

    private static final AtomicLong OFFSETS = new AtomicLong(1_000_000);

    /** A receipt store over storage that no relay uses meanwhile (empty, or left so by earlier tests of this suite). */
    protected abstract ReceiptStore newReceiptStore() throws Exception;

    /**
     * Tries to change the stored receipts of {@code platformRunId} behind the port's back, as a rogue writer holding
     * the platform's own credentials would; must throw when the storage refuses it (append-only).
     */
    protected abstract void tryToRewriteReceipts(String platformRunId) throws Exception;

    @BeforeEach
    void open() throws Exception {
        store = newReceiptStore();
        run = "run-" + UUID.randomUUID();
    }

    protected Candidate candidate(int index, String eventId, String payloadHash) {
        DedupeTuple t = new DedupeTuple(run, "txn.authorization", eventId);
        return new Candidate(
                index,
                t,
                payloadHash,
                new OutboundRecord(
                        "fp.traffic",
                        "acct-" + index,
                        ("{\"event_id\":\"" + eventId + "\"}").getBytes(StandardCharsets.UTF_8),
                        1_772_409_600_000L,
                        Map.of("fp.admitted_at", "123")));
    }

    /** Receipts every pending claim as published at made-up coordinates; returns all receipts of the batch by index. */
    protected Map<Integer, Receipt> admit(Claim claim) {
        List<BusCoordinates> at = new ArrayList<>();
        for (Pending ignored : claim.pending()) at.add(new BusCoordinates("fp.traffic", 0, OFFSETS.getAndIncrement()));
        if (!claim.pending().isEmpty()) store.recordAdmitted(claim.pending(), at, OFFSETS.getAndIncrement());
        Map<Integer, Receipt> out = new HashMap<>(claim.settled());
        for (int i = 0; i < claim.pending().size(); i++) {
            Pending p = claim.pending().get(i);
            out.put(
                    p.index(),
                    new Receipt(
                            p.receiptId(),
                            p.tuple(),
                            ReceiptOutcome.ADMITTED,
                            null,
                            null,
                            p.payloadHash(),
                            at.get(i),
                            p.receivedAt()));
        }
        return out;
    }

    private Receipt quarantined(int index, String eventId) {
        return new Receipt(
                "rcpt-q-" + UUID.randomUUID(),
                new DedupeTuple(run, "txn.authorization", eventId),
                ReceiptOutcome.QUARANTINED,
                QuarantineReason.ENVELOPE_INVALID,
                "amount: must be a number",
                "sha256:q" + index,
                null,
                Instant.now());
    }

    @Test
    void everyInputOfABatchGetsExactlyOneReceipt() {
        List<Candidate> batch =
                List.of(candidate(0, "e1", "sha256:a"), candidate(2, "e1", "sha256:a"), candidate(3, "e2", "sha256:b"));
        Claim claim = store.claim(batch, Map.of(1, quarantined(1, "bad")));
        Set<Integer> pendingIndexes = new HashSet<>();
        for (Pending p : claim.pending()) pendingIndexes.add(p.index());
        assertThat(pendingIndexes).containsExactlyInAnyOrder(0, 3);
        assertThat(claim.settled()).containsOnlyKeys(1, 2);
        assertThat(claim.settled().get(2).outcome()).isEqualTo(ReceiptOutcome.DUPLICATE);
        assertThat(claim.settled().get(1).outcome()).isEqualTo(ReceiptOutcome.QUARANTINED);
        admit(claim);
        assertThat(store.countsByOutcome(run))
                .containsOnly(
                        Map.entry("ADMITTED", 2L),
                        Map.entry("DUPLICATE", 1L),
                        Map.entry("QUARANTINED/ENVELOPE_INVALID", 1L));
    }

    @Test
    void anEventIsAdmittedOnceAndItsCopiesAreDuplicatesOrIntegrityMismatches() {
        Map<Integer, Receipt> first = admit(store.claim(List.of(candidate(0, "e1", "sha256:aa")), Map.of()));
        assertThat(first.get(0).outcome()).isEqualTo(ReceiptOutcome.ADMITTED);

        Map<Integer, Receipt> again =
                admit(store.claim(List.of(candidate(0, "e1", "sha256:aa"), candidate(1, "e1", "sha256:bb")), Map.of()));
        assertThat(again.get(0).outcome()).isEqualTo(ReceiptOutcome.DUPLICATE);
        assertThat(again.get(0).coordinates()).isNull();
        assertThat(again.get(0).receiptId()).isNotEqualTo(first.get(0).receiptId());
        assertThat(again.get(1).outcome()).isEqualTo(ReceiptOutcome.QUARANTINED);
        assertThat(again.get(1).reason()).isEqualTo(QuarantineReason.INTEGRITY_MISMATCH);
        assertThat(again.get(1).detail())
                .as("names the admitted payload's hash")
                .contains("sha256:aa");

        assertThat(store.countsByOutcome(run))
                .containsOnly(
                        Map.entry("ADMITTED", 1L),
                        Map.entry("DUPLICATE", 1L),
                        Map.entry("QUARANTINED/INTEGRITY_MISMATCH", 1L));
        assertThat(store.admittedByEventClass(run)).containsOnly(Map.entry("txn.authorization", 1L));
    }

    @Test
    void aCopyOfAClaimNotYetReceiptedIsADuplicateToo() {
        Claim first = store.claim(List.of(candidate(0, "e1", "sha256:aa")), Map.of());
        Claim copy = store.claim(List.of(candidate(0, "e1", "sha256:aa")), Map.of());
        assertThat(copy.pending()).isEmpty();
        assertThat(copy.settled().get(0).outcome()).isEqualTo(ReceiptOutcome.DUPLICATE);
        admit(first);
    }

    @Test
    void aClaimWaitsInTheOutboxWithItsRecordUntilItsReceiptIsRecorded() {
        assertThat(store.unpublished()).isEmpty();
        Claim claim = store.claim(List.of(candidate(0, "e1", "sha256:aa")), Map.of());
        Pending claimed = claim.pending().get(0);

        // As a restarted relay sees it: the record, byte for byte, with its headers.
        assertThat(store.unpublished()).singleElement().satisfies(p -> {
            assertThat(p.outboxSeq()).isEqualTo(claimed.outboxSeq());
            assertThat(p.receiptId()).isEqualTo(claimed.receiptId());
            assertThat(p.tuple()).isEqualTo(claimed.tuple());
            assertThat(p.payloadHash()).isEqualTo("sha256:aa");
            assertThat(p.record().topic()).isEqualTo("fp.traffic");
            assertThat(p.record().key()).isEqualTo("acct-0");
            assertThat(p.record().value()).isEqualTo(claimed.record().value());
            assertThat(p.record().timestampMillis()).isEqualTo(1_772_409_600_000L);
            assertThat(p.record().headers()).containsEntry("fp.admitted_at", "123");
        });
        assertThat(store.countsByOutcome(run)).doesNotContainKey("ADMITTED");

        long marker = OFFSETS.getAndIncrement();
        store.recordAdmitted(claim.pending(), List.of(new BusCoordinates("fp.traffic", 2, 40)), marker);
        assertThat(store.unpublished()).isEmpty();
        assertThat(store.lastMarkerOffset()).isEqualTo(marker);
        assertThat(store.countsByOutcome(run)).containsOnly(Map.entry("ADMITTED", 1L));
    }

    @Test
    void theOutboxKeepsClaimOrder() {
        Claim claim = store.claim(
                List.of(candidate(0, "e1", "sha256:a"), candidate(1, "e2", "sha256:b"), candidate(2, "e3", "sha256:c")),
                Map.of());
        List<Pending> waiting = store.unpublished();
        assertThat(waiting).extracting(w -> w.tuple().eventId()).containsExactly("e1", "e2", "e3");
        assertThat(waiting).extracting(Pending::outboxSeq).isSorted();
        admit(claim);
    }

    @Test
    void progressIsKeptAcrossBusIncarnationsWhoseMarkerOffsetsRepeat() {
        // An embedded broker starts a new marker log with each process: marker offset 0 comes round again.
        for (String id : List.of("i1", "i2")) {
            Claim claim = store.claim(List.of(candidate(0, id, "sha256:aa")), Map.of());
            store.recordAdmitted(claim.pending(), List.of(new BusCoordinates("fp.traffic", 0, 0)), 0);
            assertThat(store.unpublished()).as("after " + id).isEmpty();
            assertThat(store.lastMarkerOffset()).isZero();
        }
        assertThat(store.countsByOutcome(run)).containsEntry("ADMITTED", 2L);
    }

    @Test
    void concurrentCopiesOfOneEventAreClaimedExactlyOnce() throws Exception {
        int threads = 12;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch go = new CountDownLatch(1);
        try {
            List<Future<Claim>> claims = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                claims.add(pool.submit(() -> {
                    go.await();
                    return store.claim(List.of(candidate(0, "same", "sha256:cc")), Map.of());
                }));
            }
            go.countDown();
            List<Claim> won = new ArrayList<>();
            long duplicates = 0;
            for (Future<Claim> f : claims) {
                Claim c = f.get(60, TimeUnit.SECONDS);
                if (!c.pending().isEmpty()) won.add(c);
                if (!c.settled().isEmpty() && c.settled().get(0).outcome() == ReceiptOutcome.DUPLICATE) duplicates++;
            }
            assertThat(won).hasSize(1);
            assertThat(duplicates).isEqualTo(threads - 1);
            admit(won.get(0));
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void appendedReceiptsCannotBeRewritten() {
        admit(store.claim(List.of(candidate(0, "e1", "sha256:aa")), Map.of()));
        assertThatThrownBy(() -> tryToRewriteReceipts(run)).isInstanceOf(Exception.class);
        assertThat(store.countsByOutcome(run)).containsOnly(Map.entry("ADMITTED", 1L));
    }

    @Test
    void oneRelayHoldsTheLeaseAtATime() throws Exception {
        AutoCloseable first = store.relayLease();
        CompletableFuture<AutoCloseable> second = CompletableFuture.supplyAsync(() -> store.relayLease());
        try {
            Thread.sleep(500);
            assertThat(second).as("waits while the first lease is held").isNotDone();
        } finally {
            first.close();
        }
        second.get(30, TimeUnit.SECONDS).close();
    }

    @Test
    void anUnknownRunHasNoReceipts() {
        assertThat(store.countsByOutcome(run)).isEmpty();
        assertThat(store.admittedByEventClass(run)).isEmpty();
    }
}
