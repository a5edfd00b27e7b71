package dev.fraudplatform.substrate.postgres;

import java.util.Map;
import java.util.TreeMap;

/** Record headers as one text column: {@code name=value} lines, names and values free of newlines and '='. */
final class OutboxHeaders {
    private OutboxHeaders() {}

    static String encode(Map<String, String> headers) {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, String> e : new TreeMap<>(headers).entrySet()) {
            if (e.getKey().contains("=")
                    || e.getKey().contains("\n")
                    || e.getValue().contains("\n")) {
                throw new IllegalArgumentException("header " + e.getKey() + " cannot be kept in the outbox");
            }
            sb.append(e.getKey()).append('=').append(e.getValue()).append('\n');
        }
        return sb.toString();
    }

    static Map<String, String> decode(String text) {
        Map<String, String> out = new TreeMap<>();
        for (String line : text.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) out.put(line.substring(0, eq), line.substring(eq + 1));
        }
        return out;
    }
}
