package dev.fraudplatform.casework.labels;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fraudplatform.core.envelope.Times;
import dev.fraudplatform.core.json.CanonicalJson;
import dev.fraudplatform.core.json.Json;
import dev.fraudplatform.core.labels.LabelAssertion;
import dev.fraudplatform.core.labels.LabelSource;
import dev.fraudplatform.core.labels.LabelSubject;
import dev.fraudplatform.core.labels.LabelValue;
import java.io.IOException;
import java.time.Instant;
import java.util.List;

/**
 * The wire form of a {@link LabelAssertion} on {@code fp.labels} (and the column names of a label export): canonical
 * JSON with snake_case fields {@link #FIELDS}; times are UTC ISO-8601 (with microseconds when the store recorded them
 * so); a field whose value is null is left out.
 */
public final class LabelAssertionJson {
    /** Every field, in the order of {@link LabelAssertion}'s components (the subject split into kind and id). */
    public static final List<String> FIELDS = List.of(
            "platform_run_id",
            "assertion_id",
            "subject_kind",
            "subject_id",
            "account_id",
            "card_id",
            "value",
            "typology",
            "source",
            "label_type",
            "reason_code",
            "effective_time",
            "observed_time",
            "recorded_time",
            "provenance",
            "actor",
            "event_id",
            "amount_minor");

    private LabelAssertionJson() {}

    /** The assertion as a JSON tree. */
    public static ObjectNode toTree(LabelAssertion a) {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("platform_run_id", a.platformRunId());
        o.put("assertion_id", a.assertionId());
        o.put("subject_kind", a.subject().kind().name());
        o.put("subject_id", a.subject().id());
        putText(o, "account_id", a.accountId());
        putText(o, "card_id", a.cardId());
        o.put("value", a.value().name());
        putText(o, "typology", a.typology());
        o.put("source", a.source().name());
        o.put("label_type", a.labelType());
        putText(o, "reason_code", a.reasonCode());
        o.put("effective_time", time(a.effectiveTime()));
        o.put("observed_time", time(a.observedTime()));
        if (a.recordedTime() != null) o.put("recorded_time", time(a.recordedTime()));
        o.put("provenance", a.provenance());
        putText(o, "actor", a.actor());
        putText(o, "event_id", a.eventId());
        if (a.amountMinor() != null) o.put("amount_minor", a.amountMinor());
        return o;
    }

    /** The assertion as canonical JSON bytes. */
    public static byte[] toJson(LabelAssertion a) {
        return CanonicalJson.bytes(toTree(a));
    }

    /**
     * Reads an assertion written by {@link #toJson}.
     *
     * @throws IllegalArgumentException with a one-line reason when the bytes are not such an assertion
     */
    public static LabelAssertion fromJson(byte[] json) {
        JsonNode o;
        try {
            o = Json.MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new IllegalArgumentException("not JSON: " + e.getMessage());
        }
        if (o == null || !o.isObject()) throw new IllegalArgumentException("a label assertion is a JSON object");
        try {
            return new LabelAssertion(
                    required(o, "platform_run_id"),
                    required(o, "assertion_id"),
                    new LabelSubject(LabelSubject.Kind.valueOf(required(o, "subject_kind")), required(o, "subject_id")),
                    text(o, "account_id"),
                    text(o, "card_id"),
                    LabelValue.valueOf(required(o, "value")),
                    text(o, "typology"),
                    LabelSource.valueOf(required(o, "source")),
                    required(o, "label_type"),
                    text(o, "reason_code"),
                    instant(o, "effective_time"),
                    instant(o, "observed_time"),
                    o.hasNonNull("recorded_time") ? instant(o, "recorded_time") : null,
                    required(o, "provenance"),
                    text(o, "actor"),
                    text(o, "event_id"),
                    o.hasNonNull("amount_minor") ? amount(o) : null);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException("not a label assertion: " + e.getMessage());
        }
    }

    /** An instant as the wire writes it: ISO-8601 UTC, milliseconds, or microseconds when it has them. */
    static String time(Instant t) {
        return t.getNano() % 1_000_000 == 0 ? Times.format(t) : t.toString();
    }

    private static void putText(ObjectNode o, String field, String value) {
        if (value != null) o.put(field, value);
    }

    private static String text(JsonNode o, String field) {
        JsonNode v = o.get(field);
        if (v == null || v.isNull()) return null;
        if (!v.isTextual()) throw new IllegalArgumentException(field + " is not text");
        return v.asText();
    }

    private static String required(JsonNode o, String field) {
        String v = text(o, field);
        if (v == null) throw new IllegalArgumentException(field + " is missing");
        return v;
    }

    private static Instant instant(JsonNode o, String field) {
        String v = required(o, field);
        try {
            return Instant.parse(v);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(field + " is not an ISO-8601 UTC time: " + v);
        }
    }

    private static long amount(JsonNode o) {
        JsonNode v = o.get("amount_minor");
        if (!v.canConvertToExactIntegral() || !v.canConvertToLong())
            throw new IllegalArgumentException("amount_minor is not an integer");
        return v.asLong();
    }
}
