package dev.fraudplatform.app;

import dev.fraudplatform.core.actions.EffectLedger;
import dev.fraudplatform.core.cases.AccountActivity;
import dev.fraudplatform.core.cases.CaseStore;
import dev.fraudplatform.core.cases.Investigators;
import dev.fraudplatform.core.ingress.ProducerKeys;
import dev.fraudplatform.core.ingress.QuarantineIndex;
import dev.fraudplatform.core.ingress.ReceiptStore;
import dev.fraudplatform.core.labels.LabelStore;
import dev.fraudplatform.core.registry.BundleRegistry;
import dev.fraudplatform.core.run.RunEvidence;
import dev.fraudplatform.core.run.RunRegistry;
import dev.fraudplatform.substrate.postgres.EmbeddedPostgresServer;
import dev.fraudplatform.substrate.postgres.PostgresAccountActivity;
import dev.fraudplatform.substrate.postgres.PostgresBundleRegistry;
import dev.fraudplatform.substrate.postgres.PostgresCaseStore;
import dev.fraudplatform.substrate.postgres.PostgresDatabase;
import dev.fraudplatform.substrate.postgres.PostgresEffectLedger;
import dev.fraudplatform.substrate.postgres.PostgresInvestigators;
import dev.fraudplatform.substrate.postgres.PostgresLabelStore;
import dev.fraudplatform.substrate.postgres.PostgresProducerKeys;
import dev.fraudplatform.substrate.postgres.PostgresQuarantineIndex;
import dev.fraudplatform.substrate.postgres.PostgresReceiptStore;
import dev.fraudplatform.substrate.postgres.PostgresRunEvidence;
import dev.fraudplatform.substrate.postgres.PostgresRunRegistry;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The platform's stores for an administrative command, behind their ports, on the platform database: the external
 * server of {@code FP_PG_URL}; else the embedded server of {@code $FP_HOME/pg} that a running platform process owns
 * (so commands work while {@code fp serve} or {@code fp ingress serve} runs); else an embedded server started for the
 * command and stopped after it. Migrations run as they do for the platform. The adapters are chosen here, as
 * {@link Wiring} chooses a platform process's.
 *
 * <p>Lifecycle: the caller of {@link #open} closes it, after its last use of the ports; closing gives the connections
 * back and stops the server it started, if any. The ports are the same objects on every call.
 */
public final class AdminStores implements AutoCloseable {
    private final EmbeddedPostgresServer server;
    private final PostgresDatabase db;
    private final PostgresRunRegistry runs;
    private final ProducerKeys producerKeys;
    private final QuarantineIndex quarantine;
    private final ReceiptStore receipts;
    private final RunEvidence evidence;
    private final LabelStore labels;
    private final AccountActivity activity;
    private final Investigators investigators;
    private final CaseStore cases;
    private final BundleRegistry bundleRegistry;
    private final EffectLedger ledger;
    /** For a scratch database: the stores of the platform database it was made beside, and its name to drop. */
    private AdminStores home;

    private String scratch;

    private AdminStores(EmbeddedPostgresServer server, PostgresDatabase db) {
        this.server = server;
        this.db = db;
        cases = new PostgresCaseStore(db.dataSource());
        runs = new PostgresRunRegistry(db.dataSource());
        producerKeys = new PostgresProducerKeys(db.dataSource());
        quarantine = new PostgresQuarantineIndex(db.dataSource());
        receipts = new PostgresReceiptStore(db.dataSource());
        evidence = new PostgresRunEvidence(db.dataSource());
        investigators = new PostgresInvestigators(db.dataSource());
        labels = new PostgresLabelStore(db.dataSource());
        activity = new PostgresAccountActivity(db.dataSource());
        bundleRegistry = new PostgresBundleRegistry(db.dataSource());
        ledger = new PostgresEffectLedger(db.dataSource());
    }

    public static AdminStores open(PlatformConfig config) {
        if (config.pgUrl() != null) return new AdminStores(null, PostgresDatabase.open(config.pgUrl(), 2));
        Path data = config.home().resolve("pg").resolve("data");
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
        while (true) {
            Optional<String> running = EmbeddedPostgresServer.attach(data);
            if (running.isPresent()) return new AdminStores(null, PostgresDatabase.open(running.get(), 2));
            EmbeddedPostgresServer pg;
            try {
                pg = EmbeddedPostgresServer.start(data, EmbeddedWiring.pgBinaries(config));
            } catch (EmbeddedPostgresServer.InUseException starting) {
                // A platform owns the server but it does not answer yet (starting, or reclaiming one left behind):
                // wait.
                if (System.nanoTime() > deadline) throw starting;
                try {
                    Thread.sleep(250);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw starting;
                }
                continue;
            }
            try {
                return new AdminStores(pg, PostgresDatabase.open(pg.jdbcUrl(), 2));
            } catch (RuntimeException e) {
                pg.close();
                throw e;
            }
        }
    }

    private static final Pattern DATABASE = Pattern.compile("(jdbc:postgresql://[^/]+/)([^?]*)(.*)");

    /**
     * A new, empty, migrated database named {@code name} on the platform database's server, for a bench that must
     * not touch the platform's data; closing drops it (and closes the platform database's stores).
     */
    public static AdminStores openScratch(PlatformConfig config, String name, int poolSize) {
        if (!name.matches("[a-z][a-z0-9_]{0,40}")) throw new IllegalArgumentException("not a database name: " + name);
        AdminStores home = open(config);
        try {
            Matcher m = DATABASE.matcher(home.db.adminJdbcUrl());
            if (!m.matches()) throw new IllegalStateException("cannot read the database of " + home.db.adminJdbcUrl());
            try (Connection c = DriverManager.getConnection(home.db.adminJdbcUrl());
                    Statement st = c.createStatement()) {
                st.execute("DROP DATABASE IF EXISTS " + name);
                st.execute("CREATE DATABASE " + name);
            }
            AdminStores out = new AdminStores(null, PostgresDatabase.open(m.group(1) + name + m.group(3), poolSize));
            out.home = home;
            out.scratch = name;
            return out;
        } catch (SQLException | RuntimeException e) {
            home.close();
            throw new IllegalStateException("scratch database " + name + ": " + e.getMessage(), e);
        }
    }

    /** Keeps a scratch database when closed (to inspect it after a bench). */
    public void keepScratch() {
        if (home != null) {
            home.close();
            home = null;
        }
    }

    /** The administrator's JDBC URL of this database (for a bench's seeding and ANALYZE). */
    public String adminJdbcUrl() {
        return db.adminJdbcUrl();
    }

    /** Case Management's store. */
    public CaseStore cases() {
        return cases;
    }

    public RunRegistry runs() {
        return runs;
    }

    public ProducerKeys producerKeys() {
        return producerKeys;
    }

    public QuarantineIndex quarantine() {
        return quarantine;
    }

    public ReceiptStore receipts() {
        return receipts;
    }

    /** What the stores can prove about a run (the run report's reads). */
    public RunEvidence evidence() {
        return evidence;
    }

    /** The investigator console's accounts and sessions. */
    public Investigators investigators() {
        return investigators;
    }

    /** The Model and Policy Registry's bundle states. */
    public BundleRegistry bundleRegistry() {
        return bundleRegistry;
    }

    /** The Label Store's assertions and rejections. */
    public LabelStore labelStore() {
        return labels;
    }

    /** The casework projection of admitted transactions and context events. */
    /** The Action Layer's effect ledger: read-only use here (counts of a run's decisions). */
    public EffectLedger ledger() {
        return ledger;
    }

    public AccountActivity accountActivity() {
        return activity;
    }

    @Override
    public void close() {
        try {
            runs.close();
            db.close();
        } finally {
            if (server != null) server.close();
            if (home != null) {
                try (Connection c = DriverManager.getConnection(home.db.adminJdbcUrl());
                        Statement st = c.createStatement()) {
                    st.execute("DROP DATABASE IF EXISTS " + scratch);
                } catch (SQLException e) {
                    System.err.println("could not drop scratch database " + scratch + ": " + e.getMessage());
                } finally {
                    home.close();
                }
            }
        }
    }
}
