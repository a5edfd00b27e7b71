package dev.fraudplatform.substrate.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fraudplatform.core.ingress.BusCoordinates;
import dev.fraudplatform.core.ingress.ReceiptStore;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A database an older build left, with events in its outbox that its relay had not published yet: the migration
 * that moves outbox records into {@code ingress.outbox_records} (V13) keeps those, drops the published ones'
 * records, and the relay of the new build publishes what was waiting, whole.
 */
class PostgresOutboxUpgradeIT {
    @Test
    void recordsTheOldRelayHadNotPublishedSurviveTheUpgradeAndThePublishedOnesGo() throws Exception {
        String url = TestDatabases.migratedTo("12");
        try (Connection c = DriverManager.getConnection(url);
                Statement s = c.createStatement()) {
            s.executeUpdate("INSERT INTO ingress.outbox (receipt_id, platform_run_id, event_class, event_id, "
                    + "payload_hash, topic, record_key, record_value, record_timestamp, record_headers, received_at) "
                    + "SELECT 'r' || i, 'run-u', 'txn.authorization', 'e' || i, 'sha256:' || i, 'fp.traffic', "
                    + "'acct-' || i, convert_to('envelope ' || i, 'UTF8'), i, '', now() "
                    + "FROM generate_series(1, 5) AS i");
            // the old relay published the first three
            s.executeUpdate("INSERT INTO ingress.relay_progress (marker_offset, max_outbox_seq) "
                    + "SELECT 7, max(seq) FROM ingress.outbox WHERE event_id IN ('e1', 'e2', 'e3')");
        }

        try (PostgresDatabase db = PostgresDatabase.open(url, 4)) {
            PostgresReceiptStore store = new PostgresReceiptStore(db.dataSource());
            List<ReceiptStore.Pending> waiting = store.unpublished();
            assertThat(waiting).extracting(p -> p.tuple().eventId()).containsExactly("e4", "e5");
            assertThat(waiting)
                    .extracting(
                            p -> p.record().topic(),
                            p -> p.record().key(),
                            p -> new String(p.record().value(), StandardCharsets.UTF_8),
                            p -> p.record().timestampMillis())
                    .containsExactly(
                            org.assertj.core.groups.Tuple.tuple("fp.traffic", "acct-4", "envelope 4", 4L),
                            org.assertj.core.groups.Tuple.tuple("fp.traffic", "acct-5", "envelope 5", 5L));
            assertThat(records(db)).containsExactly("e4", "e5");

            // The new relay publishes them: their records go, their claims stay
            List<BusCoordinates> at = new ArrayList<>();
            for (int i = 0; i < waiting.size(); i++) at.add(new BusCoordinates("fp.traffic", 0, 10 + i));
            store.recordAdmitted(waiting, at, 8);
            assertThat(store.unpublished()).isEmpty();
            assertThat(records(db)).isEmpty();
            assertThat(store.countsByOutcome("run-u")).containsEntry("ADMITTED", 2L);
            try (Connection c = db.dataSource().getConnection();
                    Statement s = c.createStatement();
                    ResultSet rs =
                            s.executeQuery("SELECT count(*) FROM ingress.outbox WHERE platform_run_id = 'run-u'")) {
                rs.next();
                assertThat(rs.getLong(1)).isEqualTo(5);
            }
        }
    }

    /** The event ids whose outbox records wait, in sequence order. */
    private static List<String> records(PostgresDatabase db) throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = db.dataSource().getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT o.event_id FROM ingress.outbox_records r "
                        + "JOIN ingress.outbox o ON o.seq = r.seq ORDER BY r.seq")) {
            while (rs.next()) out.add(rs.getString(1));
        }
        return out;
    }
}
