package dev.fraudplatform.rtdl.actions;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fraudplatform.core.actions.Effect;
import dev.fraudplatform.core.actions.EffectLedger;
import dev.fraudplatform.core.bus.BatchHandler;
import dev.fraudplatform.core.bus.DeadLetters;
import dev.fraudplatform.core.bus.EventPublisher;
import dev.fraudplatform.core.bus.InboundRecord;
import dev.fraudplatform.core.bus.OutboundRecord;
import dev.fraudplatform.core.bus.Retries;
import dev.fraudplatform.core.bus.Topics;
import dev.fraudplatform.core.decision.Decision;
import dev.fraudplatform.core.json.CanonicalJson;
import dev.fraudplatform.core.json.Json;
import dev.fraudplatform.core.telemetry.Telemetry;
import io.opentelemetry.api.trace.Span;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Action Layer: consumes committed decisions, applies one effect per decision through the {@link EffectLedger}
 * (keyed by run and decision id, so a redelivered decision applies nothing), announces every effect of the batch on
 * {@code fp.actions} (APPLIED or ALREADY_APPLIED), then commits its offsets. A crash before the commit redelivers the
 * batch; the ledger absorbs it.
 *
 * <p>A failing ledger is retried {@code attempts} times with exponential backoff ({@code backoff}, doubling, at most
 * 5 s). If the batch still fails, each decision is tried on its own, so one decision the ledger refuses cannot hold
 * back the rest. If every one of several fails alone, the ledger is down: the whole batch is tried again after a
 * longer pause, for up to {@code attempts} rounds. A decision that cannot be read, or that still fails on its own, goes
 * to {@code fp.dead-letters} with its reason and coordinates, and the partition moves on: nothing is dropped silently,
 * and nothing blocks for longer than those bounded rounds.
 *
 * <p>A {@link BatchHandler} of an at-least-once consuming role in group {@link #GROUP} on {@link #TOPICS}: the wiring
 * composes the two. Its outcomes and dead letters go through the {@link EventPublisher} it is handed, which it does
 * not close.
 */
public final class ActionLayer implements BatchHandler {
    private static final io.micrometer.core.instrument.Counter EVENTS_IN = Telemetry.planeEvents("al", "in");
    private static final io.micrometer.core.instrument.Counter EVENTS_OUT = Telemetry.planeEvents("al", "out");
    public static final String GROUP = "fp-al";
    /** The role's name (its thread and client id derive from it). */
    public static final String NAME = "action-layer";

    public static final List<String> TOPICS = List.of(Topics.DECISIONS);
    private static final Logger LOG = LoggerFactory.getLogger(ActionLayer.class);
    private final EffectLedger ledger;
    private final EventPublisher outcomes;
    private final int attempts;
    private final Duration backoff;

    public ActionLayer(EffectLedger ledger, EventPublisher outcomes) {
        this(ledger, outcomes, 4, Duration.ofMillis(100));
    }

    public ActionLayer(EffectLedger ledger, EventPublisher outcomes, int attempts, Duration backoff) {
        if (attempts < 1) throw new IllegalArgumentException("attempts must be at least 1");
        this.ledger = ledger;
        this.outcomes = outcomes;
        this.attempts = attempts;
        this.backoff = backoff;
    }

    /** An effect with the record it came from. */
    private record Pending(Effect effect, InboundRecord record) {}

    @Override
    public void handle(List<InboundRecord> records, Session session) throws Exception {
        long visibleAt = System.currentTimeMillis();
        List<Pending> pending = new ArrayList<>(records.size());
        List<OutboundRecord> out = new ArrayList<>(records.size());
        EVENTS_IN.increment(records.size());
        for (InboundRecord r : records) {
            if (r.header(Topics.HEADER_SHADOW) != null) {
                // A shadow decision is only ever audited (the loop writes it to fp.decisions.shadow, which this role
                // does not read): one that arrives here anyway is set aside, never applied.
                out.add(deadLetter(r, "a shadow decision never reaches the Action Layer", visibleAt));
                continue;
            }
            try {
                Decision.Summary d = Decision.summarize(r.value());
                pending.add(new Pending(Effect.of(d, r.admittedAtMillis(), visibleAt), r));
            } catch (RuntimeException e) {
                out.add(deadLetter(r, "unreadable decision: " + e.getMessage(), visibleAt));
            }
        }
        List<Effect> effects = pending.stream().map(Pending::effect).toList();
        Set<Effect> applied = new HashSet<>();
        Set<Effect> failed = new HashSet<>();
        List<OutboundRecord> refused = new ArrayList<>();
        for (int round = 1; ; round++) {
            applied.clear();
            failed.clear();
            refused.clear();
            try {
                applied.addAll(withRetries(() -> ledger.apply(effects)));
                break;
            } catch (InterruptedException e) {
                throw e;
            } catch (Exception batchFailure) {
                LOG.warn(
                        "effect ledger refused a batch of {} after {} attempts ({}); applying one by one",
                        effects.size(),
                        attempts,
                        batchFailure.toString());
                for (Pending p : pending) {
                    try {
                        applied.addAll(ledger.apply(List.of(p.effect())));
                    } catch (RuntimeException e) {
                        failed.add(p.effect());
                        refused.add(deadLetter(
                                p.record(),
                                "effect ledger refused it after " + attempts + " batch attempts and one alone: " + e,
                                visibleAt));
                    }
                }
                // Every one failing alone, several of them, is the ledger down rather than bad decisions: wait and try
                // the
                // batch again (a few rounds) instead of dead-lettering effects that are merely late.
                boolean outage = effects.size() > 1 && applied.isEmpty() && failed.size() == effects.size();
                if (!outage || round >= attempts) break;
                long pause = Math.min(5_000, backoff.toMillis() << (attempts + round));
                LOG.warn(
                        "effect ledger refused all {} effects one by one; treating it as an outage, round {} of {}, next in {} ms",
                        effects.size(),
                        round,
                        attempts,
                        pause);
                Thread.sleep(pause);
            }
        }
        out.addAll(refused);
        // A decision the batch holds twice was applied once: its first copy is announced APPLIED, the others not.
        Set<String> newlyApplied = new HashSet<>();
        for (Effect e : applied) newlyApplied.add(e.platformRunId() + "\u0000" + e.decisionId());
        for (Pending p : pending) {
            Effect e = p.effect();
            if (failed.contains(e)) continue;
            boolean first = newlyApplied.remove(e.platformRunId() + "\u0000" + e.decisionId());
            if (first) applied(p, visibleAt);
            ObjectNode o = Json.MAPPER.createObjectNode();
            o.put("decision_id", e.decisionId());
            o.put("event_id", e.eventId());
            o.put("platform_run_id", e.platformRunId());
            o.put("action", e.action().name());
            o.put("effect_type", e.effectType());
            o.put("outcome", first ? "APPLIED" : "ALREADY_APPLIED");
            out.add(new OutboundRecord(Topics.ACTIONS, e.decisionId(), CanonicalJson.bytes(o), visibleAt, Map.of()));
        }
        if (!out.isEmpty()) withRetries(() -> outcomes.publish(out));
        session.commit();
    }

    /** Telemetry of an effect newly applied: its decision counted, its latency, and its span in the event's trace. */
    private static void applied(Pending p, long visibleAt) {
        Effect e = p.effect();
        EVENTS_OUT.increment(1);
        Telemetry.decisionApplied(
                e.action().name(),
                e.degradeMode().name(),
                e.admittedAtMillis() > 0 ? visibleAt - e.admittedAtMillis() : -1);
        Span span = Telemetry.startStage("al.apply", p.record().headers(), e.platformRunId(), e.eventId(), visibleAt);
        span.setAttribute("fp.action", e.action().name());
        span.end();
    }

    private static OutboundRecord deadLetter(InboundRecord r, String reason, long now) {
        return DeadLetters.of("action-layer", r, reason, now);
    }

    private <T> T withRetries(Retries.Attempt<T> attempt) throws Exception {
        return new Retries(attempts, backoff, LOG).run(attempt);
    }
}
