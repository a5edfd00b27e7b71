package dev.fraudplatform.core.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class CanonicalJsonTest {

    private static JsonNode parse(String json) throws JsonProcessingException {
        return CanonicalJson.EXACT_MAPPER.readTree(json);
    }

    private static String hash(String json) throws JsonProcessingException {
        return PayloadHash.of(parse(json));
    }

    // ---------------------------------------------------------------- structure

    @Test
    void sortsKeysAtEveryDepthAndDropsWhitespace() throws Exception {
        String json = """
                {
                  "zeta" : { "b" : 1, "a" : [ { "y" : true, "x" : null } ] },
                  "alpha" : "v",
                  "mid" : { "d" : { "c" : 2, "b" : 3 } }
                }
                """;
        assertThat(CanonicalJson.canonicalize(json))
                .isEqualTo(
                        "{\"alpha\":\"v\",\"mid\":{\"d\":{\"b\":3,\"c\":2}},\"zeta\":{\"a\":[{\"x\":null,\"y\":true}],\"b\":1}}");
    }

    @Test
    void sortsKeysByUtf16CodeUnitsNotByCodePoints() throws Exception {
        // U+1F600 is the surrogate pair D83D DE00, which sorts before U+FB01 in UTF-16 but after it by code point.
        String json = "{\"\uFB01\":1,\"\uD83D\uDE00\":2,\"\u00e9\":3,\"b\":4,\"B\":5,\"aa\":6,\"a\":7}";
        assertThat(CanonicalJson.canonicalize(json))
                .isEqualTo("{\"B\":5,\"a\":7,\"aa\":6,\"b\":4,\"\u00e9\":3,\"\uD83D\uDE00\":2,\"\uFB01\":1}");
    }

    @Test
    void keyOrderDoesNotChangeTheHash() throws Exception {
        String a = "{\"a\":1,\"b\":{\"c\":[1,2,{\"e\":\"x\",\"d\":\"y\"}],\"f\":false}}";
        String b = "{\"b\":{\"f\":false,\"c\":[1,2,{\"d\":\"y\",\"e\":\"x\"}]},\"a\":1}";
        assertThat(a).isNotEqualTo(b);
        assertThat(CanonicalJson.canonicalize(a)).isEqualTo(CanonicalJson.canonicalize(b));
        assertThat(hash(a)).isEqualTo(hash(b));
    }

    @Test
    void hashIsSha256OfTheCanonicalUtf8Bytes() throws Exception {
        JsonNode n = parse("{\"b\":2,\"a\":\"\u00e9\"}");
        byte[] expected = "{\"a\":\"\u00e9\",\"b\":2}".getBytes(StandardCharsets.UTF_8);
        assertThat(CanonicalJson.bytes(n)).isEqualTo(expected);
        assertThat(PayloadHash.of(n)).isEqualTo("sha256:" + Sha256.hex(expected));
        // pinned value: SHA-256 of the bytes {} so the prefix and hex encoding cannot drift unnoticed
        assertThat(PayloadHash.of(parse("{}")))
                .isEqualTo("sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a");
    }

    // ---------------------------------------------------------------- numbers

    @Test
    void numberSpellingsOfOneValueCanonicaliseAndHashTheSame() throws Exception {
        List<List<String>> groups = List.of(
                List.of("1", "1.0", "1e0", "10E-1", "1.000", "0.1e1", "1E+0", "100e-2"),
                List.of("0.1", "0.10", "1e-1", "10e-2", "0.100000"),
                List.of("0", "-0", "0.0", "-0.0", "0e10", "-0E-5"),
                List.of("-25", "-25.0", "-2.5e1", "-250E-1"),
                List.of("100", "1e2", "1E+2", "100.00"));
        for (List<String> spellings : groups) {
            String canonical = CanonicalJson.canonicalize(spellings.get(0));
            String h = hash("{\"n\":" + spellings.get(0) + "}");
            for (String s : spellings) {
                assertThat(CanonicalJson.canonicalize(s)).as(s).isEqualTo(canonical);
                assertThat(hash("{\"n\":" + s + "}")).as(s).isEqualTo(h);
            }
        }
        assertThat(CanonicalJson.canonicalize("1.0")).isEqualTo("1");
        assertThat(CanonicalJson.canonicalize("0.10")).isEqualTo("0.1");
        assertThat(CanonicalJson.canonicalize("-0")).isEqualTo("0");
        assertThat(CanonicalJson.canonicalize("-2.5e1")).isEqualTo("-25");
    }

    @Test
    void numbersOutsidePlainRangeUseExponentNotation() throws Exception {
        assertThat(CanonicalJson.canonicalize("1e30")).isEqualTo("1e+30");
        assertThat(CanonicalJson.canonicalize("1E30")).isEqualTo("1e+30");
        assertThat(CanonicalJson.canonicalize("-1e30")).isEqualTo("-1e+30");
        assertThat(CanonicalJson.canonicalize("1.5e-7")).isEqualTo("1.5e-7");
        assertThat(CanonicalJson.canonicalize("0.00000015")).isEqualTo("1.5e-7");
        assertThat(CanonicalJson.canonicalize("12.5e29")).isEqualTo("1.25e+30");
        assertThat(CanonicalJson.canonicalize("123456789012345678901234567890"))
                .isEqualTo("1.2345678901234567890123456789e+29");
        // boundaries of the plain range [1e-6, 1e21)
        assertThat(CanonicalJson.canonicalize("1e21")).isEqualTo("1e+21");
        assertThat(CanonicalJson.canonicalize("999999999999999999999")).isEqualTo("999999999999999999999");
        assertThat(CanonicalJson.canonicalize("1e-6")).isEqualTo("0.000001");
        assertThat(CanonicalJson.canonicalize("9.99e-7")).isEqualTo("9.99e-7");
        assertThat(CanonicalJson.canonicalize("1e20")).isEqualTo("100000000000000000000");
    }

    @Test
    void numbersAreNeverRounded() throws Exception {
        String big = "0.1000000000000000000000000000001";
        assertThat(CanonicalJson.canonicalize(big)).isEqualTo(big);
        assertThat(hash("{\"n\":" + big + "}")).isNotEqualTo(hash("{\"n\":0.1}"));
        assertThat(hash("{\"n\":9007199254740993}")).isNotEqualTo(hash("{\"n\":9007199254740992}"));
    }

    @Test
    void numberNodesBuiltInCodeCanonicaliseByValue() {
        JsonNodeFactory f = JsonNodeFactory.instance;
        assertThat(CanonicalJson.number(f.numberNode(1))).isEqualTo("1");
        assertThat(CanonicalJson.number(f.numberNode(1L))).isEqualTo("1");
        assertThat(CanonicalJson.number(f.numberNode(1.0d))).isEqualTo("1");
        assertThat(CanonicalJson.number(f.numberNode(0.1d))).isEqualTo("0.1");
        assertThat(CanonicalJson.number(f.numberNode(-0.0d))).isEqualTo("0");
        assertThat(CanonicalJson.number(f.numberNode(1e30d))).isEqualTo("1e+30");
        assertThat(CanonicalJson.number(f.numberNode(new BigDecimal("2.50")))).isEqualTo("2.5");
        assertThat(CanonicalJson.number(f.numberNode(BigInteger.TEN.pow(25)))).isEqualTo("1e+25");
        assertThatThrownBy(() -> CanonicalJson.number(f.numberNode(Double.NaN)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CanonicalJson.number(f.numberNode(Double.POSITIVE_INFINITY)))
                .isInstanceOf(IllegalArgumentException.class);

        ObjectNode inCode = f.objectNode().put("a", 1).put("b", 0.5d);
        ObjectNode parsedLike = f.objectNode().put("b", new BigDecimal("0.50")).put("a", BigInteger.ONE);
        assertThat(PayloadHash.of(inCode)).isEqualTo(PayloadHash.of(parsedLike));
    }

    @Test
    void aDoubleIsWrittenAsTheExactValueOfItsShortestRoundTrippingDecimal() {
        Random random = new Random(18);
        List<Double> doubles = new ArrayList<>(List.of(
                1e-3,
                9.99e-4,
                1e7,
                9_999_999.5,
                1e-6,
                9.99e-7,
                1e21,
                1e20,
                0.5,
                -0.5,
                100.0,
                -100.0,
                123.456,
                1.0e-300,
                Double.MIN_VALUE,
                Double.MAX_VALUE,
                -Double.MAX_VALUE,
                0.1 + 0.2,
                1234567.0,
                0.001,
                0.0010000001));
        for (int i = 0; i < 20_000; i++) {
            doubles.add(random.nextDouble());
            doubles.add((random.nextDouble() - 0.5) * Math.pow(10, random.nextInt(40) - 20));
            doubles.add((double) random.nextInt(10_000_000) / (1 + random.nextInt(1_000)));
            doubles.add(Double.longBitsToDouble(random.nextLong()));
        }
        for (double d : doubles) {
            if (Double.isNaN(d) || Double.isInfinite(d)) continue;
            String expected = d == 0 ? "0" : CanonicalJson.canonicalNumber(new BigDecimal(Double.toString(d)));
            assertThat(CanonicalJson.canonicalDouble(d)).as("%s", d).isEqualTo(expected);
        }
    }

    // ---------------------------------------------------------------- value changes

    @Test
    void anyChangeOfAValueChangesTheHash() throws Exception {
        String base =
                "{\"amount\":12345,\"currency\":\"EUR\",\"flag\":true,\"tags\":[\"a\",\"b\",\"c\"],\"note\":null}";
        String h = hash(base);
        List<String> variants = List.of(
                "{\"amount\":12346,\"currency\":\"EUR\",\"flag\":true,\"tags\":[\"a\",\"b\",\"c\"],\"note\":null}",
                "{\"amount\":12345,\"currency\":\"EUr\",\"flag\":true,\"tags\":[\"a\",\"b\",\"c\"],\"note\":null}",
                "{\"amount\":12345,\"currency\":\"EUR\",\"flag\":false,\"tags\":[\"a\",\"b\",\"c\"],\"note\":null}",
                "{\"amount\":12345,\"currency\":\"EUR\",\"flag\":true,\"tags\":[\"b\",\"a\",\"c\"],\"note\":null}",
                "{\"amount\":12345,\"currency\":\"EUR\",\"flag\":true,\"tags\":[\"a\",\"b\"],\"note\":null}",
                "{\"amount\":12345,\"currency\":\"EUR\",\"flag\":true,\"tags\":[\"a\",\"b\",\"c\"],\"note\":\"\"}",
                "{\"amount\":12345,\"currency\":\"EUR\",\"flag\":true,\"tags\":[\"a\",\"b\",\"c\"]}",
                "{\"amount\":\"12345\",\"currency\":\"EUR\",\"flag\":true,\"tags\":[\"a\",\"b\",\"c\"],\"note\":null}",
                "{\"amount\":12345,\"Currency\":\"EUR\",\"flag\":true,\"tags\":[\"a\",\"b\",\"c\"],\"note\":null}",
                "{\"amount\":12345.5,\"currency\":\"EUR\",\"flag\":true,\"tags\":[\"a\",\"b\",\"c\"],\"note\":null}");
        List<String> hashes = new ArrayList<>();
        for (String v : variants) {
            String hv = hash(v);
            assertThat(hv).as(v).isNotEqualTo(h);
            hashes.add(hv);
        }
        assertThat(hashes).doesNotHaveDuplicates();
    }

    @Test
    void nestingIsNotConfusedWithFlatStructure() throws Exception {
        assertThat(hash("{\"a\":[[1,2]]}")).isNotEqualTo(hash("{\"a\":[1,2]}"));
        assertThat(hash("{\"a\":{\"b\":1}}")).isNotEqualTo(hash("{\"a\":[{\"b\":1}]}"));
        assertThat(hash("{\"a\":\"1\"}")).isNotEqualTo(hash("{\"a\":1}"));
        assertThat(hash("{\"a\":\"true\"}")).isNotEqualTo(hash("{\"a\":true}"));
        assertThat(hash("{\"a\":\"null\"}")).isNotEqualTo(hash("{\"a\":null}"));
    }

    // ---------------------------------------------------------------- strings

    @Test
    void escapesControlCharactersQuotesAndBackslashesMinimally() throws Exception {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("s", "\u0001|\n|\"|\\|\t|\r|\b|\f|\u001f|\u0000|/|\u007f");
        assertThat(CanonicalJson.string(n))
                .isEqualTo("{\"s\":\"\\u0001|\\n|\\\"|\\\\|\\t|\\r|\\b|\\f|\\u001f|\\u0000|/|\u007f\"}");
        // escapes on input are undone, and only the minimal set is re-applied
        assertThat(CanonicalJson.canonicalize("\"\\u0001\\u000A\\u0022\\u005c\\u0041\\/\""))
                .isEqualTo("\"\\u0001\\n\\\"\\\\A/\"");
        assertThat(CanonicalJson.canonicalize("\"\\u001F\"")).isEqualTo("\"\\u001f\"");
    }

    @Test
    void keepsNonAsciiAsUtf8() throws Exception {
        String text = "caf\u00e9 \u20ac \u4e2d \uD83D\uDE00";
        String canonical = CanonicalJson.canonicalize("\"caf\\u00e9 \\u20AC \u4e2d \\ud83d\\ude00\"");
        assertThat(canonical).isEqualTo("\"" + text + "\"");
        byte[] bytes = CanonicalJson.bytes(JsonNodeFactory.instance.textNode(text));
        assertThat(bytes).isEqualTo(("\"" + text + "\"").getBytes(StandardCharsets.UTF_8));
        // quotes and ASCII one byte each, e-acute two UTF-8 bytes, the euro sign three, the CJK char three, the emoji
        // four
        assertThat(bytes).hasSize(1 + 3 + 2 + 1 + 3 + 1 + 3 + 1 + 4 + 1);
        assertThat(new String(bytes, StandardCharsets.UTF_8)).doesNotContain("\\u");
    }

    @Test
    void loneSurrogatesStayDistinct() throws Exception {
        // a lone surrogate has no UTF-8 encoding; it must not collapse into '?' or into another string
        String lone = "{\"x\":\"\\ud800\"}";
        assertThat(CanonicalJson.canonicalize(lone)).isEqualTo("{\"x\":\"\\ud800\"}");
        assertThat(hash(lone)).isNotEqualTo(hash("{\"x\":\"?\"}"));
        assertThat(hash(lone)).isNotEqualTo(hash("{\"x\":\"\\udc00\"}"));
        assertThat(hash(lone)).isNotEqualTo(hash("{\"x\":\"\\\\ud800\"}"));
        assertThat(CanonicalJson.canonicalize(CanonicalJson.canonicalize(lone)))
                .isEqualTo(CanonicalJson.canonicalize(lone));
    }

    // ---------------------------------------------------------------- idempotence and strict parsing

    @Test
    void canonicalizeIsIdempotent() throws Exception {
        List<String> docs = List.of(
                "{ \"b\" : [ 1.0 , 1e0 , -0 , 0.10 ], \"a\" : { \"z\" : null , \"y\" : \"\\u0001\\n\" } }",
                "[1e30, 1.5e-7, 123456789012345678901234567890.000, -9.99e-7, 1e-6, 1e21]",
                "{\"\uD83D\uDE00\":\"\uD83D\uDE00\",\"\u00e9\":\"\\\"\\\\\",\"\":{}}",
                "[[],{},[{}],\"\",0,false,true,null]",
                "\"\\u0000\\u001f\\u007f\\u2028\"",
                "{\"deep\":{\"deeper\":{\"deepest\":[{\"k\":1.50},{\"k\":-0.0}]}}}",
                "-0.000000",
                "1E+400");
        for (String doc : docs) {
            String once = CanonicalJson.canonicalize(doc);
            assertThat(CanonicalJson.canonicalize(once)).as(doc).isEqualTo(once);
            assertThat(once).as(doc).doesNotContain(" ").doesNotContain("\n");
            assertThat(hash(once.startsWith("{") ? once : "{\"v\":" + once + "}"))
                    .isEqualTo(hash(doc.startsWith("{") ? doc : "{\"v\":" + doc + "}"));
        }
    }

    @Test
    void exactMapperRefusesDuplicateKeys() {
        assertThatThrownBy(() -> CanonicalJson.EXACT_MAPPER.readTree("{\"a\":1,\"a\":2}"))
                .isInstanceOf(JsonProcessingException.class)
                .hasMessageContaining("Duplicate field 'a'");
        assertThatThrownBy(() -> CanonicalJson.canonicalize("{\"o\":{\"k\":1,\"j\":0,\"k\":1}}"))
                .isInstanceOf(JsonProcessingException.class);
    }

    @Test
    void exactMapperRefusesTrailingContent() {
        assertThatThrownBy(() -> CanonicalJson.canonicalize("{\"a\":1} {\"b\":2}"))
                .isInstanceOf(JsonProcessingException.class);
        assertThatThrownBy(() -> CanonicalJson.canonicalize("{\"a\":1}]")).isInstanceOf(JsonProcessingException.class);
    }

    // ---------------------------------------------------------------- property-style

    private static final String CHARS = "abcxyzABZ019 _-\u00e9\u20ac\u4e2d\"\\/\n\t\u0001\u001f\u007f\u2028";

    /** Builds a random JSON value as plain Java objects: Map, List, String, BigDecimal, Boolean, null. */
    private static Object randomValue(Random r, int depth) {
        int kind = r.nextInt(depth > 3 ? 5 : 7);
        return switch (kind) {
            case 0 -> null;
            case 1 -> r.nextBoolean();
            case 2 -> randomString(r);
            case 3, 4 -> randomNumber(r);
            case 5 -> {
                List<Object> list = new ArrayList<>();
                int n = r.nextInt(4);
                for (int i = 0; i < n; i++) list.add(randomValue(r, depth + 1));
                yield list;
            }
            default -> randomObject(r, depth + 1);
        };
    }

    private static Map<String, Object> randomObject(Random r, int depth) {
        Map<String, Object> m = new LinkedHashMap<>();
        int n = 1 + r.nextInt(5);
        while (m.size() < n) m.put(randomString(r), randomValue(r, depth));
        return m;
    }

    private static String randomString(Random r) {
        StringBuilder sb = new StringBuilder();
        int n = r.nextInt(6);
        for (int i = 0; i < n; i++) {
            if (r.nextInt(12) == 0) {
                sb.append("\uD83D\uDE00");
            } else {
                sb.append(CHARS.charAt(r.nextInt(CHARS.length())));
            }
        }
        return sb.toString();
    }

    private static BigDecimal randomNumber(Random r) {
        BigInteger unscaled = BigInteger.valueOf(r.nextInt(2_000_001) - 1_000_000);
        int scale = r.nextInt(3) == 0 ? r.nextInt(60) - 30 : r.nextInt(5);
        return new BigDecimal(unscaled, scale);
    }

    /** Renders a value as JSON text with shuffled keys, random whitespace, escapes and number spellings. */
    private static void render(Object v, Random r, StringBuilder out) {
        if (r.nextInt(4) == 0) out.append(r.nextBoolean() ? " " : "\n\t ");
        if (v == null) {
            out.append("null");
        } else if (v instanceof Boolean b) {
            out.append(b);
        } else if (v instanceof String s) {
            renderString(s, r, out);
        } else if (v instanceof BigDecimal d) {
            out.append(spell(d, r));
        } else if (v instanceof List<?> list) {
            out.append('[');
            for (int i = 0; i < list.size(); i++) {
                if (i > 0) out.append(r.nextBoolean() ? "," : " , ");
                render(list.get(i), r, out);
            }
            out.append(']');
        } else {
            @SuppressWarnings("unchecked")
            Map<String, Object> m = (Map<String, Object>) v;
            List<String> keys = new ArrayList<>(m.keySet());
            Collections.shuffle(keys, r);
            out.append('{');
            for (int i = 0; i < keys.size(); i++) {
                if (i > 0) out.append(',');
                renderString(keys.get(i), r, out);
                out.append(r.nextBoolean() ? ":" : " : ");
                render(m.get(keys.get(i)), r, out);
            }
            out.append('}');
        }
    }

    private static void renderString(String s, Random r, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == '"' || c == '\\' || r.nextInt(5) == 0) {
                out.append(String.format("\\u%04X", (int) c));
            } else {
                out.append(c);
            }
        }
        out.append('"');
    }

    /** One of several JSON spellings of the same exact value. */
    private static String spell(BigDecimal d, Random r) {
        BigInteger unscaled = d.unscaledValue();
        return switch (r.nextInt(5)) {
            case 0 -> d.toPlainString();
            case 1 -> d.setScale(Math.max(d.scale(), 0) + 1 + r.nextInt(3)).toPlainString();
            case 2 -> unscaled + (r.nextBoolean() ? "e" : "E") + (-d.scale());
            case 3 -> unscaled.multiply(BigInteger.TEN) + "E" + (-d.scale() - 1);
            default -> d.toString().replace("E", r.nextBoolean() ? "e" : "E");
        };
    }

    @SuppressWarnings("unchecked")
    private static Object deepCopy(Object v) {
        if (v instanceof Map<?, ?> m) {
            Map<String, Object> c = new LinkedHashMap<>();
            ((Map<String, Object>) m).forEach((k, x) -> c.put(k, deepCopy(x)));
            return c;
        }
        if (v instanceof List<?> l) {
            List<Object> c = new ArrayList<>();
            l.forEach(x -> c.add(deepCopy(x)));
            return c;
        }
        return v;
    }

    /** Mutates one randomly chosen leaf in place so that its value differs. */
    @SuppressWarnings("unchecked")
    private static void mutateOneLeaf(Object container, Random r) {
        if (container instanceof Map<?, ?> raw) {
            Map<String, Object> m = (Map<String, Object>) raw;
            List<String> keys = new ArrayList<>(m.keySet());
            String k = keys.get(r.nextInt(keys.size()));
            Object child = m.get(k);
            if (isNonEmptyContainer(child) && r.nextInt(4) != 0) {
                mutateOneLeaf(child, r);
            } else {
                m.put(k, changed(child, r));
            }
        } else {
            List<Object> l = (List<Object>) container;
            int i = r.nextInt(l.size());
            Object child = l.get(i);
            if (isNonEmptyContainer(child) && r.nextInt(4) != 0) {
                mutateOneLeaf(child, r);
            } else {
                l.set(i, changed(child, r));
            }
        }
    }

    private static boolean isNonEmptyContainer(Object v) {
        return (v instanceof Map<?, ?> m && !m.isEmpty()) || (v instanceof List<?> l && !l.isEmpty());
    }

    private static Object changed(Object v, Random r) {
        if (v == null) return r.nextBoolean() ? Boolean.FALSE : BigDecimal.ZERO;
        if (v instanceof Boolean b) return !b;
        if (v instanceof String s) {
            if (s.isEmpty()) return "a";
            char[] cs = s.toCharArray();
            int i = r.nextInt(cs.length);
            cs[i] = cs[i] == 'q' ? 'r' : 'q';
            return new String(cs);
        }
        if (v instanceof BigDecimal d) return d.add(BigDecimal.ONE.movePointLeft(Math.max(d.scale(), 0)));
        if (v instanceof List<?> l) {
            List<Object> c = new ArrayList<>(l);
            c.add(BigDecimal.ONE);
            return c;
        }
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("added", Boolean.TRUE);
        return c;
    }

    private static String renderText(Object v, Random r) {
        StringBuilder sb = new StringBuilder();
        render(v, r, sb);
        return sb.toString();
    }

    @Test
    void randomDocumentsHashTheSameWhateverTheKeyOrderAndSpelling() throws Exception {
        Random r = new Random(20261125L);
        for (int round = 0; round < 200; round++) {
            Map<String, Object> doc = randomObject(r, 0);
            String first = renderText(doc, r);
            String second = renderText(doc, r);
            String h = hash(first);
            assertThat(hash(second))
                    .as("round %d:%n%s%n%s", round, first, second)
                    .isEqualTo(h);
            String canonical = CanonicalJson.canonicalize(first);
            assertThat(CanonicalJson.canonicalize(second)).isEqualTo(canonical);
            assertThat(CanonicalJson.canonicalize(canonical)).isEqualTo(canonical);
        }
    }

    @Test
    void randomDocumentsWithOneLeafChangedHashDifferently() throws Exception {
        Random r = new Random(8785L);
        for (int round = 0; round < 200; round++) {
            Map<String, Object> doc = randomObject(r, 0);
            Object mutated = deepCopy(doc);
            mutateOneLeaf(mutated, r);
            String original = renderText(doc, r);
            String changed = renderText(mutated, r);
            assertThat(hash(changed))
                    .as("round %d:%n%s%n%s", round, original, changed)
                    .isNotEqualTo(hash(original));
        }
    }

    @Test
    void randomArraysReorderedHashDifferently() throws Exception {
        Random r = new Random(42L);
        int checked = 0;
        for (int round = 0; round < 200; round++) {
            List<Object> list = new ArrayList<>();
            int size = 2 + r.nextInt(4);
            for (int i = 0; i < size; i++) list.add(randomValue(r, 2));
            List<Object> swapped = new ArrayList<>(list);
            Collections.swap(swapped, 0, 1);
            ArrayNode a = (ArrayNode) parse(renderText(list, r));
            ArrayNode b = (ArrayNode) parse(renderText(swapped, r));
            if (CanonicalJson.string(a.get(0)).equals(CanonicalJson.string(a.get(1)))) continue;
            checked++;
            ObjectNode pa = JsonNodeFactory.instance.objectNode().set("a", a);
            ObjectNode pb = JsonNodeFactory.instance.objectNode().set("a", b);
            assertThat(PayloadHash.of(pb)).isNotEqualTo(PayloadHash.of(pa));
        }
        assertThat(checked).isGreaterThan(150);
    }
}
