package dev.fraudplatform.world;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The world's fixed reference data: merchant category codes with their amount distributions, cities, email domains
 * and dispute reason codes. Changing any of it changes worlds, so it moves with {@link WorldBuilder#ENGINE_VERSION}.
 */
final class Catalog {
    private Catalog() {}

    enum Risk {
        LOW,
        MEDIUM,
        HIGH
    }

    /**
     * A merchant category. Amounts are lognormal: {@code amount = median * exp(sigma * N(0,1))}, in minor units.
     *
     * @param cnpShare share of its authorisations that are card-not-present
     * @param weight   relative number of merchants of this category
     */
    record Mcc(String code, String name, double medianMinor, double sigma, double cnpShare, Risk risk, double weight) {}

    static final Mcc[] MCCS = {
        new Mcc("5411", "grocery", 3_200, 0.75, 0.10, Risk.LOW, 14),
        new Mcc("5812", "restaurants", 2_800, 0.60, 0.05, Risk.LOW, 12),
        new Mcc("5814", "fast food", 900, 0.45, 0.15, Risk.LOW, 8),
        new Mcc("5541", "fuel", 4_800, 0.45, 0.02, Risk.LOW, 6),
        new Mcc("4111", "transit", 450, 0.55, 0.40, Risk.LOW, 4),
        new Mcc("5912", "pharmacy", 1_400, 0.70, 0.15, Risk.LOW, 4),
        new Mcc("5311", "department stores", 5_500, 0.85, 0.35, Risk.LOW, 5),
        new Mcc("5651", "clothing", 4_500, 0.75, 0.55, Risk.LOW, 6),
        new Mcc("5999", "misc retail", 2_500, 0.90, 0.50, Risk.MEDIUM, 7),
        new Mcc("5732", "electronics", 16_000, 1.00, 0.60, Risk.MEDIUM, 4),
        new Mcc("5944", "jewellery", 30_000, 1.00, 0.30, Risk.MEDIUM, 1),
        new Mcc("5815", "digital media", 900, 0.60, 1.00, Risk.MEDIUM, 4),
        new Mcc("5816", "digital games", 1_500, 0.90, 1.00, Risk.MEDIUM, 3),
        new Mcc("4899", "streaming subscriptions", 1_100, 0.35, 1.00, Risk.LOW, 2),
        new Mcc("7011", "hotels", 14_000, 0.70, 0.70, Risk.LOW, 3),
        new Mcc("4511", "airlines", 22_000, 0.80, 0.90, Risk.MEDIUM, 2),
        new Mcc("8398", "charities", 1_500, 0.90, 0.95, Risk.MEDIUM, 1),
        new Mcc("4829", "money transfer", 15_000, 1.00, 0.90, Risk.HIGH, 1),
        new Mcc("7995", "gambling", 4_000, 1.10, 0.95, Risk.HIGH, 1.5),
        new Mcc("6051", "quasi-cash", 20_000, 0.90, 0.80, Risk.HIGH, 1),
        new Mcc("5967", "direct marketing", 3_500, 0.90, 1.00, Risk.HIGH, 1),
    };

    static Mcc mcc(String code) {
        for (Mcc m : MCCS) if (m.code().equals(code)) return m;
        throw new IllegalArgumentException("unknown MCC " + code);
    }

    /** A city: where customers live, merchants trade and IP addresses geolocate. */
    record City(String country, String name, double lat, double lon, double weight) {}

    static final City[] CITIES = {
        new City("GB", "London", 51.5074, -0.1278, 30),
        new City("GB", "Manchester", 53.4808, -2.2426, 10),
        new City("GB", "Birmingham", 52.4862, -1.8904, 10),
        new City("GB", "Leeds", 53.8008, -1.5491, 6),
        new City("GB", "Glasgow", 55.8642, -4.2518, 6),
        new City("GB", "Bristol", 51.4545, -2.5879, 5),
        new City("GB", "Edinburgh", 55.9533, -3.1883, 5),
        new City("IE", "Dublin", 53.3498, -6.2603, 3),
        new City("FR", "Paris", 48.8566, 2.3522, 3),
        new City("ES", "Madrid", 40.4168, -3.7038, 2),
        new City("ES", "Barcelona", 41.3874, 2.1686, 2),
        new City("DE", "Berlin", 52.5200, 13.4050, 2),
        new City("IT", "Rome", 41.9028, 12.4964, 1.5),
        new City("NL", "Amsterdam", 52.3676, 4.9041, 1.5),
        new City("PT", "Lisbon", 38.7223, -9.1393, 1),
        new City("US", "New York", 40.7128, -74.0060, 1.5),
        new City("AE", "Dubai", 25.2048, 55.2708, 0.5),
        new City("NG", "Lagos", 6.5244, 3.3792, 0.3),
        new City("RO", "Bucharest", 44.4268, 26.1025, 0.4),
        new City("BR", "Sao Paulo", -23.5505, -46.6333, 0.3),
    };

    /** Cities where customers live: the domestic ones. */
    static final int DOMESTIC_CITIES = 7;

    static final String[] EMAIL_DOMAINS = {
        "gmail.com",
        "gmail.com",
        "gmail.com",
        "outlook.com",
        "outlook.com",
        "yahoo.co.uk",
        "hotmail.co.uk",
        "icloud.com",
        "btinternet.com",
        "sky.com",
        "proton.me"
    };
    /** Throw-away mailboxes: fraudsters favour them, a few genuine customers use them too. */
    static final String[] DISPOSABLE_EMAIL_DOMAINS = {
        "mailinator.com", "guerrillamail.com", "temp-mail.org", "yopmail.com"
    };

    /** Chargeback reason codes (Visa / Mastercard) that claim fraud. */
    static final String[] FRAUD_CHARGEBACK_REASONS_CNP = {"10.4", "4837"};

    static final String[] FRAUD_CHARGEBACK_REASONS_CP = {"10.3", "4837", "4863"};
    /** What friendly fraudsters claim: a fraud code, or goods never received. */
    static final String[] FRIENDLY_REASONS = {"10.4", "4863", "13.1"};

    private static final double[] MCC_CDF =
            cdf(Arrays.stream(MCCS).mapToDouble(Mcc::weight).toArray());
    private static final double[] CITY_CDF =
            cdf(Arrays.stream(CITIES).mapToDouble(City::weight).toArray());
    private static final double[] DOMESTIC_CDF = cdf(
            Arrays.stream(CITIES, 0, DOMESTIC_CITIES).mapToDouble(City::weight).toArray());

    static Mcc randomMcc(SplittableRandom r) {
        return MCCS[draw(MCC_CDF, r.nextDouble())];
    }

    static City randomCity(SplittableRandom r) {
        return CITIES[draw(CITY_CDF, r.nextDouble())];
    }

    static City randomDomesticCity(SplittableRandom r) {
        return CITIES[draw(DOMESTIC_CDF, r.nextDouble())];
    }

    /** A foreign city for travel or fraud: any city outside {@code country}. */
    static City foreignCity(SplittableRandom r, String country) {
        for (int i = 0; i < 32; i++) {
            City c = CITIES[DOMESTIC_CITIES + r.nextInt(CITIES.length - DOMESTIC_CITIES)];
            if (!c.country().equals(country)) return c;
        }
        return CITIES[CITIES.length - 1];
    }

    static String pick(SplittableRandom r, String[] options) {
        return options[r.nextInt(options.length)];
    }

    static int draw(double[] cdf, double u) {
        int i = Arrays.binarySearch(cdf, u);
        int at = i >= 0 ? i + 1 : -i - 1;
        return Math.min(at, cdf.length - 1);
    }

    static double[] cdf(double[] w) {
        double sum = Arrays.stream(w).sum();
        double[] c = new double[w.length];
        double acc = 0;
        for (int i = 0; i < w.length; i++) {
            acc += w[i] / sum;
            c[i] = acc;
        }
        c[w.length - 1] = 1.0;
        return c;
    }
}
