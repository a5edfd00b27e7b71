package dev.fraudplatform.core.decision;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.fraudplatform.core.ingress.BusCoordinates;
import dev.fraudplatform.core.json.CanonicalJson;
import dev.fraudplatform.core.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * One append-only audit record per decision: the decision with its feature snapshot, where it came from
 * on the bus (the decision's own coordinates), and the run it belongs to.
 *
 * @param decision           the decision as emitted
 * @param decisionCoordinates where the decision was read from ({@code fp.decisions} partition and offset)
 * @param admittedAtMillis   when IG admitted the event (wall clock, outside every digest); 0 when unknown
 * @param recordedAtMillis   when DLA recorded it (wall clock, outside every digest)
 * @param shadow             whether the decision is a shadow bundle's (read from {@code fp.decisions.shadow}), which
 *                           never reached the Action Layer; its JSON then carries {@code "shadow":true}, and an active
 *                           decision's record is written exactly as before shadow scoring existed
 */
public record AuditRecord(
        Decision decision,
        BusCoordinates decisionCoordinates,
        long admittedAtMillis,
        long recordedAtMillis,
        boolean shadow) {
    public AuditRecord {
        Objects.requireNonNull(decision);
        Objects.requireNonNull(decisionCoordinates);
    }

    /** The audit record of an active decision (one the Action Layer applied). */
    public AuditRecord(
            Decision decision, BusCoordinates decisionCoordinates, long admittedAtMillis, long recordedAtMillis) {
        this(decision, decisionCoordinates, admittedAtMillis, recordedAtMillis, false);
    }

    public ObjectNode toJson() {
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.set("decision", decision.toJson());
        ObjectNode c = n.putObject("decision_coordinates");
        c.put("topic", decisionCoordinates.topic());
        c.put("partition", decisionCoordinates.partition());
        c.put("offset", decisionCoordinates.offset());
        n.put("admitted_at_ms", admittedAtMillis);
        n.put("recorded_at_ms", recordedAtMillis);
        if (shadow) n.put("shadow", true);
        return n;
    }

    /**
     * The canonical line of an audit record, composed around a decision that is already canonical JSON (as the
     * Decision Fabric emits it) without parsing and re-serialising it: byte-identical to
     * {@code CanonicalJson.bytes(toJson())} for the same record.
     */
    public static byte[] canonicalLine(
            byte[] canonicalDecision, BusCoordinates c, long admittedAtMillis, long recordedAtMillis) {
        return canonicalLine(canonicalDecision, c, admittedAtMillis, recordedAtMillis, false);
    }

    /**
     * As {@link #canonicalLine(byte[], BusCoordinates, long, long)}, for a shadow decision when {@code shadow}: its
     * {@code "shadow":true} sorts last among the record's keys.
     */
    public static byte[] canonicalLine(
            byte[] canonicalDecision, BusCoordinates c, long admittedAtMillis, long recordedAtMillis, boolean shadow) {
        byte[] head = ("{\"admitted_at_ms\":" + admittedAtMillis + ",\"decision\":").getBytes(StandardCharsets.UTF_8);
        byte[] tail = (",\"decision_coordinates\":{\"offset\":" + c.offset() + ",\"partition\":" + c.partition()
                        + ",\"topic\":" + CanonicalJson.string(TextNode.valueOf(c.topic())) + "},\"recorded_at_ms\":"
                        + recordedAtMillis + (shadow ? ",\"shadow\":true}" : "}"))
                .getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[head.length + canonicalDecision.length + tail.length];
        System.arraycopy(head, 0, out, 0, head.length);
        System.arraycopy(canonicalDecision, 0, out, head.length, canonicalDecision.length);
        System.arraycopy(tail, 0, out, head.length + canonicalDecision.length, tail.length);
        return out;
    }

    public static AuditRecord fromJson(JsonNode n) {
        JsonNode c = n.path("decision_coordinates");
        return new AuditRecord(
                Decision.fromJson(n.path("decision")),
                new BusCoordinates(
                        c.path("topic").asText(),
                        c.path("partition").asInt(),
                        c.path("offset").asLong()),
                n.path("admitted_at_ms").asLong(),
                n.path("recorded_at_ms").asLong(),
                n.path("shadow").asBoolean(false));
    }
}
