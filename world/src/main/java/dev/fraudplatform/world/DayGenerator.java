package dev.fraudplatform.world;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fraudplatform.core.json.Json;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Generates one day of a world: exactly the day's quota of transactions, drawn as episodes (one legitimate
 * transaction, or one fraud episode of several), each episode from its own random stream seeded by
 * (seed, day, episode number). Ids are assigned after sorting by event time, so they follow time order.
 */
final class DayGenerator {
    private static final int MS_PER_DAY = 86_400_000;
    private static final String[] TYPOLOGIES = {"card_testing", "stolen_card_cnp", "account_takeover"};
    /** Share of fraud episodes by typology, and the mean transactions each episode yields. */
    private static final double[] TYPOLOGY_SHARE = {0.3, 0.4, 0.3};
    private static final double MEAN_FRAUD_TXNS_PER_EPISODE = 0.3 * 6 + 0.4 * 2 + 0.3 * 2;

    private final WorldConfig config;
    private final Population population;
    private final String idPrefix;

    DayGenerator(WorldConfig config, Population population, String worldId) {
        this.config = config;
        this.population = population;
        this.idPrefix = worldId.substring(2, 7);
    }

    /** A generated row before ids are assigned. */
    private record Row(String eventClass, long timeMs, long episode, int seq, String account, ObjectNode payload,
                       String typology) {}

    /** The day's rows, ready to write. */
    static final class Day {
        private final Map<String, List<String>> lines = new HashMap<>();
        private final List<String> truth = new ArrayList<>();

        byte[] lines(String eventClass) {
            return WorldBuilder.jsonl(lines.getOrDefault(eventClass, List.of()));
        }

        long count(String eventClass) {
            return lines.getOrDefault(eventClass, List.of()).size();
        }

        byte[] truthLines() {
            return WorldBuilder.jsonl(truth);
        }

        long fraudCount() {
            return truth.size();
        }
    }

    Day generate(int day, int quota, long txnBase) {
        long dayStartMs = WorldBuilder.dayStart(config.startDate(), day).toEpochMilli();
        // Probability that an episode is fraud, chosen so that fraud transactions make up fraudRate of all.
        double f = config.fraudRate();
        double pFraudEpisode = f / (MEAN_FRAUD_TXNS_PER_EPISODE - (MEAN_FRAUD_TXNS_PER_EPISODE - 1) * f);
        List<Row> txns = new ArrayList<>(quota + 16);
        List<Row> ctx = new ArrayList<>(quota / 2);
        long episode = 0;
        while (txns.size() < quota) {
            SplittableRandom r = WorldBuilder.rng(config.seed(), day, episode);
            if (r.nextDouble() < pFraudEpisode) {
                double u = r.nextDouble();
                int t = u < TYPOLOGY_SHARE[0] ? 0 : u < TYPOLOGY_SHARE[0] + TYPOLOGY_SHARE[1] ? 1 : 2;
                fraudEpisode(TYPOLOGIES[t], r, dayStartMs, episode, txns, ctx);
            } else {
                legitimate(r, dayStartMs, episode, txns, ctx);
            }
            episode++;
        }
        Comparator<Row> order = Comparator.comparingLong(Row::timeMs).thenComparingLong(Row::episode).thenComparingInt(Row::seq);
        txns.sort(order);
        // Keep exactly the quota: drop the surplus of the last episode(s), wherever they fell in time.
        long lastEpisode = episode - 1;
        int surplus = txns.size() - quota;
        for (int i = txns.size() - 1; i >= 0 && surplus > 0; i--) {
            if (txns.get(i).episode() == lastEpisode) {
                txns.remove(i);
                surplus--;
            }
        }
        ctx.sort(order);

        Day out = new Day();
        List<String> txnLines = new ArrayList<>(txns.size());
        for (int i = 0; i < txns.size(); i++) {
            Row row = txns.get(i);
            String eventId = String.format(java.util.Locale.ROOT, "%s-t%010d", idPrefix, txnBase + i);
            row.payload().put("txn_id", eventId.substring(idPrefix.length() + 1));
            txnLines.add(line(row, eventId));
            if (row.typology() != null) {
                ObjectNode t = Json.MAPPER.createObjectNode();
                t.put("event_id", eventId);
                t.put("txn_id", row.payload().path("txn_id").asText());
                t.put("account_id", row.account());
                t.put("typology", row.typology());
                t.put("event_time", dev.fraudplatform.core.envelope.Times.formatMillis(row.timeMs()));
                out.truth.add(WorldBuilder.canonical(t));
            }
        }
        out.lines.put(WorldBuilder.TXN, txnLines);
        for (int i = 0; i < ctx.size(); i++) {
            Row row = ctx.get(i);
            String eventId = String.format(java.util.Locale.ROOT, "%s-c%03d%07d", idPrefix, day, i);
            out.lines.computeIfAbsent(row.eventClass(), k -> new ArrayList<>()).add(line(row, eventId));
        }
        return out;
    }

    private static String line(Row row, String eventId) {
        return new WorldEvent(row.eventClass(), eventId, 1, Instant.ofEpochMilli(row.timeMs()), row.account(), row.payload()).toLine();
    }

    private long timeOfDay(SplittableRandom r, long dayStartMs) {
        int hour = WorldBuilder.hourOfDay(r);
        return dayStartMs + hour * 3_600_000L + r.nextInt(3_600_000);
    }

    private void legitimate(SplittableRandom r, long dayStartMs, long episode, List<Row> txns, List<Row> ctx) {
        Population.Account a = population.activeAccount(r);
        long t = timeOfDay(r, dayStartMs);
        Population.Merchant m = r.nextDouble() < 0.6
                ? population.merchant(a.recurringMerchants()[r.nextInt(a.recurringMerchants().length)])
                : population.merchant(r.nextInt(population.merchantCount()));
        boolean cnp = r.nextDouble() < 0.4;
        // Noise shared with fraud: a new phone, travel, a big purchase, a risky merchant.
        String device = r.nextDouble() < 0.05 ? "dev-" + Long.toHexString(r.nextLong() >>> 16) : a.devices()[r.nextInt(a.devices().length)];
        String ip = r.nextDouble() < 0.1 ? Population.ip(r) : a.ip();
        String country = r.nextDouble() < 0.03 ? Population.pick(r, WorldBuilder.COUNTRIES) : a.country();
        double amount = a.typicalAmountMinor() * Math.exp(0.9 * r.nextGaussian()) * (m.highRisk() ? 1.5 : 1.0);
        String flow = null;
        if (cnp && r.nextDouble() < 0.5) {
            flow = "sess-" + Long.toHexString(r.nextLong() >>> 20);
            long lt = Math.max(dayStartMs, t - 60_000L - r.nextInt(19 * 60_000));
            ctx.add(new Row(WorldBuilder.LOGIN, lt, episode, 0, a.id(), login(a.id(), device, ip, flow, "PASSWORD"), null));
        }
        txns.add(new Row(WorldBuilder.TXN, t, episode, 1, a.id(),
                txn(a, a.cards()[r.nextInt(a.cards().length)], m, amount, cnp, device, ip, country, flow), null));
    }

    private void fraudEpisode(String typology, SplittableRandom r, long dayStartMs, long episode, List<Row> txns, List<Row> ctx) {
        Population.Account a = population.account(r.nextInt(population.accountCount()));
        String card = a.cards()[r.nextInt(a.cards().length)];
        String device = "dev-" + Long.toHexString(r.nextLong() >>> 16);
        String ip = Population.ip(r);
        long t = timeOfDay(r, dayStartMs);
        switch (typology) {
            case "card_testing" -> {
                int n = 4 + r.nextInt(5);
                Population.Merchant[] targets = {
                    population.merchant(r.nextInt(population.merchantCount())),
                    population.merchant(r.nextInt(population.merchantCount()))};
                for (int i = 0; i < n; i++) {
                    t = advance(t, 10_000 + r.nextInt(80_000), dayStartMs);
                    txns.add(new Row(WorldBuilder.TXN, t, episode, i, a.id(),
                            txn(a, card, targets[r.nextInt(2)], 100 + r.nextInt(400), true, device, ip, a.country(), null), typology));
                }
            }
            case "stolen_card_cnp" -> {
                int n = 1 + r.nextInt(3);
                String country = r.nextDouble() < 0.5 ? Population.pick(r, WorldBuilder.COUNTRIES) : a.country();
                for (int i = 0; i < n; i++) {
                    t = advance(t, 60_000 + r.nextInt(20 * 60_000), dayStartMs);
                    double amount = a.typicalAmountMinor() * (3 + 7 * r.nextDouble());
                    txns.add(new Row(WorldBuilder.TXN, t, episode, i, a.id(),
                            txn(a, card, population.randomHighRiskMerchant(r), amount, true, device, ip, country, null), typology));
                }
            }
            default -> { // account_takeover
                String flow = "sess-" + Long.toHexString(r.nextLong() >>> 20);
                ObjectNode change = Json.MAPPER.createObjectNode();
                change.put("account_id", a.id());
                change.put("change", "PASSWORD_RESET");
                change.put("device_id", device);
                change.put("ip", ip);
                change.put("flow_id", flow);
                ctx.add(new Row(WorldBuilder.PROFILE_CHANGE, t, episode, 0, a.id(), change, null));
                ctx.add(new Row(WorldBuilder.LOGIN, advance(t, 30_000, dayStartMs), episode, 1, a.id(), login(a.id(), device, ip, flow, "PASSWORD"), null));
                int n = 1 + r.nextInt(3);
                for (int i = 0; i < n; i++) {
                    t = advance(t, 5 * 60_000 + r.nextInt(55 * 60_000), dayStartMs);
                    double amount = a.typicalAmountMinor() * (2 + 3 * r.nextDouble());
                    txns.add(new Row(WorldBuilder.TXN, t, episode, 2 + i, a.id(),
                            txn(a, card, population.merchant(r.nextInt(population.merchantCount())), amount, true, device, ip,
                                    a.country(), flow), typology));
                }
            }
        }
    }

    private static ObjectNode login(String account, String device, String ip, String flow, String method) {
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.put("account_id", account);
        n.put("device_id", device);
        n.put("ip", ip);
        n.put("flow_id", flow);
        n.put("method", method);
        n.put("outcome", "SUCCESS");
        return n;
    }

    private static ObjectNode txn(Population.Account a, String card, Population.Merchant m, double amount, boolean cnp,
                                  String device, String ip, String country, String flow) {
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.put("txn_id", ""); // assigned once the day is in time order
        n.put("account_id", a.id());
        n.put("card_id", card);
        n.put("merchant_id", m.id());
        n.put("mcc", m.mcc());
        n.put("amount_minor", Math.max(50L, Math.round(amount)));
        n.put("currency", "GBP");
        n.put("channel", cnp ? "CNP" : "CP");
        n.put("device_id", device);
        n.put("ip", ip);
        n.put("country", country);
        if (flow != null) n.put("flow_id", flow);
        return n;
    }

    /** Moves an episode's clock forward, but never past the end of its day (each day's files hold that day only). */
    private static long advance(long t, long deltaMs, long dayStartMs) {
        return Math.min(t + deltaMs, dayStartMs + MS_PER_DAY - 1);
    }
}
