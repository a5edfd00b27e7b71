package dev.fraudplatform.core.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fraudplatform.core.json.CanonicalJson;
import dev.fraudplatform.core.json.Json;
import dev.fraudplatform.core.json.Sha256;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A sealed prefix: {@code <prefix>/manifest.json} lists every object under the prefix (relative key) with its
 * SHA-256 and size, plus free-form attributes. Sealing is create-if-absent, so a sealed prefix is sealed
 * once; verification re-hashes every object and reports, by key, every object that changed, went missing
 * or appeared unlisted.
 */
public final class Manifest {
    public static final String FILE_NAME = "manifest.json";

    /** One listed object. */
    public record Entry(String sha256, long size) {}

    private final Map<String, Entry> entries;
    private final ObjectNode attributes;

    private Manifest(Map<String, Entry> entries, ObjectNode attributes) {
        this.entries = entries;
        this.attributes = attributes;
    }

    public Map<String, Entry> entries() {
        return java.util.Collections.unmodifiableMap(entries);
    }

    public ObjectNode attributes() {
        return attributes;
    }

    /**
     * Hashes every object under {@code prefix} and writes the manifest.
     *
     * @return the SHA-256 of the manifest's bytes: the prefix's fingerprint
     */
    public static String seal(ObjectStore store, String prefix, ObjectNode attributes) {
        Map<String, Entry> entries = new TreeMap<>();
        for (String key : store.list(prefix + "/")) {
            String rel = key.substring(prefix.length() + 1);
            if (rel.equals(FILE_NAME)) continue;
            entries.put(rel, new Entry(hash(store, key), store.size(key)));
        }
        byte[] bytes = new Manifest(entries, attributes).toBytes();
        store.create(prefix + "/" + FILE_NAME, bytes);
        return Sha256.hex(bytes);
    }

    public static Manifest read(ObjectStore store, String prefix) {
        try {
            JsonNode n = Json.MAPPER.readTree(store.read(prefix + "/" + FILE_NAME));
            Map<String, Entry> entries = new TreeMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = n.path("files").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                entries.put(
                        e.getKey(),
                        new Entry(
                                e.getValue().path("sha256").asText(),
                                e.getValue().path("size").asLong()));
            }
            JsonNode attrs = n.path("attributes");
            return new Manifest(entries, attrs.isObject() ? (ObjectNode) attrs : Json.MAPPER.createObjectNode());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new UncheckedIOException(
                    "the manifest of " + prefix + " is not JSON: "
                            + dev.fraudplatform.core.json.JsonProblems.describe(e),
                    e);
        } catch (IOException e) {
            throw new UncheckedIOException("reading manifest of " + prefix, e);
        }
    }

    /** SHA-256 of the manifest as stored: the fingerprint that run facts pin. */
    public static String fingerprint(ObjectStore store, String prefix) {
        return Sha256.hex(store.read(prefix + "/" + FILE_NAME));
    }

    /**
     * Re-hashes every object under {@code prefix} against the manifest.
     *
     * @return one line per problem, each naming the object; empty when the prefix is intact
     */
    public static List<String> verify(ObjectStore store, String prefix) {
        List<String> problems = new ArrayList<>();
        if (!store.exists(prefix + "/" + FILE_NAME)) {
            problems.add(prefix + "/" + FILE_NAME + ": missing");
            return problems;
        }
        Manifest m;
        try {
            m = read(store, prefix);
        } catch (RuntimeException e) {
            problems.add(prefix + "/" + FILE_NAME + ": unreadable (" + e.getMessage() + ")");
            return problems;
        }
        java.util.Set<String> present = new java.util.TreeSet<>();
        for (String key : store.list(prefix + "/")) {
            String rel = key.substring(prefix.length() + 1);
            if (!rel.equals(FILE_NAME)) present.add(rel);
        }
        for (Map.Entry<String, Entry> e : m.entries.entrySet()) {
            String key = prefix + "/" + e.getKey();
            if (!present.contains(e.getKey())) {
                problems.add(key + ": missing");
            } else if (!hash(store, key).equals(e.getValue().sha256())) {
                problems.add(key + ": SHA-256 differs from the manifest");
            }
        }
        for (String rel : present) {
            if (!m.entries.containsKey(rel)) problems.add(prefix + "/" + rel + ": not in the manifest");
        }
        return problems;
    }

    private byte[] toBytes() {
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.set("attributes", attributes);
        ObjectNode files = n.putObject("files");
        entries.forEach((k, v) -> {
            ObjectNode f = files.putObject(k);
            f.put("sha256", v.sha256());
            f.put("size", v.size());
        });
        return CanonicalJson.bytes(n);
    }

    private static String hash(ObjectStore store, String key) {
        try (InputStream in = store.open(key)) {
            return Sha256.hex(in);
        } catch (IOException e) {
            throw new UncheckedIOException("hashing " + key, e);
        }
    }
}
