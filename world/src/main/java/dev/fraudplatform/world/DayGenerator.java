package dev.fraudplatform.world;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Generates one day of legitimate traffic around the fraud planned for that day, then puts the day in time order and
 * assigns ids. Legitimate episodes draw from their own random stream seeded by (seed, day, episode), so days are
 * generated in parallel and independently.
 *
 * <p>Legitimate behaviour, with the noise fraud hides in: purchases at recurring and local merchants with amounts
 * lognormal by MCC and scaled by the customer's spend; online purchases with 3-D Secure on about half; monthly
 * subscriptions billed at night; bank-app sessions and transfers; trips abroad; now and then a new phone, a VPN,
 * a forgotten password, a new email address.
 */
final class DayGenerator {
    private final WorldConfig config;
    private final Population population;
    private final String idPrefix;

    DayGenerator(WorldConfig config, Population population, String idPrefix) {
        this.config = config;
        this.population = population;
        this.idPrefix = idPrefix;
    }

    /** One generated day: its rows per view, in time order with ids, and its truth rows. */
    record Day(Map<View, List<GenRow>> rows, List<Object[]> truth) {
        List<GenRow> of(View v) {
            return rows.getOrDefault(v, List.of());
        }
    }

    /**
     * @param planned the fraud and scheduled rows of this day (from {@link FraudPlanner}); their ids are set here
     * @param quota   the day's exact number of transactions
     * @param txnBase the number of transactions in the days before this one
     */
    Day generate(int day, List<GenRow> planned, int quota, long txnBase) {
        long dayStart = WorldBuilder.dayStartMillis(config, day);
        LocalDate date = config.startDate().plusDays(day);
        EnumMap<View, List<GenRow>> rows = new EnumMap<>(View.class);
        for (View v : View.values()) rows.put(v, new ArrayList<>());
        int txns = 0;
        for (GenRow r : planned) {
            rows.get(r.view).add(r);
            if (r.view == View.TXN) txns++;
        }
        // Subscriptions fall due on their day of the month and are billed in the small hours.
        long episode = 0;
        for (Population.Account a : population.accounts()) {
            for (int s = 0; s < a.subscriptionDayOfMonth().length && txns < quota; s++) {
                if (a.subscriptionDayOfMonth()[s] != date.getDayOfMonth()) continue;
                SplittableRandom r = WorldBuilder.rng(config.seed(), day, episode);
                long t = dayStart + 3_600_000L + r.nextInt(4 * 3_600_000);
                rows.get(View.TXN)
                        .add(Rows.txn(
                                t,
                                episode++,
                                0,
                                a,
                                a.cards()[0],
                                population.merchant(a.subscriptionMerchants()[s]),
                                a.subscriptionAmounts()[s],
                                true,
                                "CREDENTIAL_ON_FILE",
                                null,
                                null,
                                null,
                                null,
                                true));
                txns++;
            }
        }
        while (txns < quota) {
            SplittableRandom r = WorldBuilder.rng(config.seed(), day, episode);
            txns += legitimate(r, day, dayStart, episode++, rows);
        }
        for (List<GenRow> list : rows.values()) list.sort(GenRow.ORDER);

        List<GenRow> txnRows = rows.get(View.TXN);
        for (int i = 0; i < txnRows.size(); i++) {
            GenRow row = txnRows.get(i);
            String txnId = "t" + Ids.pad(txnBase + i, 10);
            row.eventId = idPrefix + "-" + txnId;
            row.set("txn_id", txnId);
        }
        for (View v : View.values()) {
            if (v == View.TXN || v == View.LABEL) continue;
            assignIds(rows.get(v), v, idPrefix, day);
        }
        List<Object[]> truth = new ArrayList<>();
        for (GenRow row : txnRows) {
            if (row.truth == null) continue;
            truth.add(new Object[] {
                row.eventId,
                row.get("txn_id"),
                row.account,
                row.get("card_id"),
                row.truth.typology.key(),
                row.truth.episodeId,
                row.timeMs,
                row.truth.typology.firstParty(),
                row.truth.labelType,
                row.truth.compromisedMerchant
            });
        }
        return new Day(rows, truth);
    }

    /** Ids for a non-transaction view's rows of one day (already in time order): {@code <prefix>-<letter><day><index>}. */
    static void assignIds(List<GenRow> rows, View v, String idPrefix, int day) {
        for (int i = 0; i < rows.size(); i++) {
            rows.get(i).eventId = idPrefix + "-" + v.idLetter() + Ids.pad(day, 5) + Ids.pad(i, 7);
        }
    }

    /** One legitimate episode; returns the number of transactions it made. */
    private int legitimate(SplittableRandom r, int day, long dayStart, long episode, Map<View, List<GenRow>> rows) {
        Population.Account a = population.activeAccount(r);
        boolean away = a.travellingOn(day);
        Catalog.City here = away ? a.travelCity() : a.home();
        int d = r.nextInt(a.devices().length);
        String device = a.devices()[d];
        String os = a.deviceOs()[d];
        if (r.nextDouble() < 0.03) { // a new phone or a borrowed laptop
            device = Population.deviceId(r);
            os = r.nextBoolean() ? "iOS" : "Android";
        }
        String ip;
        Catalog.City ipCity = here;
        double u = r.nextDouble();
        if (away || u < 0.25) {
            ip = Population.ip(r, here.country()); // mobile network or hotel wifi
        } else if (u < 0.27) {
            ipCity = Catalog.foreignCity(r, a.home().country()); // a VPN
            ip = Population.ip(r, ipCity.country());
        } else {
            ip = a.homeIp();
        }
        String card = a.cards()[r.nextDouble() < 0.7 ? 0 : r.nextInt(a.cards().length)];
        int seq = 0;

        // Context that leads nowhere: people open their banking app, mistype passwords, change their details.
        if (r.nextDouble() < 0.30) {
            // A session's events stay inside its day: near midnight the whole session moves, never piling up on the
            // boundary.
            long lt = Rows.shiftIntoDay(Rows.timeInDay(r, dayStart, true), 20_000, 660_000, dayStart);
            String session = Rows.flowId(r, "sess");
            if (r.nextDouble() < 0.04)
                rows.get(View.LOGIN)
                        .add(Rows.login(
                                lt - 20_000, episode, seq++, a, device, os, ip, ipCity, session, "PASSWORD", false));
            rows.get(View.LOGIN)
                    .add(Rows.login(
                            lt,
                            episode,
                            seq++,
                            a,
                            device,
                            os,
                            ip,
                            ipCity,
                            session,
                            r.nextDouble() < 0.6 ? "BIOMETRIC" : "PASSWORD",
                            true));
            if (r.nextDouble() < 0.012) {
                double c = r.nextDouble();
                String change = c < 0.35 ? "PASSWORD_RESET" : c < 0.6 ? "ADDRESS" : c < 0.8 ? "PHONE" : "EMAIL";
                String domain = change.equals("EMAIL")
                        ? (r.nextDouble() < 0.08
                                ? Catalog.pick(r, Catalog.DISPOSABLE_EMAIL_DOMAINS)
                                : Catalog.pick(r, Catalog.EMAIL_DOMAINS))
                        : null;
                rows.get(View.PROFILE_CHANGE)
                        .add(Rows.profileChange(
                                lt + 60_000 + r.nextInt(600_000),
                                episode,
                                seq++,
                                a,
                                change,
                                device,
                                ip,
                                ipCity,
                                session,
                                domain));
            }
        }

        if (r.nextDouble() < 0.03) { // a transfer from the banking app
            Population.Merchant m = population.merchantOfMcc(r, "4829");
            long lt = Rows.shiftIntoDay(Rows.timeInDay(r, dayStart, true), 0, 930_000, dayStart);
            String session = Rows.flowId(r, "sess");
            rows.get(View.LOGIN)
                    .add(Rows.login(
                            lt,
                            episode,
                            seq++,
                            a,
                            device,
                            os,
                            ip,
                            ipCity,
                            session,
                            r.nextDouble() < 0.6 ? "BIOMETRIC" : "PASSWORD",
                            true));
            long amount = Math.max(100, Math.round(Rows.amount(r, m.mcc(), a.spendScale()) * 0.5));
            rows.get(View.TXN)
                    .add(Rows.txn(
                            lt + 30_000 + r.nextInt(900_000),
                            episode,
                            seq,
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
                            false));
            return 1;
        }

        double pick = r.nextDouble();
        Population.Merchant m;
        if (!away && pick < 0.45) {
            m = population.merchant(a.recurringMerchants()[r.nextInt(a.recurringMerchants().length)]);
        } else if (pick < 0.88) {
            m = population.merchantIn(r, here);
        } else {
            m = population.merchant(r.nextInt(population.merchantCount())); // anywhere: online, or a shop far from home
        }
        boolean local = m.city().equals(here);
        boolean cnp = !local || r.nextDouble() < m.mcc().cnpShare();
        long t = Rows.shiftIntoDay(Rows.timeInDay(r, dayStart, cnp), 105_000, 0, dayStart);
        long amount = Rows.amount(r, m.mcc(), a.spendScale());
        if (!cnp) {
            rows.get(View.TXN)
                    .add(Rows.txn(
                            t,
                            episode,
                            seq,
                            a,
                            card,
                            m,
                            amount,
                            false,
                            Rows.presentEntryMode(r, amount),
                            null,
                            null,
                            null,
                            null,
                            false));
            return 1;
        }
        String flow = null;
        if (r.nextDouble() < 0.5) {
            flow = Rows.flowId(r, "flow");
            long ct = t - 15_000 - r.nextInt(90_000);
            rows.get(View.THREE_DS)
                    .add(Rows.threeDs(
                            ct,
                            episode,
                            seq++,
                            a,
                            card,
                            m,
                            device,
                            flow,
                            Rows.genuineThreeDsResult(r),
                            r.nextDouble() < 0.15));
        }
        rows.get(View.TXN)
                .add(Rows.txn(t, episode, seq, a, card, m, amount, true, "ECOM", device, ip, ipCity, flow, false));
        return 1;
    }
}
