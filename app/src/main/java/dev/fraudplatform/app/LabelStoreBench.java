package dev.fraudplatform.app;

import dev.fraudplatform.core.labels.LabelAssertion;
import dev.fraudplatform.core.labels.LabelSource;
import dev.fraudplatform.core.labels.LabelStore;
import dev.fraudplatform.core.labels.LabelSubject;
import dev.fraudplatform.core.labels.LabelValue;
import dev.fraudplatform.substrate.postgres.EmbeddedPostgresServer;
import dev.fraudplatform.substrate.postgres.PostgresDatabase;
import dev.fraudplatform.substrate.postgres.PostgresLabelStore;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;

/**
 * {@code fp bench labels}: as-of lookup latency of the PostgreSQL Label Store at scale. Loads {@code N} assertions
 * about {@code N/3} transactions (seeded, so every run loads the same rows) into a fresh embedded PostgreSQL of its
 * own under {@code $FP_HOME/bench} (with COPY, the table's key and indexes built after the load), analyses the table,
 * then times 100,000 random {@link LabelStore#asOf} lookups
 * through the port (after 10,000 to warm up) and {@link LabelStore#effectiveIn} over one day, and removes the server.
 *
 * <p>The assertions arrive as labels do, in no order of subject: subject random, effective time spread over 90 days,
 * observed 1 to 60 days later, sources random (mostly chargebacks and customer reports, a few investigators).
 */
public final class LabelStoreBench {
    private static final String RUN = "bench-labels";
    private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");
    private static final long DAY_MS = 86_400_000L;
    private static final int LOOKUPS = 100_000;
    private static final int WARM_UP = 10_000;

    private LabelStoreBench() {}

    public static int run(long assertions, long seed) throws Exception {
        PlatformConfig cfg = PlatformConfig.fromEnvironment();
        Path dir = cfg.home().resolve("bench").resolve("labels-" + System.currentTimeMillis());
        long subjects = Math.max(1, assertions / 3);
        try (EmbeddedPostgresServer pg =
                        EmbeddedPostgresServer.start(dir.resolve("data"), EmbeddedWiring.pgBinaries(cfg));
                PostgresDatabase db = PostgresDatabase.open(pg.jdbcUrl(), 4)) {
            PostgresLabelStore store = new PostgresLabelStore(db.dataSource());
            System.out.printf(
                    Locale.ROOT,
                    "bench labels: %,d assertions about %,d transactions, fresh embedded PostgreSQL in %s%n",
                    assertions,
                    subjects,
                    dir);
            long t0 = System.nanoTime();
            List<String> indexes = new ArrayList<>();
            // As a bulk import would: the table's key and indexes are taken off for the load and built again after
            // it, from their own definitions (the database is the bench's own), so the lookups use exactly V8's
            // indexes.
            try (Connection admin = DriverManager.getConnection(pg.jdbcUrl());
                    Statement s = admin.createStatement()) {
                try (ResultSet rs = s.executeQuery("SELECT indexname, indexdef FROM pg_indexes"
                        + " WHERE schemaname = 'casework' AND tablename = 'label_assertions'"
                        + " AND indexname <> 'label_assertions_pkey' ORDER BY indexname")) {
                    while (rs.next()) indexes.add(rs.getString(2));
                }
                s.execute("ALTER TABLE casework.label_assertions DROP CONSTRAINT label_assertions_pkey");
                s.execute("DROP INDEX casework.label_assertions_as_of, casework.label_assertions_effective");
            }
            long loaded = store.bulkLoad(generate(assertions, subjects, seed));
            double loadS = (System.nanoTime() - t0) / 1e9;
            System.out.printf(Locale.ROOT, "  loaded %,d in %.1f s (%,.0f/s, COPY)%n", loaded, loadS, loaded / loadS);
            long t1 = System.nanoTime();
            try (Connection admin = DriverManager.getConnection(pg.jdbcUrl());
                    Statement s = admin.createStatement()) {
                s.execute("SET maintenance_work_mem = '1GB'");
                s.execute("ALTER TABLE casework.label_assertions ADD PRIMARY KEY (platform_run_id, assertion_id)");
                for (String index : indexes) s.execute(index);
                s.execute("VACUUM ANALYZE casework.label_assertions");
            }
            System.out.printf(
                    Locale.ROOT,
                    "  key, %d indexes and VACUUM ANALYZE in %.1f s%n",
                    indexes.size(),
                    (System.nanoTime() - t1) / 1e9);

            SplittableRandom r = new SplittableRandom(seed + 1);
            long span = 150 * DAY_MS;
            for (int i = 0; i < WARM_UP; i++) lookup(store, r, subjects, span);
            long[] nanos = new long[LOOKUPS];
            int found = 0;
            long t2 = System.nanoTime();
            for (int i = 0; i < LOOKUPS; i++) {
                long a = System.nanoTime();
                if (lookup(store, r, subjects, span)) found++;
                nanos[i] = System.nanoTime() - a;
            }
            double lookupS = (System.nanoTime() - t2) / 1e9;
            Arrays.sort(nanos);
            System.out.printf(
                    Locale.ROOT,
                    "  asOf: %,d lookups in %.1f s (%,.0f/s, one thread), %,d with a label; p50 %.3f ms, p95 %.3f ms, "
                            + "p99 %.3f ms, max %.3f ms%n",
                    LOOKUPS,
                    lookupS,
                    LOOKUPS / lookupS,
                    found,
                    ms(nanos, 0.50),
                    ms(nanos, 0.95),
                    ms(nanos, 0.99),
                    nanos[nanos.length - 1] / 1e6);

            Instant from = START.plusMillis(45 * DAY_MS);
            Instant asOf = START.plusMillis(span);
            for (int i = 0; i < 3; i++) {
                long a = System.nanoTime();
                int n = store.effectiveIn(RUN, from, from.plusMillis(DAY_MS), asOf)
                        .size();
                System.out.printf(
                        Locale.ROOT,
                        "  effectiveIn one day (%s), as of %s: %,d labels in %.1f ms%n",
                        from,
                        asOf,
                        n,
                        (System.nanoTime() - a) / 1e6);
            }
        } finally {
            WorkDirectories.deleteTree(dir);
        }
        return 0;
    }

    private static boolean lookup(LabelStore store, SplittableRandom r, long subjects, long span) {
        LabelSubject s = LabelSubject.transaction(txn(r.nextLong(subjects)));
        return store.asOf(RUN, s, START.plusMillis(r.nextLong(span))).isPresent();
    }

    private static double ms(long[] sorted, double q) {
        return sorted[(int) Math.min(sorted.length - 1, Math.floor(q * sorted.length))] / 1e6;
    }

    private static String txn(long i) {
        return String.format(Locale.ROOT, "t%010d", i);
    }

    /** The assertions, made as they are loaded. */
    private static Iterator<LabelAssertion> generate(long n, long subjects, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        LabelSource[] sources = {
            LabelSource.ISSUER_CHARGEBACK,
            LabelSource.ISSUER_CHARGEBACK,
            LabelSource.CUSTOMER,
            LabelSource.CUSTOMER,
            LabelSource.COLLECTIONS,
            LabelSource.ISSUER,
            LabelSource.INVESTIGATOR
        };
        return new Iterator<>() {
            private long i;

            @Override
            public boolean hasNext() {
                return i < n;
            }

            @Override
            public LabelAssertion next() {
                if (i >= n) throw new NoSuchElementException();
                long k = i++;
                long subject = r.nextLong(subjects);
                LabelSource source = sources[r.nextInt(sources.length)];
                Instant effective = START.plusMillis(r.nextLong(90 * DAY_MS));
                Instant observed = effective.plusMillis(DAY_MS + r.nextLong(59 * DAY_MS));
                boolean investigator = source == LabelSource.INVESTIGATOR;
                return new LabelAssertion(
                        RUN,
                        investigator ? "case:c" + k + ":1:" + txn(subject) : "ev:l" + k,
                        LabelSubject.transaction(txn(subject)),
                        String.format(Locale.ROOT, "acct-%07d", subject % 1_000_000),
                        null,
                        r.nextInt(10) < 8 ? LabelValue.FRAUD : LabelValue.LEGITIMATE,
                        null,
                        source,
                        investigator ? "DISPOSITION" : "CHARGEBACK",
                        investigator ? null : "10.4",
                        effective,
                        observed,
                        null,
                        investigator ? "case:c" + k : "event:l" + k,
                        investigator ? "analyst-1" : null,
                        investigator ? null : "l" + k,
                        1_000L + r.nextInt(100_000));
            }
        };
    }
}
