package dev.fraudplatform.rtdl.audit;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fraudplatform.core.decision.AuditRecord;
import dev.fraudplatform.core.decision.Decision;
import dev.fraudplatform.core.decision.DecisionAction;
import dev.fraudplatform.core.json.Json;
import dev.fraudplatform.core.store.ObjectStore;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * A run's shadow decisions beside its active ones, joined by decision id (both audits record each decision once; a
 * decision redelivered to the audit is counted once), with what labels known now say of them:
 * <pre>
 *   agreement            = compared decisions whose shadow action equals the active action / compared decisions
 *   would have caught    = fraud-labelled transactions that the shadow declined or sent to review, and the active
 *                          bundle approved
 *   would have declined wrongly = transactions not labelled fraud that the shadow declined, and the active did not
 * </pre>
 * "Fraud-labelled" is the caller's predicate over the active decision (the Label Store's standing FRAUD assertions as
 * known when the report is made, not as known at decision time: a backtest of labels that came later).
 *
 * @param shadowBundles  the bundle ids of the shadow decisions (one, unless the audit holds a mixed run)
 * @param activeBundles  the bundle ids of the active decisions
 * @param compared       decisions with both an active and a shadow record
 * @param activeOnly     active decisions without a shadow decision
 * @param shadowOnly     shadow decisions without an active decision
 * @param agreed         compared decisions whose actions are equal
 * @param confusion      active action → shadow action → count, over the compared decisions
 * @param fraudLabelled  compared decisions whose transaction is fraud-labelled
 * @param wouldHaveCaught        count, and {@code caughtSample} the first event ids (by event id)
 * @param wouldHaveDeclinedWrongly count, and {@code wronglyDeclinedSample} the first event ids (by event id)
 */
public record ShadowComparison(
        Set<String> shadowBundles,
        Set<String> activeBundles,
        long compared,
        long activeOnly,
        long shadowOnly,
        long agreed,
        Map<DecisionAction, Map<DecisionAction, Long>> confusion,
        long fraudLabelled,
        long wouldHaveCaught,
        List<String> caughtSample,
        long wouldHaveDeclinedWrongly,
        List<String> wronglyDeclinedSample) {

    /** How many event ids each sample lists. */
    public static final int SAMPLE = 10;

    /** Agreement rate in [0, 1]; 0 when nothing was compared. */
    public double agreement() {
        return compared == 0 ? 0 : (double) agreed / compared;
    }

    /** Compares a run's audited decisions in the object store. */
    public static ShadowComparison of(ObjectStore store, String runId, Predicate<Decision> fraudLabelled) {
        Map<String, Decision> active = new HashMap<>();
        AuditLog.forEach(store, runId, a -> active.putIfAbsent(a.decision().decisionId(), a.decision()));
        List<AuditRecord> shadow = new ArrayList<>();
        AuditLog.forEachShadow(store, runId, shadow::add);
        return of(active, shadow, fraudLabelled);
    }

    /** Compares {@code active} (by decision id) with {@code shadow} audit records. */
    public static ShadowComparison of(
            Map<String, Decision> active, Iterable<AuditRecord> shadow, Predicate<Decision> fraudLabelled) {
        Set<String> shadowBundles = new TreeSet<>();
        Set<String> activeBundles = new TreeSet<>();
        active.values().forEach(d -> activeBundles.add(d.bundleId()));
        Map<String, Decision> shadowById = new HashMap<>();
        for (AuditRecord r : shadow) {
            shadowById.putIfAbsent(r.decision().decisionId(), r.decision());
            shadowBundles.add(r.decision().bundleId());
        }
        Map<DecisionAction, Map<DecisionAction, Long>> confusion = new EnumMap<>(DecisionAction.class);
        for (DecisionAction a : DecisionAction.values()) {
            Map<DecisionAction, Long> row = new EnumMap<>(DecisionAction.class);
            for (DecisionAction s : DecisionAction.values()) row.put(s, 0L);
            confusion.put(a, row);
        }
        long compared = 0, activeOnly = 0, agreed = 0, fraud = 0;
        TreeSet<String> caught = new TreeSet<>(), wrongly = new TreeSet<>();
        for (Decision a : active.values()) {
            Decision s = shadowById.get(a.decisionId());
            if (s == null) {
                activeOnly++;
                continue;
            }
            compared++;
            confusion.get(a.action()).merge(s.action(), 1L, Long::sum);
            if (a.action() == s.action()) agreed++;
            boolean isFraud = fraudLabelled.test(a);
            if (isFraud) fraud++;
            boolean shadowStops = s.action() == DecisionAction.DECLINE || s.action() == DecisionAction.REVIEW;
            if (isFraud && shadowStops && a.action() == DecisionAction.APPROVE) caught.add(a.eventId());
            if (!isFraud && s.action() == DecisionAction.DECLINE && a.action() != DecisionAction.DECLINE)
                wrongly.add(a.eventId());
        }
        long shadowOnly = shadowById.keySet().stream()
                .filter(id -> !active.containsKey(id))
                .count();
        return new ShadowComparison(
                shadowBundles,
                activeBundles,
                compared,
                activeOnly,
                shadowOnly,
                agreed,
                confusion,
                fraud,
                caught.size(),
                caught.stream().limit(SAMPLE).toList(),
                wrongly.size(),
                wrongly.stream().limit(SAMPLE).toList());
    }

    public ObjectNode toJson() {
        ObjectNode n = Json.MAPPER.createObjectNode();
        ArrayNode sb = n.putArray("shadow_bundles");
        shadowBundles.forEach(sb::add);
        ArrayNode ab = n.putArray("active_bundles");
        activeBundles.forEach(ab::add);
        n.put("decisions_compared", compared);
        n.put("active_without_shadow", activeOnly);
        n.put("shadow_without_active", shadowOnly);
        n.put("agreed", agreed);
        n.put("agreement_rate", agreement());
        ObjectNode c = n.putObject("confusion");
        confusion.forEach((a, row) -> {
            ObjectNode r = c.putObject(a.name());
            row.forEach((s, count) -> r.put(s.name(), count));
        });
        n.put("fraud_labelled", fraudLabelled);
        ObjectNode caught = n.putObject("would_have_caught");
        caught.put("count", wouldHaveCaught);
        caughtSample.forEach(caught.putArray("event_ids")::add);
        ObjectNode wrong = n.putObject("would_have_declined_wrongly");
        wrong.put("count", wouldHaveDeclinedWrongly);
        wronglyDeclinedSample.forEach(wrong.putArray("event_ids")::add);
        return n;
    }

    /** The report for people: bundles, agreement, the confusion table (rows active, columns shadow), the two counts. */
    public String toText() {
        StringBuilder b = new StringBuilder();
        b.append(String.format(
                Locale.ROOT,
                "shadow bundle %s beside active %s%n",
                String.join(", ", shadowBundles),
                String.join(", ", activeBundles)));
        b.append(String.format(
                Locale.ROOT,
                "decisions compared %,d (active without shadow %,d, shadow without active %,d)%n",
                compared,
                activeOnly,
                shadowOnly));
        b.append(String.format(
                Locale.ROOT, "agreement %.2f%% (%,d of %,d same action)%n", 100.0 * agreement(), agreed, compared));
        b.append(String.format(Locale.ROOT, "%n%-15s", "active \\ shadow"));
        for (DecisionAction s : DecisionAction.values()) b.append(String.format(Locale.ROOT, "%12s", s.name()));
        b.append(System.lineSeparator());
        for (DecisionAction a : DecisionAction.values()) {
            b.append(String.format(Locale.ROOT, "%-15s", a.name()));
            for (DecisionAction s : DecisionAction.values())
                b.append(String.format(
                        Locale.ROOT,
                        "%12s",
                        String.format(Locale.ROOT, "%,d", confusion.get(a).get(s))));
            b.append(System.lineSeparator());
        }
        b.append(
                String.format(Locale.ROOT, "%nfraud-labelled transactions (labels as known now) %,d%n", fraudLabelled));
        b.append(String.format(
                Locale.ROOT,
                "would have caught %,d (fraud the shadow declined or reviewed, the active approved)%s%n",
                wouldHaveCaught,
                caughtSample.isEmpty() ? "" : ": " + String.join(", ", caughtSample) + more(wouldHaveCaught)));
        b.append(String.format(
                Locale.ROOT,
                "would have declined wrongly %,d (not fraud-labelled, the shadow declined, the active did not)%s%n",
                wouldHaveDeclinedWrongly,
                wronglyDeclinedSample.isEmpty()
                        ? ""
                        : ": " + String.join(", ", wronglyDeclinedSample) + more(wouldHaveDeclinedWrongly)));
        return b.toString();
    }

    private static String more(long count) {
        return count > SAMPLE ? ", ..." : "";
    }
}
