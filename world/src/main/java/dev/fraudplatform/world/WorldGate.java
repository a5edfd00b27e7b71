package dev.fraudplatform.world;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fraudplatform.core.json.CanonicalJson;
import dev.fraudplatform.core.json.Json;
import dev.fraudplatform.core.store.ObjectStore;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The validation gate: reads a built world back, as an outsider would, and writes {@code gate.json} with
 * PASSED or FAILED and the result of every check. The Scenario Runner accepts only PASSED worlds.
 *
 * <p>Checks: schema of every row; referential integrity (accounts and their cards); time order and day
 * bounds within each file; exact transaction count; unique event ids; truth refers to real transactions; fraud
 * present; fraud rate within [0.5 f, 1.5 f + 0.001] of the configured rate f.
 */
public final class WorldGate {
    public static final String RECEIPT = "gate.json";

    /** One check's result. */
    public record Check(String name, boolean passed, String detail) {}

    /** The gate's verdict. */
    public record Verdict(String worldId, boolean passed, List<Check> checks) {
        public List<String> failedChecks() {
            return checks.stream().filter(c -> !c.passed()).map(c -> c.name() + " (" + c.detail() + ")").toList();
        }
    }

    private final ObjectStore store;

    public WorldGate(ObjectStore store) {
        this.store = store;
    }

    /** Checks the world's files against {@code config} and writes the receipt. */
    public Verdict check(String worldId, WorldConfig config) {
        String prefix = WorldBuilder.prefix(worldId);
        Map<String, Set<String>> cardsOf = new HashMap<>();
        forEachLine(prefix + "/entities/accounts.jsonl", n -> {
            Set<String> cards = new HashSet<>();
            n.path("cards").forEach(c -> cards.add(c.asText()));
            cardsOf.put(n.path("account_id").asText(), cards);
        });
        Problems schema = new Problems(), refs = new Problems(), order = new Problems(), ids = new Problems(), truth = new Problems();
        long[] txnCount = {0};
        long[] fraud = {0};
        Map<String, Long> typologies = new HashMap<>();
        String[] lastTxnId = {""};
        for (int d = 0; d < config.days(); d++) {
            String date = config.startDate().plusDays(d).toString();
            long dayStart = WorldBuilder.dayStart(config.startDate(), d).toEpochMilli();
            Set<String> dayTxnIds = new HashSet<>();
            Set<String> dayIds = new HashSet<>();
            for (String view : WorldBuilder.VIEWS) {
                String key = WorldBuilder.viewKey(prefix, view, date);
                if (!store.exists(key)) {
                    schema.add(key + ": missing");
                    continue;
                }
                WorldEvent[] prev = {null};
                forEachLine(key, n -> {
                    WorldEvent e;
                    try {
                        e = WorldEvent.fromLine(n);
                    } catch (RuntimeException ex) {
                        schema.add(key + ": " + ex.getMessage());
                        return;
                    }
                    checkSchema(view, e, schema);
                    Set<String> cards = cardsOf.get(e.partitionKey());
                    if (cards == null) refs.add(e.eventId() + ": unknown account " + e.partitionKey());
                    else if (view.equals(WorldBuilder.TXN) && !cards.contains(e.payload().path("card_id").asText())) {
                        refs.add(e.eventId() + ": card " + e.payload().path("card_id").asText() + " is not " + e.partitionKey() + "'s");
                    }
                    long t = e.eventTime().toEpochMilli();
                    if (t < dayStart || t >= dayStart + 86_400_000L) order.add(e.eventId() + ": outside day " + date);
                    if (prev[0] != null && WorldEvent.EVENT_ORDER.compare(prev[0], e) > 0) order.add(e.eventId() + ": out of order in " + key);
                    prev[0] = e;
                    if (!dayIds.add(e.eventId())) ids.add(e.eventId() + ": duplicate");
                    if (view.equals(WorldBuilder.TXN)) {
                        txnCount[0]++;
                        dayTxnIds.add(e.eventId());
                        if (e.eventId().compareTo(lastTxnId[0]) <= 0) ids.add(e.eventId() + ": transaction ids not increasing");
                        lastTxnId[0] = e.eventId();
                    }
                });
            }
            String truthKey = prefix + "/truth/fraud/day=" + date + "/part-00000.jsonl";
            if (store.exists(truthKey)) {
                forEachLine(truthKey, n -> {
                    fraud[0]++;
                    typologies.merge(n.path("typology").asText(), 1L, Long::sum);
                    if (!dayTxnIds.contains(n.path("event_id").asText())) truth.add(n.path("event_id").asText() + ": not a transaction of " + date);
                });
            } else {
                truth.add(truthKey + ": missing");
            }
        }
        double rate = txnCount[0] == 0 ? 0 : (double) fraud[0] / txnCount[0];
        double f = config.fraudRate();
        List<Check> checks = new ArrayList<>();
        checks.add(schema.check("schema"));
        checks.add(refs.check("referential_integrity"));
        checks.add(order.check("time_order"));
        checks.add(ids.check("unique_event_ids"));
        checks.add(truth.check("truth_refers_to_transactions"));
        checks.add(new Check("transaction_count", txnCount[0] == config.transactions(),
                txnCount[0] + " of " + config.transactions()));
        checks.add(new Check("fraud_present", fraud[0] > 0, fraud[0] + " fraud transactions"));
        checks.add(new Check("fraud_rate_band", rate >= 0.5 * f && rate <= 1.5 * f + 0.001,
                String.format(java.util.Locale.ROOT, "observed %.5f, configured %.5f, band [%.5f, %.5f]; by typology %s", rate, f, 0.5 * f, 1.5 * f + 0.001,
                        new java.util.TreeMap<>(typologies))));
        Verdict v = new Verdict(worldId, checks.stream().allMatch(Check::passed), checks);
        writeReceipt(v);
        return v;
    }

    private static void checkSchema(String view, WorldEvent e, Problems schema) {
        JsonNode p = e.payload();
        List<String> text = switch (view) {
            case WorldBuilder.TXN -> List.of("txn_id", "account_id", "card_id", "merchant_id", "mcc", "currency", "channel",
                    "device_id", "ip", "country");
            case WorldBuilder.LOGIN -> List.of("account_id", "device_id", "ip", "flow_id", "method", "outcome");
            default -> List.of("account_id", "change", "device_id", "ip", "flow_id");
        };
        for (String field : text) {
            if (!p.path(field).isTextual() || p.path(field).asText().isEmpty()) schema.add(e.eventId() + ": payload." + field + " must be a non-empty string");
        }
        if (view.equals(WorldBuilder.TXN)) {
            if (!p.path("amount_minor").canConvertToLong() || p.path("amount_minor").asLong() <= 0) {
                schema.add(e.eventId() + ": payload.amount_minor must be a positive integer");
            }
            if (!p.path("channel").asText().matches("CP|CNP")) schema.add(e.eventId() + ": payload.channel must be CP or CNP");
            if (!p.path("mcc").asText().matches("[0-9]{4}")) schema.add(e.eventId() + ": payload.mcc must be 4 digits");
        }
        if (!e.partitionKey().equals(p.path("account_id").asText())) schema.add(e.eventId() + ": partition_key must be the account id");
        if (!e.eventClass().equals(view)) schema.add(e.eventId() + ": event_class " + e.eventClass() + " in view " + view);
    }

    private void writeReceipt(Verdict v) {
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.put("world_id", v.worldId());
        n.put("status", v.passed() ? "PASSED" : "FAILED");
        ArrayNode checks = n.putArray("checks");
        for (Check c : v.checks()) checks.addObject().put("name", c.name()).put("passed", c.passed()).put("detail", c.detail());
        // Deterministic content: a build resumed after a crash finds the same receipt already there.
        WorldBuilder.writeIdempotent(store, WorldBuilder.prefix(v.worldId()) + "/" + RECEIPT, CanonicalJson.bytes(n));
    }

    /** Reads a world's gate receipt; a missing receipt reads as a failed verdict naming that. */
    public static Verdict readReceipt(ObjectStore store, String worldId) {
        String key = WorldBuilder.prefix(worldId) + "/" + RECEIPT;
        if (!store.exists(key)) {
            return new Verdict(worldId, false, List.of(new Check("gate_receipt", false, "no gate receipt at " + key)));
        }
        try {
            JsonNode n = Json.MAPPER.readTree(store.read(key));
            List<Check> checks = new ArrayList<>();
            n.path("checks").forEach(c -> checks.add(new Check(c.path("name").asText(), c.path("passed").asBoolean(), c.path("detail").asText())));
            return new Verdict(worldId, "PASSED".equals(n.path("status").asText()), checks);
        } catch (IOException e) {
            return new Verdict(worldId, false, List.of(new Check("gate_receipt", false, "unreadable gate receipt: " + e.getMessage())));
        }
    }

    private void forEachLine(String key, Consumer<JsonNode> action) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(store.open(key), StandardCharsets.UTF_8), 1 << 16)) {
            String line;
            while ((line = r.readLine()) != null) {
                action.accept(Json.MAPPER.readTree(line));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + key, e);
        }
    }

    /** Collects a check's problems: a count and the first few examples. */
    private static final class Problems {
        private long count;
        private final List<String> examples = new ArrayList<>();

        void add(String problem) {
            count++;
            if (examples.size() < 3) examples.add(problem);
        }

        Check check(String name) {
            return new Check(name, count == 0, count == 0 ? "ok" : count + " problems, e.g. " + String.join("; ", examples));
        }
    }
}
