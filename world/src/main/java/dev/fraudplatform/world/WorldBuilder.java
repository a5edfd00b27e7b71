package dev.fraudplatform.world;

import static dev.fraudplatform.parquet.ParquetSchema.optional;
import static dev.fraudplatform.parquet.ParquetSchema.required;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fraudplatform.core.envelope.Times;
import dev.fraudplatform.core.json.Json;
import dev.fraudplatform.core.store.Manifest;
import dev.fraudplatform.core.store.ObjectAlreadyExistsException;
import dev.fraudplatform.core.store.ObjectStore;
import dev.fraudplatform.parquet.ParquetCodec;
import dev.fraudplatform.parquet.ParquetSchema;
import dev.fraudplatform.parquet.ParquetType;
import java.time.DayOfWeek;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.stream.IntStream;

/**
 * Builds a deterministic, sealed synthetic world in the object store under {@code oracle/<world_id>/}, all in Parquet:
 * <ul>
 *   <li>{@code entities/{customers,accounts,cards,merchants,devices}.parquet}: the bank's reference data;</li>
 *   <li>{@code views/<event_class>/day=<date>/part-00000.parquet}: the stream views (see {@link View}), each file in
 *       (event time, episode) order; labels are partitioned by the day they are observed, which may be after the
 *       last day of traffic;</li>
 *   <li>{@code truth/fraud/day=<date>/part-00000.parquet}: which transactions are fraud, by which typology and in which
 *       episode, and how (if ever) each is labelled: a prefix the real-time planes never read;</li>
 *   <li>{@code gate.json}: the validation gate's receipt; {@code manifest.json}: engine version, config, seed, schema,
 *       row counts and the SHA-256 of every file.</li>
 * </ul>
 *
 * <p>Determinism: every random draw comes from a {@link SplittableRandom} seeded by (seed, day, episode), (seed,
 * entity) or (seed, typology, episode); days are generated in parallel, and the bytes depend only on (engine version,
 * config, seed). Building a world that exists is a no-op; resuming a crashed build rewrites nothing that is there.
 */
public final class WorldBuilder {
    public static final String ENGINE_VERSION = "fp-world-2";
    public static final String TXN = View.TXN.eventClass();
    public static final String LOGIN = View.LOGIN.eventClass();
    public static final String THREE_DS = View.THREE_DS.eventClass();
    public static final String PROFILE_CHANGE = View.PROFILE_CHANGE.eventClass();
    public static final String LABEL = View.LABEL.eventClass();
    public static final List<String> VIEWS =
            Arrays.stream(View.values()).map(View::eventClass).toList();

    /** Relative traffic by day of week, Monday first: Friday and Saturday busiest, Sunday quietest. */
    private static final double[] WEEKDAY_WEIGHTS = {0.96, 0.97, 0.99, 1.02, 1.10, 1.08, 0.88};

    /** Row groups small enough that a reader streams a day file without holding it. */
    private static final int ROW_GROUP_ROWS = 65_536;

    static final ParquetSchema TRUTH = new ParquetSchema(List.of(
            required("event_id", ParquetType.VARCHAR),
            required("txn_id", ParquetType.VARCHAR),
            required("account_id", ParquetType.VARCHAR),
            required("card_id", ParquetType.VARCHAR),
            required("typology", ParquetType.VARCHAR),
            required("episode_id", ParquetType.BIGINT),
            required("event_time_ms", ParquetType.BIGINT),
            required("first_party", ParquetType.BOOLEAN),
            optional("label_type", ParquetType.VARCHAR),
            optional("compromised_merchant_id", ParquetType.VARCHAR)));
    static final ParquetSchema CUSTOMERS = new ParquetSchema(List.of(
            required("customer_id", ParquetType.VARCHAR),
            required("email_domain", ParquetType.VARCHAR),
            required("home_city", ParquetType.VARCHAR),
            required("home_country", ParquetType.VARCHAR)));
    static final ParquetSchema ACCOUNTS = new ParquetSchema(List.of(
            required("account_id", ParquetType.VARCHAR),
            required("customer_id", ParquetType.VARCHAR),
            required("opened_date", ParquetType.VARCHAR),
            required("product", ParquetType.VARCHAR),
            optional("credit_limit_minor", ParquetType.BIGINT),
            required("home_city", ParquetType.VARCHAR),
            required("home_country", ParquetType.VARCHAR)));
    static final ParquetSchema CARDS = new ParquetSchema(List.of(
            required("card_id", ParquetType.VARCHAR),
            required("account_id", ParquetType.VARCHAR),
            required("card_type", ParquetType.VARCHAR)));
    static final ParquetSchema MERCHANTS = new ParquetSchema(List.of(
            required("merchant_id", ParquetType.VARCHAR),
            required("mcc", ParquetType.VARCHAR),
            required("city", ParquetType.VARCHAR),
            required("country", ParquetType.VARCHAR),
            required("risk_tier", ParquetType.VARCHAR)));
    static final ParquetSchema DEVICES = new ParquetSchema(List.of(
            required("device_id", ParquetType.VARCHAR),
            required("account_id", ParquetType.VARCHAR),
            required("device_os", ParquetType.VARCHAR)));

    private final ObjectStore store;

    public WorldBuilder(ObjectStore store) {
        this.store = store;
    }

    /** Hears how a build goes: its phase ("generating", "labelling", "gating", "sealing") and transactions generated so far. */
    @FunctionalInterface
    public interface Progress {
        void update(String phase, long transactions);

        Progress NONE = (phase, n) -> {};
    }

    /** The outcome of a build. */
    public record Result(String worldId, boolean alreadyBuilt, WorldGate.Verdict verdict, long transactions) {}

    public static String prefix(String worldId) {
        return "oracle/" + worldId;
    }

    static String viewKey(String prefix, View view, String date) {
        return prefix + "/views/" + view.eventClass() + "/day=" + date + "/part-00000.parquet";
    }

    static String truthKey(String prefix, String date) {
        return prefix + "/truth/fraud/day=" + date + "/part-00000.parquet";
    }

    /**
     * Builds (or finds) the world for {@code config}. A world found sealed whose files no longer match its manifest is
     * refused ({@link ScenarioRunner.WorldRefusedException}, naming the first changed file).
     *
     * @param progress told of each phase and, while generating, of the transactions so far (from several threads)
     */
    public Result build(WorldConfig config, Progress progress) {
        String worldId = config.worldId();
        String prefix = prefix(worldId);
        if (store.exists(prefix + "/" + Manifest.FILE_NAME)) {
            // Sealed means its files still match the manifest: a world changed since is refused, never passed off as
            // built.
            java.util.List<String> problems = Manifest.verify(store, prefix);
            if (!problems.isEmpty()) {
                throw new ScenarioRunner.WorldRefusedException("world " + worldId
                        + " was built, but its files no longer match its manifest: "
                        + problems.get(0) + (problems.size() > 1 ? " (and " + (problems.size() - 1) + " more)" : "")
                        + "; remove " + prefix + " from the object store to build it again");
            }
            return new Result(worldId, true, WorldGate.readReceipt(store, worldId), config.transactions());
        }
        return build(config, progress, worldId, prefix);
    }

    private Result build(WorldConfig config, Progress progress, String worldId, String prefix) {
        String idPrefix = worldId.substring(2, 7);
        Population population = new Population(config);
        Map<String, Long> entityCounts = writeEntities(config, population, prefix);

        int[] quotas = dayQuotas(config);
        long[] txnBase = new long[config.days()];
        for (int d = 1; d < config.days(); d++) txnBase[d] = txnBase[d - 1] + quotas[d - 1];
        FraudPlanner.Plan plan = new FraudPlanner(config, population, quotas).plan();

        AtomicLong done = new AtomicLong();
        AtomicLongArray viewCounts = new AtomicLongArray(View.values().length);
        AtomicLong truthCount = new AtomicLong();
        IntStream.range(0, config.days()).parallel().forEach(d -> {
            DayGenerator.Day day = new DayGenerator(config, population, idPrefix)
                    .generate(d, plan.rowsByDay().get(d), quotas[d], txnBase[d]);
            plan.rowsByDay().set(d, List.of()); // the day's planned rows are written now; let them go
            String date = config.startDate().plusDays(d).toString();
            for (View v : View.values()) {
                List<GenRow> rows = day.of(v);
                if (v == View.LABEL || (rows.isEmpty() && v != View.TXN)) continue;
                writeIdempotent(
                        viewKey(prefix, v, date),
                        ParquetCodec.toBytes(
                                v.table(),
                                () -> rows.stream().map(GenRow::toColumns).iterator(),
                                ROW_GROUP_ROWS));
                viewCounts.addAndGet(v.ordinal(), rows.size());
            }
            writeIdempotent(truthKey(prefix, date), ParquetCodec.toBytes(TRUTH, day.truth(), ROW_GROUP_ROWS));
            truthCount.addAndGet(day.truth().size());
            progress.update("generating", done.addAndGet(day.of(View.TXN).size()));
        });
        progress.update("labelling", done.get());
        viewCounts.addAndGet(View.LABEL.ordinal(), writeLabels(config, plan.labels(), prefix, idPrefix));

        progress.update("gating", done.get());
        WorldGate.Verdict verdict = new WorldGate(store).check(worldId, config);
        progress.update("sealing", done.get());
        ObjectNode attrs = Json.MAPPER.createObjectNode();
        attrs.put("engine_version", ENGINE_VERSION);
        attrs.put("world_id", worldId);
        attrs.put("seed", config.seed());
        attrs.set("config", config.toJson());
        attrs.set("schema", schemaJson());
        ObjectNode counts = attrs.putObject("row_counts");
        ObjectNode views = counts.putObject("views");
        for (View v : View.values()) views.put(v.eventClass(), viewCounts.get(v.ordinal()));
        counts.putObject("truth").put("fraud", truthCount.get());
        ObjectNode entities = counts.putObject("entities");
        entityCounts.forEach(entities::put);
        attrs.put("gate", verdict.passed() ? "PASSED" : "FAILED");
        Manifest.seal(store, prefix, attrs);
        return new Result(worldId, false, verdict, viewCounts.get(View.TXN.ordinal()));
    }

    /** Writes the labels, partitioned by the day they are observed; returns how many. */
    private long writeLabels(
            WorldConfig config, List<FraudPlanner.PlannedLabel> planned, String prefix, String idPrefix) {
        long start = dayStartMillis(config, 0);
        TreeMap<Integer, List<GenRow>> byDay = new TreeMap<>();
        for (FraudPlanner.PlannedLabel p : planned) {
            GenRow tx = p.txn();
            GenRow label = new GenRow(View.LABEL, p.observedMs(), tx.episode, tx.seq, tx.account);
            label.set("amount_minor", tx.get("amount_minor"))
                    .set("card_id", tx.get("card_id"))
                    .set("effective_time", Times.formatMillis(tx.timeMs))
                    .set("label_type", p.labelType())
                    .set("observed_time", Times.formatMillis(p.observedMs()))
                    .set("reason_code", p.reasonCode())
                    .set("source", p.source())
                    .set("txn_id", tx.get("txn_id"))
                    .set("label_id", "");
            byDay.computeIfAbsent((int) Math.floorDiv(p.observedMs() - start, Rows.MS_PER_DAY), k -> new ArrayList<>())
                    .add(label);
        }
        long n = 0;
        for (Map.Entry<Integer, List<GenRow>> e : byDay.entrySet()) {
            List<GenRow> rows = e.getValue();
            rows.sort(GenRow.ORDER);
            DayGenerator.assignIds(rows, View.LABEL, idPrefix, e.getKey());
            for (GenRow row : rows) row.set("label_id", row.eventId.substring(idPrefix.length() + 1));
            String date = config.startDate().plusDays(e.getKey()).toString();
            writeIdempotent(
                    viewKey(prefix, View.LABEL, date),
                    ParquetCodec.toBytes(
                            View.LABEL.table(),
                            () -> rows.stream().map(GenRow::toColumns).iterator(),
                            ROW_GROUP_ROWS));
            n += rows.size();
        }
        return n;
    }

    private Map<String, Long> writeEntities(WorldConfig config, Population population, String prefix) {
        List<Object[]> customers = new ArrayList<>();
        List<Object[]> accounts = new ArrayList<>();
        List<Object[]> cards = new ArrayList<>();
        List<Object[]> devices = new ArrayList<>();
        String previousCustomer = null;
        for (Population.Account a : population.accounts()) {
            if (!a.customerId().equals(previousCustomer)) {
                customers.add(new Object[] {
                    a.customerId(), a.emailDomain(), a.home().name(), a.home().country()
                });
                previousCustomer = a.customerId();
            }
            accounts.add(new Object[] {
                a.id(),
                a.customerId(),
                config.startDate().minusDays(a.openedDaysBefore()).toString(),
                a.credit() ? "CREDIT" : "DEBIT",
                a.credit() ? a.creditLimitMinor() : null,
                a.home().name(),
                a.home().country()
            });
            for (String c : a.cards()) cards.add(new Object[] {c, a.id(), a.credit() ? "CREDIT" : "DEBIT"});
            for (int i = 0; i < a.devices().length; i++)
                devices.add(new Object[] {a.devices()[i], a.id(), a.deviceOs()[i]});
        }
        List<Object[]> merchants = new ArrayList<>();
        for (Population.Merchant m : population.merchants()) {
            merchants.add(new Object[] {
                m.id(),
                m.mcc().code(),
                m.city().name(),
                m.city().country(),
                m.risk().name()
            });
        }
        Map<String, Long> counts = new TreeMap<>();
        Map<String, Object[]> files = Map.of(
                "customers",
                new Object[] {CUSTOMERS, customers},
                "accounts",
                new Object[] {ACCOUNTS, accounts},
                "cards",
                new Object[] {CARDS, cards},
                "merchants",
                new Object[] {MERCHANTS, merchants},
                "devices",
                new Object[] {DEVICES, devices});
        files.forEach((name, f) -> {
            @SuppressWarnings("unchecked")
            List<Object[]> rows = (List<Object[]>) f[1];
            writeIdempotent(
                    prefix + "/entities/" + name + ".parquet",
                    ParquetCodec.toBytes((ParquetSchema) f[0], rows, ROW_GROUP_ROWS));
            counts.put(name, (long) rows.size());
        });
        return counts;
    }

    private static ObjectNode schemaJson() {
        ObjectNode schema = Json.MAPPER.createObjectNode();
        for (View v : View.values()) columnsJson(schema.putArray(v.eventClass()), v.table());
        columnsJson(schema.putArray("truth.fraud"), TRUTH);
        return schema;
    }

    private static void columnsJson(ArrayNode out, ParquetSchema t) {
        for (ParquetSchema.Column c : t.columns())
            out.addObject()
                    .put("name", c.name())
                    .put("type", c.type().sqlName())
                    .put("required", c.required());
    }

    /**
     * Each day's exact number of transactions: the total shared by weekday weight, remainders to the largest
     * fractions (ties to the earlier day), so the days add up to exactly the configured total.
     */
    static int[] dayQuotas(WorldConfig config) {
        int days = config.days();
        double[] w = new double[days];
        double sum = 0;
        for (int d = 0; d < days; d++) {
            DayOfWeek dow = config.startDate().plusDays(d).getDayOfWeek();
            w[d] = WEEKDAY_WEIGHTS[dow.getValue() - 1];
            sum += w[d];
        }
        int[] q = new int[days];
        double[] frac = new double[days];
        long assigned = 0;
        for (int d = 0; d < days; d++) {
            double exact = config.transactions() * w[d] / sum;
            q[d] = (int) Math.floor(exact);
            frac[d] = exact - q[d];
            assigned += q[d];
        }
        Integer[] order = IntStream.range(0, days)
                .boxed()
                .sorted(Comparator.comparingDouble((Integer d) -> -frac[d]).thenComparingInt(d -> d))
                .toArray(Integer[]::new);
        for (int i = 0; assigned < config.transactions(); i++, assigned++) q[order[i % days]]++;
        return q;
    }

    static long dayStartMillis(WorldConfig config, int day) {
        return config.startDate()
                .plusDays(day)
                .atStartOfDay(ZoneOffset.UTC)
                .toInstant()
                .toEpochMilli();
    }

    /** Creates {@code key}; if it exists with the same bytes (a resumed build), that is fine; otherwise it fails. */
    private void writeIdempotent(String key, byte[] content) {
        writeIdempotent(store, key, content);
    }

    static void writeIdempotent(ObjectStore store, String key, byte[] content) {
        try {
            store.create(key, content);
        } catch (ObjectAlreadyExistsException e) {
            if (!Arrays.equals(store.read(key), content)) {
                throw new IllegalStateException(
                        "world file " + key + " exists with different content; the world id no longer "
                                + "determines its bytes (was the engine changed without a version bump?)");
            }
        }
    }

    /** A random stream for (seed, a, b): a strong mix of the three, so that nearby keys give unrelated streams. */
    static SplittableRandom rng(long seed, long a, long b) {
        long h = seed * 0x9E3779B97F4A7C15L;
        h = Long.rotateLeft(h ^ (a * 0xC2B2AE3D27D4EB4FL), 31) * 0x165667B19E3779F9L;
        h = Long.rotateLeft(h ^ (b * 0xD6E8FEB86659FD93L), 27) * 0x9E3779B97F4A7C15L;
        return new SplittableRandom(h ^ (h >>> 29));
    }
}
