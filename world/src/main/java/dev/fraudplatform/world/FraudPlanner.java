package dev.fraudplatform.world;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Plans every fraud episode of a world before any day is generated, so that episodes may span days (a breach window,
 * then fraud weeks later; contact details changed days before a bust-out) while days are still generated
 * independently. Each typology gets exactly {@code round(rate * transactions)} fraud transactions: episodes are drawn
 * from (seed, typology, episode) until the count is reached, the last one cut short.
 *
 * <p>Each typology leaves traces in several signals, none of them unique to fraud:
 * <ul>
 *   <li>card testing: 2-6 authorisations of 1-3 pounds, 20-120 s apart, at online charities, digital goods or
 *       miscellaneous retail, from a device and IP that a ring reuses across its victims; sometimes a cash-out later;</li>
 *   <li>stolen card CNP: a new device, an IP abroad half the time, risky or electronics merchants, amounts one to
 *       four times the category's usual, 3-D Secure weak or failing;</li>
 *   <li>account takeover: failed logins, a password reset and often an email change to a throw-away domain from a new
 *       device, then transfers or purchases inside the hijacked session;</li>
 *   <li>bust-out: an old credit account changes its address or phone, then spends a large part of its limit in one to
 *       three days at electronics, jewellery, quasi-cash and gambling merchants, from its own device;</li>
 *   <li>merchant compromise: cards used at a breached merchant during its window are used days later online from new
 *       devices, or cloned at magstripe terminals abroad;</li>
 *   <li>friendly fraud: an ordinary purchase by the genuine customer, disputed later.</li>
 * </ul>
 */
final class FraudPlanner {
    private static final long KIND_PLAN = -100;
    /** Planned rows sort after a day's own episodes when time and position tie. */
    private static final long EPISODE_BASE = 1L << 40;

    /** A label to be emitted once its transaction has an id. */
    record PlannedLabel(GenRow txn, String labelType, String reasonCode, String source, long observedMs) {}

    /** The plan: rows per day, labels, and the number of fraud transactions per typology. */
    record Plan(List<List<GenRow>> rowsByDay, List<PlannedLabel> labels, long[] txnsByTypology) {
        int txnsOn(int day) {
            int n = 0;
            for (GenRow r : rowsByDay.get(day)) if (r.view == View.TXN) n++;
            return n;
        }
    }

    private final WorldConfig config;
    private final Population pop;
    private final double[] dayCdf;
    private final long startMs;
    private final long endMs;
    private final List<List<GenRow>> byDay = new ArrayList<>();
    private final List<PlannedLabel> labels = new ArrayList<>();
    private final long[] produced = new long[Typology.values().length];
    private final int[] quotas;
    private final int[] plannedTxns;
    private long episodeCounter;
    private List<Ring> rings;

    /** A card-testing ring: one device and IP used against many victims, at a few merchants. */
    private record Ring(String device, String ip, Catalog.City city, Population.Merchant[] merchants) {}

    FraudPlanner(WorldConfig config, Population population, int[] quotas) {
        this.config = config;
        this.pop = population;
        double[] w = new double[quotas.length];
        for (int i = 0; i < w.length; i++) w[i] = Math.max(quotas[i], 1e-9);
        this.dayCdf = Catalog.cdf(w);
        this.quotas = quotas;
        this.plannedTxns = new int[quotas.length];
        this.startMs = WorldBuilder.dayStartMillis(config, 0);
        this.endMs = WorldBuilder.dayStartMillis(config, config.days());
        for (int d = 0; d < config.days(); d++) byDay.add(new ArrayList<>());
    }

    Plan plan() {
        long n = config.transactions();
        for (Typology t : Typology.values()) {
            long target = Math.round(config.rate(t) * n);
            if (t == Typology.CARD_TESTING) rings = rings(Math.max(3, (int) (target / 40)));
            long guard = 20 * target + 100;
            for (long e = 0; produced[t.ordinal()] < target && e < guard; e++) {
                SplittableRandom r = WorldBuilder.rng(config.seed(), KIND_PLAN - t.ordinal(), e);
                episode(t, r, target - produced[t.ordinal()], EPISODE_BASE + episodeCounter++);
            }
        }
        return new Plan(byDay, labels, produced);
    }

    private void episode(Typology t, SplittableRandom r, long remaining, long ep) {
        switch (t) {
            case CARD_TESTING -> cardTesting(r, remaining, ep);
            case STOLEN_CARD_CNP -> stolenCard(r, remaining, ep);
            case ACCOUNT_TAKEOVER -> takeover(r, remaining, ep);
            case BUST_OUT -> bustOut(r, remaining, ep);
            case MERCHANT_COMPROMISE -> compromise(r, remaining, ep);
            case FRIENDLY_FRAUD -> friendly(r, ep);
        }
    }

    private void cardTesting(SplittableRandom r, long remaining, long ep) {
        Population.Account a = victim(r);
        String card = card(r, a);
        Ring ring = rings.get(r.nextInt(rings.size()));
        // One in four testers rotates to a fresh device for each card; the rest reuse the ring's.
        String device = r.nextDouble() < 0.25 ? Population.deviceId(r) : ring.device;
        String ip = r.nextDouble() < 0.3 ? Population.ip(r, ring.city.country()) : ring.ip;
        int probes = (int) Math.min(remaining, 2 + r.nextInt(5));
        long t = randomTime(r, true);
        List<GenRow> txns = new ArrayList<>();
        for (int i = 0; i < probes; i++) {
            Population.Merchant m = ring.merchants[r.nextInt(ring.merchants.length)];
            long amount = 100 + r.nextInt(3) * 50 + (r.nextDouble() < 0.5 ? 0 : r.nextInt(200));
            txns.add(fraudTxn(
                    Typology.CARD_TESTING, ep, t, i, a, card, m, amount, true, "ECOM", device, ip, ring.city, null, r));
            t += 20_000 + r.nextInt(100_000);
        }
        if (txns.size() < remaining && r.nextDouble() < 0.35) {
            Population.Merchant m =
                    r.nextBoolean() ? pop.merchantOfRisk(r, Catalog.Risk.HIGH) : pop.merchantOfMcc(r, "5732", "5816");
            t += 3_600_000L + r.nextInt(20 * 3_600_000);
            txns.add(fraudTxn(
                    Typology.CARD_TESTING,
                    ep,
                    t,
                    probes,
                    a,
                    card,
                    m,
                    Rows.amount(r, m.mcc(), 1.0),
                    true,
                    "ECOM",
                    device,
                    ip,
                    ring.city,
                    null,
                    r));
        }
        label(Typology.CARD_TESTING, txns, r, 0.3);
    }

    private void stolenCard(SplittableRandom r, long remaining, long ep) {
        Population.Account a = victim(r);
        String card = card(r, a);
        String device = Population.deviceId(r);
        Catalog.City ipCity =
                r.nextDouble() < 0.5 ? Catalog.foreignCity(r, a.home().country()) : Catalog.randomDomesticCity(r);
        String ip = Population.ip(r, ipCity.country());
        int n = (int) Math.min(remaining, 1 + r.nextInt(4));
        long t = randomTime(r, true);
        List<GenRow> txns = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            double u = r.nextDouble();
            Population.Merchant m = u < 0.4
                    ? pop.merchantOfRisk(r, Catalog.Risk.HIGH)
                    : u < 0.7
                            ? pop.merchantOfMcc(r, "5732", "5944", "5651")
                            : pop.merchantOfMcc(r, "5999", "5816", "4511", "5311");
            long amount = Math.round(Rows.amount(r, m.mcc(), 1.0) * (1 + 3 * r.nextDouble()));
            String flow = null;
            if (r.nextDouble() < 0.4) {
                flow = Rows.flowId(r, "flow");
                add(Rows.threeDs(
                        t - 10_000 - r.nextInt(60_000),
                        ep,
                        2 * i,
                        a,
                        card,
                        m,
                        device,
                        flow,
                        Rows.fraudThreeDsResult(r),
                        r.nextDouble() < 0.5));
            }
            txns.add(fraudTxn(
                    Typology.STOLEN_CARD_CNP,
                    ep,
                    t,
                    2 * i + 1,
                    a,
                    card,
                    m,
                    amount,
                    true,
                    "ECOM",
                    device,
                    ip,
                    ipCity,
                    flow,
                    r));
            t += 600_000 + r.nextInt(6 * 3_600_000);
        }
        label(Typology.STOLEN_CARD_CNP, txns, r, 0.7);
    }

    private void takeover(SplittableRandom r, long remaining, long ep) {
        Population.Account a = victim(r);
        String device = Population.deviceId(r);
        String os = r.nextBoolean() ? "Android" : "Windows";
        Catalog.City ipCity =
                r.nextDouble() < 0.4 ? Catalog.foreignCity(r, a.home().country()) : Catalog.randomDomesticCity(r);
        String ip = Population.ip(r, ipCity.country());
        long t = randomTime(r, true);
        int seq = 0;
        int failures = r.nextInt(5);
        for (int i = 0; i < failures; i++) {
            add(Rows.login(t, ep, seq++, a, device, os, ip, ipCity, Rows.flowId(r, "sess"), "PASSWORD", false));
            t += 5_000 + r.nextInt(60_000);
        }
        String session = Rows.flowId(r, "sess");
        add(Rows.profileChange(t, ep, seq++, a, "PASSWORD_RESET", device, ip, ipCity, session, null));
        t += 30_000 + r.nextInt(300_000);
        if (r.nextDouble() < 0.4) {
            String domain = r.nextDouble() < 0.5
                    ? Catalog.pick(r, Catalog.DISPOSABLE_EMAIL_DOMAINS)
                    : Catalog.pick(r, Catalog.EMAIL_DOMAINS);
            add(Rows.profileChange(t, ep, seq++, a, "EMAIL", device, ip, ipCity, session, domain));
            t += 10_000 + r.nextInt(120_000);
        }
        add(Rows.login(
                t, ep, seq++, a, device, os, ip, ipCity, session, r.nextDouble() < 0.7 ? "PASSWORD" : "OTP", true));
        int n = (int) Math.min(remaining, 1 + r.nextInt(3));
        List<GenRow> txns = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            t += 120_000 + r.nextInt(90 * 60_000);
            String card = card(r, a);
            if (r.nextDouble() < 0.5) {
                Population.Merchant m = pop.merchantOfMcc(r, "4829");
                long amount = Math.round(Rows.amount(r, m.mcc(), a.spendScale()) * (0.8 + 2.5 * r.nextDouble()));
                txns.add(fraudTxn(
                        Typology.ACCOUNT_TAKEOVER,
                        ep,
                        t,
                        seq++,
                        a,
                        card,
                        m,
                        amount,
                        true,
                        "IN_APP",
                        device,
                        ip,
                        ipCity,
                        session,
                        r));
            } else {
                Population.Merchant m = pop.merchantOfMcc(r, "5732", "6051", "5944", "5311");
                String flow = Rows.flowId(r, "flow");
                add(Rows.threeDs(
                        t - 20_000,
                        ep,
                        seq++,
                        a,
                        card,
                        m,
                        device,
                        flow,
                        r.nextDouble() < 0.5 ? "AUTHENTICATED" : Rows.fraudThreeDsResult(r),
                        r.nextDouble() < 0.3));
                long amount = Math.round(Rows.amount(r, m.mcc(), a.spendScale()) * (0.8 + 2 * r.nextDouble()));
                txns.add(fraudTxn(
                        Typology.ACCOUNT_TAKEOVER,
                        ep,
                        t,
                        seq++,
                        a,
                        card,
                        m,
                        amount,
                        true,
                        "ECOM",
                        device,
                        ip,
                        ipCity,
                        flow,
                        r));
            }
        }
        label(Typology.ACCOUNT_TAKEOVER, txns, r, 0.2);
    }

    private void bustOut(SplittableRandom r, long remaining, long ep) {
        // An old credit account with a history: trust built over months before the world starts.
        Population.Account a = null;
        for (int i = 0; i < 50 && (a == null || !a.credit() || a.openedDaysBefore() < 180); i++)
            a = pop.account(r.nextInt(pop.accountCount()));
        int d = r.nextInt(a.devices().length);
        String device = a.devices()[d];
        long t = randomTime(r, false);
        int seq = 0;
        if (r.nextDouble() < 0.7) {
            long before = t - (1 + r.nextInt(10)) * Rows.MS_PER_DAY - r.nextInt(3_600_000);
            if (before >= startMs) {
                add(Rows.profileChange(
                        before,
                        ep,
                        seq++,
                        a,
                        r.nextBoolean() ? "ADDRESS" : "PHONE",
                        device,
                        a.homeIp(),
                        a.home(),
                        Rows.flowId(r, "sess"),
                        null));
            }
        }
        int n = (int) Math.min(remaining, 4 + r.nextInt(9));
        List<GenRow> txns = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            boolean cnp = r.nextDouble() < 0.5;
            Population.Merchant m = r.nextDouble() < 0.7
                    ? pop.merchantOfMcc(r, "5732", "5944", "6051", "7995", "5311")
                    : cnp ? pop.merchantOfMcc(r, "5999", "5651", "4511") : pop.merchantIn(r, a.home());
            long amount = Math.max(2_000, Math.round(a.creditLimitMinor() * (0.03 + 0.12 * r.nextDouble())));
            String card = card(r, a);
            txns.add(fraudTxn(
                    Typology.BUST_OUT,
                    ep,
                    t,
                    seq++,
                    a,
                    card,
                    m,
                    amount,
                    cnp,
                    cnp ? "ECOM" : Rows.presentEntryMode(r, amount),
                    device,
                    a.homeIp(),
                    a.home(),
                    null,
                    r));
            t += 600_000 + r.nextInt(10 * 3_600_000);
        }
        txns.removeIf(tx -> !tx.placed);
        if (!txns.isEmpty() && r.nextDouble() >= config.labels().unlabelledShare()) {
            long observed = last(txns)
                    + days(
                            r,
                            config.labels().chargeOffMinDays(),
                            config.labels().chargeOffMaxDays() - span(txns));
            for (GenRow tx : txns) labelled(tx, "CHARGE_OFF", "CREDIT_LOSS", "COLLECTIONS", observed);
        }
    }

    private void compromise(SplittableRandom r, long remaining, long ep) {
        // A breached merchant where people pay in person; its window falls in the first 60% of the world.
        Population.Merchant breached = pop.merchantOfMcc(r, "5541", "5812", "5411", "5814");
        long windowStart = startMs + (long) (r.nextDouble() * 0.6 * (endMs - startMs));
        long windowMs = (2 + r.nextInt(8)) * Rows.MS_PER_DAY;
        int victims = 3 + r.nextInt(10);
        long made = 0;
        int exposures = 0;
        for (int v = 0; v < victims && made < remaining && exposures < 4 * Math.max(remaining, 3); v++) {
            Population.Account a = victim(r);
            String card = card(r, a);
            long exposure = Math.min(endMs - 1, windowStart + (long) (r.nextDouble() * windowMs));
            long amount = Rows.amount(r, breached.mcc(), a.spendScale());
            GenRow seen = Rows.txn(
                    exposure,
                    ep,
                    100 * v,
                    a,
                    card,
                    breached,
                    amount,
                    false,
                    Rows.presentEntryMode(r, amount),
                    null,
                    null,
                    null,
                    null,
                    false);
            if (!add(seen)) continue;
            exposures++;
            if (r.nextDouble() > 0.6) continue; // not every exposed card is used
            long t = exposure + 2 * 3_600_000L + (long) (r.nextDouble() * 25 * Rows.MS_PER_DAY);
            int n = (int) Math.min(remaining - made, 1 + r.nextInt(3));
            boolean clone = r.nextDouble() < 0.3;
            String device = Population.deviceId(r);
            Catalog.City city = Catalog.foreignCity(r, a.home().country());
            String ip = Population.ip(r, city.country());
            List<GenRow> txns = new ArrayList<>();
            for (int i = 0; i < n && t < endMs; i++) {
                Population.Merchant m = clone
                        ? pop.merchantIn(r, city)
                        : r.nextBoolean()
                                ? pop.merchantOfRisk(r, Catalog.Risk.HIGH)
                                : pop.merchantOfMcc(r, "5732", "5651", "5816", "5999");
                long amt = Math.round(Rows.amount(r, m.mcc(), 1.0) * (1 + 2 * r.nextDouble()));
                txns.add(
                        clone
                                ? fraudTxn(
                                        Typology.MERCHANT_COMPROMISE,
                                        ep,
                                        t,
                                        100 * v + 1 + i,
                                        a,
                                        card,
                                        m,
                                        amt,
                                        false,
                                        "MAGSTRIPE",
                                        null,
                                        null,
                                        null,
                                        null,
                                        r)
                                : fraudTxn(
                                        Typology.MERCHANT_COMPROMISE,
                                        ep,
                                        t,
                                        100 * v + 1 + i,
                                        a,
                                        card,
                                        m,
                                        amt,
                                        true,
                                        "ECOM",
                                        device,
                                        ip,
                                        city,
                                        null,
                                        r));
                txns.get(txns.size() - 1).truth = new GenRow.Truth(Typology.MERCHANT_COMPROMISE, ep, breached.id());
                t += 1_800_000 + r.nextInt(12 * 3_600_000);
            }
            made += txns.size();
            label(Typology.MERCHANT_COMPROMISE, txns, r, 0.65);
        }
    }

    private void friendly(SplittableRandom r, long ep) {
        Population.Account a = pop.activeAccount(r);
        int d = r.nextInt(a.devices().length);
        Population.Merchant m = pop.merchantOfMcc(r, "5815", "5816", "5651", "5732", "5999");
        long t = randomTime(r, true);
        String flow = null;
        String card = card(r, a);
        if (r.nextDouble() < 0.5) {
            flow = Rows.flowId(r, "flow");
            add(Rows.threeDs(
                    t - 15_000 - r.nextInt(60_000),
                    ep,
                    0,
                    a,
                    card,
                    m,
                    a.devices()[d],
                    flow,
                    Rows.genuineThreeDsResult(r),
                    r.nextDouble() < 0.15));
        }
        GenRow tx = fraudTxn(
                Typology.FRIENDLY_FRAUD,
                ep,
                t,
                1,
                a,
                card,
                m,
                Rows.amount(r, m.mcc(), a.spendScale()),
                true,
                "ECOM",
                a.devices()[d],
                a.homeIp(),
                a.home(),
                flow,
                r);
        // A false dispute: always raised, with a chargeback's delay.
        labelled(
                tx,
                "CHARGEBACK",
                Catalog.pick(r, Catalog.FRIENDLY_REASONS),
                "ISSUER_CHARGEBACK",
                tx.timeMs
                        + days(
                                r,
                                config.labels().chargebackMinDays(),
                                config.labels().chargebackMaxDays()));
    }

    private GenRow fraudTxn(
            Typology t,
            long ep,
            long time,
            int seq,
            Population.Account a,
            String card,
            Population.Merchant m,
            long amount,
            boolean cnp,
            String entryMode,
            String device,
            String ip,
            Catalog.City ipCity,
            String flow,
            SplittableRandom r) {
        long amt = config.leak() == WorldConfig.Leak.AMOUNT ? 900_000_000L + r.nextInt(1_000_000) : amount;
        GenRow row = Rows.txn(time, ep, seq, a, card, m, amt, cnp, entryMode, device, ip, ipCity, flow, false);
        row.truth = new GenRow.Truth(t, ep, null);
        if (add(row)) produced[t.ordinal()]++;
        return row;
    }

    /**
     * Third-party fraud is labelled, or not: each transaction stays unlabelled with the configured share; the rest
     * come back as chargebacks ({@code chargebackShare}), one per transaction, or as one customer report that covers
     * all of the episode's reported transactions.
     */
    private void label(Typology t, List<GenRow> txns, SplittableRandom r, double chargebackShare) {
        txns.removeIf(tx -> !tx.placed);
        if (txns.isEmpty()) return;
        LabelPolicy p = config.labels();
        long reportAt = last(txns)
                + days(
                        r,
                        LabelPolicy.REPORT_MIN_DAYS,
                        Math.max(LabelPolicy.REPORT_MIN_DAYS, p.reportMaxDays() - span(txns)));
        for (GenRow tx : txns) {
            if (r.nextDouble() < p.unlabelledShare()) continue;
            if (r.nextDouble() < chargebackShare) {
                String[] reasons = "CP".equals(tx.get("channel"))
                        ? Catalog.FRAUD_CHARGEBACK_REASONS_CP
                        : Catalog.FRAUD_CHARGEBACK_REASONS_CNP;
                labelled(
                        tx,
                        "CHARGEBACK",
                        Catalog.pick(r, reasons),
                        "ISSUER_CHARGEBACK",
                        tx.timeMs + chargebackDelay(r));
            } else {
                labelled(tx, "FRAUD_REPORT", "CUSTOMER_REPORTED_FRAUD", "CUSTOMER", reportAt);
            }
        }
    }

    private void labelled(GenRow tx, String type, String reason, String source, long observedMs) {
        if (!tx.placed) return;
        tx.truth.labelType = type;
        labels.add(new PlannedLabel(tx, type, reason, source, observedMs));
    }

    /** Chargebacks: lognormal around 25 days, kept inside the scheme's window [min, max]. */
    private long chargebackDelay(SplittableRandom r) {
        LabelPolicy p = config.labels();
        double d = 25 * Math.exp(0.6 * r.nextGaussian());
        d = Math.max(p.chargebackMinDays(), Math.min(p.chargebackMaxDays(), d));
        return Math.round(d * Rows.MS_PER_DAY);
    }

    private static long days(SplittableRandom r, double min, double max) {
        return Math.round((min + r.nextDouble() * Math.max(0, max - min)) * Rows.MS_PER_DAY);
    }

    private static long last(List<GenRow> txns) {
        return txns.stream().mapToLong(x -> x.timeMs).max().orElseThrow();
    }

    private static double span(List<GenRow> txns) {
        return (last(txns) - txns.stream().mapToLong(x -> x.timeMs).min().orElseThrow()) / (double) Rows.MS_PER_DAY;
    }

    /**
     * Places a row in its day. Rows outside the world's days are dropped, and so are transactions beyond
     * {@link #MAX_PLANNED_SHARE} of their day's quota: the day's own traffic must still fit, so that the world has
     * exactly its configured number of transactions (only a tiny world with a large fraud rate comes near this).
     */
    private boolean add(GenRow row) {
        if (row.timeMs < startMs || row.timeMs >= endMs) return false;
        int day = (int) ((row.timeMs - startMs) / Rows.MS_PER_DAY);
        if (row.view == View.TXN) {
            if (plannedTxns[day] >= MAX_PLANNED_SHARE * quotas[day]) return false;
            plannedTxns[day]++;
        }
        byDay.get(day).add(row);
        row.placed = true;
        return true;
    }

    private static final double MAX_PLANNED_SHARE = 0.6;

    /** Fraud picks its victims regardless of how active they are. */
    private Population.Account victim(SplittableRandom r) {
        return pop.account(r.nextInt(pop.accountCount()));
    }

    private static String card(SplittableRandom r, Population.Account a) {
        return a.cards()[r.nextInt(a.cards().length)];
    }

    private long randomTime(SplittableRandom r, boolean cnp) {
        int day = Catalog.draw(dayCdf, r.nextDouble());
        return Rows.timeInDay(r, startMs + day * Rows.MS_PER_DAY, cnp);
    }

    private List<Ring> rings(int count) {
        List<Ring> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            SplittableRandom r = WorldBuilder.rng(config.seed(), KIND_PLAN - 50, i);
            Catalog.City city = r.nextDouble() < 0.5 ? Catalog.foreignCity(r, "GB") : Catalog.randomDomesticCity(r);
            Population.Merchant[] targets = new Population.Merchant[1 + r.nextInt(3)];
            for (int j = 0; j < targets.length; j++) targets[j] = pop.merchantOfMcc(r, "8398", "5815", "5999", "5816");
            out.add(new Ring(Population.deviceId(r), Population.ip(r, city.country()), city, targets));
        }
        return out;
    }
}
