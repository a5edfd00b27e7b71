package dev.fraudplatform.world;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fraudplatform.core.json.CanonicalJson;
import dev.fraudplatform.core.json.Json;
import dev.fraudplatform.core.json.Sha256;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Everything that shapes a world. Together with {@link WorldBuilder#ENGINE_VERSION} it determines the world's
 * bytes and its id.
 *
 * @param seed           the root of every random draw
 * @param transactions   exact number of transaction authorisations
 * @param accounts       number of customer accounts
 * @param days           number of days of traffic (labels may be observed up to 120 days later)
 * @param startDate      first day (UTC)
 * @param typologyRates  share of all transactions that each fraud typology makes up; absent typologies are 0
 * @param labels         how late, and whether, fraud is labelled
 * @param leak           a deliberate give-away for testing the gate's canary; a world built with one must fail its gate
 */
public record WorldConfig(
        long seed,
        int transactions,
        int accounts,
        int days,
        LocalDate startDate,
        Map<Typology, Double> typologyRates,
        LabelPolicy labels,
        Leak leak) {

    /** A deliberate leak of the truth into the stream views, so that tests can prove the canary catches it. */
    public enum Leak {
        NONE,
        /** Every fraud transaction has an amount above any legitimate one. */
        AMOUNT
    }

    public WorldConfig {
        if (transactions < 1) throw new IllegalArgumentException("transactions must be at least 1");
        if (accounts < 1) throw new IllegalArgumentException("accounts must be at least 1");
        if (days < 1 || days > 3660) throw new IllegalArgumentException("days must be in [1, 3660]");
        EnumMap<Typology, Double> rates = new EnumMap<>(Typology.class);
        for (Typology t : Typology.values()) {
            double r = typologyRates.getOrDefault(t, 0.0);
            if (!(r >= 0 && r < 1)) throw new IllegalArgumentException("rate of " + t.key() + " must be in [0, 1)");
            rates.put(t, r);
        }
        double total = rates.values().stream().mapToDouble(Double::doubleValue).sum();
        if (total > 0.5)
            throw new IllegalArgumentException(
                    "typology rates add up to " + total + "; at most 0.5 of transactions can be fraud");
        typologyRates = Collections.unmodifiableMap(rates);
        if (labels == null) throw new IllegalArgumentException("labels must be set");
        if (leak == null) throw new IllegalArgumentException("leak must be set (NONE for a real world)");
    }

    /** Defaults scaled to the transaction count: about 40 transactions per account, 2 to 90 days, 1% fraud. */
    public static WorldConfig defaults(long seed, int transactions) {
        int accounts = Math.max(20, transactions / 40);
        int days = Math.max(2, Math.min(90, transactions / 20_000));
        EnumMap<Typology, Double> rates = new EnumMap<>(Typology.class);
        for (Typology t : Typology.values()) rates.put(t, t.defaultRate());
        return new WorldConfig(
                seed, transactions, accounts, days, LocalDate.of(2026, 3, 2), rates, LabelPolicy.DEFAULT, Leak.NONE);
    }

    /** Total share of fraud transactions. */
    public double fraudRate() {
        return typologyRates.values().stream().mapToDouble(Double::doubleValue).sum();
    }

    public double rate(Typology t) {
        return typologyRates.get(t);
    }

    /** The same mix of typologies scaled to a total fraud share of {@code rate} (0 removes all fraud). */
    public WorldConfig withFraudRate(double rate) {
        double total = fraudRate();
        EnumMap<Typology, Double> rates = new EnumMap<>(Typology.class);
        for (Typology t : Typology.values()) {
            rates.put(t, total == 0 ? rate / Typology.values().length : typologyRates.get(t) * rate / total);
        }
        return new WorldConfig(seed, transactions, accounts, days, startDate, rates, labels, leak);
    }

    public WorldConfig withTypologyRate(Typology t, double rate) {
        EnumMap<Typology, Double> rates = new EnumMap<>(typologyRates);
        rates.put(t, rate);
        return new WorldConfig(seed, transactions, accounts, days, startDate, rates, labels, leak);
    }

    public WorldConfig withLabels(LabelPolicy policy) {
        return new WorldConfig(seed, transactions, accounts, days, startDate, typologyRates, policy, leak);
    }

    public WorldConfig withLeak(Leak l) {
        return new WorldConfig(seed, transactions, accounts, days, startDate, typologyRates, labels, l);
    }

    public WorldConfig withSeed(long s) {
        return new WorldConfig(s, transactions, accounts, days, startDate, typologyRates, labels, leak);
    }

    public WorldConfig withShape(int txns, int accts, int numberOfDays, LocalDate start) {
        return new WorldConfig(seed, txns, accts, numberOfDays, start, typologyRates, labels, leak);
    }

    public ObjectNode toJson() {
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.put("seed", seed);
        n.put("transactions", transactions);
        n.put("accounts", accounts);
        n.put("days", days);
        n.put("start_date", startDate.toString());
        ObjectNode rates = n.putObject("typology_rates");
        for (Typology t : Typology.values()) rates.put(t.key(), typologyRates.get(t));
        n.set("labels", labels.toJson());
        n.put("inject_leak", leak.name().toLowerCase(java.util.Locale.ROOT));
        return n;
    }

    /**
     * Reads a config file's JSON over {@code base}: every field is optional; a field that is present replaces the
     * base's value. Unknown fields are refused, so a typo never silently builds a different world.
     */
    public static WorldConfig fromJson(JsonNode n, WorldConfig base) {
        if (!n.isObject()) throw new IllegalArgumentException("a world config is a JSON object");
        java.util.Set<String> known = java.util.Set.of(
                "seed", "transactions", "accounts", "days", "start_date", "typology_rates", "labels", "inject_leak");
        n.fieldNames().forEachRemaining(f -> {
            if (!known.contains(f))
                throw new IllegalArgumentException(
                        "unknown world config field '" + f + "'; known: " + new java.util.TreeSet<>(known));
        });
        EnumMap<Typology, Double> rates = new EnumMap<>(base.typologyRates);
        n.path("typology_rates")
                .fields()
                .forEachRemaining(
                        e -> rates.put(Typology.byKey(e.getKey()), e.getValue().asDouble()));
        int txns = n.path("transactions").asInt(base.transactions);
        return new WorldConfig(
                n.path("seed").asLong(base.seed),
                txns,
                n.path("accounts").asInt(base.accounts),
                n.path("days").asInt(base.days),
                n.has("start_date") ? LocalDate.parse(n.path("start_date").asText()) : base.startDate,
                rates,
                base.labels.merge(n.path("labels")),
                n.has("inject_leak")
                        ? Leak.valueOf(n.path("inject_leak").asText().toUpperCase(java.util.Locale.ROOT))
                        : base.leak);
    }

    /**
     * What a command line gives over a config file; each field is null (the map empty) when not given.
     *
     * @param typologyRates share of transactions per typology, applied in the map's order
     */
    public record Overrides(
            Long seed,
            Integer transactions,
            Integer accounts,
            Integer days,
            Double fraudRate,
            Map<Typology, Double> typologyRates) {
        public Overrides {
            typologyRates = Collections.unmodifiableMap(new LinkedHashMap<>(typologyRates));
        }
    }

    /**
     * The config of a world build: the defaults for its size, then a config file's fields over them, then the flags
     * over both. Without a seed anywhere it is 1; without a size, 100,000 transactions. A size, from the file or a
     * flag, rescales the defaults derived from it (accounts, days); an explicit accounts or days flag wins over both.
     * {@code fraudRate} scales the mix the file and defaults give, then each typology rate replaces its own share.
     *
     * @param file     a config file's JSON as {@link #fromJson} reads it, or null for none
     * @param fileName how a refusal names the file
     * @throws IllegalArgumentException for a field of the file ("world config FILE: ...") or a result out of range
     */
    public static WorldConfig merge(JsonNode file, String fileName, Overrides flags) {
        long s = flags.seed() != null ? flags.seed() : 1;
        int n = flags.transactions() != null ? flags.transactions() : 100_000;
        WorldConfig wc = defaults(s, n);
        if (file != null) {
            try {
                // Sizes from the file rescale the derived defaults, as flags do.
                int fileTxns = file.path("transactions").asInt(n);
                WorldConfig base = defaults(file.path("seed").asLong(s), fileTxns);
                wc = fromJson(file, base);
            } catch (IllegalArgumentException | DateTimeException e) {
                throw new IllegalArgumentException("world config " + fileName + ": " + e.getMessage());
            }
        }
        if (flags.seed() != null) wc = wc.withSeed(flags.seed());
        if (flags.transactions() != null && file != null) {
            WorldConfig sized = defaults(wc.seed(), flags.transactions());
            wc = wc.withShape(flags.transactions(), sized.accounts(), sized.days(), wc.startDate());
        }
        if (flags.accounts() != null || flags.days() != null) {
            wc = wc.withShape(
                    wc.transactions(),
                    flags.accounts() != null ? flags.accounts() : wc.accounts(),
                    flags.days() != null ? flags.days() : wc.days(),
                    wc.startDate());
        }
        if (flags.fraudRate() != null) wc = wc.withFraudRate(flags.fraudRate());
        for (var e : flags.typologyRates().entrySet()) wc = wc.withTypologyRate(e.getKey(), e.getValue());
        return wc;
    }

    /** {@code w-} and 16 hex digits of SHA-256(engine version, canonical config including the seed). */
    public String worldId() {
        return "w-"
                + Sha256.hex(WorldBuilder.ENGINE_VERSION + "\n" + CanonicalJson.string(toJson()))
                        .substring(0, 16);
    }
}
