package dev.fraudplatform.substrate.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fraudplatform.core.actions.Effect;
import dev.fraudplatform.core.bus.OutboundRecord;
import dev.fraudplatform.core.decision.DecisionAction;
import dev.fraudplatform.core.decision.DegradeMode;
import dev.fraudplatform.core.ingress.BusCoordinates;
import dev.fraudplatform.core.ingress.DedupeTuple;
import dev.fraudplatform.core.ingress.Receipt;
import dev.fraudplatform.core.ingress.ReceiptOutcome;
import dev.fraudplatform.core.ingress.ReceiptStore;
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
        server = EmbeddedPostgresServer.start(
                home.resolve("pg"), Path.of("target", "pg-binaries").toAbsolutePath());
        db = PostgresDatabase.open(server.jdbcUrl(), 16);
    }

    @AfterAll
    static void stop() {
        if (db != null) db.close();
        if (server != null) server.close();
    }

    private static final AtomicLong OFFSETS = new AtomicLong();

    private static Candidate candidate(int index, DedupeTuple t, String hash) {
        return new Candidate(
                index,
                t,
                hash,
                new OutboundRecord(
                        "fp.traffic",
                        "acct-1",
                        ("{\"id\":\"" + t.eventId() + "\"}").getBytes(),
                        1_772_409_600_000L,
                        Map.of("fp.admitted_at", "123")));
    }

    /** Claims, then records every claimed candidate as published at made-up coordinates; returns the receipts by index. */
    private static Map<Integer, Receipt> admit(PostgresReceiptStore store, List<Candidate> candidates) {
        ReceiptStore.Claim claim = store.claim(candidates, Map.of());
        List<BusCoordinates> at = new ArrayList<>();
        for (ReceiptStore.Pending ignored : claim.pending())
            at.add(new BusCoordinates("fp.traffic", 0, OFFSETS.getAndIncrement()));
        store.recordAdmitted(claim.pending(), at, OFFSETS.getAndIncrement());
        Map<Integer, Receipt> out = new java.util.HashMap<>(claim.settled());
        for (int i = 0; i < claim.pending().size(); i++) {
            ReceiptStore.Pending p = claim.pending().get(i);
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

    @Test
    void admitsOnceThenReceiptsDuplicatesAndIntegrityMismatches() {
        PostgresReceiptStore store = new PostgresReceiptStore(db.dataSource());
        DedupeTuple t = new DedupeTuple("run-a", "txn.authorization", "e1");
        Map<Integer, Receipt> first = admit(store, List.of(candidate(0, t, "sha256:aa")));
        assertThat(first.get(0).outcome()).isEqualTo(ReceiptOutcome.ADMITTED);
        assertThat(first.get(0).coordinates()).isNotNull();

        Map<Integer, Receipt> again = admit(store, List.of(candidate(0, t, "sha256:aa"), candidate(1, t, "sha256:bb")));
        assertThat(again.get(0).outcome()).isEqualTo(ReceiptOutcome.DUPLICATE);
        assertThat(again.get(1).outcome()).isEqualTo(ReceiptOutcome.QUARANTINED);
        assertThat(again.get(1).reason().name()).isEqualTo("INTEGRITY_MISMATCH");
        assertThat(again.get(1).detail()).contains("sha256:aa");

        assertThat(store.countsByOutcome("run-a"))
                .containsEntry("ADMITTED", 1L)
                .containsEntry("DUPLICATE", 1L)
                .containsEntry("QUARANTINED/INTEGRITY_MISMATCH", 1L);
    }

    @Test
    void aClaimWaitsInTheOutboxWithItsRecordUntilItsReceiptIsRecorded() {
        PostgresReceiptStore store = new PostgresReceiptStore(db.dataSource());
        assertThat(store.unpublished()).isEmpty();
        DedupeTuple t = new DedupeTuple("run-b", "txn.authorization", "e1");
        ReceiptStore.Claim claim =
                store.claim(List.of(candidate(0, t, "sha256:aa"), candidate(1, t, "sha256:aa")), Map.of());
        assertThat(claim.pending())
                .singleElement()
                .extracting(ReceiptStore.Pending::index)
                .isEqualTo(0);
        assertThat(claim.settled().get(1).outcome()).isEqualTo(ReceiptOutcome.DUPLICATE);

        // As a restarted relay sees it: the record, byte for byte, with its headers.
        List<ReceiptStore.Pending> waiting = store.unpublished();
        assertThat(waiting).singleElement().satisfies(p -> {
            assertThat(p.tuple()).isEqualTo(t);
            assertThat(p.record().value())
                    .isEqualTo(candidate(0, t, "x").record().value());
            assertThat(p.record().headers()).containsEntry("fp.admitted_at", "123");
            assertThat(p.outboxSeq()).isEqualTo(claim.pending().get(0).outboxSeq());
        });
        assertThat(store.countsByOutcome("run-b"))
                .containsEntry("DUPLICATE", 1L)
                .doesNotContainKey("ADMITTED");

        store.recordAdmitted(claim.pending(), List.of(new BusCoordinates("fp.traffic", 2, 40)), 9_000);
        assertThat(store.unpublished()).isEmpty();
        assertThat(store.lastMarkerOffset()).isGreaterThanOrEqualTo(9_000);
        assertThat(store.countsByOutcome("run-b")).containsEntry("ADMITTED", 1L);
    }

    @Test
    void progressIsKeptAcrossBusIncarnationsWhoseMarkerOffsetsRepeat() {
        PostgresReceiptStore store = new PostgresReceiptStore(db.dataSource());
        // An embedded broker starts a new marker log with each process: marker offset 0 comes round again.
        for (String id : List.of("i1", "i2")) {
            ReceiptStore.Claim claim = store.claim(
                    List.of(candidate(0, new DedupeTuple("run-incarnations", "txn.authorization", id), "sha256:aa")),
                    Map.of());
            store.recordAdmitted(claim.pending(), List.of(new BusCoordinates("fp.traffic", 0, 0)), 0);
            assertThat(store.unpublished()).as("after " + id).isEmpty();
            assertThat(store.lastMarkerOffset()).isZero();
        }
        assertThat(store.countsByOutcome("run-incarnations")).containsEntry("ADMITTED", 2L);
    }

    @Test
    void concurrentCopiesOfOneEventAreClaimedExactlyOnce() throws Exception {
        PostgresReceiptStore store = new PostgresReceiptStore(db.dataSource());
        DedupeTuple t = new DedupeTuple("run-race", "txn.authorization", "same");
        int threads = 12;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch go = new CountDownLatch(1);
        try {
            List<Future<ReceiptStore.Claim>> claims = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                claims.add(pool.submit(() -> {
                    go.await();
                    return store.claim(List.of(candidate(0, t, "sha256:cc")), Map.of());
                }));
            }
            go.countDown();
            long claimed = 0;
            long duplicates = 0;
            for (Future<ReceiptStore.Claim> f : claims) {
                ReceiptStore.Claim c = f.get();
                claimed += c.pending().size();
                if (!c.settled().isEmpty() && c.settled().get(0).outcome() == ReceiptOutcome.DUPLICATE) duplicates++;
            }
            assertThat(claimed).isEqualTo(1);
            assertThat(duplicates).isEqualTo(threads - 1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void appendOnlyTablesRefuseUpdateAndDelete() throws SQLException {
        PostgresReceiptStore store = new PostgresReceiptStore(db.dataSource());
        admit(store, List.of(candidate(0, new DedupeTuple("run-c", "txn.authorization", "e1"), "sha256:aa")));
        // The platform's own role may not even try; the schema's owner is stopped by the triggers.
        try (Connection app = db.dataSource().getConnection();
                Connection owner = java.sql.DriverManager.getConnection(db.adminJdbcUrl())) {
            for (Connection c : List.of(app, owner)) {
                String refusal = c == app ? "permission denied" : "append-only";
                try (Statement s = c.createStatement()) {
                    assertThatThrownBy(
                                    () -> s.executeUpdate(
                                            "UPDATE ingress.receipts SET outcome = 'DUPLICATE' WHERE platform_run_id = 'run-c'"))
                            .hasMessageContaining(refusal);
                    assertThatThrownBy(() ->
                                    s.executeUpdate("DELETE FROM ingress.relay_progress WHERE marker_offset >= 0"))
                            .hasMessageContaining(refusal);
                    assertThatThrownBy(
                                    () -> s.executeUpdate("DELETE FROM ingress.outbox WHERE platform_run_id = 'run-c'"))
                            .hasMessageContaining(refusal);
                    assertThatThrownBy(() -> s.executeUpdate("TRUNCATE actions.effects"))
                            .hasMessageContaining(refusal);
                }
            }
        }
        assertThat(store.countsByOutcome("run-c")).containsEntry("ADMITTED", 1L);
    }

    @Test
    void effectLedgerAppliesEachDecisionOnce() {
        PostgresEffectLedger ledger = new PostgresEffectLedger(db.dataSource());
        long now = System.currentTimeMillis();
        Effect a = new Effect(
                "dec-1", "run-d", "e1", DecisionAction.DECLINE, "BLOCK_TRANSACTION", now - 5, now, DegradeMode.FULL);
        Effect b = new Effect(
                "dec-2", "run-d", "e2", DecisionAction.APPROVE, "AUTHORISE", now - 5, now, DegradeMode.PARTIAL_CONTEXT);
        assertThat(ledger.apply(List.of(a, b, a))).containsExactly(a, b);
        assertThat(ledger.apply(List.of(b, a))).isEmpty();
        assertThat(ledger.count("run-d")).isEqualTo(2);
        assertThat(ledger.countsByEffect("run-d"))
                .containsEntry("AUTHORISE", 1L)
                .containsEntry("BLOCK_TRANSACTION", 1L);
        PostgresEffectLedger.LatencySummary lat = ledger.latency("run-d");
        assertThat(lat.samples()).isEqualTo(2);
        assertThat(lat.p50Millis()).isBetween(4.0, 6.0);
    }

    @Test
    void runRegistryKeepsFactsAndTheLatestState() {
        PostgresRunRegistry runs = new PostgresRunRegistry(db.dataSource());
        RunFacts f = new RunFacts(
                "run-e", "w-1", "fp", "rules-v1", "bd", "cd", "0.1.0", Instant.parse("2026-11-25T00:00:00Z"));
        runs.pin(f);
        assertThat(runs.state("run-e")).contains(RunState.PLANNED);
        runs.transition("run-e", RunState.READY, "gate passed");
        assertThat(runs.state("run-e")).contains(RunState.READY);
        assertThat(runs.facts("run-e")).contains(f);
        assertThat(runs.state("no-such-run")).isEmpty();
        assertThatThrownBy(() -> runs.pin(f)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void thePlatformsOwnConnectionsCannotSwitchTheGuardsOff() throws SQLException {
        try (Connection c = db.dataSource().getConnection();
                Statement s = c.createStatement()) {
            try (var rs = s.executeQuery("SELECT current_user, rolsuper FROM pg_roles WHERE rolname = current_user")) {
                rs.next();
                assertThat(rs.getString(1)).isEqualTo(PostgresDatabase.APP_ROLE);
                assertThat(rs.getBoolean(2)).isFalse();
            }
            assertThatThrownBy(() -> s.execute("SET session_replication_role = replica"))
                    .hasMessageContaining("permission denied");
            assertThatThrownBy(() -> s.execute("ALTER TABLE ingress.receipts DISABLE TRIGGER append_only"))
                    .hasMessageContaining("must be owner");
            assertThatThrownBy(() -> s.execute("DROP TRIGGER append_only ON actions.effects"))
                    .hasMessageContaining("must be owner");
            assertThatThrownBy(() -> s.execute("SET ROLE postgres")).hasMessageContaining("permission denied");
        }
        // while the administrator, who owns the schema, still can (that is who migrations run as)
        try (Connection c = java.sql.DriverManager.getConnection(db.adminJdbcUrl());
                Statement s = c.createStatement()) {
            s.execute("BEGIN");
            s.execute("ALTER TABLE ingress.receipts DISABLE TRIGGER append_only");
            s.execute("ROLLBACK");
        }
    }

    @Test
    void aRevokedKeyIsRefusedAtOnceAndStaysListed() {
        PostgresProducerKeys keys = new PostgresProducerKeys(db.dataSource());
        String key = keys.issue("revoke-me");
        String other = keys.issue("revoke-me");
        assertThat(keys.producerOf(key)).contains("revoke-me");
        String id = dev.fraudplatform.core.ingress.ProducerKeys.keyIdOf(dev.fraudplatform.core.json.Sha256.hex(key));
        var revoked = keys.revoke(id, "leaked in a log");
        assertThat(revoked.revokedAt()).isNotNull();
        assertThat(revoked.revokeReason()).isEqualTo("leaked in a log");
        assertThat(keys.producerOf(key)).isEmpty();
        assertThat(keys.producerOf(other)).contains("revoke-me");
        assertThat(keys.list())
                .filteredOn(k -> k.keyId().equals(id))
                .singleElement()
                .satisfies(k -> assertThat(k.revokedAt()).isNotNull());
        assertThatThrownBy(() -> keys.revoke(id, "again"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("already revoked");
        assertThatThrownBy(() -> keys.revoke("0000000000000", "none"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no key");
        assertThatThrownBy(() -> keys.revoke("'; DROP", "bad")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aRunWhoseOwnerIsGoneIsFailedAndOneWhoseOwnerLivesIsNot() throws SQLException {
        PostgresRunRegistry owner = new PostgresRunRegistry(db.dataSource());
        PostgresRunRegistry dead = new PostgresRunRegistry(db.dataSource());
        owner.pin(new RunFacts("run-alive", "w-1", "fp", "rules-v1", "bd", "cd", "0.1.0", Instant.now()));
        owner.transition("run-alive", RunState.STREAMING, "test");
        dead.pin(new RunFacts("run-dead", "w-1", "fp", "rules-v1", "bd", "cd", "0.1.0", Instant.now()));
        dead.allowProducer("run-dead", "wsp");
        dead.transition("run-dead", RunState.STREAMING, "test");
        // its owner's session ends, as when its process is killed: the server ends the backend that holds the lock
        try (Connection admin = java.sql.DriverManager.getConnection(db.adminJdbcUrl());
                Statement s = admin.createStatement();
                var rs = s.executeQuery(
                        "SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND objsubid = 2 "
                                + "AND objid = hashtext('run-dead')::oid")) {
            assertThat(rs.next()).as("the owner's lock is held by a session").isTrue();
            assertThat(rs.getBoolean(1)).isTrue();
        }

        PostgresRunRegistry sweeper = new PostgresRunRegistry(db.dataSource());
        assertThat(sweeper.failAbandoned("abandoned in a test"))
                .contains("run-dead")
                .doesNotContain("run-alive");
        assertThat(sweeper.state("run-dead")).contains(RunState.FAILED);
        assertThat(sweeper.history("run-dead"))
                .last()
                .satisfies(t -> assertThat(t.reason()).isEqualTo("abandoned in a test (it was STREAMING)"));
        assertThat(sweeper.state("run-alive")).contains(RunState.STREAMING);
        assertThat(sweeper.failAbandoned("again")).doesNotContain("run-dead", "run-alive");
        // an ended run stays ended: the owner that lost it cannot carry it on
        assertThatThrownBy(() -> sweeper.transition("run-dead", RunState.COMPLETED, "carried on"))
                .hasMessageContaining("has ended");
        assertThat(sweeper.producers("run-dead")).containsExactly("wsp");
        assertThat(sweeper.producers("run-alive")).isEmpty();
        // an owner that ends its run lets go of it
        owner.transition("run-alive", RunState.COMPLETED, "test");
        assertThat(sweeper.failAbandoned("after")).doesNotContain("run-alive");
        assertThat(sweeper.state("run-alive")).contains(RunState.COMPLETED);
        owner.close();
        sweeper.close();
    }
}
