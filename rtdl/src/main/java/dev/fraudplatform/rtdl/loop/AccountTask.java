package dev.fraudplatform.rtdl.loop;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fraudplatform.core.bus.Topics;
import dev.fraudplatform.core.decision.Decision;
import dev.fraudplatform.core.decision.JoinFrame;
import dev.fraudplatform.core.envelope.Times;
import dev.fraudplatform.core.join.ContextFragment;
import dev.fraudplatform.core.join.FlowContext;
import dev.fraudplatform.core.join.JoinPlane;
import dev.fraudplatform.core.join.JoinPlaneUnavailableException;
import dev.fraudplatform.core.json.CanonicalJson;
import dev.fraudplatform.core.json.Json;
import dev.fraudplatform.core.telemetry.Telemetry;
import dev.fraudplatform.decision.features.EntityEvent;
import dev.fraudplatform.decision.features.EntityState;
import dev.fraudplatform.decision.features.OnlineFeatures;
import dev.fraudplatform.decision.features.TxnEvent;
import dev.fraudplatform.decision.scoring.ContextFeatures;
import dev.fraudplatform.decision.scoring.DecisionFabric;
import io.opentelemetry.api.trace.Span;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The account-keyed task of the decision loop. For its accounts it holds the account and card states (OFP), the join
 * plane (context store and flow binding, CSFB), and the pending frames of transactions waiting for their merchant,
 * device and IP features and their flow's context.
 * <ul>
 *   <li>a transaction: decided once per (run, class, event id), even if the bus carries it twice; account and card
 *       features computed and the states updated; the merchant, device and IP it names sent to their projections; its
 *       frame parked until they answer;</li>
 *   <li>a context event: stored in the join plane, marks kept on the account (password reset, email change, failed
 *       login), and any frame waiting for that flow completed;</li>
 *   <li>a label: the account and card marked at the label's observed time, and the mark sent to the account's devices
 *       and IPs;</li>
 *   <li>an entity's features: added to the frame they answer; a frame with every answer is decided.</li>
 * </ul>
 * A wall-clock punctuation decides the frames that can wait no longer ({@link #decideOverdue}), naming what they lack.
 */
final class AccountTask implements Processor<String, byte[], String, byte[]> {
    private static final io.micrometer.core.instrument.Counter EVENTS_IN = Telemetry.planeEvents("df", "in");
    private static final io.micrometer.core.instrument.Counter EVENTS_OUT = Telemetry.planeEvents("df", "out");
    private static final Logger LOG = LoggerFactory.getLogger(AccountTask.class);
    private static final byte[] SEEN = {1};
    private final DecisionFabric fabric;
    private final OnlineFeatures features;
    private final DecisionTopology.Settings settings;
    private ProcessorContext<String, byte[]> context;
    private KeyValueStore<String, byte[]> states;
    private KeyValueStore<String, byte[]> pending;
    /** Strict mode's merchant, device and IP states, in this task; null in scaled mode (they live in the projections). */
    private KeyValueStore<String, byte[]> inlineEntities;

    private JoinPlane joinPlane;
    /**
     * Pending frames by key, the working copy (rebuilt from the pending store on init). The store holds each frame as
     * written when it was parked, plus each answer it received under {@code key + ANSWER + kind}, so a frame is
     * serialised once, however many answers it waits for.
     */
    private final Map<String, Pending> live = new HashMap<>();

    private static final String ANSWER = "\u0000answer\u0000";
    /** Pending frame key → wall-clock millis it started waiting (rebuilt from the pending store on init). */
    private final Map<String, Long> waiting = new LinkedHashMap<>();
    /** Pending frames that have every entity answer and wait only for their flow's context (few, unlike the rest). */
    private final Set<String> awaitingContext = new java.util.LinkedHashSet<>();
    /** (run, flow) → pending frame keys waiting for that flow's context. */
    private final Map<String, Set<String>> waitingForFlow = new HashMap<>();
    /** Wall-clock millis of the last entity answer and the last context event this task read. */
    private long lastAnswerWallMs, lastContextWallMs;
    /** Scaled mode, per run: the latest event time this task has sent to the projections, and when its input last came. */
    private static final class Progress {
        long eventTimeMs = Long.MIN_VALUE, inputAtMs, sent = Long.MIN_VALUE, sentAtMs;
    }

    private final Map<String, Progress> progress = new HashMap<>();
    private static final String PROGRESS = "progress\u0000";
    static final long IDLE_MS = DecisionTopology.IDLE_MS;
    /** Whether an entity answer has reached this task since it started (the projections' first commit takes seconds). */
    private boolean answered;
    /** Per run, the latest event time of any event this task has read (since it started). */
    private final Map<String, Long> latestEventTimes = new HashMap<>();
    /** Per run, the latest event time of a context event this task has read. */
    private final Map<String, Long> contextEventTimes = new HashMap<>();

    AccountTask(DecisionFabric fabric, DecisionTopology.Settings settings) {
        this.fabric = fabric;
        this.settings = settings;
        this.features = new OnlineFeatures(
                fabric.bundle().highRiskMcc(), fabric.bundle().smallAmountMinor());
    }

    @Override
    public void init(ProcessorContext<String, byte[]> context) {
        this.context = context;
        this.states = context.getStateStore(DecisionTopology.ACCOUNT_STATE_STORE);
        this.pending = context.getStateStore(DecisionTopology.PENDING_STORE);
        // Strict mode: one task sees every event, in order, so the projections run here, without the re-keying round
        // trip.
        this.inlineEntities =
                settings.partitions() == 1 ? context.getStateStore(DecisionTopology.INLINE_ENTITY_STATE_STORE) : null;
        this.joinPlane = settings.joinPlane().apply(context.getStateStore(DecisionTopology.JOIN_PLANE_STORE));
        // A task revived in place (after a failed commit, its stores rolled back) keeps this object: forget everything
        // in memory and rebuild it from the stores.
        live.clear();
        waiting.clear();
        awaitingContext.clear();
        waitingForFlow.clear();
        progress.clear();
        contextEventTimes.clear();
        latestEventTimes.clear();
        answered = false;
        long now = context.currentSystemTimeMs();
        if (settings.partitions() > 1) {
            try (KeyValueIterator<String, byte[]> it = states.range(PROGRESS, PROGRESS + "\uffff")) {
                while (it.hasNext()) {
                    var kv = it.next();
                    Progress p = new Progress();
                    p.eventTimeMs = Long.parseLong(new String(kv.value, StandardCharsets.US_ASCII));
                    p.inputAtMs = now; // quiet from now on: announced as ended after IDLE_MS unless input comes
                    progress.put(kv.key.substring(PROGRESS.length()), p);
                }
            }
        }
        lastAnswerWallMs = now;
        lastContextWallMs = now;
        // Restored after a restart: frames first, then the answers each had received; their wait starts again.
        List<org.apache.kafka.streams.KeyValue<String, byte[]>> answers = new ArrayList<>();
        try (KeyValueIterator<String, byte[]> it = pending.all()) {
            while (it.hasNext()) {
                var kv = it.next();
                if (kv.key.contains(ANSWER)) {
                    answers.add(kv);
                    continue;
                }
                Pending p = Pending.decode(kv.value);
                live.put(kv.key, p);
                waiting.put(kv.key, now);
                if (p.flow != null)
                    waitingForFlow
                            .computeIfAbsent(flowKey(p.run, p.flow), k -> new HashSet<>())
                            .add(kv.key);
            }
        }
        for (var kv : answers) {
            Pending p = live.get(kv.key.substring(0, kv.key.indexOf(ANSWER)));
            if (p == null) continue;
            try {
                p.apply(Json.MAPPER.readTree(kv.value));
            } catch (IOException e) {
                throw new IllegalStateException("corrupt stored answer " + kv.key, e);
            }
        }
        live.forEach((key, p) -> {
            if (p.expected.isEmpty()) awaitingContext.add(key);
        });
        long tick = Math.max(10, Math.min(25, settings.joinWait().toMillis() / 4));
        context.schedule(Duration.ofMillis(tick), PunctuationType.WALL_CLOCK_TIME, this::decideOverdue);
        // Watermarks become visible only when the task commits (every commit interval, 100 ms by default): more often
        // is waste.
        if (settings.partitions() > 1)
            context.schedule(Duration.ofMillis(100), PunctuationType.WALL_CLOCK_TIME, this::sendWatermark);
    }

    /**
     * Scaled mode: tells every projection partition that this task has sent every event before {@code progressMs} (its
     * input partition is in event-time order: one streamer lane feeds it), that the run's stream has ended here, or
     * that its input has been idle for {@value #IDLE_MS} ms (a guess its next input takes back). Sent when it changes,
     * and every second regardless.
     */
    private void sendWatermark(long now) {
        for (Map.Entry<String, Progress> e : progress.entrySet()) {
            Progress p = e.getValue();
            long wm = p.eventTimeMs == EntityEvent.ENDED
                    ? EntityEvent.ENDED
                    : now - p.inputAtMs >= IDLE_MS ? EntityEvent.IDLE : p.eventTimeMs;
            if (wm == p.sent && (wm >= EntityEvent.IDLE || now - p.sentAtMs < 1_000)) continue;
            EntityEvent w = EntityEvent.watermark(e.getKey(), context.taskId().partition(), wm);
            context.forward(
                    new Record<>(w.key(), w.encode(), Math.max(0, Math.min(now, wm))),
                    DecisionTopology.ENTITY_EVENTS_SINK);
            p.sent = wm;
            p.sentAtMs = now;
        }
    }

    @Override
    public void process(Record<String, byte[]> record) {
        String topic = context.recordMetadata().map(m -> m.topic()).orElse(Topics.TRAFFIC);
        if (Topics.ENTITY_FEATURES.equals(topic)) {
            onEntityFeatures(record);
            return;
        }
        String ended = header(record.headers(), Topics.HEADER_STREAM_END);
        if (ended != null) {
            onStreamEnd(ended);
            return;
        }
        JsonNode envelope;
        long t;
        EVENTS_IN.increment(1);
        try {
            envelope = Json.MAPPER.readTree(record.value());
            String eventTime = envelope.path("event_time").asText();
            t = Times.parse(eventTime)
                    .orElseThrow(() -> new IllegalArgumentException("bad event_time " + eventTime))
                    .toEpochMilli();
        } catch (IOException | RuntimeException e) {
            // IG admits only valid envelopes, so this is corruption on the bus: say so loudly, do not crash the task.
            LOG.error("unreadable record on {} (key {}): {}", topic, record.key(), e.getMessage());
            return;
        }
        // An account's transactions, context and labels share one log (Topics.forEventClass): one total order.
        String eventClass = envelope.path("event_class").asText();
        String run = envelope.path("platform_run_id").asText();
        latestEventTimes.merge(run, t, Math::max);
        if (eventClass.startsWith("ctx.")) onContext(envelope, t);
        else if (eventClass.startsWith("label.")) onLabel(envelope, t);
        else onTransaction(record, envelope, t);
        if (settings.partitions() > 1) {
            Progress p = progress.computeIfAbsent(run, k -> new Progress());
            if (t > p.eventTimeMs) {
                p.eventTimeMs = t;
                // Kept in the store too, so the task's next owner still announces the run (and its end) to the
                // projections.
                states.put(PROGRESS + run, Long.toString(t).getBytes(StandardCharsets.US_ASCII));
            }
            p.inputAtMs = context.currentSystemTimeMs();
        }
    }

    /**
     * The run's stream has ended on this partition (every admitted record of it came before). No context of the run
     * can come any more, so frames waiting for their flow's context are decided without it at the next tick rather
     * than after {@code joinWait} of quiet. Scaled mode also announces the end to the projections, for good, rather
     * than after {@value #IDLE_MS} ms of quiet.
     */
    private void onStreamEnd(String run) {
        // Past every event read here, not past everything: a record that still came after the end waits as ever.
        Long latest = latestEventTimes.get(run);
        if (latest != null) contextEventTimes.merge(run, latest + 1, Math::max);
        if (settings.partitions() == 1)
            return; // strict mode's projections run here, in order: there is nothing to release
        Progress p = progress.computeIfAbsent(run, k -> new Progress());
        p.inputAtMs = context.currentSystemTimeMs();
        if (p.eventTimeMs == EntityEvent.ENDED) return;
        p.eventTimeMs = EntityEvent.ENDED;
        states.put(PROGRESS + run, Long.toString(EntityEvent.ENDED).getBytes(StandardCharsets.US_ASCII));
    }

    // ---- transactions ----

    private void onTransaction(Record<String, byte[]> record, JsonNode envelope, long t) {
        TxnEvent x = TxnEvent.of(envelope, t);
        // An event decided once is never decided again, even if the bus carries it twice (a gate retry after a publish
        // whose receipt was lost): the second copy would see the first in its features and contradict it.
        String seenKey = "seen\u0000" + x.runId() + "\u0000" + x.eventClass() + "\u0000" + x.eventId();
        if (states.get(seenKey) != null) {
            LOG.warn(
                    "{} {} of run {} is on {} again (key {}); decided once already, not again",
                    x.eventClass(),
                    x.eventId(),
                    x.runId(),
                    Topics.TRAFFIC,
                    record.key());
            return;
        }
        states.put(seenKey, SEEN);
        ObjectNode f = Json.MAPPER.createObjectNode();
        long accountLabelled;
        try {
            String accountKey = x.runId() + "|A|" + x.account();
            EntityState account = EntityState.decode(states.get(accountKey));
            features.account(account, x, f);
            states.put(accountKey, account.encode());
            Long label = account.mark(OnlineFeatures.FRAUD_LABEL);
            accountLabelled = label == null ? -1 : label;
            if (x.card() != null) {
                String cardKey = x.runId() + "|C|" + x.card();
                EntityState card = EntityState.decode(states.get(cardKey));
                features.card(card, x, f);
                states.put(cardKey, card.encode());
            }
        } catch (KafkaException e) {
            throw e; // task migration, fencing, a broken store: Kafka Streams must see these
        } catch (RuntimeException e) {
            emit(
                    fabric.decide(new JoinFrame(
                            x.runId(),
                            x.eventClass(),
                            x.eventId(),
                            x.account(),
                            x.eventTime(),
                            null,
                            List.of(),
                            "account state unavailable: " + e.getMessage())),
                    record.headers(),
                    record.timestamp());
            return;
        }
        Pending p = new Pending(
                x.runId(),
                x.eventClass(),
                x.eventId(),
                x.account(),
                x.card(),
                x.eventTime(),
                t,
                x.flowId(),
                f,
                header(record.headers(), Topics.HEADER_ADMITTED_AT),
                header(record.headers(), Telemetry.TRACEPARENT));
        Progress progressOfRun = progress.get(x.runId());
        if (progressOfRun != null && progressOfRun.eventTimeMs == EntityEvent.ENDED) {
            // The projections were told nothing more would come from here: they may have applied later events first.
            p.notes.add(
                    "admitted after the run's end of stream on this partition: merchant, device and IP state may hold later events");
        }
        List<EntityEvent> asks = new ArrayList<>(3);
        asks.add(new EntityEvent(
                EntityEvent.Kind.MERCHANT,
                x.merchant(),
                EntityEvent.Type.TXN,
                x.runId(),
                x.eventId(),
                x.account(),
                x.card(),
                t,
                x.amount(),
                accountLabelled));
        if (x.device() != null)
            asks.add(new EntityEvent(
                    EntityEvent.Kind.DEVICE,
                    x.device(),
                    EntityEvent.Type.TXN,
                    x.runId(),
                    x.eventId(),
                    x.account(),
                    x.card(),
                    t,
                    x.amount(),
                    accountLabelled));
        if (x.ip() != null)
            asks.add(new EntityEvent(
                    EntityEvent.Kind.IP,
                    x.ip(),
                    EntityEvent.Type.TXN,
                    x.runId(),
                    x.eventId(),
                    x.account(),
                    x.card(),
                    t,
                    x.amount(),
                    accountLabelled));
        for (EntityEvent e : asks) {
            if (e.id() == null) continue; // a transaction without a merchant is refused by the gate's schema
            p.expected.add(e.kind().name());
            if (inlineEntities == null) {
                context.forward(
                        new Record<>(e.key(), e.encode(), record.timestamp()), DecisionTopology.ENTITY_EVENTS_SINK);
            }
        }
        if (inlineEntities != null) {
            for (EntityEvent e : asks) if (e.id() != null) p.apply(EntityProjection.applyInline(inlineEntities, e));
        }
        String key = pendingKey(x.runId(), x.eventId());
        if (!tryDecide(key, p, false)) {
            pending.put(key, p.encode());
            live.put(key, p);
            waiting.put(key, context.currentSystemTimeMs());
            if (p.expected.isEmpty()) awaitingContext.add(key);
            if (p.flow != null)
                waitingForFlow
                        .computeIfAbsent(flowKey(p.run, p.flow), k -> new HashSet<>())
                        .add(key);
        }
    }

    private void onEntityFeatures(Record<String, byte[]> record) {
        JsonNode answer;
        try {
            answer = Json.MAPPER.readTree(record.value());
        } catch (IOException e) {
            LOG.error("unreadable entity features (key {}): {}", record.key(), e.getMessage());
            return;
        }
        lastAnswerWallMs = context.currentSystemTimeMs();
        answered = true;
        String key =
                pendingKey(answer.path("run").asText(), answer.path("event_id").asText());
        Pending p = live.get(key);
        if (p == null) {
            // Its frame was decided without it (the wait ran out): that decision already names it as missing.
            LOG.debug("late {} features for {}", answer.path("kind").asText(), key);
            return;
        }
        if (!p.apply(answer)) return;
        if (tryDecide(key, p, false)) return;
        pending.put(key + ANSWER + answer.path("kind").asText(), record.value());
        if (p.expected.isEmpty()) awaitingContext.add(key);
    }

    /** Decides a frame when it is complete, or when forced; true when it was decided (and is no longer pending). */
    private boolean tryDecide(String key, Pending p, boolean force) {
        if (!p.expected.isEmpty() && !force) return false;
        FlowContext flow = null;
        String unavailable = null;
        if (p.flow != null) {
            try {
                flow = joinPlane.contextAsOf(p.run, p.flow, p.timeMs);
            } catch (JoinPlaneUnavailableException e) {
                unavailable = "join plane unavailable: " + e.getMessage();
            }
            if (unavailable == null && flow.isEmpty() && !force) return false;
        }
        JoinFrame frame;
        if (unavailable != null) {
            frame = new JoinFrame(p.run, p.eventClass, p.eventId, p.account, p.eventTime, null, List.of(), unavailable);
        } else {
            List<String> missing = new ArrayList<>();
            // Reasons name what is missing, never how long was waited: they are part of the decision's digest.
            for (String kind : new java.util.TreeSet<>(p.expected)) {
                missing.add(kind.toLowerCase(java.util.Locale.ROOT) + " features: no answer from the projection");
            }
            ContextFeatures.add(p.features, flow);
            EntityState account = EntityState.decode(states.get(p.run + "|A|" + p.account));
            EntityState card = p.card == null ? null : EntityState.decode(states.get(p.run + "|C|" + p.card));
            OnlineFeatures.marks(account, card, p.timeMs, p.features);
            if (p.flow != null && flow.isEmpty())
                missing.add("context of flow " + p.flow + ": none at or before the transaction");
            missing.addAll(p.notes);
            if (p.flow != null) {
                try {
                    joinPlane.bind(p.run, p.flow, p.eventId, p.timeMs);
                } catch (JoinPlaneUnavailableException e) {
                    missing.add("flow binding not recorded: " + e.getMessage());
                }
            }
            frame = new JoinFrame(p.run, p.eventClass, p.eventId, p.account, p.eventTime, p.features, missing, null);
        }
        // The decision's span is a child of the gate's admission, carried by the transaction's record; the decision
        // record carries the decision's span on to the Action Layer and the audit.
        Span span = Telemetry.startStage(
                "df.decide", h -> Telemetry.TRACEPARENT.equals(h) ? p.traceparent : null, p.run, p.eventId);
        RecordHeaders headers = new RecordHeaders();
        if (p.admittedAt != null) headers.add(Topics.HEADER_ADMITTED_AT, p.admittedAt.getBytes(StandardCharsets.UTF_8));
        try {
            Decision d = fabric.decide(frame);
            span.setAttribute("fp.degrade_mode", d.degradeMode().name());
            Telemetry.contextHeaders(span).forEach((k, v) -> headers.add(k, v.getBytes(StandardCharsets.UTF_8)));
            emit(d, headers, p.timeMs);
        } finally {
            span.end();
        }
        if (waiting.remove(key) != null) {
            pending.delete(key);
            for (String kind : p.received) pending.delete(key + ANSWER + kind);
        }
        live.remove(key);
        awaitingContext.remove(key);
        if (p.flow != null) {
            Set<String> keys = waitingForFlow.get(flowKey(p.run, p.flow));
            if (keys != null && keys.remove(key) && keys.isEmpty()) waitingForFlow.remove(flowKey(p.run, p.flow));
        }
        return true;
    }

    /**
     * Decides the frames that can wait no longer. The wait is judged by progress, not by the frame's age alone, so a
     * backlog (a replay at full speed, a restart catching up) never degrades a decision that only has to queue:
     * <ul>
     *   <li>a frame still missing entity features is decided without them once it has waited {@code joinWait} and no
     *       entity answer at all has reached this task for {@code joinWait} although one had before (the projections
     *       are stalled; strict mode only, since in scaled mode answers rightly wait for the slowest task's
     *       watermark), or once it has waited ten times {@code joinWait} (they never answered);</li>
     *   <li>a frame missing only its flow's context is decided without it as soon as this task has read a context
     *       event later than the transaction (context arrives in event-time order, so none at or before it can still
     *       come), or once it has waited {@code joinWait} with no context event read meanwhile, or ten times that.</li>
     * </ul>
     */
    private void decideOverdue(long now) {
        long wait = settings.joinWait().toMillis();
        // In scaled mode answers also wait for the slowest account task's watermark, so silence is not a stall there:
        // only the cap forces a frame.
        boolean answersStalled = settings.partitions() == 1 && answered && now - lastAnswerWallMs >= wait;
        boolean contextIdle = now - lastContextWallMs >= wait;
        // Frames missing only their flow's context: each tick, whatever their age.
        for (String key : List.copyOf(awaitingContext)) {
            Pending p = live.get(key);
            long since = waiting.getOrDefault(key, now);
            if (p == null) {
                awaitingContext.remove(key);
                waiting.remove(key);
                continue;
            }
            if (tryDecide(key, p, false)) continue; // complete: its side inputs are now past it
            if (contextEventTimes.getOrDefault(p.run, Long.MIN_VALUE) > p.timeMs
                    || (now - since >= wait && contextIdle)
                    || now - since >= 10 * wait) {
                tryDecide(key, p, true);
            }
        }
        // Frames missing entity answers: only those past the wait can be forced, and the wait map is in the order the
        // frames began to wait, so the scan stops at the first one too young (a backlog of thousands costs nothing).
        long forcedBefore = now - (answersStalled ? wait : 10 * wait);
        List<String> due = new ArrayList<>();
        for (Map.Entry<String, Long> e : waiting.entrySet()) {
            if (e.getValue() > forcedBefore) break;
            if (!awaitingContext.contains(e.getKey())) due.add(e.getKey());
        }
        for (String key : due) {
            Pending p = live.get(key);
            if (p == null) waiting.remove(key);
            else tryDecide(key, p, true);
        }
    }

    private void emit(Decision d, Headers headers, long timestamp) {
        EVENTS_OUT.increment(1);
        context.forward(
                new Record<>(d.partitionKey(), CanonicalJson.bytes(d.toJson()), timestamp, headers),
                DecisionTopology.DECISIONS_SINK);
    }

    // ---- context and labels ----

    private void onContext(JsonNode envelope, long t) {
        lastContextWallMs = context.currentSystemTimeMs();
        contextEventTimes.merge(envelope.path("platform_run_id").asText(), t, Math::max);
        JsonNode p = envelope.path("payload");
        String run = envelope.path("platform_run_id").asText();
        String eventClass = envelope.path("event_class").asText();
        String account = envelope.path("partition_key").asText();
        String flowId = p.path("flow_id").asText("");
        Map<String, String> attributes = new TreeMap<>();
        for (String field : ContextFeatures.ATTRIBUTES) {
            if (p.path(field).isValueNode()) attributes.put(field, p.path(field).asText());
        }
        String accountKey = run + "|A|" + account;
        EntityState s = EntityState.decode(states.get(accountKey));
        String change = p.path("change").asText("");
        if ("PASSWORD_RESET".equals(change)) OnlineFeatures.mark(s, OnlineFeatures.PASSWORD_RESET, t);
        if ("EMAIL".equals(change)) {
            OnlineFeatures.mark(s, OnlineFeatures.EMAIL_CHANGE, t);
            s.link("email", p.path("new_email_domain").asText(null), t);
        }
        if ("ctx.login".equals(eventClass)
                && !"SUCCESS".equals(p.path("outcome").asText())) {
            OnlineFeatures.mark(s, OnlineFeatures.FAILED_LOGIN, t);
        }
        states.put(accountKey, s.encode());
        if (flowId.isEmpty()) return;
        try {
            joinPlane.putContext(new ContextFragment(
                    run, flowId, eventClass, envelope.path("event_id").asText(), t, attributes));
        } catch (JoinPlaneUnavailableException e) {
            // The frames of this flow will name its context as missing; nothing is guessed.
            LOG.warn(
                    "context {} of flow {} not stored: {}",
                    envelope.path("event_id").asText(),
                    flowId,
                    e.getMessage());
            return;
        }
        Set<String> keys = waitingForFlow.get(flowKey(run, flowId));
        if (keys == null) return;
        for (String key : List.copyOf(keys)) {
            Pending waitingFrame = live.get(key);
            if (waitingFrame != null) tryDecide(key, waitingFrame, false);
        }
    }

    private void onLabel(JsonNode envelope, long observed) {
        JsonNode p = envelope.path("payload");
        String run = envelope.path("platform_run_id").asText();
        String account =
                p.path("account_id").asText(envelope.path("partition_key").asText());
        String accountKey = run + "|A|" + account;
        EntityState s = EntityState.decode(states.get(accountKey));
        s.markEarliest(OnlineFeatures.FRAUD_LABEL, observed);
        states.put(accountKey, s.encode());
        String card = p.path("card_id").asText(null);
        if (card != null) {
            String cardKey = run + "|C|" + card;
            EntityState c = EntityState.decode(states.get(cardKey));
            c.markEarliest(OnlineFeatures.FRAUD_LABEL, observed);
            states.put(cardKey, c.encode());
        }
        String eventId = envelope.path("event_id").asText();
        for (String device : s.links("device")) {
            forwardLabel(new EntityEvent(
                    EntityEvent.Kind.DEVICE,
                    device,
                    EntityEvent.Type.LABEL,
                    run,
                    eventId,
                    account,
                    null,
                    observed,
                    0,
                    observed));
        }
        for (String ip : s.links("ip")) {
            forwardLabel(new EntityEvent(
                    EntityEvent.Kind.IP,
                    ip,
                    EntityEvent.Type.LABEL,
                    run,
                    eventId,
                    account,
                    null,
                    observed,
                    0,
                    observed));
        }
    }

    private void forwardLabel(EntityEvent e) {
        if (inlineEntities != null) EntityProjection.applyInline(inlineEntities, e);
        else context.forward(new Record<>(e.key(), e.encode(), e.timeMs()), DecisionTopology.ENTITY_EVENTS_SINK);
    }

    private static String pendingKey(String run, String eventId) {
        return run + "\u0000" + eventId;
    }

    private static String flowKey(String run, String flow) {
        return run + "\u0000" + flow;
    }

    private static String header(Headers headers, String name) {
        var h = headers.lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    /** A transaction's frame while it waits: what is known, what is expected, what went wrong. */
    static final class Pending {
        final String run, eventClass, eventId, account, card, eventTime, flow, admittedAt, traceparent;
        final long timeMs;
        final ObjectNode features;
        final Set<String> expected = new java.util.TreeSet<>();
        final List<String> received = new ArrayList<>(3);
        final List<String> notes = new ArrayList<>();

        /** Adds an entity's answer; false when it was not expected (already received, or not asked). */
        boolean apply(JsonNode answer) {
            String kind = answer.path("kind").asText();
            if (!expected.remove(kind)) return false;
            received.add(kind);
            answer.path("features").fields().forEachRemaining(e -> features.set(e.getKey(), e.getValue()));
            long late = answer.path("late_ms").asLong(0);
            if (late > 0) {
                notes.add(kind.toLowerCase(java.util.Locale.ROOT) + " state had already applied events up to " + late
                        + " ms later than this one (out of event-time order)");
            }
            if (answer.path("unheard_from").size() > 0) {
                List<String> tasks = new ArrayList<>();
                answer.path("unheard_from").forEach(t -> tasks.add(t.asText()));
                notes.add(kind.toLowerCase(java.util.Locale.ROOT) + " state applied without word from account task "
                        + String.join(", ", tasks) + " (quiet, taken as idle): it may lack their events");
            }
            return true;
        }

        Pending(
                String run,
                String eventClass,
                String eventId,
                String account,
                String card,
                String eventTime,
                long timeMs,
                String flow,
                ObjectNode features,
                String admittedAt,
                String traceparent) {
            this.card = card;
            this.run = run;
            this.eventClass = eventClass;
            this.eventId = eventId;
            this.account = account;
            this.eventTime = eventTime;
            this.timeMs = timeMs;
            this.flow = flow;
            this.features = features;
            this.admittedAt = admittedAt;
            this.traceparent = traceparent;
        }

        byte[] encode() {
            ObjectNode n = Json.MAPPER.createObjectNode();
            n.put("run", run)
                    .put("class", eventClass)
                    .put("event_id", eventId)
                    .put("account", account)
                    .put("card", card)
                    .put("event_time", eventTime)
                    .put("t", timeMs)
                    .put("flow", flow)
                    .put("admitted_at", admittedAt)
                    .put("traceparent", traceparent);
            n.set("features", features);
            ArrayNode e = n.putArray("expected");
            expected.forEach(e::add);
            ArrayNode notesNode = n.putArray("notes");
            notes.forEach(notesNode::add);
            return CanonicalJson.bytes(n);
        }

        static Pending decode(byte[] bytes) {
            try {
                JsonNode n = Json.MAPPER.readTree(bytes);
                Pending p = new Pending(
                        n.path("run").asText(),
                        n.path("class").asText(),
                        n.path("event_id").asText(),
                        n.path("account").asText(),
                        n.path("card").asText(null),
                        n.path("event_time").asText(),
                        n.path("t").asLong(),
                        n.path("flow").asText(null),
                        (ObjectNode) n.path("features"),
                        n.path("admitted_at").asText(null),
                        n.path("traceparent").asText(null));
                n.path("expected").forEach(x -> p.expected.add(x.asText()));
                n.path("notes").forEach(x -> p.notes.add(x.asText()));
                return p;
            } catch (IOException e) {
                throw new IllegalStateException("corrupt pending frame", e);
            }
        }
    }
}
