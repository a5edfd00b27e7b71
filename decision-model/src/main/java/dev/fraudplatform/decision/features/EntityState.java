package dev.fraudplatform.decision.features;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the online feature projection remembers about one entity (an account, card, merchant, device or IP) within
 * one run, in the order its events were applied:
 * <ul>
 *   <li>every event of the last hour (time, amount), at most {@value #MAX_RECENT}: exact 1-minute, 10-minute and
 *       1-hour windows;</li>
 *   <li>per clock hour, the count and sum of events, for the last 168 hours: the 24-hour and 7-day windows;</li>
 *   <li>lifetime count, mean and variance of amounts (Welford), for the z-score;</li>
 *   <li>the last event time and the last known location;</li>
 *   <li>links: per link kind (merchant, device, card, account, country, ...) the most recently seen ids with their
 *       last-seen time, at most {@value #MAX_LINKS} each (the oldest is forgotten);</li>
 *   <li>marks: named instants (the last password reset, the earliest fraud label observed, ...).</li>
 * </ul>
 * Windows are anchored on the newest event applied, so state never grows past those bounds. Serialised compactly
 * for a Kafka Streams state store. Mutable and not thread-safe: one stream task owns it.
 */
public final class EntityState {
    public static final long MINUTE = 60_000L;
    public static final long HOUR = 3_600_000L;
    public static final long DAY = 24 * HOUR;
    static final int MAX_RECENT = 1024;
    static final int MAX_LINKS = 32;
    static final int HOURS_KEPT = 168;
    private static final byte VERSION = 3;

    private final ArrayDeque<long[]> recent = new ArrayDeque<>();
    private final TreeMap<Long, long[]> hours = new TreeMap<>();
    private long count;
    private double mean;
    private double m2;
    private long lastTimeMs = -1;
    private long newestMs = Long.MIN_VALUE;
    private double lastLat = Double.NaN;
    private double lastLon = Double.NaN;
    private long lastGeoMs = -1;
    private final Map<String, LinkedHashMap<String, Long>> links = new TreeMap<>();
    private final Map<String, Long> marks = new TreeMap<>();

    /** Applies an event: it now counts in every window, the lifetime statistics and the last event time. */
    public void add(long t, long amount) {
        recent.addLast(new long[] {t, amount});
        newestMs = Math.max(newestMs, t);
        while (!recent.isEmpty() && (recent.peekFirst()[0] <= newestMs - HOUR || recent.size() > MAX_RECENT))
            recent.pollFirst();
        long[] h = hours.computeIfAbsent(Math.floorDiv(t, HOUR), k -> new long[2]);
        h[0]++;
        h[1] += amount;
        long oldestHour = Math.floorDiv(newestMs, HOUR) - HOURS_KEPT + 1;
        while (!hours.isEmpty() && hours.firstKey() < oldestHour) hours.pollFirstEntry();
        count++;
        double delta = amount - mean;
        mean += delta / count;
        m2 += delta * (amount - mean);
        lastTimeMs = Math.max(lastTimeMs, t);
    }

    /** COUNT(events, (t - w, t]) for w of at most one hour. */
    public long count(long t, long w) {
        long n = 0;
        for (long[] e : recent) if (e[0] > t - w && e[0] <= t) n++;
        return n;
    }

    /** SUM(amount, (t - w, t]) for w of at most one hour. */
    public long sum(long t, long w) {
        long s = 0;
        for (long[] e : recent) if (e[0] > t - w && e[0] <= t) s += e[1];
        return s;
    }

    /** COUNT(events with amount &lt; limit, (t - w, t]) for w of at most one hour. */
    public long countBelow(long t, long w, long limit) {
        long n = 0;
        for (long[] e : recent) if (e[0] > t - w && e[0] <= t && e[1] < limit) n++;
        return n;
    }

    /** COUNT(events in the clock hour of t and the n - 1 hours before it); index 1 of the array is their SUM. */
    public long[] hourWindow(long t, int n) {
        long hour = Math.floorDiv(t, HOUR);
        long[] out = new long[2];
        for (long[] h : hours.subMap(hour - n + 1, true, hour, true).values()) {
            out[0] += h[0];
            out[1] += h[1];
        }
        return out;
    }

    /** Events applied so far (lifetime). */
    public long count() {
        return count;
    }

    public double mean() {
        return mean;
    }

    /** Sample standard deviation of amounts, 0 with fewer than two events. */
    public double stddev() {
        return count < 2 ? 0 : Math.sqrt(m2 / (count - 1));
    }

    /** The latest event time applied, or -1 when none. */
    public long lastTimeMs() {
        return lastTimeMs;
    }

    /** The newest event time applied, or {@link Long#MIN_VALUE}: an event older than it is applied out of order. */
    public long newestMs() {
        return newestMs;
    }

    /** The last location, when one was seen: {lat, lon, time}. */
    public double[] lastGeo() {
        return lastGeoMs < 0 ? null : new double[] {lastLat, lastLon, lastGeoMs};
    }

    public void geo(double lat, double lon, long t) {
        if (t >= lastGeoMs) {
            lastLat = lat;
            lastLon = lon;
            lastGeoMs = t;
        }
    }

    /** Whether {@code id} is among the remembered links of this kind. */
    public boolean linked(String kind, String id) {
        LinkedHashMap<String, Long> m = links.get(kind);
        return m != null && m.containsKey(id);
    }

    /** Number of remembered links of this kind seen in (t - w, t]. */
    public long distinct(String kind, long t, long w) {
        LinkedHashMap<String, Long> m = links.get(kind);
        if (m == null) return 0;
        long n = 0;
        for (long seen : m.values()) if (seen > t - w && seen <= t) n++;
        return n;
    }

    /** Remembered links of this kind, least recently seen first. */
    public Iterable<String> links(String kind) {
        LinkedHashMap<String, Long> m = links.get(kind);
        return m == null ? java.util.List.of() : java.util.List.copyOf(m.keySet());
    }

    /** Records a link seen at t, making it the most recent; forgets the least recent beyond {@value #MAX_LINKS}. */
    public void link(String kind, String id, long t) {
        if (id == null || id.isEmpty()) return;
        LinkedHashMap<String, Long> m = links.computeIfAbsent(kind, k -> new LinkedHashMap<>());
        Long before = m.remove(id);
        m.put(id, before == null ? t : Math.max(before, t));
        if (m.size() > MAX_LINKS) {
            Iterator<String> it = m.keySet().iterator();
            it.next();
            it.remove();
        }
    }

    /** The time of a mark, or null. */
    public Long mark(String name) {
        return marks.get(name);
    }

    /** Sets a mark to the earliest of its times. */
    public void markEarliest(String name, long t) {
        marks.merge(name, t, Math::min);
    }

    public byte[] encode() {
        int size = 96 + recent.size() * 16 + hours.size() * 24;
        for (Map.Entry<String, LinkedHashMap<String, Long>> l : links.entrySet()) {
            size += 4 + l.getKey().length() * 3;
            for (String id : l.getValue().keySet()) size += 10 + id.length() * 3;
        }
        for (String m : marks.keySet()) size += 10 + m.length() * 3;
        ByteBuffer out = ByteBuffer.allocate(size);
        out.put(VERSION);
        out.putLong(count);
        out.putDouble(mean);
        out.putDouble(m2);
        out.putLong(lastTimeMs);
        out.putLong(newestMs);
        out.putDouble(lastLat);
        out.putDouble(lastLon);
        out.putLong(lastGeoMs);
        out.putShort((short) recent.size());
        for (long[] e : recent) {
            out.putLong(e[0]);
            out.putLong(e[1]);
        }
        out.putShort((short) hours.size());
        for (Map.Entry<Long, long[]> h : hours.entrySet()) {
            out.putLong(h.getKey());
            out.putLong(h.getValue()[0]);
            out.putLong(h.getValue()[1]);
        }
        out.put((byte) links.size());
        for (Map.Entry<String, LinkedHashMap<String, Long>> l : links.entrySet()) {
            putString(out, l.getKey());
            out.put((byte) l.getValue().size());
            for (Map.Entry<String, Long> e : l.getValue().entrySet()) {
                putString(out, e.getKey());
                out.putLong(e.getValue());
            }
        }
        out.put((byte) marks.size());
        for (Map.Entry<String, Long> m : marks.entrySet()) {
            putString(out, m.getKey());
            out.putLong(m.getValue());
        }
        return java.util.Arrays.copyOf(out.array(), out.position());
    }

    private static void putString(ByteBuffer out, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.putShort((short) b.length);
        out.put(b);
    }

    private static String getString(ByteBuffer in) {
        int n = in.getShort() & 0xffff;
        String s = new String(in.array(), in.arrayOffset() + in.position(), n, StandardCharsets.UTF_8);
        in.position(in.position() + n);
        return s;
    }

    /** The state encoded by {@link #encode()}, or a new empty state for null. */
    public static EntityState decode(byte[] data) {
        EntityState s = new EntityState();
        if (data == null) return s;
        try {
            ByteBuffer in = ByteBuffer.wrap(data);
            byte v = in.get();
            if (v != VERSION) throw new IllegalStateException("unknown entity state version " + v);
            s.count = in.getLong();
            s.mean = in.getDouble();
            s.m2 = in.getDouble();
            s.lastTimeMs = in.getLong();
            s.newestMs = in.getLong();
            s.lastLat = in.getDouble();
            s.lastLon = in.getDouble();
            s.lastGeoMs = in.getLong();
            int n = in.getShort() & 0xffff;
            for (int i = 0; i < n; i++) s.recent.addLast(new long[] {in.getLong(), in.getLong()});
            n = in.getShort() & 0xffff;
            for (int i = 0; i < n; i++) s.hours.put(in.getLong(), new long[] {in.getLong(), in.getLong()});
            n = in.get() & 0xff;
            for (int i = 0; i < n; i++) {
                LinkedHashMap<String, Long> m = new LinkedHashMap<>();
                s.links.put(getString(in), m);
                int k = in.get() & 0xff;
                for (int j = 0; j < k; j++) m.put(getString(in), in.getLong());
            }
            n = in.get() & 0xff;
            for (int i = 0; i < n; i++) s.marks.put(getString(in), in.getLong());
            return s;
        } catch (java.nio.BufferUnderflowException e) {
            throw new IllegalStateException("truncated entity state", e);
        }
    }
}
