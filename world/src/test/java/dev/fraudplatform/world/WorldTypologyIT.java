package dev.fraudplatform.world;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.fraudplatform.substrate.objectstore.FilesystemObjectStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Each typology appears in the truth at its configured rate and leaves the traces it promises in the stream views,
 * read straight from the Parquet files with DuckDB (not through the gate's code).
 */
class WorldTypologyIT {
    private static final int TXNS = 60_000;
    private static Connection db;
    private static WorldConfig config;

    @BeforeAll
    static void build() throws Exception {
        Path root = Files.createTempDirectory("fp-typology-it-");
        FilesystemObjectStore store = new FilesystemObjectStore(root);
        config = WorldConfig.defaults(77, TXNS)
                .withTypologyRate(Typology.CARD_TESTING, 0.004)
                .withTypologyRate(Typology.STOLEN_CARD_CNP, 0.003)
                .withTypologyRate(Typology.ACCOUNT_TAKEOVER, 0.003)
                .withTypologyRate(Typology.BUST_OUT, 0.003)
                .withTypologyRate(Typology.MERCHANT_COMPROMISE, 0.003)
                .withTypologyRate(Typology.FRIENDLY_FRAUD, 0.002);
        WorldBuilder.Result r = new WorldBuilder(store).build(config, WorldBuilder.Progress.NONE);
        assertThat(r.verdict().failedChecks()).isEmpty();
        Path w = root.resolve(WorldBuilder.prefix(r.worldId()));
        db = DriverManager.getConnection("jdbc:duckdb:");
        try (Statement s = db.createStatement()) {
            for (String[] v : new String[][] {
                {"txn", "txn.authorization"},
                {"login", "ctx.login"},
                {"three_ds", "ctx.three_ds"},
                {"profile", "ctx.profile_change"},
                {"label", "label.assertion"}
            }) {
                s.execute("CREATE VIEW " + v[0] + " AS SELECT * FROM read_parquet('" + w + "/views/" + v[1]
                        + "/*/*.parquet', hive_partitioning = false)");
            }
            s.execute("CREATE VIEW truth AS SELECT * FROM read_parquet('" + w
                    + "/truth/fraud/*/*.parquet', hive_partitioning = false)");
            s.execute("CREATE VIEW accounts AS SELECT * FROM read_parquet('" + w + "/entities/accounts.parquet')");
            s.execute("CREATE VIEW devices AS SELECT * FROM read_parquet('" + w + "/entities/devices.parquet')");
        }
    }

    @AfterAll
    static void close() throws Exception {
        db.close();
    }

    private static double scalar(String sql) throws Exception {
        try (Statement s = db.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getDouble(1);
        }
    }

    @Test
    void eachTypologyAppearsAtItsConfiguredRate() throws Exception {
        Map<Typology, Double> observed = new EnumMap<>(Typology.class);
        for (Typology t : Typology.values())
            observed.put(t, scalar("SELECT count(*) FROM truth WHERE typology = '" + t.key() + "'") / TXNS);
        for (Typology t : Typology.values()) {
            assertThat(observed.get(t))
                    .as(t.key())
                    .isCloseTo(config.rate(t), within(0.1 * config.rate(t) + 1.0 / TXNS));
        }
        assertThat(scalar("SELECT count(*) FROM txn")).isEqualTo(TXNS);
    }

    @Test
    void cardTestingIsBurstsOfSmallOnlineAuthorisationsFromDevicesSharedAcrossVictims() throws Exception {
        assertThat(
                        scalar(
                                "SELECT avg((t.amount_minor <= 500)::INT) FROM truth f JOIN txn t USING (event_id) WHERE typology = 'card_testing'"))
                .isGreaterThan(0.6);
        assertThat(
                        scalar(
                                "SELECT avg((t.channel = 'CNP')::INT) FROM truth f JOIN txn t USING (event_id) WHERE typology = 'card_testing'"))
                .isEqualTo(1.0);
        // Ring devices: used by more than one account.
        assertThat(scalar(
                        "SELECT avg((n > 1)::INT) FROM (SELECT t.device_id, (SELECT count(DISTINCT account_id) FROM txn x WHERE x.device_id = t.device_id) n "
                                + "FROM truth f JOIN txn t USING (event_id) WHERE typology = 'card_testing')"))
                .isGreaterThan(0.5);
    }

    @Test
    void stolenCardsComeFromDevicesTheAccountNeverHad() throws Exception {
        assertThat(scalar(
                        "SELECT avg((NOT EXISTS (SELECT 1 FROM devices d WHERE d.device_id = t.device_id AND d.account_id = t.account_id))::INT) "
                                + "FROM truth f JOIN txn t USING (event_id) WHERE typology = 'stolen_card_cnp'"))
                .isEqualTo(1.0);
        assertThat(scalar(
                        "SELECT avg((t.ip_country <> a.home_country)::INT) FROM truth f JOIN txn t USING (event_id) JOIN accounts a "
                                + "ON a.account_id = t.account_id WHERE typology = 'stolen_card_cnp'"))
                .isBetween(0.3, 0.7);
    }

    @Test
    void accountTakeoverFollowsAPasswordResetFromTheSameNewDevice() throws Exception {
        assertThat(scalar(
                        "SELECT avg((EXISTS (SELECT 1 FROM profile p WHERE p.account_id = t.account_id AND p.change = 'PASSWORD_RESET' "
                                + "AND p.device_id = t.device_id AND p.event_time_ms < t.event_time_ms))::INT) FROM truth f JOIN txn t USING (event_id) "
                                + "WHERE typology = 'account_takeover'"))
                .isEqualTo(1.0);
    }

    @Test
    void bustOutIsAnOldCreditAccountSpendingFromItsOwnDevice() throws Exception {
        assertThat(scalar("SELECT avg((a.product = 'CREDIT' AND a.opened_date <= '"
                        + config.startDate().minusDays(180) + "')::INT) "
                        + "FROM truth f JOIN accounts a USING (account_id) WHERE typology = 'bust_out'"))
                .isEqualTo(1.0);
        assertThat(
                        scalar(
                                "SELECT avg((EXISTS (SELECT 1 FROM devices d WHERE d.device_id = t.device_id AND d.account_id = t.account_id))::INT) "
                                        + "FROM truth f JOIN txn t USING (event_id) WHERE typology = 'bust_out' AND t.channel = 'CNP'"))
                .isEqualTo(1.0);
        assertThat(scalar("SELECT count(*) FROM truth WHERE typology = 'bust_out' AND NOT first_party"))
                .isZero();
    }

    @Test
    void merchantCompromiseVictimsWereSeenAtTheBreachedMerchantBefore() throws Exception {
        assertThat(scalar(
                        "SELECT avg((EXISTS (SELECT 1 FROM txn x WHERE x.card_id = t.card_id AND x.merchant_id = f.compromised_merchant_id "
                                + "AND x.channel = 'CP' AND x.event_time_ms < t.event_time_ms))::INT) FROM truth f JOIN txn t USING (event_id) "
                                + "WHERE typology = 'merchant_compromise'"))
                .isEqualTo(1.0);
        assertThat(scalar(
                        "SELECT count(*) FROM truth f JOIN txn t USING (event_id) WHERE typology = 'merchant_compromise' "
                                + "AND t.merchant_id = f.compromised_merchant_id"))
                .isZero();
    }

    @Test
    void friendlyFraudIsAlwaysDisputedAndLooksLikeTheCustomer() throws Exception {
        assertThat(scalar("SELECT avg((label_type = 'CHARGEBACK')::INT) FROM truth WHERE typology = 'friendly_fraud'"))
                .isEqualTo(1.0);
        assertThat(scalar(
                        "SELECT avg((EXISTS (SELECT 1 FROM devices d WHERE d.device_id = t.device_id AND d.account_id = t.account_id))::INT) "
                                + "FROM truth f JOIN txn t USING (event_id) WHERE typology = 'friendly_fraud'"))
                .isEqualTo(1.0);
    }

    @Test
    void labelsArriveLateWithinTheirWindowsAndSomeFraudIsNeverLabelled() throws Exception {
        String delay = "(l.event_time_ms - t.event_time_ms) / 86400000.0";
        assertThat(scalar("SELECT min(" + delay
                        + ") FROM label l JOIN txn t USING (txn_id) WHERE l.label_type = 'CHARGEBACK'"))
                .isGreaterThanOrEqualTo(5.0);
        assertThat(scalar("SELECT max(" + delay
                        + ") FROM label l JOIN txn t USING (txn_id) WHERE l.label_type = 'CHARGEBACK'"))
                .isLessThanOrEqualTo(120.0);
        assertThat(scalar("SELECT max(" + delay
                        + ") FROM label l JOIN txn t USING (txn_id) WHERE l.label_type = 'FRAUD_REPORT'"))
                .isLessThanOrEqualTo(5.0);
        assertThat(scalar("SELECT min(" + delay + ") FROM label l JOIN txn t USING (txn_id)"))
                .isPositive();
        assertThat(scalar("SELECT avg((label_type IS NULL)::INT) FROM truth WHERE typology <> 'friendly_fraud'"))
                .isBetween(0.08, 0.25);
        assertThat(scalar("SELECT count(DISTINCT reason_code) FROM label WHERE label_type = 'CHARGEBACK'"))
                .isGreaterThanOrEqualTo(3);
    }
}
