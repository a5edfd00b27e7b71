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
 *   <li>decisions whose action calls for a case = decisions Case Management opened or attached a case for;</li>
 *   <li>label events admitted = label assertions written from them + label events rejected with a reason;</li>
 *   <li>no role failed.</li>
 * </ul>
 */
public record RunReport(
        String platformRunId,
        String worldId,
        String bundleId,
        Ingress ingress,
        Decisions decisions,
        long effects,
        Audit audit,
        Casework casework,
        Performance performance,
        List<String> roleFailures) {

    /**
     * What the gate took: events the streamer sent (and those it sent again after an attempt whose answer was lost),
     * receipts by outcome ({@code QUARANTINED/<reason>} for quarantines), admissions by event class, and the admitted
     * transactions among them (the events the loop must decide).
     */
    public record Ingress(
            long sent,
            long resentUnanswered,
            Map<String, Long> receipts,
            Map<String, Long> admittedByClass,
            long admittedTransactions) {}

    /**
     * The run's decisions: the decision records on the bus and the distinct decision ids among them (the bus
     * digest's set); the audit's decisions by action and by degrade mode; the bus digest; and the decision ids found
     * with two different decisions (in the audit or on the bus).
     */
    public record Decisions(
            long recordsOnBus,
            long distinct,
            Map<String, Long> byAction,
            Map<String, Long> byDegradeMode,
            String busDigest,
            long conflicting) {}

    /**
     * The audit's records of the run, their decision-log digest, how many re-score to their decision on replay, and
     * the replay's problems (manifest mismatches, frames that do not re-score).
     */
    public record Audit(long records, String decisionLogDigest, long replayMatched, List<String> problems) {}

    /**
     * The case and label plane's side of the run.
     *
     * @param caseActions             the actions that call for a case (the bundle's)
     * @param decisionsCallingForCase the audit's decisions with one of those actions
     * @param decisionsAttached       decisions Case Management attached to a case (opening it or joining it)
     * @param casesOpened             cases opened for the run
     * @param labelEventsAdmitted     {@code label.*} events the gate admitted
     * @param assertionsFromEvents    Label Store assertions written from those events
     * @param rejectionsByReason      label events the Label Store refused, by reason (unknown subject, unreadable)
     * @param assertionsFromCases     assertions written by investigators' dispositions
     */
    public record Casework(
            List<String> caseActions,
            long decisionsCallingForCase,
            long decisionsAttached,
            long casesOpened,
            long labelEventsAdmitted,
            long assertionsFromEvents,
            Map<String, Long> rejectionsByReason,
            long assertionsFromCases) {
        public Casework {
            caseActions = List.copyOf(caseActions);
            rejectionsByReason = Map.copyOf(rejectionsByReason);
        }

        public long rejections() {
            return rejectionsByReason.values().stream()
                    .mapToLong(Long::longValue)
                    .sum();
        }
    }

    /** Decision latency quantiles in milliseconds, from gate admission to the decision seen by the Action Layer. */
    public record Latency(double p50Millis, double p99Millis, double maxMillis) {}

    /**
     * The run's speed: events per second end to end, decision latency, seconds from process start to the first
     * decision (-1: none), and the process's peak resident memory (-1: unknown).
     */
    public record Performance(
            double eventsPerSecond, Latency latency, double secondsToFirstDecision, long peakRssMegabytes) {}

    /** One reconciliation check. */
    public record Check(String name, boolean passed, String detail) {}

    /** Receipts by outcome ({@link Ingress#receipts()}). */
    public Map<String, Long> receipts() {
        return ingress.receipts();
    }

    /** Admitted transactions ({@link Ingress#admittedTransactions()}). */
    public long admittedTransactions() {
        return ingress.admittedTransactions();
    }

    /** The audit log's decision digest ({@link Audit#decisionLogDigest()}): the run's answer. */
    public String decisionLogDigest() {
        return audit.decisionLogDigest();
    }

    public long receiptsTotal() {
        return ingress.receipts().values().stream().mapToLong(Long::longValue).sum();
    }

    public List<Check> checks() {
        List<Check> c = new ArrayList<>();
        if (ingress.resentUnanswered() == 0) {
            c.add(eq("events sent = receipts", ingress.sent(), receiptsTotal()));
        } else {
            long extra = receiptsTotal() - ingress.sent();
            boolean ok = extra >= 0
                    && extra <= ingress.resentUnanswered()
                    && extra <= ingress.receipts().getOrDefault("DUPLICATE", 0L);
            c.add(new Check(
                    "events sent = receipts, plus DUPLICATE receipts of attempts whose answer was lost",
                    ok,
                    ingress.sent() + " sent, " + receiptsTotal() + " receipts: " + extra + " extra, at most "
                            + ingress.resentUnanswered() + " resent after a lost answer"));
        }
        c.add(eq("admitted transactions = decisions", ingress.admittedTransactions(), decisions.distinct()));
        c.add(eq("decisions = effects", decisions.distinct(), effects));
        c.add(eq("decisions = audit records", decisions.distinct(), audit.records()));
        c.add(new Check(
                "audit log digest = bus decision digest",
                audit.decisionLogDigest().equals(decisions.busDigest()),
                audit.decisionLogDigest() + " vs " + decisions.busDigest()));
        c.add(new Check(
                "no decision id carries two different decisions",
                decisions.conflicting() == 0,
                decisions.conflicting() + " conflicting decision records"));
        c.add(new Check(
                "audit replay re-scores every frame to its decision; segments match their manifest",
                audit.replayMatched() == audit.records() && audit.problems().isEmpty(),
                audit.replayMatched() + " of " + audit.records() + " match"
                        + (audit.problems().isEmpty() ? "" : "; " + String.join("; ", audit.problems()))));
        c.add(new Check(
                "decisions that call for a case = decisions opened or attached to a case",
                casework.decisionsCallingForCase() == casework.decisionsAttached(),
                casework.decisionsCallingForCase() + " decisions " + casework.caseActions() + " vs "
                        + casework.decisionsAttached() + " attached, in " + casework.casesOpened() + " cases"));
        long labelled = casework.assertionsFromEvents() + casework.rejections();
        c.add(new Check(
                "label events admitted = label assertions written from them + label events rejected",
                casework.labelEventsAdmitted() == labelled,
                casework.labelEventsAdmitted() + (casework.labelEventsAdmitted() == labelled ? " = " : " != ")
                        + casework.assertionsFromEvents() + " + " + casework.rejections()
                        + (casework.rejections() == 0 ? "" : " " + new TreeMap<>(casework.rejectionsByReason()))));
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
        counts.put("sent", ingress.sent());
        counts.put("resent_after_lost_answer", ingress.resentUnanswered());
        counts.put("receipts_total", receiptsTotal());
        counts.set("receipts", Json.MAPPER.valueToTree(new TreeMap<>(ingress.receipts())));
        counts.set("admitted_by_event_class", Json.MAPPER.valueToTree(new TreeMap<>(ingress.admittedByClass())));
        counts.put("admitted_transactions", ingress.admittedTransactions());
        counts.put("decision_records_on_bus", decisions.recordsOnBus());
        counts.put("decisions", decisions.distinct());
        counts.put("effects", effects);
        counts.put("audit_records", audit.records());
        counts.put("audit_replay_matched", audit.replayMatched());
        counts.put("decisions_calling_for_case", casework.decisionsCallingForCase());
        counts.put("decisions_attached_to_cases", casework.decisionsAttached());
        counts.put("cases_opened", casework.casesOpened());
        counts.put("label_events_admitted", casework.labelEventsAdmitted());
        counts.put("label_assertions_from_events", casework.assertionsFromEvents());
        counts.set("label_events_rejected", Json.MAPPER.valueToTree(new TreeMap<>(casework.rejectionsByReason())));
        counts.put("label_assertions_from_cases", casework.assertionsFromCases());
        n.set("case_actions", Json.MAPPER.valueToTree(casework.caseActions()));
        n.set("decisions_by_action", Json.MAPPER.valueToTree(new TreeMap<>(decisions.byAction())));
        n.set("decisions_by_degrade_mode", Json.MAPPER.valueToTree(new TreeMap<>(decisions.byDegradeMode())));
        n.put("decision_log_digest", audit.decisionLogDigest());
        ObjectNode perf = n.putObject("performance");
        perf.put("events_per_second", Math.round(performance.eventsPerSecond()));
        perf.put("decision_latency_p50_ms", round1(performance.latency().p50Millis()));
        perf.put("decision_latency_p99_ms", round1(performance.latency().p99Millis()));
        perf.put("decision_latency_max_ms", round1(performance.latency().maxMillis()));
        perf.put("seconds_to_first_decision", round1(performance.secondsToFirstDecision()));
        perf.put("peak_rss_mb", performance.peakRssMegabytes());
        ArrayNode checks = n.putArray("checks");
        for (Check c : checks())
            checks.addObject().put("name", c.name()).put("passed", c.passed()).put("detail", c.detail());
        return n;
    }

    /** A human summary, a few lines. */
    public String toText() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "run %s  world %s  bundle %s%n", platformRunId, worldId, bundleId));
        sb.append(String.format(
                Locale.ROOT, "  sent %,d  receipts %s%n", ingress.sent(), new TreeMap<>(ingress.receipts())));
        sb.append(String.format(
                Locale.ROOT,
                "  admitted txns %,d  decisions %,d  effects %,d  audit records %,d%n",
                ingress.admittedTransactions(),
                decisions.distinct(),
                effects,
                audit.records()));
        sb.append(String.format(
                Locale.ROOT,
                "  cases: %,d decisions %s attached in %,d cases; labels: %,d events admitted, %,d asserted, %,d rejected%n",
                casework.decisionsAttached(),
                casework.caseActions(),
                casework.casesOpened(),
                casework.labelEventsAdmitted(),
                casework.assertionsFromEvents(),
                casework.rejections()));
        sb.append(String.format(
                Locale.ROOT,
                "  actions %s  degrade modes %s%n",
                new TreeMap<>(decisions.byAction()),
                new TreeMap<>(decisions.byDegradeMode())));
        sb.append(String.format(
                Locale.ROOT,
                "  %,.0f events/s end to end; decision latency p50 %.1f ms, p99 %.1f ms; first decision %.1f s after start; peak RSS %d MiB%n",
                performance.eventsPerSecond(),
                performance.latency().p50Millis(),
                performance.latency().p99Millis(),
                performance.secondsToFirstDecision(),
                performance.peakRssMegabytes()));
        sb.append("  decision-log digest ").append(audit.decisionLogDigest()).append(System.lineSeparator());
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
