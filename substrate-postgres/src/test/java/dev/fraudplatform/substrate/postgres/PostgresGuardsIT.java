package dev.fraudplatform.substrate.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fraudplatform.core.bus.OutboundRecord;
import dev.fraudplatform.core.ingress.BusCoordinates;
import dev.fraudplatform.core.ingress.DedupeTuple;
import dev.fraudplatform.core.ingress.ReceiptOutcome;
import dev.fraudplatform.core.ingress.ReceiptStore;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What guards the evidence inside PostgreSQL, below the ports (their promises are in the testkit's contracts): the
 * append-only tables refuse change even to their owner, and the platform's own role cannot switch that off.
 */
class PostgresGuardsIT {
    @RegisterExtension
    static final FreshDatabase DATABASE = new FreshDatabase();

    @Test
    void appendOnlyTablesRefuseUpdateAndDelete() throws SQLException {
        PostgresReceiptStore store = new PostgresReceiptStore(DATABASE.db().dataSource());
        DedupeTuple t = new DedupeTuple("run-c", "txn.authorization", "e1");
        ReceiptStore.Claim claim = store.claim(
                List.of(new ReceiptStore.Candidate(
                        0, t, "sha256:aa", new OutboundRecord("fp.traffic", "acct-1", new byte[] {1}, 1L, Map.of()))),
                Map.of());
        store.recordAdmitted(claim.pending(), List.of(new BusCoordinates("fp.traffic", 0, 0)), 0);
        // The platform's own role may not even try; the schema's owner is stopped by the triggers.
        try (Connection app = DATABASE.db().dataSource().getConnection();
                Connection owner = DriverManager.getConnection(DATABASE.db().adminJdbcUrl())) {
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
    void anOutboxRecordWaitsOnlyUntilItIsPublishedWhileItsClaimStays() throws SQLException {
        PostgresReceiptStore store = new PostgresReceiptStore(DATABASE.db().dataSource());
        DedupeTuple first = new DedupeTuple("run-q", "txn.authorization", "q1");
        DedupeTuple second = new DedupeTuple("run-q", "txn.authorization", "q2");
        DedupeTuple third = new DedupeTuple("run-q", "txn.authorization", "q3");
        ReceiptStore.Claim claim = store.claim(
                List.of(
                        candidate(0, first, new byte[] {1, 2}),
                        candidate(1, second, new byte[] {3}),
                        candidate(2, third, new byte[] {4})),
                Map.of());
        assertThat(claim.pending()).extracting(p -> p.tuple().eventId()).containsExactly("q1", "q2", "q3");
        assertThat(queued("run-q")).isEqualTo(3);
        assertThat(store.unpublished())
                .extracting(p -> p.record().value()[0])
                .containsExactly((byte) 1, (byte) 3, (byte) 4);

        // The relay publishes the first: its record goes with the receipt; the others still wait, whole.
        store.recordAdmitted(claim.pending().subList(0, 1), List.of(new BusCoordinates("fp.traffic", 0, 0)), 0);
        assertThat(queued("run-q")).isEqualTo(2);
        assertThat(store.unpublished())
                .extracting(
                        p -> p.tuple().eventId(),
                        p -> p.record().key(),
                        p -> p.record().value().length)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("q2", "acct-1", 1),
                        org.assertj.core.groups.Tuple.tuple("q3", "acct-1", 1));
        store.recordAdmitted(claim.pending().subList(1, 2), List.of(new BusCoordinates("fp.traffic", 0, 1)), 1);
        assertThat(queued("run-q")).isEqualTo(1);

        // The claim is still the dedupe index: the same event again is a duplicate, not a second admission.
        ReceiptStore.Claim again = store.claim(List.of(candidate(0, first, new byte[] {1, 2})), Map.of());
        assertThat(again.pending()).isEmpty();
        assertThat(again.settled().get(0).outcome()).isEqualTo(ReceiptOutcome.DUPLICATE);

        // A claim not yet published whose record is gone is named, never skipped as if it had been published.
        try (Connection owner = DriverManager.getConnection(DATABASE.db().adminJdbcUrl());
                Statement s = owner.createStatement()) {
            s.executeUpdate("DELETE FROM ingress.outbox_records WHERE seq = "
                    + claim.pending().get(2).outboxSeq());
        }
        assertThatThrownBy(store::unpublished)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("event q3 of run run-q cannot be recovered");
    }

    private static ReceiptStore.Candidate candidate(int index, DedupeTuple t, byte[] value) {
        return new ReceiptStore.Candidate(
                index, t, "sha256:" + t.eventId(), new OutboundRecord("fp.traffic", "acct-1", value, 1L, Map.of()));
    }

    /** Outbox records of the run's claims still waiting to be published. */
    private static long queued(String run) throws SQLException {
        try (Connection c = DATABASE.db().dataSource().getConnection();
                Statement s = c.createStatement();
                var rs = s.executeQuery("SELECT count(*) FROM ingress.outbox_records r JOIN ingress.outbox o "
                        + "ON o.seq = r.seq WHERE o.platform_run_id = '" + run + "'")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void thePlatformsOwnConnectionsCannotSwitchTheGuardsOff() throws SQLException {
        try (Connection c = DATABASE.db().dataSource().getConnection();
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
        try (Connection c = DriverManager.getConnection(DATABASE.db().adminJdbcUrl());
                Statement s = c.createStatement()) {
            s.execute("BEGIN");
            s.execute("ALTER TABLE ingress.receipts DISABLE TRIGGER append_only");
            s.execute("ROLLBACK");
        }
    }
}
