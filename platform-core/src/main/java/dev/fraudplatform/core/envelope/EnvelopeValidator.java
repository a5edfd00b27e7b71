package dev.fraudplatform.core.envelope;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fraudplatform.core.json.CanonicalJson;
import dev.fraudplatform.core.json.PayloadHash;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Validates raw bytes or a JSON tree against the envelope contract and reports <em>every</em> problem by
 * field name, never only the first. Stateless and thread-safe. It checks form only: whether the payload
 * hash matches, whether the run is open and whether the event is a duplicate are the gate's business.
 */
public final class EnvelopeValidator {

    /** Upper bound on identifier lengths, so that keys and index rows stay bounded. */
    public static final int MAX_ID_LENGTH = 128;

    private static final Pattern RUN_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    private static final Pattern EVENT_CLASS = Pattern.compile("[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)+");
    private static final Pattern EVENT_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,127}");
    private static final Set<String> FIELDS = Set.of(
            Envelope.PLATFORM_RUN_ID,
            Envelope.EVENT_CLASS,
            Envelope.EVENT_ID,
            Envelope.SCHEMA_VERSION,
            Envelope.EVENT_TIME,
            Envelope.EMITTED_AT,
            Envelope.PARTITION_KEY,
            Envelope.PAYLOAD,
            Envelope.PAYLOAD_HASH);

    /**
     * The outcome: an envelope, or the list of problems (never both, never neither). For a valid envelope,
     * {@code computedPayloadHash} is the hash its payload actually has (computed here, once), which may differ
     * from the {@code payload_hash} it claims; null otherwise.
     */
    public record Result(
            Optional<Envelope> envelope, List<FieldProblem> problems, JsonNode tree, String computedPayloadHash) {
        public boolean valid() {
            return envelope.isPresent();
        }
    }

    /** Validates raw wire bytes: UTF-8, then JSON, then the envelope. */
    public Result validate(byte[] raw) {
        String text;
        try {
            text = StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(raw))
                    .toString();
        } catch (CharacterCodingException e) {
            return fail(null, new FieldProblem("$", "the input is not UTF-8 text"));
        }
        JsonNode tree;
        try {
            tree = CanonicalJson.EXACT_MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            // In words about the input, never the parser's: the detail reaches the producer in its receipt.
            return fail(
                    null,
                    new FieldProblem(
                            "$", "the input is not JSON: " + dev.fraudplatform.core.json.JsonProblems.describe(e)));
        } catch (RuntimeException e) {
            // e.g. a number whose exponent no decimal can hold
            return fail(
                    null, new FieldProblem("$", "the input is not JSON: it has a number that cannot be held exactly"));
        }
        if (tree == null || tree.isMissingNode()) {
            return fail(null, new FieldProblem("$", "the input is empty"));
        }
        return validate(tree);
    }

    public Result validate(JsonNode tree) {
        if (!tree.isObject()) {
            return fail(
                    tree,
                    new FieldProblem(
                            "$",
                            "must be a JSON object, was "
                                    + tree.getNodeType().name().toLowerCase()));
        }
        List<FieldProblem> problems = new ArrayList<>();
        tree.fieldNames().forEachRemaining(name -> {
            if (!FIELDS.contains(name)) problems.add(new FieldProblem(name, "unexpected field"));
        });
        String runId = text(tree, Envelope.PLATFORM_RUN_ID, RUN_ID, problems);
        String eventClass = text(tree, Envelope.EVENT_CLASS, EVENT_CLASS, problems);
        String eventId = text(tree, Envelope.EVENT_ID, EVENT_ID, problems);
        String partitionKey = text(tree, Envelope.PARTITION_KEY, null, problems);
        Integer schemaVersion = schemaVersion(tree, problems);
        Instant eventTime = time(tree, Envelope.EVENT_TIME, problems);
        Instant emittedAt = time(tree, Envelope.EMITTED_AT, problems);
        ObjectNode payload = null;
        JsonNode p = tree.get(Envelope.PAYLOAD);
        if (p == null || p.isNull()) {
            problems.add(new FieldProblem(Envelope.PAYLOAD, "required"));
        } else if (!p.isObject()) {
            problems.add(new FieldProblem(Envelope.PAYLOAD, "must be an object"));
        } else {
            payload = (ObjectNode) p;
        }
        String hash = null;
        JsonNode h = tree.get(Envelope.PAYLOAD_HASH);
        if (h == null || h.isNull()) {
            problems.add(new FieldProblem(Envelope.PAYLOAD_HASH, "required"));
        } else if (!h.isTextual() || !PayloadHash.wellFormed(h.textValue())) {
            problems.add(
                    new FieldProblem(Envelope.PAYLOAD_HASH, "must be sha256: followed by 64 lowercase hex digits"));
        } else {
            hash = h.textValue();
        }
        String computedHash = null;
        if (payload != null) {
            try {
                // Canonicalising proves every number in the payload has one exact canonical form.
                computedHash = dev.fraudplatform.core.json.Sha256.PREFIX
                        + dev.fraudplatform.core.json.Sha256.hex(CanonicalJson.bytes(payload));
            } catch (RuntimeException e) {
                problems.add(new FieldProblem(
                        Envelope.PAYLOAD,
                        "has a value with no canonical form (a number too large or too small to write exactly)"));
            }
        }
        if (!problems.isEmpty()) {
            return new Result(Optional.empty(), List.copyOf(problems), tree, null);
        }
        return new Result(
                Optional.of(new Envelope(
                        runId, eventClass, eventId, schemaVersion, eventTime, emittedAt, partitionKey, payload, hash)),
                List.of(),
                tree,
                computedHash);
    }

    private static Result fail(JsonNode tree, FieldProblem problem) {
        return new Result(Optional.empty(), List.of(problem), tree, null);
    }

    private static String text(JsonNode tree, String field, Pattern pattern, List<FieldProblem> problems) {
        JsonNode v = tree.get(field);
        if (v == null || v.isNull()) {
            problems.add(new FieldProblem(field, "required"));
            return null;
        }
        if (!v.isTextual()) {
            problems.add(new FieldProblem(field, "must be a string"));
            return null;
        }
        String s = v.textValue();
        if (s.isEmpty()) {
            problems.add(new FieldProblem(field, "must not be empty"));
            return null;
        }
        if (s.length() > MAX_ID_LENGTH) {
            problems.add(new FieldProblem(field, "longer than " + MAX_ID_LENGTH + " characters"));
            return null;
        }
        if (pattern != null && !pattern.matcher(s).matches()) {
            problems.add(new FieldProblem(field, "must match " + pattern.pattern()));
            return null;
        }
        // Keys travel to Kafka and PostgreSQL, where a control character (U+0000 above all) has no place.
        if (s.chars().anyMatch(ch -> ch < 0x20 || ch == 0x7f)) {
            problems.add(new FieldProblem(field, "must not contain control characters"));
            return null;
        }
        return s;
    }

    private static Integer schemaVersion(JsonNode tree, List<FieldProblem> problems) {
        JsonNode v = tree.get(Envelope.SCHEMA_VERSION);
        if (v == null || v.isNull()) {
            problems.add(new FieldProblem(Envelope.SCHEMA_VERSION, "required"));
            return null;
        }
        if (!v.isIntegralNumber() || !v.canConvertToInt() || v.intValue() < 1) {
            problems.add(new FieldProblem(Envelope.SCHEMA_VERSION, "must be a positive integer"));
            return null;
        }
        return v.intValue();
    }

    private static Instant time(JsonNode tree, String field, List<FieldProblem> problems) {
        JsonNode v = tree.get(field);
        if (v == null || v.isNull()) {
            problems.add(new FieldProblem(field, "required"));
            return null;
        }
        Optional<Instant> t = v.isTextual() ? Times.parse(v.textValue()) : Optional.empty();
        if (t.isEmpty()) {
            problems.add(
                    new FieldProblem(field, "must be UTC ISO-8601 with milliseconds, e.g. 2026-03-02T14:07:31.250Z"));
            return null;
        }
        // Payments did not happen before 1970, and the bus cannot carry a record timestamp before it.
        if (t.get().toEpochMilli() < 0) {
            problems.add(new FieldProblem(field, "must not be before 1970-01-01T00:00:00.000Z"));
            return null;
        }
        return t.get();
    }
}
