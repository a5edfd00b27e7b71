package dev.fraudplatform.substrate.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fraudplatform.core.actions.Effect;
import dev.fraudplatform.core.decision.DecisionAction;
import dev.fraudplatform.core.ingress.BusCoordinates;
import dev.fraudplatform.core.ingress.DedupeTuple;
import dev.fraudplatform.core.ingress.Receipt;
import dev.fraudplatform.core.ingress.ReceiptOutcome;
import dev.fraudplatform.core.ingress.ReceiptStore.Candidate;
import dev.fraudplatform.core.run.RunFacts;
import dev.fraudplatform.core.run.RunState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The PostgreSQL adapters on a real embedded server (zonky binaries, started as the app starts them). */
class PostgresStoresIT {
    static EmbeddedPostgresServer server;
    static PostgresDatabase db;

    @BeforeAll
    static void start() throws Exception {
        Path home = Files.createTempDirectory("fp-pg-it-");
        server = EmbeddedPostgresServer.start(home.resolve("pg"), Path.of("target", "pg-binaries").toAbsolutePath());
        db = PostgresDatabase.open(server.jdbcUrl(), 16);
    }

    @AfterAll
    static void stop() {
        if (db != null) db.close();
        if (server != null) server.close();
    }

    private static final AtomicLong OFFSETS = new AtomicLong();

    private static List<BusCoordinates> fakeBus(List<Candidate> claimed) {
        List<BusCoordinates> out = new ArrayList<>();
        for (Candidate ignored : claimed) out.add(new BusCoordinates("fp.traffic", 0, OFFSETS.getAndIncrement()));
        return out;
    }

    @Test
    void admitsOnceThenReceiptsDuplicatesAndIntegrityMismatches() {
        PostgresReceiptStore store = new PostgresReceiptStore(db.dataSource());
        DedupeTuple t = new DedupeTuple("run-a", "txn.authorization", "e1");
        Map<Integer, Receipt> first = store.admit(List.of(new Candidate(0, t, "sha256:aa")), Map.of(), PostgresStoresIT::fakeBus);
        assertThat(first.get(0).outcome()).isEqualTo(ReceiptOutcome.ADMITTED);
        assertThat(first.get(0).coordinates()).isNotNull();

        Map<Integer, Receipt> again = store.admit(List.of(
                new Candidate(0, t, "sha256:aa"),
                new Candidate(1, t, "sha256:bb")), Map.of(), PostgresStoresIT::fakeBus);
        assertThat(again.get(0).outcome()).isEqualTo(ReceiptOutcome.DUPLICATE);
        assertThat(again.get(1).outcome()).isEqualTo(ReceiptOutcome.QUARANTINED);
        assertThat(again.get(1).reason().name()).isEqualTo("INTEGRITY_MISMATCH");
        assertThat(again.get(1).detail()).contains("sha256:aa");

        assertThat(store.countsByOutcome("run-a")).containsEntry("ADMITTED", 1L).containsEntry("DUPLICATE", 1L)
                .containsEntry("QUARANTINED/INTEGRITY_MISMATCH", 1L);
    }

    @Test
    void aFailedPublishClaimsNothing() {
        PostgresReceiptStore store = new PostgresReceiptStore(db.dataSource());
        DedupeTuple t = new DedupeTuple("run-b", "txn.authorization", "e1");
        assertThatThrownBy(() -> store.admit(List.of(new Candidate(0, t, "sha256:aa")), Map.of(), claimed -> {
            throw new IllegalStateException("broker down");
        })).hasMessageContaining("broker down");
        assertThat(store.countsByOutcome("run-b")).isEmpty();
        Map<Integer, Receipt> retry = store.admit(List.of(new Candidate(0, t, "sha256:aa")), Map.of(), PostgresStoresIT::fakeBus);
        assertThat(retry.get(0).outcome()).isEqualTo(ReceiptOutcome.ADMITTED);
    }

    @Test
    void concurrentCopiesOfOneEventAreAdmittedExactlyOnce() throws Exception {
        PostgresReceiptStore store = new PostgresReceiptStore(db.dataSource());
        DedupeTuple t = new DedupeTuple("run-race", "txn.authorization", "same");
        int threads = 12;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch go = new CountDownLatch(1);
        try {
            List<Future<ReceiptOutcome>> outcomes = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                outcomes.add(pool.submit(() -> {
                    go.await();
                    return store.admit(List.of(new Candidate(0, t, "sha256:cc")), Map.of(), claimed -> {
                        Thread.sleep(20); // hold the claim open while others arrive
                        return fakeBus(claimed);
                    }).get(0).outcome();
                }));
            }
            go.countDown();
            long admitted = 0;
            for (Future<ReceiptOutcome> f : outcomes) if (f.get() == ReceiptOutcome.ADMITTED) admitted++;
            assertThat(admitted).isEqualTo(1);
            assertThat(store.countsByOutcome("run-race")).containsEntry("ADMITTED", 1L).containsEntry("DUPLICATE", (long) threads - 1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void appendOnlyTablesRefuseUpdateAndDelete() throws SQLException {
        PostgresReceiptStore store = new PostgresReceiptStore(db.dataSource());
        store.admit(List.of(new Candidate(0, new DedupeTuple("run-c", "txn.authorization", "e1"), "sha256:aa")),
                Map.of(), PostgresStoresIT::fakeBus);
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
            assertThatThrownBy(() -> s.executeUpdate("UPDATE ingress.receipts SET outcome = 'DUPLICATE' WHERE platform_run_id = 'run-c'"))
                    .hasMessageContaining("append-only");
            assertThatThrownBy(() -> s.executeUpdate("DELETE FROM ingress.dedupe_index WHERE platform_run_id = 'run-c'"))
                    .hasMessageContaining("append-only");
            assertThatThrownBy(() -> s.executeUpdate("TRUNCATE actions.effects")).hasMessageContaining("append-only");
        }
        assertThat(store.countsByOutcome("run-c")).containsEntry("ADMITTED", 1L);
    }

    @Test
    void effectLedgerAppliesEachDecisionOnce() {
        PostgresEffectLedger ledger = new PostgresEffectLedger(db.dataSource());
        long now = System.currentTimeMillis();
        Effect a = new Effect("dec-1", "run-d", "e1", DecisionAction.DECLINE, "BLOCK_TRANSACTION", now - 5, now);
        Effect b = new Effect("dec-2", "run-d", "e2", DecisionAction.APPROVE, "AUTHORISE", now - 5, now);
        assertThat(ledger.apply(List.of(a, b, a))).containsExactly(a, b);
        assertThat(ledger.apply(List.of(b, a))).isEmpty();
        assertThat(ledger.count("run-d")).isEqualTo(2);
        assertThat(ledger.countsByEffect("run-d")).containsEntry("AUTHORISE", 1L).containsEntry("BLOCK_TRANSACTION", 1L);
        PostgresEffectLedger.LatencySummary lat = ledger.latency("run-d");
        assertThat(lat.samples()).isEqualTo(2);
        assertThat(lat.p50Millis()).isBetween(4.0, 6.0);
    }

    @Test
    void runRegistryKeepsFactsAndTheLatestState() {
        PostgresRunRegistry runs = new PostgresRunRegistry(db.dataSource());
        RunFacts f = new RunFacts("run-e", "w-1", "fp", "rules-v1", "bd", "cd", "0.1.0", Instant.parse("2026-11-25T00:00:00Z"));
        runs.pin(f);
        assertThat(runs.state("run-e")).contains(RunState.PLANNED);
        runs.transition("run-e", RunState.READY, "gate passed");
        assertThat(runs.state("run-e")).contains(RunState.READY);
        assertThat(runs.facts("run-e")).contains(f);
        assertThat(runs.state("no-such-run")).isEmpty();
        assertThatThrownBy(() -> runs.pin(f)).isInstanceOf(IllegalStateException.class);
    }
}
