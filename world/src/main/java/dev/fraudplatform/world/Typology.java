package dev.fraudplatform.world;

/**
 * The fraud typologies a world plants, each with its default share of all transactions. Every typology leaves
 * traces in several signals at once (device, IP, merchant, amount, timing, context), and legitimate traffic
 * carries the same signals as noise, so that no one signal separates fraud from the rest.
 */
public enum Typology {
    /** Bursts of small card-not-present authorisations at a few merchants, often from one device or IP shared across victims. */
    CARD_TESTING("card_testing", 0.0020, false),
    /** A stolen card used online: new device and IP, often abroad, high-risk merchants, amounts above the victim's habit. */
    STOLEN_CARD_CNP("stolen_card_cnp", 0.0025, false),
    /** Failed logins, a password reset and a new device, then spend inside the hijacked session. */
    ACCOUNT_TAKEOVER("account_takeover", 0.0020, false),
    /** First-party: an old account with a clean history changes its contact details, then maxes out and never pays. */
    BUST_OUT("bust_out", 0.0015, true),
    /** Cards seen at a compromised merchant during its breach window are defrauded elsewhere days later. */
    MERCHANT_COMPROMISE("merchant_compromise", 0.0015, false),
    /** First-party: the genuine customer's own ordinary purchase, later disputed as fraud. */
    FRIENDLY_FRAUD("friendly_fraud", 0.0005, true);

    private final String key;
    private final double defaultRate;
    private final boolean firstParty;

    Typology(String key, double defaultRate, boolean firstParty) {
        this.key = key;
        this.defaultRate = defaultRate;
        this.firstParty = firstParty;
    }

    /** The name used in configs, truth files and reports. */
    public String key() {
        return key;
    }

    public double defaultRate() {
        return defaultRate;
    }

    /** Whether the account holder is the fraudster (no stolen credential: device and IP look genuine). */
    public boolean firstParty() {
        return firstParty;
    }

    public static Typology byKey(String key) {
        for (Typology t : values()) if (t.key.equals(key)) return t;
        throw new IllegalArgumentException("unknown typology '" + key + "'; known: "
                + java.util.Arrays.stream(values()).map(Typology::key).toList());
    }
}
