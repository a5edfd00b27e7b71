package dev.fraudplatform.world;

import java.math.BigDecimal;
import java.util.SplittableRandom;

/**
 * Builds the stream-view rows that legitimate traffic and fraud share, so that both speak exactly the same
 * vocabulary and differ only in the values they choose.
 */
final class Rows {
    private Rows() {}

    static final long MS_PER_DAY = 86_400_000L;
    static final String CURRENCY = "GBP";

    /** Relative authorisations by hour of day (UTC): card-present peaks at lunch and early evening, online later. */
    private static final double[] CP_HOURS = {
        0.1, 0.05, 0.05, 0.05, 0.05, 0.15, 0.5, 1.1, 1.5, 1.5, 1.6, 1.9, 2.4, 2.1, 1.7, 1.6, 1.8, 2.1, 2.0, 1.6, 1.2,
        0.8, 0.5, 0.2
    };

    private static final double[] CNP_HOURS = {
        0.5, 0.3, 0.2, 0.15, 0.15, 0.2, 0.4, 0.7, 0.9, 1.0, 1.1, 1.2, 1.4, 1.3, 1.2, 1.2, 1.3, 1.5, 1.8, 2.1, 2.3, 2.2,
        1.6, 0.9
    };
    private static final double[] CP_CDF = Catalog.cdf(CP_HOURS);
    private static final double[] CNP_CDF = Catalog.cdf(CNP_HOURS);

    /** A time in the day starting at {@code dayStartMs}, following the channel's hourly profile. */
    static long timeInDay(SplittableRandom r, long dayStartMs, boolean cnp) {
        int hour = Catalog.draw(cnp ? CNP_CDF : CP_CDF, r.nextDouble());
        return dayStartMs + hour * 3_600_000L + r.nextInt(3_600_000);
    }

    /**
     * Moves {@code t} so that [t - before, t + after] lies inside the day starting at {@code dayStartMs}, by a whole
     * shift of the window rather than a clamp, so that no timestamps pile up on midnight.
     */
    static long shiftIntoDay(long t, long before, long after, long dayStartMs) {
        if (t - before < dayStartMs) return t + before;
        if (t + after >= dayStartMs + MS_PER_DAY) return t - after;
        return t;
    }

    /** {@code median * exp(sigma * N(0,1))}, at least 50 minor units. */
    static long amount(SplittableRandom r, Catalog.Mcc mcc, double scale) {
        return Math.max(50L, Math.round(mcc.medianMinor() * scale * Math.exp(mcc.sigma() * r.nextGaussian())));
    }

    static String flowId(SplittableRandom r, String kind) {
        return kind + "-" + Long.toHexString((r.nextLong() >>> 12) | (1L << 50));
    }

    static BigDecimal coordinate(double degrees) {
        return BigDecimal.valueOf(degrees).setScale(4, java.math.RoundingMode.HALF_EVEN);
    }

    /**
     * A transaction authorisation. Card-present: located at the merchant, no device or IP. Card-not-present: located
     * where its IP geolocates ({@code ipCity}), if it has an IP.
     */
    static GenRow txn(
            long t,
            long episode,
            int seq,
            Population.Account a,
            String card,
            Population.Merchant m,
            long amountMinor,
            boolean cnp,
            String entryMode,
            String device,
            String ip,
            Catalog.City ipCity,
            String flow,
            boolean recurring) {
        GenRow row = new GenRow(View.TXN, t, episode, seq, a.id());
        row.set("amount_minor", amountMinor)
                .set("card_id", card)
                .set("channel", cnp ? "CNP" : "CP")
                .set("city", m.city().name())
                .set("country", m.city().country())
                .set("currency", CURRENCY)
                .set("entry_mode", entryMode)
                .set("mcc", m.mcc().code())
                .set("merchant_id", m.id())
                .set("recurring", recurring)
                .set("txn_id", "");
        if (cnp) {
            row.set("device_id", device).set("ip", ip).set("flow_id", flow);
            if (ip != null) {
                row.set("ip_country", ipCity.country())
                        .set("lat", coordinate(ipCity.lat()))
                        .set("lon", coordinate(ipCity.lon()));
            }
        } else {
            row.set("lat", coordinate(m.city().lat()))
                    .set("lon", coordinate(m.city().lon()));
        }
        return row;
    }

    /** The entry mode of a card-present purchase: mostly contactless when small, chip otherwise, rarely magstripe. */
    static String presentEntryMode(SplittableRandom r, long amountMinor) {
        double u = r.nextDouble();
        if (u < 0.01) return "MAGSTRIPE";
        return amountMinor <= 10_000 && u < 0.75 ? "CONTACTLESS" : "CHIP";
    }

    static GenRow login(
            long t,
            long episode,
            int seq,
            Population.Account a,
            String device,
            String os,
            String ip,
            Catalog.City ipCity,
            String flow,
            String method,
            boolean success) {
        return new GenRow(View.LOGIN, t, episode, seq, a.id())
                .set("device_id", device)
                .set("device_os", os)
                .set("flow_id", flow)
                .set("ip", ip)
                .set("ip_country", ipCity.country())
                .set("method", method)
                .set("outcome", success ? "SUCCESS" : "FAILURE");
    }

    static GenRow threeDs(
            long t,
            long episode,
            int seq,
            Population.Account a,
            String card,
            Population.Merchant m,
            String device,
            String flow,
            String result,
            boolean challenged) {
        return new GenRow(View.THREE_DS, t, episode, seq, a.id())
                .set("card_id", card)
                .set("challenge", challenged ? "CHALLENGE" : "FRICTIONLESS")
                .set("device_id", device)
                .set("flow_id", flow)
                .set("merchant_id", m.id())
                .set("result", result);
    }

    static GenRow profileChange(
            long t,
            long episode,
            int seq,
            Population.Account a,
            String change,
            String device,
            String ip,
            Catalog.City ipCity,
            String flow,
            String newEmailDomain) {
        return new GenRow(View.PROFILE_CHANGE, t, episode, seq, a.id())
                .set("change", change)
                .set("device_id", device)
                .set("flow_id", flow)
                .set("ip", ip)
                .set("ip_country", ipCity.country())
                .set("new_email_domain", newEmailDomain);
    }

    /** A 3-D Secure result for a genuine cardholder: nearly always authenticated. */
    static String genuineThreeDsResult(SplittableRandom r) {
        double u = r.nextDouble();
        return u < 0.88 ? "AUTHENTICATED" : u < 0.94 ? "ATTEMPTED" : u < 0.97 ? "UNAVAILABLE" : "FAILED";
    }

    /** A 3-D Secure result for someone who does not hold the card's credentials. */
    static String fraudThreeDsResult(SplittableRandom r) {
        double u = r.nextDouble();
        return u < 0.25 ? "AUTHENTICATED" : u < 0.55 ? "ATTEMPTED" : u < 0.75 ? "UNAVAILABLE" : "FAILED";
    }
}
