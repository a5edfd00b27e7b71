package dev.fraudplatform.rtdl.features;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * What the Decision Fabric remembers about one account within one run: the last 24 hours of transactions (time
 * and amount), lifetime count and sum, the most recently seen devices and countries, and the last event time.
 * Serialised compactly for a Kafka Streams state store. Mutable, not thread-safe: one stream task owns it.
 */
public final class AccountState {
    static final long WINDOW_24H_MS = 86_400_000L;
    static final int MAX_RECENT = 512;
    static final int MAX_DEVICES = 8;
    static final int MAX_COUNTRIES = 4;
    private static final byte VERSION = 1;

    record Txn(long timeMs, long amountMinor) {}

    final Deque<Txn> recent = new ArrayDeque<>();
    long count;
    long sumAmount;
    long lastTimeMs = -1;
    final List<String> devices = new ArrayList<>();
    final List<String> countries = new ArrayList<>();

    /** Adds a transaction; forgets what fell out of the 24-hour window or the bounded lists. */
    void add(long timeMs, long amountMinor, String device, String country) {
        recent.addLast(new Txn(timeMs, amountMinor));
        while (!recent.isEmpty() && (recent.peekFirst().timeMs() <= timeMs - WINDOW_24H_MS || recent.size() > MAX_RECENT)) {
            recent.pollFirst();
        }
        count++;
        sumAmount += amountMinor;
        lastTimeMs = Math.max(lastTimeMs, timeMs);
        remember(devices, device, MAX_DEVICES);
        remember(countries, country, MAX_COUNTRIES);
    }

    private static void remember(List<String> list, String value, int max) {
        if (value == null) return;
        list.remove(value);
        list.add(value);
        if (list.size() > max) list.remove(0);
    }

    public byte[] encode() {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(32 + recent.size() * 16);
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeByte(VERSION);
            out.writeLong(count);
            out.writeLong(sumAmount);
            out.writeLong(lastTimeMs);
            out.writeShort(recent.size());
            for (Txn t : recent) {
                out.writeLong(t.timeMs());
                out.writeLong(t.amountMinor());
            }
            writeList(out, devices);
            writeList(out, countries);
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static AccountState decode(byte[] data) {
        AccountState s = new AccountState();
        if (data == null) return s;
        try {
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(data));
            byte v = in.readByte();
            if (v != VERSION) throw new IllegalStateException("unknown account state version " + v);
            s.count = in.readLong();
            s.sumAmount = in.readLong();
            s.lastTimeMs = in.readLong();
            int n = in.readUnsignedShort();
            for (int i = 0; i < n; i++) s.recent.addLast(new Txn(in.readLong(), in.readLong()));
            readList(in, s.devices);
            readList(in, s.countries);
            return s;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void writeList(DataOutputStream out, List<String> list) throws IOException {
        out.writeByte(list.size());
        for (String s : list) out.writeUTF(s);
    }

    private static void readList(DataInputStream in, List<String> list) throws IOException {
        int n = in.readUnsignedByte();
        for (int i = 0; i < n; i++) list.add(in.readUTF());
    }
}
