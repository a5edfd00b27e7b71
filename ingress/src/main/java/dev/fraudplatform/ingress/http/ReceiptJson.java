package dev.fraudplatform.ingress.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fraudplatform.core.envelope.Times;
import dev.fraudplatform.core.ingress.BusCoordinates;
import dev.fraudplatform.core.ingress.DedupeTuple;
import dev.fraudplatform.core.ingress.QuarantineReason;
import dev.fraudplatform.core.ingress.Receipt;
import dev.fraudplatform.core.ingress.ReceiptOutcome;
import dev.fraudplatform.core.json.Json;

/** The wire form of a receipt in the gate's HTTP API (see {@code openapi.json}), both ways. */
public final class ReceiptJson {
    private ReceiptJson() {}

    /** A batch's answer, {@code {"producer": ..., "receipts": [...]}}, written field by field (no tree per receipt). */
    public static byte[] batchBytes(String producer, java.util.List<Receipt> receipts) throws java.io.IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(64 + receipts.size() * 260);
        try (com.fasterxml.jackson.core.JsonGenerator g =
                Json.MAPPER.getFactory().createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("producer", producer);
            g.writeArrayFieldStart("receipts");
            for (Receipt r : receipts) write(g, r);
            g.writeEndArray();
            g.writeEndObject();
        }
        return out.toByteArray();
    }

    /** One receipt as JSON bytes (the bus ingress answers with these). */
    public static byte[] bytes(Receipt r) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(300);
        try (com.fasterxml.jackson.core.JsonGenerator g =
                Json.MAPPER.getFactory().createGenerator(out)) {
            write(g, r);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** One receipt as a JSON object: the wire form both the HTTP API and the bus ingress answer with. */
    static void write(com.fasterxml.jackson.core.JsonGenerator g, Receipt r) throws java.io.IOException {
        g.writeStartObject();
        g.writeStringField("receipt_id", r.receiptId());
        g.writeStringField("outcome", r.outcome().name());
        if (r.reason() != null) g.writeStringField("reason", r.reason().name());
        if (r.detail() != null) g.writeStringField("detail", r.detail());
        if (r.platformRunId() != null) g.writeStringField("platform_run_id", r.platformRunId());
        if (r.tuple() != null) {
            g.writeStringField("event_class", r.tuple().eventClass());
            g.writeStringField("event_id", r.tuple().eventId());
        }
        if (r.payloadHash() != null) g.writeStringField("payload_hash", r.payloadHash());
        if (r.coordinates() != null) {
            g.writeStringField("topic", r.coordinates().topic());
            g.writeNumberField("partition", r.coordinates().partition());
            g.writeNumberField("offset", r.coordinates().offset());
        }
        g.writeStringField("received_at", Times.format(r.receivedAt()));
        g.writeEndObject();
    }

    public static Receipt fromJson(JsonNode n) {
        DedupeTuple tuple = n.hasNonNull("event_id") && n.hasNonNull("platform_run_id") && n.hasNonNull("event_class")
                ? new DedupeTuple(
                        n.path("platform_run_id").asText(),
                        n.path("event_class").asText(),
                        n.path("event_id").asText())
                : null;
        BusCoordinates at = n.has("offset")
                ? new BusCoordinates(
                        n.path("topic").asText(),
                        n.path("partition").asInt(),
                        n.path("offset").asLong())
                : null;
        return new Receipt(
                n.path("receipt_id").asText(),
                tuple,
                ReceiptOutcome.valueOf(n.path("outcome").asText()),
                n.hasNonNull("reason")
                        ? QuarantineReason.valueOf(n.path("reason").asText())
                        : null,
                n.path("detail").asText(null),
                n.path("payload_hash").asText(null),
                at,
                Times.parse(n.path("received_at").asText()).orElseThrow(),
                n.path("platform_run_id").asText(null));
    }
}
