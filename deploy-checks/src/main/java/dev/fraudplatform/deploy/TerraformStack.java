package dev.fraudplatform.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One Terraform root module (a stack: {@code bootstrap}, {@code core}, {@code demo}) as {@code @cdktf/hcl2json} parses
 * its files: each file an object of block kinds ({@code resource}, {@code data}, {@code locals}, {@code variable},
 * ...), each block a list of bodies; an expression stays a string {@code "${...}"}. Read-only once made.
 *
 * <p>It evaluates only what the policies need, and says so when it cannot: string templates over {@code local.*},
 * {@code var.*} (their defaults) and {@code each.key}, and a resource's {@code for_each} over a list or map local or
 * literal. Anything else stays unresolved ({@link #resolve} returns null), and a policy that meets it fails rather
 * than guesses.
 */
public final class TerraformStack {
    /** A resource or data block: its type, name, the file it is in, and its body. */
    public record Block(String type, String name, String file, JsonNode body) {
        public String address() {
            return type + "." + name;
        }

        /** The attribute's value, or a missing node. */
        public JsonNode get(String attribute) {
            return body.path(attribute);
        }

        /** The nested blocks named {@code kind} (hcl2json makes each a list), empty when none. */
        public List<JsonNode> blocks(String kind) {
            return list(body.path(kind));
        }

        /**
         * The nested blocks named {@code kind} and the {@code content} of every {@code dynamic "kind"} block (each
         * content stands for all the blocks it makes, which may be none): for a rule that every such block must meet.
         */
        public List<JsonNode> blocksAndDynamic(String kind) {
            List<JsonNode> out = blocks(kind);
            for (JsonNode dynamic : list(body.path("dynamic")))
                for (JsonNode d : list(dynamic.path(kind))) out.addAll(list(d.path("content")));
            return out;
        }
    }

    /** What a variable's validations allow, inclusive; {@link Long#MIN_VALUE} or {@link Long#MAX_VALUE} when open. */
    public record Bounds(long min, long max) {
        public boolean within(long lowest, long highest) {
            return min >= lowest && max <= highest;
        }

        @Override
        public String toString() {
            return (min == Long.MIN_VALUE ? "" : String.valueOf(min)) + ".."
                    + (max == Long.MAX_VALUE ? "" : String.valueOf(max));
        }
    }

    private static final Pattern INTERPOLATION = Pattern.compile("\\$\\{([^{}]*)}");
    private static final Pattern REFERENCE = Pattern.compile("(local|var)\\.([A-Za-z0-9_]+)");

    private final String name;
    private final Map<String, JsonNode> locals = new LinkedHashMap<>();
    private final Map<String, JsonNode> variables = new LinkedHashMap<>();
    private final List<Block> resources = new ArrayList<>();
    private final List<Block> data = new ArrayList<>();
    private final Map<String, List<JsonNode>> providers = new LinkedHashMap<>();
    private final List<Block> modules = new ArrayList<>();
    private final Map<String, JsonNode> backends = new LinkedHashMap<>();

    /** @param files file name to the file as hcl2json parsed it */
    public TerraformStack(String name, Map<String, JsonNode> files) {
        this.name = name;
        files.forEach((file, json) -> {
            for (JsonNode l : list(json.path("locals")))
                l.fields().forEachRemaining(e -> locals.put(e.getKey(), e.getValue()));
            json.path("variable").fields().forEachRemaining(e -> variables.put(e.getKey(), first(e.getValue())));
            json.path("provider")
                    .fields()
                    .forEachRemaining(e -> providers
                            .computeIfAbsent(e.getKey(), k -> new ArrayList<>())
                            .addAll(list(e.getValue())));
            json.path("module")
                    .fields()
                    .forEachRemaining(e -> modules.add(new Block("module", e.getKey(), file, first(e.getValue()))));
            for (JsonNode settings : list(json.path("terraform")))
                settings.path("backend").fields().forEachRemaining(e -> backends.put(e.getKey(), first(e.getValue())));
            collect(json.path("resource"), file, resources);
            collect(json.path("data"), file, data);
        });
    }

    private static void collect(JsonNode kind, String file, List<Block> into) {
        kind.fields()
                .forEachRemaining(type -> type.getValue()
                        .fields()
                        .forEachRemaining(
                                n -> into.add(new Block(type.getKey(), n.getKey(), file, first(n.getValue())))));
    }

    private static JsonNode first(JsonNode n) {
        return n.isArray() && n.size() > 0 ? n.get(0) : n;
    }

    /** The bodies of a block kind, whether hcl2json wrote one object or a list of them. */
    static List<JsonNode> list(JsonNode n) {
        List<JsonNode> out = new ArrayList<>();
        if (n.isArray()) n.forEach(out::add);
        else if (!n.isMissingNode() && !n.isNull()) out.add(n);
        return out;
    }

    public String name() {
        return name;
    }

    public List<Block> resources() {
        return List.copyOf(resources);
    }

    public List<Block> resources(String type) {
        return resources.stream().filter(b -> b.type().equals(type)).toList();
    }

    public List<Block> data(String type) {
        return data.stream().filter(b -> b.type().equals(type)).toList();
    }

    /** The bodies of every {@code provider} block of that name ({@code aws}, aliases included), empty when none. */
    public List<JsonNode> providers(String provider) {
        return List.copyOf(providers.getOrDefault(provider, List.of()));
    }

    /** The {@code module} blocks, each as a {@link Block} of type {@code module} (address {@code module.<name>}). */
    public List<Block> modules() {
        return List.copyOf(modules);
    }

    /** The body of the {@code terraform { backend "<type>" }} block, or a missing node. */
    public JsonNode backend(String type) {
        JsonNode b = backends.get(type);
        return b == null ? com.fasterxml.jackson.databind.node.MissingNode.getInstance() : b;
    }

    /** A variable's block ({@code type}, {@code default}, {@code validation}, ...), or null when there is none. */
    public JsonNode variable(String variable) {
        return variables.get(variable);
    }

    /** The {@code condition} of each of a variable's {@code validation} blocks, as written; empty when none. */
    public List<String> validations(String variable) {
        JsonNode v = variables.get(variable);
        List<String> out = new ArrayList<>();
        if (v != null)
            for (JsonNode rule : list(v.path("validation")))
                out.add(rule.path("condition").asText(""));
        return out;
    }

    private static final Pattern CONTAINS =
            Pattern.compile("^contains\\(\\s*\\[([^\\]]*)]\\s*,\\s*var\\.(\\w+)\\s*\\)$");
    private static final Pattern BOUND_AFTER =
            Pattern.compile("^\\(?\\s*var\\.(\\w+)\\s*(<=|>=|<|>)\\s*(-?\\d+)\\s*\\)?$");
    private static final Pattern BOUND_BEFORE =
            Pattern.compile("^\\(?\\s*(-?\\d+)\\s*(<=|>=|<|>)\\s*var\\.(\\w+)\\s*\\)?$");

    /**
     * What a number variable's validations allow: each condition that is {@code contains([n, ...], var.x)} or a
     * conjunction ({@code &&}) of comparisons of {@code var.x} with a literal narrows it (every validation must hold);
     * a condition with {@code ||} or anything else narrows nothing. Null when nothing narrows it.
     */
    public Bounds bounds(String variable) {
        long min = Long.MIN_VALUE, max = Long.MAX_VALUE;
        boolean narrowed = false;
        for (String condition : validations(variable)) {
            String c = unwrap(condition);
            if (c.contains("||")) continue;
            Matcher in = CONTAINS.matcher(c);
            if (in.matches() && in.group(2).equals(variable)) {
                List<Long> values = new ArrayList<>();
                boolean numbers = true;
                for (String item : in.group(1).split(",")) {
                    if (item.isBlank()) continue; // after a trailing comma
                    if (item.trim().matches("-?\\d+")) values.add(Long.parseLong(item.trim()));
                    else numbers = false;
                }
                if (!numbers || values.isEmpty()) continue;
                min = Math.max(min, values.stream().min(Long::compare).orElseThrow());
                max = Math.min(max, values.stream().max(Long::compare).orElseThrow());
                narrowed = true;
                continue;
            }
            for (String part : c.split("&&")) {
                Matcher after = BOUND_AFTER.matcher(part.trim()), before = BOUND_BEFORE.matcher(part.trim());
                String op;
                long n;
                if (after.matches() && after.group(1).equals(variable)) {
                    op = after.group(2);
                    n = Long.parseLong(after.group(3));
                } else if (before.matches() && before.group(3).equals(variable)) {
                    // n < var.x is var.x > n
                    op = switch (before.group(2)) {
                        case "<" -> ">";
                        case "<=" -> ">=";
                        case ">" -> "<";
                        default -> "<=";
                    };
                    n = Long.parseLong(before.group(1));
                } else continue;
                switch (op) {
                    case ">=" -> min = Math.max(min, n);
                    case ">" -> min = Math.max(min, n + 1);
                    case "<=" -> max = Math.min(max, n);
                    default -> max = Math.min(max, n - 1);
                }
                narrowed = true;
            }
        }
        return narrowed ? new Bounds(min, max) : null;
    }

    /** An expression without its {@code ${ }} wrapping, trimmed. */
    static String unwrap(String expression) {
        String t = expression.trim();
        return t.startsWith("${") && t.endsWith("}")
                ? t.substring(2, t.length() - 1).trim()
                : t;
    }

    /** A local's value as written (a literal, or an expression string), or null when there is none. */
    public JsonNode local(String local) {
        return locals.get(local);
    }

    /**
     * The value of an expression: a literal is itself; {@code "${local.x}"} or {@code "${var.x}"} alone is that
     * local's value or that variable's default, followed; a template string is the string with each {@code ${...}}
     * that is a reference (or {@code each.key}, given {@code eachKey}) replaced. Null when any part cannot be
     * resolved.
     */
    public JsonNode resolve(JsonNode value, String eachKey) {
        return resolve(value, eachKey, 0);
    }

    private JsonNode resolve(JsonNode value, String eachKey, int depth) {
        if (value == null || value.isMissingNode() || depth > 8) return null;
        if (!value.isTextual()) return value;
        String s = value.asText();
        Matcher whole = Pattern.compile("^\\$\\{\\s*(local|var)\\.([A-Za-z0-9_]+)\\s*}$")
                .matcher(s);
        if (whole.matches()) return resolve(reference(whole.group(1), whole.group(2)), eachKey, depth + 1);
        Matcher m = INTERPOLATION.matcher(s);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String expr = m.group(1).trim();
            String replacement;
            if ((expr.equals("each.key") || expr.equals("each.value")) && eachKey != null) replacement = eachKey;
            else {
                Matcher r = REFERENCE.matcher(expr);
                if (!r.matches()) return null;
                JsonNode v = resolve(reference(r.group(1), r.group(2)), eachKey, depth + 1);
                if (v == null || !v.isValueNode()) return null;
                replacement = v.asText();
            }
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(out);
        return com.fasterxml.jackson.databind.node.TextNode.valueOf(out.toString());
    }

    private JsonNode reference(String kind, String id) {
        if (kind.equals("local")) return locals.get(id);
        JsonNode v = variables.get(id);
        return v == null ? null : v.get("default");
    }

    /**
     * The keys a resource is instantiated with: its {@code for_each} over a list (or {@code toset} of one) or the keys
     * of a map, each written literally or as a local; a list of one null when it has no {@code for_each}; null when
     * the {@code for_each} cannot be read.
     */
    public List<String> instances(Block b) {
        JsonNode fe = b.get("for_each");
        if (fe.isMissingNode()) {
            List<String> one = new ArrayList<>();
            one.add(null);
            return one;
        }
        JsonNode v = fe;
        if (v.isTextual()) {
            String s = v.asText().trim();
            Matcher set = Pattern.compile("^\\$\\{\\s*toset\\(\\s*(local|var)\\.([A-Za-z0-9_]+)\\s*\\)\\s*}$")
                    .matcher(s);
            if (set.matches()) v = resolve(reference(set.group(1), set.group(2)), null);
            else v = resolve(v, null);
        }
        if (v == null) return null;
        List<String> keys = new ArrayList<>();
        if (v.isArray()) v.forEach(k -> keys.add(k.asText()));
        else if (v.isObject()) v.fieldNames().forEachRemaining(keys::add);
        else if (v.isTextual()) return keysOfObjectExpression(v.asText());
        else return null;
        return keys;
    }

    private static final Pattern FOR_KEYS =
            Pattern.compile("^\\{\\s*for\\s+(\\w+)\\s+in\\s+local\\.(\\w+)\\s*:\\s*\\1\\s*=>", Pattern.DOTALL);

    /**
     * The keys of an object expression: {@code ${merge(A, B, ...)}} or one argument alone, each a literal object
     * (its top-level keys) or {@code { for r in local.list : r => ... }} (the list's items); null for anything else.
     */
    private List<String> keysOfObjectExpression(String text) {
        String t = unwrap(text);
        List<String> args = new ArrayList<>();
        if (t.startsWith("merge(") && t.endsWith(")")) args.addAll(topLevel(t.substring(6, t.length() - 1), ','));
        else args.add(t);
        List<String> keys = new ArrayList<>();
        for (String arg : args) {
            String a = arg.trim();
            if (a.isEmpty()) continue; // after a trailing comma
            if (!a.startsWith("{")) return null;
            Matcher f = FOR_KEYS.matcher(a);
            if (f.find()) {
                JsonNode list = resolve(locals.get(f.group(2)), null);
                if (list == null || !list.isArray()) return null;
                list.forEach(k -> keys.add(k.asText()));
                continue;
            }
            // a literal object: the keys at its top level (entries are separated by newlines or commas)
            for (String entry : topLevel(a.substring(1, a.lastIndexOf('}')), '\n')) {
                for (String part : topLevel(entry, ',')) {
                    Matcher k = Pattern.compile("^\\s*\"?([A-Za-z_][\\w-]*)\"?\\s*=[^=>]")
                            .matcher(part);
                    if (k.find()) keys.add(k.group(1));
                }
            }
        }
        return keys;
    }

    /** {@code text} split at {@code separator} where it is outside brackets, braces, parentheses and quotes. */
    static List<String> topLevel(String text, char separator) {
        List<String> out = new ArrayList<>();
        int depth = 0, start = 0;
        boolean quoted = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"' && (i == 0 || text.charAt(i - 1) != '\\')) quoted = !quoted;
            if (quoted) continue;
            if (c == '(' || c == '[' || c == '{') depth++;
            else if (c == ')' || c == ']' || c == '}') depth--;
            else if (c == separator && depth == 0) {
                out.add(text.substring(start, i));
                start = i + 1;
            }
        }
        out.add(text.substring(start));
        return out;
    }

    /**
     * The index of the bracket, brace or parenthesis that closes the one at {@code open}, skipping quoted strings; -1
     * when it is not closed.
     */
    static int closing(String text, int open) {
        int depth = 0;
        boolean quoted = false;
        for (int i = open; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"' && (i == 0 || text.charAt(i - 1) != '\\')) quoted = !quoted;
            if (quoted) continue;
            if (c == '(' || c == '[' || c == '{') depth++;
            else if ((c == ')' || c == ']' || c == '}') && --depth == 0) return i;
        }
        return -1;
    }

    /** Every value of {@code attribute} across a resource's instances, resolved; null entries where it cannot be. */
    public List<String> valuesOf(Block b, String attribute) {
        List<String> out = new ArrayList<>();
        List<String> keys = instances(b);
        if (keys == null) {
            out.add(null);
            return out;
        }
        for (String key : keys) {
            JsonNode v = resolve(b.get(attribute), key);
            out.add(v == null || !v.isValueNode() ? null : v.asText());
        }
        return out;
    }

    /** The names of the fields of an object node, in order. */
    static List<String> fieldNames(JsonNode n) {
        List<String> out = new ArrayList<>();
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) out.add(it.next());
        return out;
    }
}
