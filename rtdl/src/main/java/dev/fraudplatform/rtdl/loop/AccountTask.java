package dev.fraudplatform.rtdl.loop;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fraudplatform.core.bus.Topics;
import dev.fraudplatform.core.decision.Decision;
import dev.fraudplatform.core.decision.JoinFrame;
import dev.fraudplatform.core.envelope.Times;
import dev.fraudplatform.core.join.ContextFragment;
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
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The account-keyed task of the decision loop: reads an account's events in their one total order and hands each to
 * the part that owns it. Its parts, made afresh on each {@link #init} and rebuilt there from the task's stores:
 * <ul>
 *   <li>{@link AccountFeatures}: the account and card states (OFP) and which transactions were decided;</li>
 *   <li>{@link PendingFrames}: the frames of transactions waiting for their merchant, device and IP features and their
 *       flow's context; {@link JoinWait} decides each when it is complete or can wait no longer;</li>
 *   <li>{@link StreamProgress}: how far each run has been read, and scaled mode's watermarks to the projections;</li>
 *   <li>the join plane (context store and flow binding, CSFB), from the settings.</li>
 * </ul>
 * What it does with each record:
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
 * A wall-clock punctuation decides the frames that can wait no longer ({@link JoinWait#decideOverdue}), naming what
 * they lack; in scaled mode another sends the watermarks ({@link StreamProgress#sendWatermarks}).
 */
final class AccountTask implements Processor<String, byte[], String, byte[]> {
    private static final io.micrometer.core.instrument.Counter EVENTS_IN = Telemetry.planeEvents("df", "in");
    private static final io.micrometer.core.instrument.Counter EVENTS_OUT = Telemetry.planeEvents("df", "out");
    private static final Logger LOG = LoggerFactory.getLogger(AccountTask.class);
    static final long IDLE_MS = DecisionTopology.IDLE_MS;
    private final DecisionFabric fabric;
    /** The fabric of the bundle in shadow, or null. */
    private final DecisionFabric shadow;

    private final OnlineFeatures features;
    private final DecisionTopology.Settings settings;
    private ProcessorContext<String, byte[]> context;
    /** Strict mode's merchant, device and IP states, in this task; null in scaled mode (they live in the projections). */
    private KeyValueStore<String, byte[]> inlineEntities;

    private JoinPlane joinPlane;
    private AccountFeatures accounts;
    private PendingFrames frames;
    private StreamProgress progress;
    private JoinWait joinWait;

    AccountTask(DecisionFabric fabric, DecisionTopology.Settings settings) {
        this.fabric = fabric;
        this.shadow = settings.shadow();
        this.settings = settings;
        this.features = new OnlineFeatures(
                fabric.bundle().highRiskMcc(), fabric.bundle().smallAmountMinor());
    }

    @Override
    public void init(ProcessorContext<String, byte[]> context) {
        this.context = context;
        KeyValueStore<String, byte[]> states = context.getStateStore(DecisionTopology.ACCOUNT_STATE_STORE);
        KeyValueStore<String, byte[]> pending = context.getStateStore(DecisionTopology.PENDING_STORE);
        // Strict mode: one task sees every event, in order, so the projections run here, without the re-keying round
        // trip.
        this.inlineEntities =
                settings.partitions() == 1 ? context.getStateStore(DecisionTopology.INLINE_ENTITY_STATE_STORE) : null;
        this.joinPlane = settings.joinPlane().apply(context.getStateStore(DecisionTopology.JOIN_PLANE_STORE));
        // A task revived in place (after a failed commit, its stores rolled back) keeps this object: its parts are made
        // afresh, forgetting everything in memory, and rebuilt from the stores.
        long now = context.currentSystemTimeMs();
        this.accounts = new AccountFeatures(features, states);
        this.progress =
                new StreamProgress(context, states, settings.partitions() > 1, settings.readToEnd(), settings.idleMs());
        progress.restore(now);
        this.frames = new PendingFrames(pending);
        this.joinWait = new JoinWait(fabric, settings, joinPlane, frames, accounts, progress, this::emit, now);
        // Restored after a restart: their wait starts again.
        frames.restore(now);
        long tick = Math.max(10, Math.min(25, settings.joinWait().toMillis() / 4));
        // Through the fields: a task revived in place calls its latest parts.
        context.schedule(
                Duration.ofMillis(tick), PunctuationType.WALL_CLOCK_TIME, wall -> joinWait.decideOverdue(wall));
        // Watermarks become visible only when the task commits (every commit interval, 100 ms by default): more often
        // is waste.
        if (settings.partitions() > 1)
            context.schedule(
                    Duration.ofMillis(100), PunctuationType.WALL_CLOCK_TIME, wall -> progress.sendWatermarks(wall));
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
            // No context of the run can come any more, so frames waiting for their flow's context are decided without
            // it at the next tick rather than after joinWait of quiet.
            progress.ended(ended);
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
        progress.read(run, t);
        if (eventClass.startsWith("ctx.")) onContext(envelope, t);
        else if (eventClass.startsWith("label.")) onLabel(envelope, t);
        else onTransaction(record, envelope, t);
        progress.handled(run, t);
    }

    // ---- transactions ----

    private void onTransaction(Record<String, byte[]> record, JsonNode envelope, long t) {
        TxnEvent x = TxnEvent.of(envelope, t);
        // An event decided once is never decided again, even if the bus carries it twice (a gate retry after a publish
        // whose receipt was lost): the second copy would see the first in its features and contradict it.
        if (!accounts.firstSighting(x)) {
            LOG.warn(
                    "{} {} of run {} is on {} again (key {}); decided once already, not again",
                    x.eventClass(),
                    x.eventId(),
                    x.runId(),
                    Topics.TRAFFIC,
                    record.key());
            return;
        }
        ObjectNode f = Json.MAPPER.createObjectNode();
        long accountLabelled;
        try {
            accountLabelled = accounts.onTransaction(x, f);
        } catch (KafkaException e) {
            throw e; // task migration, fencing, a broken store: Kafka Streams must see these
        } catch (RuntimeException e) {
            JoinFrame frame = new JoinFrame(
                    x.runId(),
                    x.eventClass(),
                    x.eventId(),
                    x.account(),
                    x.eventTime(),
                    null,
                    List.of(),
                    "account state unavailable: " + e.getMessage());
            emit(frame, fabric.decide(frame), record.headers(), record.timestamp());
            return;
        }
        PendingFrame p = new PendingFrame(
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
        if (progress.endAnnounced(x.runId())) {
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
        String key = PendingFrames.key(x.runId(), x.eventId());
        if (!joinWait.tryDecide(key, p, false)) frames.park(key, p, context.currentSystemTimeMs());
    }

    private void onEntityFeatures(Record<String, byte[]> record) {
        JsonNode answer;
        try {
            answer = Json.MAPPER.readTree(record.value());
        } catch (IOException e) {
            LOG.error("unreadable entity features (key {}): {}", record.key(), e.getMessage());
            return;
        }
        joinWait.answerRead(context.currentSystemTimeMs());
        String key = PendingFrames.key(
                answer.path("run").asText(), answer.path("event_id").asText());
        PendingFrame p = frames.get(key);
        if (p == null) {
            // Its frame was decided without it (the wait ran out): that decision already names it as missing.
            LOG.debug("late {} features for {}", answer.path("kind").asText(), key);
            return;
        }
        if (!p.apply(answer)) return;
        if (joinWait.tryDecide(key, p, false)) return;
        frames.answered(key, p, answer.path("kind").asText(), record.value());
    }

    /**
     * Sends the active decision of {@code frame} to {@code fp.decisions} and, with a bundle in shadow, that bundle's
     * decision of the same frame to {@code fp.decisions.shadow}: both in this task's transaction, so a shadow decision
     * exists exactly when its active one does.
     */
    private void emit(JoinFrame frame, Decision d, Headers headers, long timestamp) {
        EVENTS_OUT.increment(1);
        // The shadow's headers are a copy made first: the active record's are its own, as without a shadow.
        RecordHeaders shadowHeaders = shadow == null ? null : new RecordHeaders(headers.toArray());
        context.forward(
                new Record<>(d.partitionKey(), CanonicalJson.bytes(d.toJson()), timestamp, headers),
                DecisionTopology.DECISIONS_SINK);
        if (shadow == null) return;
        Decision s;
        try {
            s = shadow.decide(frame);
        } catch (RuntimeException e) {
            // A shadow never holds up the loop: the missing shadow decision shows in the run report's shadow check.
            LOG.warn("shadow bundle {} could not decide {}: {}", shadow.bundle().id(), d.decisionId(), e.toString());
            return;
        }
        shadowHeaders.remove(Topics.HEADER_SHADOW);
        shadowHeaders.add(Topics.HEADER_SHADOW, s.bundleId().getBytes(StandardCharsets.UTF_8));
        context.forward(
                new Record<>(s.partitionKey(), CanonicalJson.bytes(s.toJson()), timestamp, shadowHeaders),
                DecisionTopology.SHADOW_DECISIONS_SINK);
    }

    // ---- context and labels ----

    private void onContext(JsonNode envelope, long t) {
        joinWait.contextRead(context.currentSystemTimeMs());
        progress.contextRead(envelope.path("platform_run_id").asText(), t);
        JsonNode p = envelope.path("payload");
        String run = envelope.path("platform_run_id").asText();
        String eventClass = envelope.path("event_class").asText();
        String account = envelope.path("partition_key").asText();
        String flowId = p.path("flow_id").asText("");
        Map<String, String> attributes = new TreeMap<>();
        for (String field : ContextFeatures.ATTRIBUTES) {
            if (p.path(field).isValueNode()) attributes.put(field, p.path(field).asText());
        }
        accounts.onContext(run, account, eventClass, p, t);
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
        for (String key : frames.waitingFor(run, flowId)) {
            PendingFrame waitingFrame = frames.get(key);
            if (waitingFrame != null) joinWait.tryDecide(key, waitingFrame, false);
        }
    }

    private void onLabel(JsonNode envelope, long observed) {
        JsonNode p = envelope.path("payload");
        String run = envelope.path("platform_run_id").asText();
        String account =
                p.path("account_id").asText(envelope.path("partition_key").asText());
        EntityState s = accounts.onLabel(run, account, p.path("card_id").asText(null), observed);
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

    private static String header(Headers headers, String name) {
        var h = headers.lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
