package dev.fraudplatform.decision.bundle;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fraudplatform.core.decision.DecisionAction;
import dev.fraudplatform.core.decision.DegradeMode;
import dev.fraudplatform.core.json.CanonicalJson;
import dev.fraudplatform.core.json.Sha256;
import dev.fraudplatform.decision.xgboost.XGBoostModel;
import java.io.IOException;
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
        /** Whether the rule fires on {@code features}; an absent or non-numeric feature never fires. */
        public boolean fires(JsonNode features) {
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
        /** The action for {@code score}: the first threshold it reaches, from decline down; else approve. */
        public DecisionAction actionFor(double score) {
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
    private final Set<DecisionAction> caseActions;
    private final boolean hasModel;
    private final XGBoostModel model;
    private final String modelProblem;
    private final double modelWeight;

    /** Reads the files a bundle names (its model), by name; throws {@link IOException} for a missing file. */
    @FunctionalInterface
    public interface Files {
        byte[] read(String name) throws IOException;
    }

    private DecisionBundle(JsonNode n, Files files) {
        id = text(n, "bundle_id");
        digest = Sha256.hex(CanonicalJson.bytes(n));
        featureNames = new ArrayList<>();
        n.path("feature_schema").forEach(f -> featureNames.add(f.path("name").asText()));
        rules = new ArrayList<>();
        for (JsonNode r : n.path("rules")) {
            Rule rule = new Rule(
                    text(r, "id"),
                    text(r, "feature"),
                    text(r, "op"),
                    r.path("value").asDouble(),
                    r.path("weight").asDouble());
            if (!featureNames.contains(rule.feature())) {
                throw new IllegalArgumentException("bundle " + id + ": rule " + rule.id() + " uses feature "
                        + rule.feature() + " not in its schema");
            }
            if (!List.of(">=", ">", "<=", "<", "==").contains(rule.op()))
                throw new IllegalArgumentException("bad operator in " + rule.id());
            rules.add(rule);
        }
        thresholds = new EnumMap<>(DegradeMode.class);
        for (DegradeMode m : List.of(DegradeMode.FULL, DegradeMode.PARTIAL_CONTEXT, DegradeMode.RULES_ONLY)) {
            JsonNode t = n.path("thresholds").path(m.name());
            if (t.isMissingNode()) throw new IllegalArgumentException("bundle " + id + " has no thresholds for " + m);
            thresholds.put(
                    m,
                    new Thresholds(
                            t.path("decline").asDouble(),
                            t.path("review").asDouble(),
                            t.path("step_up").asDouble()));
        }
        failSafeAction = DecisionAction.valueOf(
                n.path("thresholds").path("FAIL_SAFE").path("default_action").asText("STEP_UP"));
        highRiskMcc = new HashSet<>();
        n.path("high_risk_mcc").forEach(m -> highRiskMcc.add(m.asText()));
        smallAmountMinor = n.path("small_amount_minor").asLong(500);
        caseActions = caseActions(n, id);
        hasModel = n.hasNonNull("model");
        modelWeight = n.path("model").path("weight").asDouble(0.7);
        XGBoostModel loaded = null;
        String problem = null;
        if (hasModel) {
            // A model that cannot be used is not an error of the bundle: the fabric decides RULES_ONLY and says why.
            String file = n.path("model").path("file").asText("");
            String expected = n.path("model").path("sha256").asText("");
            try {
                byte[] bytes = files.read(file);
                String actual = Sha256.hex(bytes);
                if (!actual.equals(expected)) {
                    problem = "model file " + file + " has SHA-256 " + actual + ", the bundle pins " + expected;
                } else {
                    loaded = XGBoostModel.read(bytes);
                    if (loaded.numFeatures() != featureNames.size()) {
                        problem = "model " + file + " takes " + loaded.numFeatures()
                                + " features, the feature schema has " + featureNames.size();
                        loaded = null;
                    }
                }
            } catch (IOException e) {
                problem = "model file " + file + " cannot be read: " + e.getMessage();
            } catch (IllegalArgumentException e) {
                problem = "model file " + file + " is not a usable model: " + e.getMessage();
            }
        }
        model = loaded;
        modelProblem = problem;
    }

    /** The actions that open or join a case: {@code case_actions}, REVIEW and STEP_UP when the bundle names none. */
    private static Set<DecisionAction> caseActions(JsonNode n, String id) {
        JsonNode a = n.get("case_actions");
        if (a == null || a.isNull()) return DEFAULT_CASE_ACTIONS;
        if (!a.isArray())
            throw new IllegalArgumentException("bundle " + id + ": case_actions must be a list of actions");
        java.util.EnumSet<DecisionAction> out = java.util.EnumSet.noneOf(DecisionAction.class);
        for (JsonNode action : a) {
            try {
                out.add(DecisionAction.valueOf(action.asText()));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("bundle " + id + ": case_actions names no action " + action, e);
            }
        }
        return java.util.Collections.unmodifiableSet(out);
    }

    /** The actions that call for a case when a bundle names none: an analyst looks at what was held or challenged. */
    public static final Set<DecisionAction> DEFAULT_CASE_ACTIONS =
            java.util.Collections.unmodifiableSet(java.util.EnumSet.of(DecisionAction.REVIEW, DecisionAction.STEP_UP));

    /** The decisions of this bundle that Case Management turns into cases, by action. */
    public Set<DecisionAction> caseActions() {
        return caseActions;
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || !v.isTextual() || v.asText().isEmpty())
            throw new IllegalArgumentException("bundle field " + field + " is required");
        return v.asText();
    }

    /** A bundle without a model, or whose model files cannot be reached (the fabric then decides RULES_ONLY). */
    public static DecisionBundle parse(byte[] json) {
        return parse(json, name -> {
            throw new java.io.FileNotFoundException(name + " (no bundle directory given)");
        });
    }

    /** A bundle whose named files ({@code model.file}) are read with {@code files}. */
    public static DecisionBundle parse(byte[] json, Files files) {
        try {
            return new DecisionBundle(CanonicalJson.EXACT_MAPPER.readTree(json), files);
        } catch (IOException e) {
            throw new IllegalArgumentException("bundle is not valid JSON: " + e.getMessage(), e);
        }
    }

    /**
     * Loads a bundle shipped with the platform ({@code bundles/<id>/bundle.json} on the classpath); see
     * {@link BundleSource} for bundles in a directory or an object store.
     */
    public static DecisionBundle builtIn(String bundleId) {
        return BundleSource.fromClasspath(bundleId);
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

    /** Whether the bundle names a model (usable or not). */
    public boolean hasModel() {
        return hasModel;
    }

    /** The bundle's model, when it names one that could be read, verified and fits the feature schema. */
    public java.util.Optional<XGBoostModel> model() {
        return java.util.Optional.ofNullable(model);
    }

    /** Why a named model cannot be used; null when it can (or when there is none). */
    public String modelProblem() {
        return modelProblem;
    }

    /** The model's share of the score: {@code score = w * p(model) + (1 - w) * rules}. */
    public double modelWeight() {
        return modelWeight;
    }

    /** Feature names in the schema's order: the model's input vector. */
    public List<String> featureNames() {
        return featureNames;
    }
}
