package dev.fraudplatform.decision.features;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The fields of an authorisation the online features read, from its envelope. Optional fields are null when absent
 * (card-present transactions carry no device, IP or flow).
 */
public record TxnEvent(
        String runId,
        String eventClass,
        String eventId,
        String account,
        String eventTime,
        long timeMs,
        long amount,
        String card,
        String merchant,
        String mcc,
        String channel,
        String device,
        String ip,
        String country,
        Double lat,
        Double lon,
        String flowId) {

    public static TxnEvent of(JsonNode envelope, long timeMs) {
        JsonNode p = envelope.path("payload");
        return new TxnEvent(
                envelope.path("platform_run_id").asText(),
                envelope.path("event_class").asText(),
                envelope.path("event_id").asText(),
                envelope.path("partition_key").asText(),
                envelope.path("event_time").asText(),
                timeMs,
                p.path("amount_minor").asLong(),
                text(p, "card_id"),
                text(p, "merchant_id"),
                text(p, "mcc"),
                text(p, "channel"),
                text(p, "device_id"),
                text(p, "ip"),
                text(p, "country"),
                number(p, "lat"),
                number(p, "lon"),
                text(p, "flow_id"));
    }

    private static String text(JsonNode p, String f) {
        JsonNode v = p.get(f);
        return v == null || !v.isTextual() || v.asText().isEmpty() ? null : v.asText();
    }

    private static Double number(JsonNode p, String f) {
        JsonNode v = p.get(f);
        return v == null || !v.isNumber() ? null : v.doubleValue();
    }
}
