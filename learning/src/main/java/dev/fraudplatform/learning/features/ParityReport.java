package dev.fraudplatform.learning.features;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fraudplatform.core.json.Json;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Offline Feature Shadow's verdict on one run: per feature, the share of decisions whose recomputed value equals
 * the recorded one; the causes of the mismatches, counted; the first mismatches, each with its cause. It passes when
 * both sides made the same decisions and every feature's match rate reaches the mode's bar.
 *
 * @param recorded   decisions the audit recorded
 * @param recomputed decisions the replay made
 * @param matched    decisions whose whole feature snapshot matched (same snapshot digest)
 */
public record ParityReport(
        String runId,
        String mode,
        double minimumMatchRate,
        long recorded,
        long recomputed,
        long matched,
        Map<String, Double> matchRates,
        Map<String, Long> causes,
        List<Mismatch> mismatches,
        String computedAt) {

    /** One decision whose snapshots differ, and why. */
    public record Mismatch(String decisionId, String cause) {}

    public ParityReport {
        matchRates = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(matchRates));
        causes = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(causes));
        mismatches = List.copyOf(mismatches);
    }

    /** Whole-snapshot match rate: decisions matched over decisions either side made. */
    public double snapshotMatchRate() {
        long total = Math.max(recorded, recomputed);
        return total == 0 ? 0 : (double) matched / total;
    }

    /** The lowest per-feature match rate (0 when nothing was compared). */
    public double lowestMatchRate() {
        return matchRates.values().stream()
                .mapToDouble(Double::doubleValue)
                .min()
                .orElse(0);
    }

    /** Whether parity holds: something was decided, the same decisions on both sides, every feature at the bar. */
    public boolean passed() {
        return recorded > 0 && recorded == recomputed && !matchRates.isEmpty() && lowestMatchRate() >= minimumMatchRate;
    }

    public ObjectNode toJson() {
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.put("run_id", runId);
        n.put("mode", mode);
        n.put("minimum_match_rate", minimumMatchRate);
        n.put("passed", passed());
        n.put("recorded", recorded);
        n.put("recomputed", recomputed);
        n.put("matched", matched);
        n.put("snapshot_match_rate", Math.round(snapshotMatchRate() * 1_000_000.0) / 1_000_000.0);
        ObjectNode rates = n.putObject("match_rates");
        matchRates.forEach(rates::put);
        ObjectNode c = n.putObject("causes");
        causes.forEach(c::put);
        var list = n.putArray("mismatches");
        for (Mismatch m : mismatches)
            list.addObject().put("decision_id", m.decisionId()).put("cause", m.cause());
        n.put("computed_at", computedAt);
        return n;
    }

    public static ParityReport fromJson(JsonNode n) {
        Map<String, Double> rates = new LinkedHashMap<>();
        n.path("match_rates")
                .fields()
                .forEachRemaining(e -> rates.put(e.getKey(), e.getValue().asDouble()));
        Map<String, Long> causes = new LinkedHashMap<>();
        n.path("causes")
                .fields()
                .forEachRemaining(e -> causes.put(e.getKey(), e.getValue().asLong()));
        List<Mismatch> list = new ArrayList<>();
        for (JsonNode m : n.path("mismatches"))
            list.add(
                    new Mismatch(m.path("decision_id").asText(), m.path("cause").asText()));
        return new ParityReport(
                n.path("run_id").asText(),
                n.path("mode").asText(),
                n.path("minimum_match_rate").asDouble(),
                n.path("recorded").asLong(),
                n.path("recomputed").asLong(),
                n.path("matched").asLong(),
                rates,
                causes,
                list,
                n.path("computed_at").asText());
    }

    /** A summary for a bundle's evidence: pass, mode, counts and the lowest feature match rate. */
    public ObjectNode summary() {
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.put("run_id", runId);
        n.put("mode", mode);
        n.put("passed", passed());
        n.put("recorded", recorded);
        n.put("recomputed", recomputed);
        n.put("snapshot_match_rate", Math.round(snapshotMatchRate() * 1_000_000.0) / 1_000_000.0);
        n.put("lowest_feature_match_rate", lowestMatchRate());
        n.put("match_rate", lowestMatchRate());
        n.put("pass", passed());
        return n;
    }
}
