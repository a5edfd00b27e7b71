package dev.fraudplatform.core.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.Map;

/**
 * Canonical JSON in the style of RFC 8785 (JCS): object members sorted by the UTF-16 code units of their
 * names, no insignificant whitespace, strings escaped minimally, numbers in one canonical form.
 *
 * <p>Numbers are canonicalised by <em>value</em>, exactly, rather than through IEEE-754 doubles as RFC 8785
 * does: {@code 1}, {@code 1.0}, {@code 1e0} and {@code 10E-1} all become {@code 1}, and {@code 0.10} becomes
 * {@code 0.1}. Values in [1e-6, 1e21) are written in plain notation, others as {@code <digits>e<+|-><exp>}
 * with a one-digit integer part. Money is an integer in minor units, so no platform value depends on the
 * difference from RFC 8785, and no value is ever rounded.
 *
 * <p>Thread-safe and stateless.
 */
public final class CanonicalJson {

    /**
     * A mapper that keeps every number exact (BigDecimal for non-integers) and refuses duplicate keys and
     * anything after the first JSON value.
     */
    public static final ObjectMapper EXACT_MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS)
            .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private static final BigDecimal PLAIN_LOW = new BigDecimal("1e-6");
    private static final BigDecimal PLAIN_HIGH = new BigDecimal("1e21");

    private CanonicalJson() {}

    /** Canonical UTF-8 bytes of a JSON tree. */
    public static byte[] bytes(JsonNode node) {
        return string(node).getBytes(StandardCharsets.UTF_8);
    }

    /** Canonical text of a JSON tree. */
    public static String string(JsonNode node) {
        StringBuilder out = new StringBuilder(256);
        write(node, out);
        return out.toString();
    }

    /** A string as a canonical JSON string literal (quoted, minimally escaped). */
    public static String quote(String s) {
        StringBuilder out = new StringBuilder(s.length() + 2);
        writeString(s, out);
        return out.toString();
    }

    /** Parses JSON text exactly (no number rounding) and returns its canonical text. */
    public static String canonicalize(String json) throws JsonProcessingException {
        return string(EXACT_MAPPER.readTree(json));
    }

    private static void write(JsonNode node, StringBuilder out) {
        switch (node.getNodeType()) {
            case OBJECT -> writeObject(node, out);
            case ARRAY -> {
                out.append('[');
                for (int i = 0; i < node.size(); i++) {
                    if (i > 0) out.append(',');
                    write(node.get(i), out);
                }
                out.append(']');
            }
            case STRING -> writeString(node.textValue(), out);
            case NUMBER -> out.append(number(node));
            case BOOLEAN -> out.append(node.booleanValue() ? "true" : "false");
            case NULL -> out.append("null");
            default -> throw new IllegalArgumentException("not a JSON value: " + node.getNodeType());
        }
    }

    /** Orders members by name: String.compareTo orders by UTF-16 code units, which is what RFC 8785 prescribes. */
    private static final Comparator<Map.Entry<String, JsonNode>> BY_NAME = Map.Entry.comparingByKey();

    private static void writeObject(JsonNode node, StringBuilder out) {
        @SuppressWarnings("unchecked")
        Map.Entry<String, JsonNode>[] members = new Map.Entry[node.size()];
        int n = 0;
        // Names and values together: no second look-up of each value by its name.
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) members[n++] = it.next();
        Arrays.sort(members, 0, n, BY_NAME);
        out.append('{');
        for (int i = 0; i < n; i++) {
            if (i > 0) out.append(',');
            writeString(members[i].getKey(), out);
            out.append(':');
            write(members[i].getValue(), out);
        }
        out.append('}');
    }

    private static void writeString(String s, StringBuilder out) {
        out.append('"');
        int len = s.length();
        int plain = 0;
        while (plain < len) {
            char c = s.charAt(plain);
            if (c < 0x20 || c == '"' || c == '\\' || Character.isSurrogate(c)) break;
            plain++;
        }
        // Most strings need no escaping at all: copy them in one go.
        out.append(s, 0, plain);
        for (int i = plain; i < len; i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append("\\u00")
                                .append(Character.forDigit(c >> 4, 16))
                                .append(Character.forDigit(c & 0xF, 16));
                    } else if (Character.isHighSurrogate(c)
                            && i + 1 < s.length()
                            && Character.isLowSurrogate(s.charAt(i + 1))) {
                        out.append(c).append(s.charAt(++i));
                    } else if (Character.isSurrogate(c)) {
                        // A lone surrogate has no UTF-8 form (getBytes would make it '?'); escape it so that
                        // distinct strings keep distinct canonical bytes.
                        out.append("\\u").append(String.format(java.util.Locale.ROOT, "%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    /** The canonical text of a number node; exact, never rounded. */
    static String number(JsonNode node) {
        BigDecimal value;
        if (node.isInt() || node.isLong()) {
            return Long.toString(node.longValue()); // |v| < 1e21: plain, as canonicalNumber would write it
        } else if (node.isIntegralNumber()) {
            value = new BigDecimal(node.bigIntegerValue());
        } else if (node.isBigDecimal()) {
            value = node.decimalValue();
        } else {
            // float/double nodes built in code: use the shortest decimal that round-trips.
            return canonicalDouble(node.doubleValue());
        }
        return canonicalNumber(value);
    }

    /**
     * The canonical text of a double: that of the shortest decimal that round-trips ({@link Double#toString}).
     * Doubles from 1e-3 to 1e7, which are most features and scores, come from {@code Double.toString} in plain
     * notation and only lose trailing zeros (and a bare point); the rest go through {@link #canonicalNumber}.
     */
    static String canonicalDouble(double d) {
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            throw new IllegalArgumentException("JSON has no representation for " + d);
        }
        if (d == 0) return "0";
        String text = Double.toString(d);
        if (text.indexOf('E') >= 0) return canonicalNumber(new BigDecimal(text));
        int end = text.length();
        while (text.charAt(end - 1) == '0') end--;
        if (text.charAt(end - 1) == '.') end--;
        return text.substring(0, end);
    }

    /** Canonical text of an exact decimal value. */
    public static String canonicalNumber(BigDecimal value) {
        if (value.signum() == 0) {
            return "0";
        }
        BigDecimal stripped = value.stripTrailingZeros();
        BigDecimal abs = stripped.abs();
        if (abs.compareTo(PLAIN_LOW) >= 0 && abs.compareTo(PLAIN_HIGH) < 0) {
            if (stripped.scale() <= 0) {
                return stripped.toBigIntegerExact().toString();
            }
            return stripped.toPlainString();
        }
        BigInteger unscaled = stripped.unscaledValue().abs();
        String digits = unscaled.toString();
        int exponent = digits.length() - 1 - stripped.scale();
        StringBuilder sb = new StringBuilder();
        if (stripped.signum() < 0) sb.append('-');
        sb.append(digits.charAt(0));
        if (digits.length() > 1) sb.append('.').append(digits, 1, digits.length());
        sb.append('e').append(exponent >= 0 ? '+' : '-').append(Math.abs(exponent));
        return sb.toString();
    }
}
