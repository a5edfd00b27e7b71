package dev.fraudplatform.casework.cases;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fraudplatform.core.bus.BatchHandler;
import dev.fraudplatform.core.bus.DeadLetters;
import dev.fraudplatform.core.bus.EventPublisher;
import dev.fraudplatform.core.bus.InboundRecord;
import dev.fraudplatform.core.bus.OutboundRecord;
import dev.fraudplatform.core.bus.Retries;
import dev.fraudplatform.core.bus.Topics;
import dev.fraudplatform.core.cases.CaseStore;
import dev.fraudplatform.core.cases.CaseStore.Attachment;
import dev.fraudplatform.core.cases.CaseTrigger;
import dev.fraudplatform.core.decision.Decision;
import dev.fraudplatform.core.decision.DecisionAction;
import dev.fraudplatform.core.json.CanonicalJson;
import dev.fraudplatform.core.json.Json;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Case Management (CM): consumes committed decisions and opens a case for each decision whose action is one of the
 * case actions (REVIEW and STEP_UP by default), or attaches it to its account's open case, through the
 * {@link CaseStore}. (run, decision id) is the idempotency key, so a redelivered batch opens and attaches nothing and
 * announces nothing.
 *
 * <p>Per batch: every record is read as a {@link Decision} (the account is its {@code partition_key}; the amount is
 * the feature {@code amount_minor} when the snapshot carries it); a record that does not read, or has no account,
 * goes to {@code fp.dead-letters} and the rest proceed; decisions with other actions are skipped. The triggers are
 * attached in one call, each OPENED or ATTACHED is announced on {@code fp.cases} keyed by account
 * ({@code {case_id, platform_run_id, account_id, decision_id, outcome}}), and then the offsets are committed.
 *
 * <p>Failures: a failing store is retried with backoff ({@code attempts}, doubling from {@code backoff}); if the batch
 * still fails, each trigger is tried alone, and one the store refuses alone is dead-lettered with its reason. If every
 * one of several fails alone, the store is down: the handler throws and the batch is delivered again (nothing is lost;
 * the store absorbs the redelivery). The announcements are published with the same retries; if they still fail the
 * handler throws before committing, and the redelivered batch finds its decisions attached (ALREADY) and announces
 * nothing more: {@code fp.cases} is a notification, the store is the record.
 *
 * <p>A {@link BatchHandler} of an at-least-once consuming role in group {@link #GROUP} on {@link #TOPICS}; it does not
 * close the {@link EventPublisher} it is handed.
 */
public final class CaseManagement implements BatchHandler {
    /** The role's name (its thread and client id derive from it). */
    public static final String NAME = "case-management";

    public static final String GROUP = "fp-cm";
    public static final List<String> TOPICS = List.of(Topics.DECISIONS);
    /** The actions that open cases unless the bundle names others. */
    public static final Set<DecisionAction> DEFAULT_CASE_ACTIONS =
            Set.copyOf(EnumSet.of(DecisionAction.REVIEW, DecisionAction.STEP_UP));
    /** The feature that carries the transaction's amount in minor units (decision-model's OnlineFeatures). */
    static final String AMOUNT_FEATURE = "amount_minor";

    private static final Logger LOG = LoggerFactory.getLogger(CaseManagement.class);
    private final CaseStore store;
    private final EventPublisher publisher;
    private final Set<DecisionAction> caseActions;
    private final int attempts;
    private final Duration backoff;

    public CaseManagement(CaseStore store, EventPublisher publisher, Set<DecisionAction> caseActions) {
        this(store, publisher, caseActions, 4, Duration.ofMillis(100));
    }

    public CaseManagement(
            CaseStore store,
            EventPublisher publisher,
            Set<DecisionAction> caseActions,
            int attempts,
            Duration backoff) {
        if (caseActions == null || caseActions.isEmpty())
            throw new IllegalArgumentException("case management needs at least one case action");
        if (attempts < 1) throw new IllegalArgumentException("attempts must be at least 1");
        this.store = store;
        this.publisher = publisher;
        this.caseActions = Set.copyOf(caseActions);
        this.attempts = attempts;
        this.backoff = backoff;
    }

    /** The actions that open cases. */
    public Set<DecisionAction> caseActions() {
        return caseActions;
    }

    private record Pending(CaseTrigger trigger, InboundRecord record) {}

    @Override
    public void handle(List<InboundRecord> records, Session session) throws Exception {
        long now = System.currentTimeMillis();
        List<OutboundRecord> out = new ArrayList<>();
        List<Pending> pending = new ArrayList<>();
        for (InboundRecord r : records) {
            try {
                CaseTrigger t = read(r);
                if (t != null) pending.add(new Pending(t, r));
            } catch (RuntimeException e) {
                out.add(DeadLetters.of(NAME, r, "unreadable decision: " + oneLine(e), now));
            }
        }
        if (!pending.isEmpty()) {
            List<Attachment> done = attach(pending, out, now);
            List<Pending> announced = new ArrayList<>();
            List<Attachment> outcomes = new ArrayList<>();
            for (int i = 0; i < pending.size(); i++) {
                Attachment a = done.get(i);
                if (a == Attachment.OPENED || a == Attachment.ATTACHED) {
                    announced.add(pending.get(i));
                    outcomes.add(a);
                }
            }
            Map<String, Map<String, String>> caseIds = new LinkedHashMap<>();
            Map<String, List<String>> byRun = announced.stream()
                    .map(Pending::trigger)
                    .collect(Collectors.groupingBy(
                            CaseTrigger::platformRunId,
                            LinkedHashMap::new,
                            Collectors.mapping(CaseTrigger::decisionId, Collectors.toList())));
            for (var e : byRun.entrySet()) {
                caseIds.put(e.getKey(), withRetries(() -> store.casesOf(e.getKey(), e.getValue())));
            }
            for (int i = 0; i < announced.size(); i++) {
                CaseTrigger t = announced.get(i).trigger();
                ObjectNode o = Json.MAPPER.createObjectNode();
                o.put("case_id", caseIds.get(t.platformRunId()).get(t.decisionId()));
                o.put("platform_run_id", t.platformRunId());
                o.put("account_id", t.accountId());
                o.put("decision_id", t.decisionId());
                o.put("action", t.action().name());
                o.put("outcome", outcomes.get(i).name());
                out.add(new OutboundRecord(Topics.CASES, t.accountId(), CanonicalJson.bytes(o), now, Map.of()));
            }
        }
        if (!out.isEmpty()) withRetries(() -> publisher.publish(out));
        session.commit();
    }

    /**
     * The trigger of a decision record, or null when its action opens no case; throws {@link RuntimeException} for a
     * record that is not a decision CM can file.
     */
    CaseTrigger read(InboundRecord r) {
        if (r.value() == null) throw new IllegalArgumentException("a tombstone, not a decision");
        JsonNode n;
        try {
            n = Json.MAPPER.readTree(r.value());
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("not JSON", e);
        }
        if (n == null || !n.isObject()) throw new IllegalArgumentException("not a JSON object");
        Decision d = Decision.fromJson(n);
        if (d.decisionId().isEmpty() || d.platformRunId().isEmpty())
            throw new IllegalArgumentException("no decision_id or platform_run_id");
        if (!caseActions.contains(d.action())) return null;
        if (d.partitionKey() == null || d.partitionKey().isBlank())
            throw new IllegalArgumentException("no partition_key (the account) on decision " + d.decisionId());
        Instant eventTime = d.eventTime() == null || d.eventTime().isEmpty() ? null : Instant.parse(d.eventTime());
        JsonNode amount = d.features() == null ? null : d.features().get(AMOUNT_FEATURE);
        Long amountMinor = amount != null && amount.isIntegralNumber() ? amount.asLong() : null;
        return new CaseTrigger(
                d.platformRunId(),
                d.decisionId(),
                d.eventId(),
                d.partitionKey(),
                d.action(),
                d.score(),
                amountMinor,
                eventTime,
                new String(r.value(), java.nio.charset.StandardCharsets.UTF_8));
    }

    private List<Attachment> attach(List<Pending> pending, List<OutboundRecord> out, long now) throws Exception {
        List<CaseTrigger> triggers = pending.stream().map(Pending::trigger).toList();
        try {
            return withRetries(() -> store.attach(triggers));
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception batchFailure) {
            LOG.warn(
                    "case store refused a batch of {} after {} attempts ({}); attaching one by one",
                    triggers.size(),
                    attempts,
                    batchFailure.toString());
        }
        List<Attachment> done = new ArrayList<>(pending.size());
        List<OutboundRecord> refused = new ArrayList<>();
        for (Pending p : pending) {
            try {
                done.add(store.attach(List.of(p.trigger())).get(0));
            } catch (RuntimeException e) {
                done.add(null);
                refused.add(DeadLetters.of(NAME, p.record(), "case store refused it alone: " + oneLine(e), now));
            }
        }
        if (pending.size() > 1 && refused.size() == pending.size()) {
            throw new IllegalStateException("case store refused every one of " + pending.size()
                    + " decisions alone: treating it as an outage, the batch will be delivered again");
        }
        out.addAll(refused);
        return done;
    }

    private static String oneLine(Throwable e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return m.replaceAll("\\s+", " ").trim();
    }

    private <T> T withRetries(Retries.Attempt<T> attempt) throws Exception {
        return new Retries(attempts, backoff, LOG).run(attempt);
    }
}
