package dev.fraudplatform.ingress.decide;

import dev.fraudplatform.core.actions.Effect;
import dev.fraudplatform.core.actions.EffectLedger;
import dev.fraudplatform.core.bus.BatchHandler;
import dev.fraudplatform.core.bus.InboundRecord;
import dev.fraudplatform.core.bus.Topics;
import dev.fraudplatform.core.decision.Decision;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Hands the gate's synchronous callers their decisions: a {@link BatchHandler} of a role that reads every committed
 * decision from the moment it starts ({@link dev.fraudplatform.core.bus.BusConsumers#fromNow}), in no consumer group,
 * so every gate instance sees every decision whoever admitted its event.
 *
 * <p>A caller {@link #await registers} for a decision before its event is submitted, so a decision that comes back
 * before the gate's answer is never missed. Each decision seen completes whoever waits for it and is kept among the
 * {@code recent} last ones (bounded, oldest dropped), so the same event sent again is answered at once; a decision
 * older than that is read from the effect ledger, where the Action Layer keeps what it said ({@link #find}).
 *
 * <p>Memory is bounded: {@code recent} decisions, and registrations no decision came for are dropped after
 * {@link #ABANDONED_MS} (their callers were answered 202 long before).
 */
public final class DecisionWaiter implements BatchHandler {
    /** The role's name (its thread and client id derive from it). */
    public static final String NAME = "ig-decision-waiter";
    /** The topics it reads. */
    public static final List<String> TOPICS = List.of(Topics.DECISIONS);
    /** How long a registration waits for its decision before it is dropped (its caller has its 202 long since). */
    static final long ABANDONED_MS = 120_000;

    private record Waiting(CompletableFuture<Decision.Summary> decision, long since) {}

    private final EffectLedger ledger;
    private final Map<String, Waiting> waiting = new ConcurrentHashMap<>();
    private final Map<String, Decision.Summary> recent;
    private long lastSweep = System.currentTimeMillis();

    /**
     * @param ledger the effect ledger, read for a decision no longer among the recent ones
     * @param recent how many of the latest decisions are kept in memory (a few hundred bytes each)
     */
    public DecisionWaiter(EffectLedger ledger, int recent) {
        if (recent < 1) throw new IllegalArgumentException("recent must be at least 1");
        this.ledger = ledger;
        this.recent = new LinkedHashMap<>(Math.min(recent, 1 << 16), 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Decision.Summary> eldest) {
                return size() > recent;
            }
        };
    }

    private static String key(String platformRunId, String decisionId) {
        return platformRunId + "\u0000" + decisionId;
    }

    /**
     * The decision {@code decisionId} of run {@code platformRunId}: completed at once when it is among the recent ones,
     * else when it is seen. Register before the event is submitted. Never completed exceptionally; a caller stops
     * waiting on its own deadline (the future is shared by everyone waiting for the same decision: never complete
     * it).
     */
    public CompletableFuture<Decision.Summary> await(String platformRunId, String decisionId) {
        String k = key(platformRunId, decisionId);
        Decision.Summary known = recent(k);
        if (known != null) return CompletableFuture.completedFuture(known);
        CompletableFuture<Decision.Summary> f = waiting.computeIfAbsent(
                        k, x -> new Waiting(new CompletableFuture<>(), System.currentTimeMillis()))
                .decision();
        // Seen between the look and the registration: the handler kept it among the recent ones before it looked for
        // waiters.
        known = recent(k);
        if (known != null) complete(k, known);
        return f;
    }

    /**
     * A decision already made, from the recent ones or else the effect ledger (which knows it once the Action Layer has
     * applied it): what {@code GET /v1/decisions/{id}} answers, and what a duplicate of an old event is answered.
     */
    public Optional<Decision.Summary> find(String platformRunId, String decisionId) {
        String k = key(platformRunId, decisionId);
        Decision.Summary known = recent(k);
        if (known != null) return Optional.of(known);
        Optional<Decision.Summary> applied =
                ledger.find(platformRunId, decisionId).map(Effect::decision);
        applied.ifPresent(d -> complete(k, d));
        return applied;
    }

    /** Registrations waiting now (for the gate's metrics and tests). */
    public int waiting() {
        return waiting.size();
    }

    private Decision.Summary recent(String k) {
        synchronized (recent) {
            return recent.get(k);
        }
    }

    private void complete(String k, Decision.Summary d) {
        Waiting w = waiting.remove(k);
        if (w != null) w.decision().complete(d);
    }

    @Override
    public void handle(List<InboundRecord> records, Session session) throws Exception {
        for (InboundRecord r : records) {
            // A shadow decision never answers a caller; one that reached fp.decisions is the Action Layer's to refuse.
            if (r.header(Topics.HEADER_SHADOW) != null) continue;
            Decision.Summary d;
            try {
                d = Decision.summarize(r.value());
            } catch (RuntimeException e) {
                continue; // unreadable: the Action Layer and the audit dead-letter it; nobody can be answered with it
            }
            String k = key(d.platformRunId(), d.decisionId());
            synchronized (recent) {
                recent.put(k, d);
            }
            complete(k, d);
        }
        session.commit();
    }

    @Override
    public void onPoll(Session session) {
        long now = System.currentTimeMillis();
        if (now - lastSweep < 1_000) return;
        lastSweep = now;
        waiting.entrySet().removeIf(e -> now - e.getValue().since() > ABANDONED_MS);
    }
}
