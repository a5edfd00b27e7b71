package dev.fraudplatform.app;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fraudplatform.core.cases.CaseAction;
import dev.fraudplatform.core.cases.CaseState;
import dev.fraudplatform.core.cases.CaseStore;
import dev.fraudplatform.core.cases.CaseSummary;
import dev.fraudplatform.core.cases.CaseTrigger;
import dev.fraudplatform.core.cases.Disposition;
import dev.fraudplatform.core.cases.QueuePage;
import dev.fraudplatform.core.cases.QueueQuery;
import dev.fraudplatform.core.decision.Decision;
import dev.fraudplatform.core.decision.DecisionAction;
import dev.fraudplatform.core.decision.DegradeMode;
import dev.fraudplatform.core.json.CanonicalJson;
import dev.fraudplatform.core.json.Json;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.function.Supplier;

/**
 * {@code fp bench cases}: Case Management's store at scale, through its port, on a scratch database beside the
 * platform's (dropped afterwards unless kept). Seeds {@code cases} accounts with 1-3 REVIEW/STEP_UP decisions each
 * (so about {@code cases} cases and twice as many decisions) and their transactions and a login each in the casework
 * activity projection; times the attach (batches of 500, shuffled, so most batches both open and attach); works a
 * share of the cases (assign, in progress, dispose and close) through {@code act}; ANALYZEs; then times queue pages
 * (first, deep, filtered) and the case page's reads, p50/p95/p99 over {@value #SAMPLES} samples each.
 *
 * <p>Goals (issue 14): a page p95 at most 200 ms at 100,000 cases; case creation faster than the decision loop's
 * maximum rate (about 3,000 decisions/s, of which REVIEW and STEP_UP are a fraction).
 */
public final class CasesBench {
    static final int SAMPLES = 200;
    static final int BATCH = 500;
    static final int INVESTIGATORS = 20;
    static final double LOOP_DECISIONS_PER_SECOND = 3_000;

    private CasesBench() {}

    public static int run(int accounts, long seed, boolean keep) throws Exception {
        PlatformConfig cfg = PlatformConfig.fromEnvironment();
        String name = "fp_bench_cases";
        AdminStores stores = AdminStores.openScratch(cfg, name, 4);
        try {
            return bench(stores, accounts, seed);
        } finally {
            if (keep) {
                stores.keepScratch();
                System.out.println("bench cases: kept database " + name);
            }
            stores.close();
        }
    }

    /**
     * What {@link #seed} made: the run, every case of it (as the queue lists them, before they were worked), and the
     * random source the timings go on with.
     */
    record Seeded(String run, List<CaseSummary> all, Random rnd) {}

    private static int bench(AdminStores stores, int accounts, long seed) throws Exception {
        CaseStore cases = stores.cases();
        Seeded seeded = seed(stores, accounts, seed);
        String run = seeded.run();
        List<CaseSummary> all = seeded.all();
        Random rnd = seeded.rnd();

        // --- pages
        Instant medianOpened =
                all.stream().map(CaseSummary::openedAt).sorted().toList().get(all.size() / 2);
        time("queue first page, priority", () -> cases.queue(page(run, QueueQuery.Sort.PRIORITY, null)));
        time("queue first page, age", () -> cases.queue(page(run, QueueQuery.Sort.AGE, null)));
        time("queue first page, updated", () -> cases.queue(page(run, QueueQuery.Sort.UPDATED, null)));
        for (QueueQuery.Sort sort : QueueQuery.Sort.values()) {
            String cursor = null;
            for (int i = 0; i < 50; i++)
                cursor = cases.queue(page(run, sort, cursor)).next();
            String deep = cursor;
            time("queue page 51, " + sort.name().toLowerCase(Locale.ROOT), () -> cases.queue(page(run, sort, deep)));
        }
        time(
                "filter owner (1 of " + INVESTIGATORS + "), priority",
                () -> cases.queue(new QueueQuery(
                        run,
                        Set.of(),
                        0,
                        "inv-" + rnd.nextInt(INVESTIGATORS),
                        null,
                        QueueQuery.Sort.PRIORITY,
                        null,
                        50)));
        time(
                "filter unassigned, priority",
                () -> cases.queue(new QueueQuery(run, Set.of(), 0, "", null, QueueQuery.Sort.PRIORITY, null, 50)));
        time(
                "filter state IN_PROGRESS, updated",
                () -> cases.queue(new QueueQuery(
                        run, Set.of(CaseState.IN_PROGRESS), 0, null, null, QueueQuery.Sort.UPDATED, null, 50)));
        time(
                "filter state CLOSED, age",
                () -> cases.queue(
                        new QueueQuery(run, Set.of(CaseState.CLOSED), 0, null, null, QueueQuery.Sort.AGE, null, 50)));
        time(
                "filter min priority 80, priority",
                () -> cases.queue(new QueueQuery(run, Set.of(), 80, null, null, QueueQuery.Sort.PRIORITY, null, 50)));
        time(
                "filter opened before the median, age",
                () -> cases.queue(new QueueQuery(run, Set.of(), 0, null, medianOpened, QueueQuery.Sort.AGE, null, 50)));
        time("case page (find, decisions, timeline)", () -> {
            CaseSummary c = all.get(rnd.nextInt(all.size()));
            cases.find(c.caseId());
            cases.decisions(c.caseId());
            return cases.timeline(c.caseId());
        });
        return 0;
    }

    /**
     * Seeds the scratch database: {@code accounts} accounts with their decisions attached (timed), the activity
     * projection's rows, a share of the cases worked (timed); then VACUUM ANALYZE. {@code fp bench console} seeds
     * with it too.
     */
    static Seeded seed(AdminStores stores, int accounts, long seed) throws Exception {
        CaseStore cases = stores.cases();
        Random rnd = new Random(seed);
        String run = "bench-cases-" + seed;
        Instant t0 = Instant.parse("2026-01-01T00:00:00Z");

        // --- seeding: the decisions and the activity projection's rows for their accounts
        List<CaseTrigger> triggers = new ArrayList<>();
        List<Object[]> activity = new ArrayList<>();
        int event = 0;
        for (int a = 0; a < accounts; a++) {
            String account = String.format(Locale.ROOT, "acct-%07d", a);
            int decisions = 1 + rnd.nextInt(3);
            for (int k = 0; k < decisions; k++) {
                String eventId = String.format(Locale.ROOT, "evt-%09d", event);
                String txnId = String.format(Locale.ROOT, "t%010d", event);
                event++;
                Instant at = t0.plusSeconds(rnd.nextInt(30 * 86_400));
                long amount = 100 + (long) Math.exp(rnd.nextDouble() * 13);
                DecisionAction action = rnd.nextInt(3) == 0 ? DecisionAction.STEP_UP : DecisionAction.REVIEW;
                double score = Math.round(rnd.nextDouble() * 1e6) / 1e6;
                triggers.add(new CaseTrigger(
                        run,
                        Decision.idFor("txn.authorization", eventId),
                        eventId,
                        account,
                        action,
                        score,
                        amount,
                        at,
                        decisionJson(run, eventId, account, at, action, score, amount, rnd)));
                activity.add(new Object[] {
                    eventId,
                    "txn.authorization",
                    account,
                    at,
                    txnId,
                    "card-" + a,
                    "dev-" + (a / 2),
                    "ip-" + (a / 3),
                    "merch-" + rnd.nextInt(500),
                    amount
                });
            }
            activity.add(new Object[] {
                "ctx-" + a,
                "ctx.login",
                account,
                t0.plusSeconds(rnd.nextInt(30 * 86_400)),
                null,
                null,
                "dev-" + (a / 2),
                "ip-" + (a / 3),
                null,
                null
            });
        }
        Collections.shuffle(triggers, rnd);
        long s0 = System.nanoTime();
        seedActivity(stores.adminJdbcUrl(), run, activity);
        System.out.printf(
                Locale.ROOT,
                "bench cases: %,d accounts, %,d decisions, %,d activity rows seeded in %.1f s%n",
                accounts,
                triggers.size(),
                activity.size(),
                (System.nanoTime() - s0) / 1e9);

        // --- attach throughput
        long[] batchNanos = new long[(triggers.size() + BATCH - 1) / BATCH];
        long a0 = System.nanoTime();
        for (int i = 0, b = 0; i < triggers.size(); i += BATCH, b++) {
            long bt = System.nanoTime();
            cases.attach(triggers.subList(i, Math.min(triggers.size(), i + BATCH)));
            batchNanos[b] = System.nanoTime() - bt;
        }
        double attachSeconds = (System.nanoTime() - a0) / 1e9;
        double rate = triggers.size() / attachSeconds;
        System.out.printf(
                Locale.ROOT,
                "attach: %,d triggers in %.1f s = %,.0f triggers/s (batches of %d: p50 %.1f ms, p95 %.1f ms, p99 %.1f ms); "
                        + "%.1fx the loop's maximum of %,.0f decisions/s even if every decision called for a case%n",
                triggers.size(),
                attachSeconds,
                rate,
                BATCH,
                pct(batchNanos, 0.50),
                pct(batchNanos, 0.95),
                pct(batchNanos, 0.99),
                rate / LOOP_DECISIONS_PER_SECOND,
                LOOP_DECISIONS_PER_SECOND);
        System.out.println("counts: " + cases.countsForRun(run));

        // --- work a share of the cases: 20% assigned, half of those in progress, 3% disposed and closed
        List<CaseSummary> all = new ArrayList<>();
        String after = null;
        do {
            QueuePage p = cases.queue(new QueueQuery(run, Set.of(), 0, null, null, QueueQuery.Sort.AGE, after, 200));
            all.addAll(p.cases());
            after = p.next();
        } while (after != null);
        Collections.shuffle(all, rnd);
        int assigned = all.size() / 5, closed = all.size() * 3 / 100;
        long w0 = System.nanoTime();
        int acts = 0;
        for (int i = 0; i < assigned; i++) {
            CaseSummary c = all.get(i);
            c = cases.act(c.caseId(), c.version(), new CaseAction.Assign("inv-" + rnd.nextInt(INVESTIGATORS)), "lead");
            acts++;
            if (i % 2 == 0) {
                cases.act(c.caseId(), c.version(), new CaseAction.SetState(CaseState.IN_PROGRESS), c.owner());
                acts++;
            }
        }
        for (int i = assigned; i < assigned + closed; i++) {
            CaseSummary c = all.get(i);
            c = cases.act(c.caseId(), c.version(), new CaseAction.Dispose(Disposition.LEGITIMATE, "bench"), "inv-0");
            cases.act(c.caseId(), c.version(), new CaseAction.Close(), "inv-0");
            acts += 2;
        }
        double actSeconds = (System.nanoTime() - w0) / 1e9;
        System.out.printf(
                Locale.ROOT, "act: %,d actions in %.1f s = %,.0f actions/s%n", acts, actSeconds, acts / actSeconds);

        try (Connection c = DriverManager.getConnection(stores.adminJdbcUrl());
                Statement st = c.createStatement()) {
            st.execute(
                    "VACUUM ANALYZE casework.cases, casework.case_decisions, casework.case_timeline, casework.activity");
        }
        return new Seeded(run, all, rnd);
    }

    private static QueueQuery page(String run, QueueQuery.Sort sort, String after) {
        return new QueueQuery(run, Set.of(), 0, null, null, sort, after, 50);
    }

    private static void time(String what, Supplier<?> call) {
        for (int i = 0; i < 20; i++) call.get();
        long[] nanos = new long[SAMPLES];
        for (int i = 0; i < SAMPLES; i++) {
            long t = System.nanoTime();
            call.get();
            nanos[i] = System.nanoTime() - t;
        }
        System.out.printf(
                Locale.ROOT,
                "%-45s p50 %6.2f ms  p95 %6.2f ms  p99 %6.2f ms%n",
                what,
                pct(nanos, 0.50),
                pct(nanos, 0.95),
                pct(nanos, 0.99));
    }

    /** The {@code q} quantile of {@code nanos}, in milliseconds (nearest rank). */
    static double pct(long[] nanos, double q) {
        long[] s = nanos.clone();
        Arrays.sort(s);
        return s[Math.max(0, (int) Math.ceil(q * s.length) - 1)] / 1e6;
    }

    private static String decisionJson(
            String run,
            String eventId,
            String account,
            Instant at,
            DecisionAction action,
            double score,
            long amount,
            Random rnd) {
        ObjectNode f = Json.MAPPER.createObjectNode();
        f.put("amount_minor", amount);
        for (String p : List.of("", "card_", "merchant_", "device_", "ip_")) {
            f.put(p + "txn_count_1h", rnd.nextInt(20));
            f.put(p + "amount_sum_1h", rnd.nextInt(1_000_000));
            f.put(p + "txn_count_24h", rnd.nextInt(80));
            f.put(p + "amount_sum_24h", rnd.nextInt(5_000_000));
            f.put(p + "amount_zscore", Math.round(rnd.nextGaussian() * 1e4) / 1e4);
        }
        f.put("new_device", rnd.nextInt(2));
        f.put("geo_velocity_kmh", Math.round(rnd.nextDouble() * 9000) / 10.0);
        Decision d = new Decision(
                Decision.idFor("txn.authorization", eventId),
                eventId,
                run,
                account,
                at.toString(),
                action,
                score,
                List.of("amount_zscore", "new_device", "velocity_1h"),
                "bundle-bench",
                DegradeMode.FULL,
                "complete",
                "sha256:" + Integer.toHexString(rnd.nextInt()),
                f);
        return CanonicalJson.string(d.toJson());
    }

    private static void seedActivity(String adminJdbcUrl, String run, List<Object[]> rows) throws Exception {
        String sql = "INSERT INTO casework.activity (platform_run_id, event_id, event_class, account_id, event_time, "
                + "txn_id, card_id, device_id, ip, merchant_id, amount_minor, payload) "
                + "SELECT ?, e, k, a, to_timestamp(t / 1000.0), x, c, d, i, m, amt, '{}' FROM unnest(?::text[], "
                + "?::text[], ?::text[], ?::bigint[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::bigint[]) "
                + "AS r(e, k, a, t, x, c, d, i, m, amt)";
        try (Connection c = DriverManager.getConnection(adminJdbcUrl);
                PreparedStatement ps = c.prepareStatement(sql)) {
            for (int from = 0; from < rows.size(); from += 10_000) {
                List<Object[]> chunk = rows.subList(from, Math.min(rows.size(), from + 10_000));
                ps.setString(1, run);
                for (int col = 0; col < 10; col++) {
                    Object[] values = new Object[chunk.size()];
                    for (int r = 0; r < chunk.size(); r++) {
                        Object v = chunk.get(r)[col];
                        values[r] = v instanceof Instant t ? (Object) t.toEpochMilli() : v;
                    }
                    String type = col == 3 || col == 9 ? "bigint" : "text";
                    ps.setArray(col + 2, c.createArrayOf(type, values));
                }
                ps.executeUpdate();
            }
        }
    }
}
