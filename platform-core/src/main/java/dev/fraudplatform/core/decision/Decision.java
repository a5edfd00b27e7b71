package dev.fraudplatform.core.decision;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fraudplatform.core.json.CanonicalJson;
import dev.fraudplatform.core.json.Json;
import dev.fraudplatform.core.json.Sha256;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A decision of the Decision Fabric about one event.
 *
 * <p>Its <em>deterministic content</em> ({@link #deterministicContent()}) is everything except the run id
 * and wall-clock times: event id, decision id, action, score, reasons, bundle id, degrade mode and reason,
 * and the feature-snapshot digest. That content is what the decision-log digest covers.
 *
 * @param score          a number in [0, 1], already rounded to 6 decimals by the fabric
 * @param missingContext the frame's missing fragments, named (empty when complete); the degrade reason names them too
 */
public record Decision(
        String decisionId,
        String eventId,
        String platformRunId,
        String partitionKey,
        String eventTime,
        DecisionAction action,
        double score,
        List<String> reasons,
        String bundleId,
        DegradeMode degradeMode,
        String degradeReason,
        String featureDigest,
        ObjectNode features,
        String eventClass,
        List<String> missingContext) {

    public Decision {
        Objects.requireNonNull(decisionId);
        Objects.requireNonNull(eventId);
        Objects.requireNonNull(platformRunId);
        Objects.requireNonNull(action);
        Objects.requireNonNull(bundleId);
        Objects.requireNonNull(degradeMode, "no decision without its degrade mode");
        Objects.requireNonNull(degradeReason, "no decision without the reason for its degrade mode");
        reasons = List.copyOf(reasons);
        missingContext = missingContext == null ? List.of() : List.copyOf(missingContext);
    }

    /** A decision about a transaction whose frame lacked nothing. */
    public Decision(
            String decisionId,
            String eventId,
            String platformRunId,
            String partitionKey,
            String eventTime,
            DecisionAction action,
            double score,
            List<String> reasons,
            String bundleId,
            DegradeMode degradeMode,
            String degradeReason,
            String featureDigest,
            ObjectNode features) {
        this(
                decisionId,
                eventId,
                platformRunId,
                partitionKey,
                eventTime,
                action,
                score,
                reasons,
                bundleId,
                degradeMode,
                degradeReason,
                featureDigest,
                features,
                "txn.authorization",
                List.of());
    }

    /**
     * Decision ids derive from the event's identity within its run, (event class, event id), so a replay of the same
     * events yields the same ids and two events that differ only in class never share one.
     */
    public static String idFor(String eventClass, String eventId) {
        return "dec-" + eventClass + "-" + eventId;
    }

    /** The canonical JSON of the deterministic content (the decision-log digest covers exactly this). */
    public ObjectNode deterministicContent() {
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.put("event_id", eventId);
        n.put("decision_id", decisionId);
        n.put("action", action.name());
        n.put("score", score);
        ArrayNode r = n.putArray("reasons");
        reasons.forEach(r::add);
        n.put("bundle_id", bundleId);
        n.put("degrade_mode", degradeMode.name());
        n.put("degrade_reason", degradeReason);
        n.put("feature_digest", featureDigest);
        return n;
    }

    /** SHA-256 of the canonical deterministic content. */
    public String contentDigest() {
        return Sha256.hex(CanonicalJson.bytes(deterministicContent()));
    }

    public ObjectNode toJson() {
        ObjectNode n = deterministicContent();
        n.put("platform_run_id", platformRunId);
        n.put("partition_key", partitionKey);
        n.put("event_time", eventTime);
        n.set("features", features);
        n.put("event_class", eventClass);
        ArrayNode m = n.putArray("missing_context");
        missingContext.forEach(m::add);
        return n;
    }

    public static Decision fromJson(JsonNode n) {
        List<String> reasons = new ArrayList<>();
        n.path("reasons").forEach(r -> reasons.add(r.asText()));
        List<String> missing = new ArrayList<>();
        n.path("missing_context").forEach(r -> missing.add(r.asText()));
        JsonNode f = n.get("features");
        return new Decision(
                n.path("decision_id").asText(),
                n.path("event_id").asText(),
                n.path("platform_run_id").asText(),
                n.path("partition_key").asText(null),
                n.path("event_time").asText(null),
                DecisionAction.valueOf(n.path("action").asText()),
                n.path("score").asDouble(),
                reasons,
                n.path("bundle_id").asText(),
                DegradeMode.valueOf(n.path("degrade_mode").asText()),
                n.path("degrade_reason").asText(),
                n.path("feature_digest").asText(null),
                f instanceof ObjectNode o ? o : null,
                n.path("event_class").asText("txn.authorization"),
                missing);
    }

    /**
     * What a decision says to whoever acts on it, read without building its feature snapshot: the answer of
     * {@code POST /v1/decide}, what the effect ledger keeps per decision, and what the Action Layer and the audit need
     * per record, at a fraction of the cost of {@link #fromJson}.
     *
     * @param reasons       the rules and model signals that fired, in the fabric's order (most telling first)
     * @param bundleId      the bundle that decided; null when the record does not name one
     * @param degradeReason why the decision was made in its degrade mode; null when the record does not say
     */
    public record Summary(
            String decisionId,
            String eventId,
            String platformRunId,
            DecisionAction action,
            DegradeMode degradeMode,
            double score,
            List<String> reasons,
            String bundleId,
            String degradeReason) {
        public Summary {
            reasons = reasons == null ? List.of() : List.copyOf(reasons);
        }

        /** The answer as JSON: ids, action, score, reasons, degrade mode and its reason, bundle. */
        public ObjectNode toJson() {
            ObjectNode n = Json.MAPPER.createObjectNode();
            n.put("decision_id", decisionId);
            n.put("event_id", eventId);
            n.put("platform_run_id", platformRunId);
            n.put("action", action.name());
            n.put("score", score);
            ArrayNode r = n.putArray("reasons");
            reasons.forEach(r::add);
            n.put("degrade_mode", degradeMode.name());
            n.put("degrade_reason", degradeReason);
            n.put("bundle_id", bundleId);
            return n;
        }
    }

    /**
     * Reads a decision's summary; throws {@link IllegalArgumentException} for bytes that are not a decision (not a JSON
     * object, an id missing, an unknown action or degrade mode).
     */
    public static Summary summarize(byte[] json) {
        String decisionId = null, eventId = null, runId = null, action = null, mode = null, bundle = null, why = null;
        List<String> reasons = List.of();
        double score = Double.NaN;
        try (com.fasterxml.jackson.core.JsonParser p = Json.MAPPER.getFactory().createParser(json)) {
            if (p.nextToken() != com.fasterxml.jackson.core.JsonToken.START_OBJECT)
                throw new IllegalArgumentException("not a JSON object");
            while (p.nextToken() == com.fasterxml.jackson.core.JsonToken.FIELD_NAME) {
                String field = p.currentName();
                com.fasterxml.jackson.core.JsonToken t = p.nextToken();
                if (t == com.fasterxml.jackson.core.JsonToken.START_ARRAY && field.equals("reasons")) {
                    List<String> read = new ArrayList<>(4);
                    while (p.nextToken() != com.fasterxml.jackson.core.JsonToken.END_ARRAY) {
                        if (p.currentToken().isStructStart()) p.skipChildren();
                        else read.add(p.getValueAsString());
                    }
                    reasons = read;
                    continue;
                }
                if (t == com.fasterxml.jackson.core.JsonToken.START_OBJECT
                        || t == com.fasterxml.jackson.core.JsonToken.START_ARRAY) {
                    p.skipChildren();
                    continue;
                }
                switch (field) {
                    case "decision_id" -> decisionId = p.getValueAsString();
                    case "event_id" -> eventId = p.getValueAsString();
                    case "platform_run_id" -> runId = p.getValueAsString();
                    case "action" -> action = p.getValueAsString();
                    case "degrade_mode" -> mode = p.getValueAsString();
                    case "degrade_reason" -> why = p.getValueAsString();
                    case "bundle_id" -> bundle = p.getValueAsString();
                    case "score" -> score = p.getValueAsDouble(Double.NaN);
                    default -> {}
                }
            }
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("not JSON: " + e.getMessage(), e);
        }
        if (decisionId == null || decisionId.isEmpty() || runId == null || runId.isEmpty()) {
            throw new IllegalArgumentException("no decision_id or platform_run_id");
        }
        if (action == null || mode == null) throw new IllegalArgumentException("no action or degrade_mode");
        return new Summary(
                decisionId,
                eventId == null ? "" : eventId,
                runId,
                DecisionAction.valueOf(action),
                DegradeMode.valueOf(mode),
                score,
                reasons,
                bundle,
                why);
    }
}
