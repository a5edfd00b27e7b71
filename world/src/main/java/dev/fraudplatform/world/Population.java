package dev.fraudplatform.world;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The world's entities, each derived from (seed, entity kind, entity index) alone, so that building them is
 * order-free and deterministic.
 * <ul>
 *   <li>Customers own one account, a few own two; each has a home city, an email domain and a spend scale that is
 *       lognormal across customers (a few spend a great deal).</li>
 *   <li>Accounts have 1 to 3 cards, 1 to 3 usual devices, a home IP, a handful of recurring merchants in their home
 *       city, 0 to 2 monthly subscriptions, and sometimes a trip abroad.</li>
 *   <li>Merchants have an MCC, a city and a risk tier (the MCC's, occasionally one notch up).</li>
 * </ul>
 */
final class Population {
    static final long KIND_ACCOUNT = -1;
    static final long KIND_MERCHANT = -2;

    record Account(
            int index,
            String id,
            String customerId,
            Catalog.City home,
            String emailDomain,
            int openedDaysBefore,
            boolean credit,
            long creditLimitMinor,
            double spendScale,
            String[] cards,
            String[] devices,
            String[] deviceOs,
            String homeIp,
            int[] recurringMerchants,
            int[] subscriptionMerchants,
            long[] subscriptionAmounts,
            int[] subscriptionDayOfMonth,
            int travelStartDay,
            int travelDays,
            Catalog.City travelCity) {

        boolean travellingOn(int day) {
            return travelStartDay >= 0 && day >= travelStartDay && day < travelStartDay + travelDays;
        }
    }

    record Merchant(int index, String id, Catalog.Mcc mcc, Catalog.City city, Catalog.Risk risk) {}

    private final Account[] accounts;
    private final Merchant[] merchants;
    private final int[][] merchantsByCity;
    private final int[][] merchantsByRisk;
    private final List<Integer> merchantsByMcc[];

    @SuppressWarnings("unchecked")
    Population(WorldConfig config) {
        int merchantCount = Math.max(120, config.accounts() / 25);
        merchants = new Merchant[merchantCount];
        List<List<Integer>> byCity = new ArrayList<>();
        for (int i = 0; i < Catalog.CITIES.length; i++) byCity.add(new ArrayList<>());
        List<List<Integer>> byRisk = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        merchantsByMcc = new List[Catalog.MCCS.length];
        for (int i = 0; i < merchantsByMcc.length; i++) merchantsByMcc[i] = new ArrayList<>();
        for (int m = 0; m < merchantCount; m++) {
            SplittableRandom r = WorldBuilder.rng(config.seed(), KIND_MERCHANT, m);
            // The first merchants cover every category, so that each typology finds its targets even in a small world.
            Catalog.Mcc mcc = m < Catalog.MCCS.length ? Catalog.MCCS[m] : Catalog.randomMcc(r);
            Catalog.City city = r.nextDouble() < 0.8 ? Catalog.randomDomesticCity(r) : Catalog.randomCity(r);
            Catalog.Risk risk = mcc.risk() != Catalog.Risk.HIGH && r.nextDouble() < 0.05
                    ? Catalog.Risk.values()[mcc.risk().ordinal() + 1]
                    : mcc.risk();
            merchants[m] = new Merchant(m, "m-" + Ids.pad(m, 6), mcc, city, risk);
            byCity.get(cityIndex(city)).add(m);
            byRisk.get(risk.ordinal()).add(m);
            merchantsByMcc[mccIndex(mcc)].add(m);
        }
        merchantsByCity = byCity.stream()
                .map(l -> l.stream().mapToInt(Integer::intValue).toArray())
                .toArray(int[][]::new);
        merchantsByRisk = byRisk.stream()
                .map(l -> l.stream().mapToInt(Integer::intValue).toArray())
                .toArray(int[][]::new);

        accounts = new Account[config.accounts()];
        for (int a = 0; a < accounts.length; a++) accounts[a] = account(config, a);
    }

    private Account account(WorldConfig config, int a) {
        SplittableRandom r = WorldBuilder.rng(config.seed(), KIND_ACCOUNT, a);
        // About 8% of customers hold a second account: account a then belongs to account a-1's customer.
        boolean second = a > 0
                && r.nextDouble() < 0.08
                && !(WorldBuilder.rng(config.seed(), KIND_ACCOUNT, a - 1).nextDouble() < 0.08);
        String customer = "cust-" + Ids.pad(second ? a - 1 : a, 7);
        Catalog.City home = Catalog.randomDomesticCity(r);
        String email = r.nextDouble() < 0.01
                ? Catalog.pick(r, Catalog.DISPOSABLE_EMAIL_DOMAINS)
                : Catalog.pick(r, Catalog.EMAIL_DOMAINS);
        int opened = 20 + (int) Math.min(6000, Math.exp(Math.log(900) + 0.9 * r.nextGaussian()));
        boolean credit = r.nextDouble() < 0.45;
        double spend = Math.exp(0.55 * r.nextGaussian());
        long limit = credit ? 50_000L * (2 + r.nextInt(30)) : 0;
        String[] cards = new String[1 + (r.nextDouble() < 0.35 ? 1 : 0) + (r.nextDouble() < 0.1 ? 1 : 0)];
        for (int i = 0; i < cards.length; i++) cards[i] = "card-" + Ids.pad(a * 4 + i, 8);
        int deviceCount = 1 + (r.nextDouble() < 0.5 ? 1 : 0) + (r.nextDouble() < 0.15 ? 1 : 0);
        String[] devices = new String[deviceCount];
        String[] os = new String[deviceCount];
        for (int i = 0; i < deviceCount; i++) {
            devices[i] = deviceId(r);
            os[i] = Catalog.pick(r, i == 0 ? MOBILE_OS : ANY_OS);
        }
        String ip = ip(r, home.country());
        int[] local = merchantsByCity[cityIndex(home)];
        int[] recurring = new int[3 + r.nextInt(4)];
        for (int i = 0; i < recurring.length; i++)
            recurring[i] = local.length > 0 ? local[r.nextInt(local.length)] : r.nextInt(merchants.length);
        int subs = r.nextDouble() < 0.55 ? 1 + (r.nextDouble() < 0.35 ? 1 : 0) : 0;
        int[] subMerchant = new int[subs];
        long[] subAmount = new long[subs];
        int[] subDay = new int[subs];
        for (int i = 0; i < subs; i++) {
            Catalog.Mcc kind = Catalog.mcc(r.nextDouble() < 0.7 ? "4899" : "5815");
            List<Integer> options = merchantsByMcc[mccIndex(kind)];
            subMerchant[i] = options.get(r.nextInt(options.size()));
            subAmount[i] = 499 + 100L * r.nextInt(15);
            subDay[i] = 1 + r.nextInt(28);
        }
        int travelStart = -1;
        int travelDays = 0;
        Catalog.City travelCity = null;
        if (r.nextDouble() < 0.06) {
            travelStart = r.nextInt(config.days());
            travelDays = 3 + r.nextInt(8);
            travelCity = Catalog.foreignCity(r, home.country());
        }
        return new Account(
                a,
                "acct-" + Ids.pad(a, 7),
                customer,
                home,
                email,
                opened,
                credit,
                limit,
                spend,
                cards,
                devices,
                os,
                ip,
                recurring,
                subMerchant,
                subAmount,
                subDay,
                travelStart,
                travelDays,
                travelCity);
    }

    private static final String[] MOBILE_OS = {"iOS", "Android"};
    private static final String[] ANY_OS = {"iOS", "Android", "Windows", "macOS"};

    Account account(int i) {
        return accounts[i];
    }

    int accountCount() {
        return accounts.length;
    }

    Merchant merchant(int i) {
        return merchants[i];
    }

    int merchantCount() {
        return merchants.length;
    }

    Merchant[] merchants() {
        return merchants;
    }

    Account[] accounts() {
        return accounts;
    }

    /** A merchant in {@code city}, or anywhere if the city has none. */
    Merchant merchantIn(SplittableRandom r, Catalog.City city) {
        int[] local = merchantsByCity[cityIndex(city)];
        return local.length == 0 ? merchants[r.nextInt(merchants.length)] : merchants[local[r.nextInt(local.length)]];
    }

    Merchant merchantOfRisk(SplittableRandom r, Catalog.Risk risk) {
        int[] options = merchantsByRisk[risk.ordinal()];
        return options.length == 0
                ? merchants[r.nextInt(merchants.length)]
                : merchants[options[r.nextInt(options.length)]];
    }

    /** A merchant of one of the MCCs in {@code codes} (each category has at least one merchant). */
    Merchant merchantOfMcc(SplittableRandom r, String... codes) {
        List<Integer> options = merchantsByMcc[mccIndex(Catalog.mcc(codes[r.nextInt(codes.length)]))];
        return merchants[options.get(r.nextInt(options.size()))];
    }

    /** An account drawn by activity: heavy-tailed, a few accounts transact far more than most. */
    Account activeAccount(SplittableRandom r) {
        double u = r.nextDouble();
        return accounts[(int) Math.min(accounts.length - 1, Math.floor(accounts.length * u * u))];
    }

    static String deviceId(SplittableRandom r) {
        return "dev-" + Long.toHexString((r.nextLong() >>> 16) | (1L << 44));
    }

    /** An IP address in a block that geolocates to {@code country} (one /8-like block per country). */
    static String ip(SplittableRandom r, String country) {
        int block = 0;
        for (int i = 0; i < country.length(); i++) block = block * 31 + country.charAt(i);
        return (11 + Math.floorMod(block, 180)) + "." + r.nextInt(256) + "." + r.nextInt(256) + "."
                + (1 + r.nextInt(254));
    }

    static int cityIndex(Catalog.City city) {
        for (int i = 0; i < Catalog.CITIES.length; i++) if (Catalog.CITIES[i] == city) return i;
        throw new IllegalArgumentException(city.toString());
    }

    private static int mccIndex(Catalog.Mcc mcc) {
        for (int i = 0; i < Catalog.MCCS.length; i++) if (Catalog.MCCS[i] == mcc) return i;
        throw new IllegalArgumentException(mcc.toString());
    }
}
