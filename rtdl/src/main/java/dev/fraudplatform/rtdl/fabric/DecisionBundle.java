package dev.fraudplatform.rtdl.fabric;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fraudplatform.core.decision.DecisionAction;
import dev.fraudplatform.core.decision.DegradeMode;
import dev.fraudplatform.core.json.CanonicalJson;
import dev.fraudplatform.core.json.Json;
import dev.fraudplatform.core.json.Sha256;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A decision bundle (ARCHITECTURE.md §8): id, feature schema, rules, thresholds per degrade mode and an optional
 * model. Immutable once loaded; its digest is the SHA-256 of its canonical JSON, pinned in the run facts.
 */
public final class DecisionBundle {

    /** {@code if feature op value -> +weight}, named by id (the reason a decision gives). */
    public record Rule(String id, String feature, String op, double value, double weight) {
        boolean fires(JsonNode features) {
            JsonNode v = features.get(feature);
            if (v == null || !v.isNumber()) return false;
            double x = v.doubleValue();
            return switch (op) {
                case ">=" -> x >= value;
                case ">" -> x > value;
                case "<=" -> x <= value;
                case "<" -> x < value;
                case "==" -> x == value;
                default -> throw new IllegalStateException("unknown operator " + op);
            };
        }
    }

    /** Score thresholds of one degrade mode: at or above {@code decline} declines, and so on down. */
    public record Thresholds(double decline, double review, double stepUp) {
        DecisionAction actionFor(double score) {
            if (score >= decline) return DecisionAction.DECLINE;
            if (score >= review) return DecisionAction.REVIEW;
            if (score >= stepUp) return DecisionAction.STEP_UP;
            return DecisionAction.APPROVE;
        }
    }

    private final String id;
    private final String digest;
    private final List<String> featureNames;
    private final List<Rule> rules;
    private final Map<DegradeMode, Thresholds> thresholds;
    private final DecisionAction failSafeAction;
    private final Set<String> highRiskMcc;
    private final long smallAmountMinor;
    private final boolean hasModel;

    private DecisionBundle(JsonNode n) {
        id = text(n, "bundle_id");
        digest = Sha256.hex(CanonicalJson.bytes(n));
        featureNames = new ArrayList<>();
        n.path("feature_schema").forEach(f -> featureNames.add(f.path("name").asText()));
        rules = new ArrayList<>();
        for (JsonNode r : n.path("rules")) {
            Rule rule = new Rule(text(r, "id"), text(r, "feature"), text(r, "op"), r.path("value").asDouble(), r.path("weight").asDouble());
            if (!featureNames.contains(rule.feature())) {
                throw new IllegalArgumentException("bundle " + id + ": rule " + rule.id() + " uses feature " + rule.feature() + " not in its schema");
            }
            if (!List.of(">=", ">", "<=", "<", "==").contains(rule.op())) throw new IllegalArgumentException("bad operator in " + rule.id());
            rules.add(rule);
        }
        thresholds = new EnumMap<>(DegradeMode.class);
        for (DegradeMode m : List.of(DegradeMode.FULL, DegradeMode.PARTIAL_CONTEXT, DegradeMode.RULES_ONLY)) {
            JsonNode t = n.path("thresholds").path(m.name());
            if (t.isMissingNode()) throw new IllegalArgumentException("bundle " + id + " has no thresholds for " + m);
            thresholds.put(m, new Thresholds(t.path("decline").asDouble(), t.path("review").asDouble(), t.path("step_up").asDouble()));
        }
        failSafeAction = DecisionAction.valueOf(n.path("thresholds").path("FAIL_SAFE").path("default_action").asText("STEP_UP"));
        highRiskMcc = new HashSet<>();
        n.path("high_risk_mcc").forEach(m -> highRiskMcc.add(m.asText()));
        smallAmountMinor = n.path("small_amount_minor").asLong(500);
        hasModel = n.hasNonNull("model");
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || !v.isTextual() || v.asText().isEmpty()) throw new IllegalArgumentException("bundle field " + field + " is required");
        return v.asText();
    }

    public static DecisionBundle parse(byte[] json) {
        try {
            return new DecisionBundle(CanonicalJson.EXACT_MAPPER.readTree(json));
        } catch (IOException e) {
            throw new IllegalArgumentException("bundle is not valid JSON: " + e.getMessage(), e);
        }
    }

    /** Loads a bundle shipped with the platform ({@code bundles/<id>/bundle.json} on the classpath). */
    public static DecisionBundle builtIn(String bundleId) {
        if (!bundleId.matches("[a-z0-9][a-z0-9._-]*")) throw new IllegalArgumentException("bad bundle id " + bundleId);
        try (InputStream in = DecisionBundle.class.getResourceAsStream("/bundles/" + bundleId + "/bundle.json")) {
            if (in == null) throw new IllegalArgumentException("no bundle " + bundleId);
            return parse(in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String id() {
        return id;
    }

    public String digest() {
        return digest;
    }

    public List<Rule> rules() {
        return rules;
    }

    public Thresholds thresholds(DegradeMode mode) {
        return thresholds.get(mode);
    }

    public DecisionAction failSafeAction() {
        return failSafeAction;
    }

    public Set<String> highRiskMcc() {
        return highRiskMcc;
    }

    public long smallAmountMinor() {
        return smallAmountMinor;
    }

    public boolean hasModel() {
        return hasModel;
    }
}
