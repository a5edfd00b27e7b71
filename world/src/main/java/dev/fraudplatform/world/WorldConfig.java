package dev.fraudplatform.world;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fraudplatform.core.json.CanonicalJson;
import dev.fraudplatform.core.json.Json;
import dev.fraudplatform.core.json.Sha256;
import java.time.LocalDate;

/**
 * Everything that shapes a world. Together with {@link WorldBuilder#ENGINE_VERSION} it determines the world's
 * bytes and its id.
 *
 * @param seed         the root of every random draw
 * @param transactions exact number of transaction authorisations
 * @param accounts     number of customer accounts
 * @param days         number of days the world spans
 * @param startDate    first day (UTC)
 * @param fraudRate    target share of transactions that are fraud, in [0, 1)
 */
public record WorldConfig(long seed, int transactions, int accounts, int days, LocalDate startDate, double fraudRate) {

    public WorldConfig {
        if (transactions < 1) throw new IllegalArgumentException("transactions must be at least 1");
        if (accounts < 1) throw new IllegalArgumentException("accounts must be at least 1");
        if (days < 1) throw new IllegalArgumentException("days must be at least 1");
        if (!(fraudRate >= 0 && fraudRate < 1)) throw new IllegalArgumentException("fraudRate must be in [0, 1)");
    }

    /** Defaults scaled to the transaction count: about 40 transactions per account, up to 30 days. */
    public static WorldConfig defaults(long seed, int transactions) {
        int accounts = Math.max(20, transactions / 40);
        int days = Math.max(2, Math.min(30, transactions / 20_000));
        return new WorldConfig(seed, transactions, accounts, days, LocalDate.of(2026, 3, 1), 0.01);
    }

    public WorldConfig withFraudRate(double rate) {
        return new WorldConfig(seed, transactions, accounts, days, startDate, rate);
    }

    public ObjectNode toJson() {
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.put("seed", seed);
        n.put("transactions", transactions);
        n.put("accounts", accounts);
        n.put("days", days);
        n.put("start_date", startDate.toString());
        n.put("fraud_rate", fraudRate);
        return n;
    }

    /** {@code w-} and 16 hex digits of SHA-256(engine version, canonical config including the seed). */
    public String worldId() {
        return "w-" + Sha256.hex(WorldBuilder.ENGINE_VERSION + "\n" + CanonicalJson.string(toJson())).substring(0, 16);
    }
}
