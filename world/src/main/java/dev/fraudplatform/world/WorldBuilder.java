package dev.fraudplatform.world;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fraudplatform.core.json.CanonicalJson;
import dev.fraudplatform.core.json.Json;
import dev.fraudplatform.core.store.Manifest;
import dev.fraudplatform.core.store.ObjectAlreadyExistsException;
import dev.fraudplatform.core.store.ObjectStore;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;
import java.util.stream.IntStream;

/**
 * Builds a deterministic, sealed synthetic world in the object store under {@code oracle/<world_id>/}:
 * <ul>
 *   <li>{@code entities/accounts.jsonl}: accounts with their cards, devices and home country;</li>
 *   <li>{@code views/<event_class>/day=<date>/part-00000.jsonl}: the stream views (transaction authorisations,
 *       logins, profile changes), each file in (event time, event id) order;</li>
 *   <li>{@code truth/fraud/day=<date>/part-00000.jsonl}: which transactions are fraud and by which typology,
 *       a prefix the real-time planes never read;</li>
 *   <li>{@code gate.json}: the validation gate's receipt; {@code manifest.json}: SHA-256 of every file.</li>
 * </ul>
 *
 * <p>Determinism: every random draw comes from a {@link SplittableRandom} seeded by (seed, day, episode) or
 * (seed, entity), so days are generated in parallel and the bytes depend only on (engine version, config, seed).
 * Building a world that exists already is a no-op; resuming a crashed build rewrites nothing that is there.
 *
 * <p>Fraud typologies: card testing (bursts of small card-not-present authorisations from one new device),
 * stolen card CNP (new device and IP, high-risk merchants, large amounts) and account takeover (a password
 * reset from a new device, then spend). Legitimate traffic carries noise in the same signals (new devices,
 * travel, large purchases) so that no single signal separates the two.
 */
public final class WorldBuilder {
    public static final String ENGINE_VERSION = "fp-world-thin-1";
    public static final String TXN = "txn.authorization";
    public static final String LOGIN = "ctx.login";
    public static final String PROFILE_CHANGE = "ctx.profile_change";
    public static final List<String> VIEWS = List.of(TXN, LOGIN, PROFILE_CHANGE);

    static final String[] COUNTRIES = {"GB", "GB", "GB", "GB", "GB", "GB", "GB", "FR", "DE", "IE", "ES", "US"};
    static final String[] LOW_RISK_MCC = {"5411", "5812", "5541", "5732", "5999", "5311", "4111", "5912"};
    static final String[] HIGH_RISK_MCC = {"4829", "7995", "5967", "6051"};
    /** Relative traffic by hour of day (UTC): quiet nights, busy lunch and evening. */
    private static final double[] HOUR_WEIGHTS = {
        0.2, 0.1, 0.1, 0.1, 0.1, 0.2, 0.5, 1.0, 1.4, 1.5, 1.6, 1.8, 2.2, 2.0, 1.7, 1.6, 1.7, 1.9, 2.1, 2.2, 1.9, 1.4, 0.9, 0.5};
    private static final double[] HOUR_CDF = cdf(HOUR_WEIGHTS);

    private final ObjectStore store;

    public WorldBuilder(ObjectStore store) {
        this.store = store;
    }

    /** The outcome of a build. */
    public record Result(String worldId, boolean alreadyBuilt, WorldGate.Verdict verdict, long transactions) {}

    public static String prefix(String worldId) {
        return "oracle/" + worldId;
    }

    /**
     * Builds (or finds) the world for {@code config}.
     *
     * @param progress called with the number of transactions generated so far (from several threads)
     */
    public Result build(WorldConfig config, LongConsumer progress) {
        String worldId = config.worldId();
        String prefix = prefix(worldId);
        if (store.exists(prefix + "/" + Manifest.FILE_NAME)) {
            WorldGate.Verdict v = WorldGate.readReceipt(store, worldId);
            return new Result(worldId, true, v, config.transactions());
        }
        Population population = new Population(config);
        writeIdempotent(prefix + "/entities/accounts.jsonl", population.accountsJsonl());

        int[] perDay = new int[config.days()];
        for (int d = 0; d < config.days(); d++) {
            perDay[d] = config.transactions() / config.days() + (d < config.transactions() % config.days() ? 1 : 0);
        }
        long[] dayBase = new long[config.days()];
        for (int d = 1; d < config.days(); d++) dayBase[d] = dayBase[d - 1] + perDay[d - 1];
        AtomicLong done = new AtomicLong();
        long[] fraudPerDay = new long[config.days()];
        long[][] ctxPerDay = new long[config.days()][2];
        IntStream.range(0, config.days()).parallel().forEach(d -> {
            DayGenerator.Day day = new DayGenerator(config, population, worldId).generate(d, perDay[d], dayBase[d]);
            String date = config.startDate().plusDays(d).toString();
            writeIdempotent(viewKey(prefix, TXN, date), day.lines(TXN));
            writeIdempotent(viewKey(prefix, LOGIN, date), day.lines(LOGIN));
            writeIdempotent(viewKey(prefix, PROFILE_CHANGE, date), day.lines(PROFILE_CHANGE));
            writeIdempotent(prefix + "/truth/fraud/day=" + date + "/part-00000.jsonl", day.truthLines());
            fraudPerDay[d] = day.fraudCount();
            ctxPerDay[d][0] = day.count(LOGIN);
            ctxPerDay[d][1] = day.count(PROFILE_CHANGE);
            progress.accept(done.addAndGet(perDay[d]));
        });

        WorldGate.Verdict verdict = new WorldGate(store).check(worldId, config);
        ObjectNode attrs = Json.MAPPER.createObjectNode();
        attrs.put("engine_version", ENGINE_VERSION);
        attrs.put("world_id", worldId);
        attrs.set("config", config.toJson());
        ObjectNode counts = attrs.putObject("row_counts");
        counts.put(TXN, config.transactions());
        counts.put(LOGIN, Arrays.stream(ctxPerDay).mapToLong(c -> c[0]).sum());
        counts.put(PROFILE_CHANGE, Arrays.stream(ctxPerDay).mapToLong(c -> c[1]).sum());
        counts.put("truth.fraud", Arrays.stream(fraudPerDay).sum());
        counts.put("accounts", config.accounts());
        attrs.put("gate", verdict.passed() ? "PASSED" : "FAILED");
        Manifest.seal(store, prefix, attrs);
        return new Result(worldId, false, verdict, config.transactions());
    }

    static String viewKey(String prefix, String eventClass, String date) {
        return prefix + "/views/" + eventClass + "/day=" + date + "/part-00000.jsonl";
    }

    private void writeIdempotent(String key, byte[] content) {
        writeIdempotent(store, key, content);
    }

    /** Creates {@code key}; if it exists with the same bytes (a resumed build), that is fine; otherwise it fails. */
    static void writeIdempotent(ObjectStore store, String key, byte[] content) {
        try {
            store.create(key, content);
        } catch (ObjectAlreadyExistsException e) {
            if (!Arrays.equals(store.read(key), content)) {
                throw new IllegalStateException("world file " + key + " exists with different content; the world id no longer "
                        + "determines its bytes (was the engine changed without a version bump?)");
            }
        }
    }

    static SplittableRandom rng(long seed, long a, long b) {
        long h = seed * 0x9E3779B97F4A7C15L;
        h = Long.rotateLeft(h ^ (a * 0xC2B2AE3D27D4EB4FL), 31) * 0x165667B19E3779F9L;
        h = Long.rotateLeft(h ^ (b * 0xD6E8FEB86659FD93L), 27) * 0x9E3779B97F4A7C15L;
        return new SplittableRandom(h ^ (h >>> 29));
    }

    static int hourOfDay(SplittableRandom r) {
        double u = r.nextDouble();
        for (int h = 0; h < 24; h++) if (u < HOUR_CDF[h]) return h;
        return 23;
    }

    private static double[] cdf(double[] w) {
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

    static Instant dayStart(LocalDate start, int day) {
        return start.plusDays(day).atStartOfDay(ZoneOffset.UTC).toInstant();
    }

    static byte[] jsonl(List<String> lines) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(lines.size() * 320 + 16);
        for (String l : lines) {
            out.writeBytes(l.getBytes(StandardCharsets.UTF_8));
            out.write('\n');
        }
        return out.toByteArray();
    }

    static String canonical(ObjectNode n) {
        return CanonicalJson.string(n);
    }

    static List<String> newList() {
        return new ArrayList<>();
    }
}
