package dev.fraudplatform.ops;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fraudplatform.core.json.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The end-of-run report: every count across planes, the reconciliation checks over them, the decision-log digest
 * and the run's speed. A run reconciles only when every check passes:
 * <ul>
 *   <li>events sent = receipts written (nothing lost at the gate, nothing receipted twice); when the streamer sent
 *       batches again after an attempt whose answer was lost (a gate crash), those attempts were inputs too, so the
 *       receipts may exceed the events sent by at most the events resent, and only by DUPLICATE receipts;</li>
 *   <li>admitted transactions = distinct decisions = effects = audit records;</li>
 *   <li>the digest of the audit log = the digest of the decisions on the bus;</li>
 *   <li>no decision id carries two different decisions;</li>
 *   <li>no role failed.</li>
 * </ul>
 */
public record RunReport(
        String platformRunId,
        String worldId,
        String bundleId,
        long sent,
        long resentUnanswered,
        Map<String, Long> receipts,
        Map<String, Long> admittedByClass,
        long admittedTransactions,
        long decisionRecords,
        long distinctDecisions,
        long effects,
        long auditRecords,
        Map<String, Long> decisionsByAction,
        Map<String, Long> decisionsByDegradeMode,
        String decisionLogDigest,
        String busDecisionDigest,
        double eventsPerSecond,
        double latencyP50Millis,
        double latencyP99Millis,
        double latencyMaxMillis,
        double secondsToFirstDecision,
        long peakRssMegabytes,
        long conflictingDecisions,
        List<String> roleFailures,
        long auditReplayMatched,
        List<String> auditProblems) {

    /** One reconciliation check. */
    public record Check(String name, boolean passed, String detail) {}

    public long receiptsTotal() {
        return receipts.values().stream().mapToLong(Long::longValue).sum();
    }

    public List<Check> checks() {
        List<Check> c = new ArrayList<>();
        if (resentUnanswered == 0) {
            c.add(eq("events sent = receipts", sent, receiptsTotal()));
        } else {
            long extra = receiptsTotal() - sent;
            boolean ok = extra >= 0 && extra <= resentUnanswered && extra <= receipts.getOrDefault("DUPLICATE", 0L);
            c.add(new Check(
                    "events sent = receipts, plus DUPLICATE receipts of attempts whose answer was lost",
                    ok,
                    sent + " sent, " + receiptsTotal() + " receipts: " + extra + " extra, at most " + resentUnanswered
                            + " resent after a lost answer"));
        }
        c.add(eq("admitted transactions = decisions", admittedTransactions, distinctDecisions));
        c.add(eq("decisions = effects", distinctDecisions, effects));
        c.add(eq("decisions = audit records", distinctDecisions, auditRecords));
        c.add(new Check(
                "audit log digest = bus decision digest",
                decisionLogDigest.equals(busDecisionDigest),
                decisionLogDigest + " vs " + busDecisionDigest));
        c.add(new Check(
                "no decision id carries two different decisions",
                conflictingDecisions == 0,
                conflictingDecisions + " conflicting decision records"));
        c.add(new Check(
                "audit replay re-scores every frame to its decision; segments match their manifest",
                auditReplayMatched == auditRecords && auditProblems.isEmpty(),
                auditReplayMatched + " of " + auditRecords + " match"
                        + (auditProblems.isEmpty() ? "" : "; " + String.join("; ", auditProblems))));
        c.add(new Check(
                "no role failed",
                roleFailures.isEmpty(),
                roleFailures.isEmpty() ? "none" : String.join("; ", roleFailures)));
        return c;
    }

    public boolean reconciled() {
        return checks().stream().allMatch(Check::passed);
    }

    private static Check eq(String name, long a, long b) {
        return new Check(name, a == b, a + (a == b ? " = " : " != ") + b);
    }

    public ObjectNode toJson() {
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.put("platform_run_id", platformRunId);
        n.put("world_id", worldId);
        n.put("bundle_id", bundleId);
        n.put("reconciled", reconciled());
        ObjectNode counts = n.putObject("counts");
        counts.put("sent", sent);
        counts.put("resent_after_lost_answer", resentUnanswered);
        counts.put("receipts_total", receiptsTotal());
        counts.set("receipts", Json.MAPPER.valueToTree(new TreeMap<>(receipts)));
        counts.set("admitted_by_event_class", Json.MAPPER.valueToTree(new TreeMap<>(admittedByClass)));
        counts.put("admitted_transactions", admittedTransactions);
        counts.put("decision_records_on_bus", decisionRecords);
        counts.put("decisions", distinctDecisions);
        counts.put("effects", effects);
        counts.put("audit_records", auditRecords);
        counts.put("audit_replay_matched", auditReplayMatched);
        n.set("decisions_by_action", Json.MAPPER.valueToTree(new TreeMap<>(decisionsByAction)));
        n.set("decisions_by_degrade_mode", Json.MAPPER.valueToTree(new TreeMap<>(decisionsByDegradeMode)));
        n.put("decision_log_digest", decisionLogDigest);
        ObjectNode perf = n.putObject("performance");
        perf.put("events_per_second", Math.round(eventsPerSecond));
        perf.put("decision_latency_p50_ms", round1(latencyP50Millis));
        perf.put("decision_latency_p99_ms", round1(latencyP99Millis));
        perf.put("decision_latency_max_ms", round1(latencyMaxMillis));
        perf.put("seconds_to_first_decision", round1(secondsToFirstDecision));
        perf.put("peak_rss_mb", peakRssMegabytes);
        ArrayNode checks = n.putArray("checks");
        for (Check c : checks())
            checks.addObject().put("name", c.name()).put("passed", c.passed()).put("detail", c.detail());
        return n;
    }

    /** A human summary, a few lines. */
    public String toText() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "run %s  world %s  bundle %s%n", platformRunId, worldId, bundleId));
        sb.append(String.format(Locale.ROOT, "  sent %,d  receipts %s%n", sent, new TreeMap<>(receipts)));
        sb.append(String.format(
                Locale.ROOT,
                "  admitted txns %,d  decisions %,d  effects %,d  audit records %,d%n",
                admittedTransactions,
                distinctDecisions,
                effects,
                auditRecords));
        sb.append(String.format(
                Locale.ROOT,
                "  actions %s  degrade modes %s%n",
                new TreeMap<>(decisionsByAction),
                new TreeMap<>(decisionsByDegradeMode)));
        sb.append(String.format(
                Locale.ROOT,
                "  %,.0f events/s end to end; decision latency p50 %.1f ms, p99 %.1f ms; first decision %.1f s after start; peak RSS %d MiB%n",
                eventsPerSecond,
                latencyP50Millis,
                latencyP99Millis,
                secondsToFirstDecision,
                peakRssMegabytes));
        sb.append("  decision-log digest ").append(decisionLogDigest).append(System.lineSeparator());
        for (Check c : checks()) {
            sb.append(String.format(Locale.ROOT, "  [%s] %s: %s%n", c.passed() ? "ok" : "FAIL", c.name(), c.detail()));
        }
        sb.append(reconciled() ? "  RECONCILED" : "  NOT RECONCILED");
        return sb.toString();
    }

    private static double round1(double v) {
        return Math.round(v * 10.0) / 10.0;
    }
}
