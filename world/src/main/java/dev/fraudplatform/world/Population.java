package dev.fraudplatform.world;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fraudplatform.core.json.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The world's entities, each derived from (seed, entity index) alone: accounts with their cards, usual devices,
 * usual IP, home country, typical spend (lognormal across customers: a few spend a lot) and recurring merchants;
 * merchants with their MCC and risk tier.
 */
final class Population {
    record Account(int index, String id, String[] cards, String[] devices, String ip, String country,
                   double typicalAmountMinor, int[] recurringMerchants) {}

    record Merchant(int index, String id, String mcc, boolean highRisk, String country) {}

    private final Account[] accounts;
    private final Merchant[] merchants;
    private final int[] highRiskMerchants;

    Population(WorldConfig config) {
        int merchantCount = Math.max(40, config.accounts() / 20);
        merchants = new Merchant[merchantCount];
        List<Integer> risky = new ArrayList<>();
        for (int m = 0; m < merchantCount; m++) {
            SplittableRandom r = WorldBuilder.rng(config.seed(), -2, m);
            boolean high = r.nextDouble() < 0.08;
            String mcc = high ? pick(r, WorldBuilder.HIGH_RISK_MCC) : pick(r, WorldBuilder.LOW_RISK_MCC);
            merchants[m] = new Merchant(m, String.format(java.util.Locale.ROOT, "m-%05d", m), mcc, high, pick(r, WorldBuilder.COUNTRIES));
            if (high) risky.add(m);
        }
        if (risky.isEmpty()) risky.add(0);
        highRiskMerchants = risky.stream().mapToInt(Integer::intValue).toArray();

        accounts = new Account[config.accounts()];
        for (int a = 0; a < accounts.length; a++) {
            SplittableRandom r = WorldBuilder.rng(config.seed(), -1, a);
            String[] cards = new String[1 + r.nextInt(3)];
            for (int i = 0; i < cards.length; i++) cards[i] = String.format(java.util.Locale.ROOT, "card-%07d", a * 4 + i);
            String[] devices = new String[1 + r.nextInt(2)];
            for (int i = 0; i < devices.length; i++) devices[i] = "dev-" + Long.toHexString(r.nextLong() >>> 16);
            String ip = ip(r);
            double typical = Math.exp(Math.log(3500) + 0.8 * r.nextGaussian());
            int[] recurring = new int[3];
            for (int i = 0; i < recurring.length; i++) recurring[i] = r.nextInt(merchantCount);
            accounts[a] = new Account(a, String.format(java.util.Locale.ROOT, "acct-%06d", a), cards, devices, ip, pick(r, WorldBuilder.COUNTRIES),
                    typical, recurring);
        }
    }

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

    Merchant randomHighRiskMerchant(SplittableRandom r) {
        return merchants[highRiskMerchants[r.nextInt(highRiskMerchants.length)]];
    }

    /** Picks an account with a heavy-tailed activity: low indices transact far more often than high ones. */
    Account activeAccount(SplittableRandom r) {
        double u = r.nextDouble();
        return accounts[(int) Math.min(accounts.length - 1, Math.floor(accounts.length * u * u))];
    }

    byte[] accountsJsonl() {
        List<String> lines = new ArrayList<>(accounts.length);
        for (Account a : accounts) {
            ObjectNode n = Json.MAPPER.createObjectNode();
            n.put("account_id", a.id());
            n.put("home_country", a.country());
            ArrayNode cards = n.putArray("cards");
            for (String c : a.cards()) cards.add(c);
            ArrayNode devices = n.putArray("devices");
            for (String d : a.devices()) devices.add(d);
            lines.add(WorldBuilder.canonical(n));
        }
        return WorldBuilder.jsonl(lines);
    }

    static String ip(SplittableRandom r) {
        return "100." + (64 + r.nextInt(64)) + "." + r.nextInt(256) + "." + (1 + r.nextInt(254));
    }

    static String pick(SplittableRandom r, String[] options) {
        return options[r.nextInt(options.length)];
    }
}
