package dev.fraudplatform.ingress.gate;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.fraudplatform.core.ingress.QuarantineReason;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The payload contract per (event_class, schema_version): JSON Schema (2020-12) documents kept in the repository
 * under {@code ingress/src/main/resources/schemas/<event_class>/<version>.json} and listed in {@code schemas/index}.
 * A class without a schema is unknown; a known class with an unknown version is refused as such.
 */
public final class PayloadSchemas {
    private final Map<String, Map<Integer, Schema>> schemas = new HashMap<>();

    /** A payload's verdict: null reason means it conforms. */
    public record Verdict(QuarantineReason reason, String detail) {
        static final Verdict OK = new Verdict(null, null);

        public boolean ok() {
            return reason == null;
        }
    }

    /** The schemas shipped with the gate. */
    public static PayloadSchemas builtIn() {
        return new PayloadSchemas();
    }

    private PayloadSchemas() {
        SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
        String index = read("schemas/index");
        for (String line : index.split("\n")) {
            if (line.isBlank()) continue;
            String[] parts = line.trim().split("/");
            schemas.computeIfAbsent(parts[0], k -> new HashMap<>())
                    .put(
                            Integer.parseInt(parts[1]),
                            registry.getSchema(read("schemas/" + parts[0] + "/" + parts[1] + ".json")));
        }
    }

    private static String read(String resource) {
        try (InputStream in = PayloadSchemas.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) throw new IllegalStateException("schema resource " + resource + " is missing");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public boolean knows(String eventClass) {
        return schemas.containsKey(eventClass);
    }

    /** The (class, version) pairs the gate accepts, e.g. for its OpenAPI description. */
    public Map<String, List<Integer>> known() {
        return schemas.entrySet().stream()
                .collect(Collectors.toMap(
                        Map.Entry::getKey,
                        e -> e.getValue().keySet().stream().sorted().toList()));
    }

    public Verdict check(String eventClass, int schemaVersion, JsonNode payload) {
        Map<Integer, Schema> versions = schemas.get(eventClass);
        if (versions == null) {
            return new Verdict(
                    QuarantineReason.UNKNOWN_EVENT_CLASS,
                    "no schema for event_class " + eventClass + "; known: "
                            + new java.util.TreeSet<>(schemas.keySet()));
        }
        Schema schema = versions.get(schemaVersion);
        if (schema == null) {
            return new Verdict(
                    QuarantineReason.UNKNOWN_SCHEMA_VERSION,
                    eventClass + " has no schema_version " + schemaVersion + "; known: "
                            + new java.util.TreeSet<>(versions.keySet()));
        }
        List<Error> errors = schema.validate(payload);
        if (errors.isEmpty()) return Verdict.OK;
        return new Verdict(
                QuarantineReason.SCHEMA_INVALID,
                errors.stream().limit(10).map(PayloadSchemas::problem).collect(Collectors.joining("; ")));
    }

    /**
     * One schema error in words about the payload: the field, then what is wrong with it ("payload.card_id: required",
     * "payload.amount_minor: must be integer, was string"); the validator's own wording only for the other keywords,
     * and never its class names.
     */
    static String problem(Error e) {
        String at = "payload"
                + e.getInstanceLocation().toString().replaceFirst("^\\$", "").replace('/', '.');
        String keyword = e.getKeyword() == null ? "" : e.getKeyword();
        switch (keyword) {
            case "required":
                if (e.getProperty() != null) return at + "." + e.getProperty() + ": required";
                break;
            case "additionalProperties", "unevaluatedProperties":
                if (e.getProperty() != null) return at + "." + e.getProperty() + ": not a field of this event class";
                break;
            case "type":
                Object[] args = e.getArguments();
                if (args != null && args.length >= 2) return at + ": must be " + args[1] + ", was " + args[0];
                break;
            default:
                break;
        }
        String message = e.getMessage() == null
                ? "does not conform"
                : e.getMessage()
                        .replaceAll("\\b(?:[a-z_$][\\w$]*\\.)+[A-Z][\\w$]*\\b", "")
                        .replaceAll("\\s+", " ")
                        .trim();
        return at + ": " + message;
    }

    Optional<Schema> schema(String eventClass, int version) {
        return Optional.ofNullable(schemas.getOrDefault(eventClass, Map.of()).get(version));
    }
}
