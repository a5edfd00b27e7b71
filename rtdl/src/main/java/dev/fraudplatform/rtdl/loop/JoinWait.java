package dev.fraudplatform.rtdl.loop;

import dev.fraudplatform.core.bus.Topics;
import dev.fraudplatform.core.decision.Decision;
import dev.fraudplatform.core.decision.JoinFrame;
import dev.fraudplatform.core.join.FlowContext;
import dev.fraudplatform.core.join.JoinPlane;
import dev.fraudplatform.core.join.JoinPlaneUnavailableException;
import dev.fraudplatform.core.telemetry.Telemetry;
import dev.fraudplatform.decision.scoring.ContextFeatures;
import dev.fraudplatform.decision.scoring.DecisionFabric;
import io.opentelemetry.api.trace.Span;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * The join wait of one account task: decides a frame once it is complete ({@link #tryDecide}), or once it can wait no
 * longer ({@link #decideOverdue}), naming what it lacks. A frame is complete when every entity answer came and, if it
 * names a flow, the join plane holds that flow's context at or before the transaction. Deciding a frame adds its flow
 * context and its account's marks, binds the flow to the transaction in the join plane, hands the decision to the
 * task's sink, and removes the frame from {@link PendingFrames}. Made by its task on each {@code init}; used by that
 * task's thread only.
 */
final class JoinWait {
    /** Where decisions go: the task's decisions sink (and its shadow's, which decides {@code frame} again). */
    @FunctionalInterface
    interface DecisionSink {
        void emit(JoinFrame frame, Decision d, Headers headers, long timestamp);
    }

    private final DecisionFabric fabric;
    private final DecisionTopology.Settings settings;
    private final JoinPlane joinPlane;
    private final PendingFrames frames;
    private final AccountFeatures accounts;
    private final StreamProgress progress;
    private final DecisionSink sink;
    /** Wall-clock millis of the last entity answer and the last context event this task read. */
    private long lastAnswerWallMs, lastContextWallMs;
    /** Whether an entity answer has reached this task since it started (the projections' first commit takes seconds). */
    private boolean answered;

    JoinWait(
            DecisionFabric fabric,
            DecisionTopology.Settings settings,
            JoinPlane joinPlane,
            PendingFrames frames,
            AccountFeatures accounts,
            StreamProgress progress,
            DecisionSink sink,
            long nowWallMs) {
        this.fabric = fabric;
        this.settings = settings;
        this.joinPlane = joinPlane;
        this.frames = frames;
        this.accounts = accounts;
        this.progress = progress;
        this.sink = sink;
        this.lastAnswerWallMs = nowWallMs;
        this.lastContextWallMs = nowWallMs;
    }

    /** An entity answer has been read, at wall-clock {@code nowWallMs}. */
    void answerRead(long nowWallMs) {
        lastAnswerWallMs = nowWallMs;
        answered = true;
    }

    /** A context event has been read, at wall-clock {@code nowWallMs}. */
    void contextRead(long nowWallMs) {
        lastContextWallMs = nowWallMs;
    }

    /** Decides a frame when it is complete, or when forced; true when it was decided (and is no longer pending). */
    boolean tryDecide(String key, PendingFrame p, boolean force) {
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
            accounts.addMarks(p);
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
            sink.emit(frame, d, headers, p.timeMs);
        } finally {
            span.end();
        }
        frames.remove(key, p);
        return true;
    }

    /**
     * Decides the frames that can wait no longer. The wait is judged by progress, not by the frame's age alone, so a
     * backlog (a replay at full speed, a restart catching up, a loop process taking over a dead one's partitions) never
     * degrades a decision that only has to queue:
     * <ul>
     *   <li>strict mode: a frame still missing entity features is decided without them once it has waited
     *       {@code joinWait} and no entity answer at all has reached this task for {@code joinWait} although one had
     *       before (the projections are stalled), or once it has waited ten times {@code joinWait} (they never
     *       answered);</li>
     *   <li>scaled mode: answers rightly wait for the slowest account task's watermark, which a starved process or a
     *       failover (a dead process's partitions are silent until the group hands them over, then replayed) holds back
     *       for many seconds, so the cap counts silence, not age: a frame still missing entity features is decided
     *       without them once it has waited ten times {@code joinWait} and no entity answer has reached this task for
     *       as long. While answers flow, every frame queues; once they stop, the wait is still bounded;</li>
     *   <li>a frame missing only its flow's context is decided without it as soon as this task has read a context
     *       event later than the transaction (context arrives in event-time order, so none at or before it can still
     *       come), or once it has waited {@code joinWait} with no context event read meanwhile, or ten times that.</li>
     * </ul>
     */
    void decideOverdue(long now) {
        long wait = settings.joinWait().toMillis();
        long cap = 10 * wait;
        boolean scaled = settings.partitions() > 1;
        boolean answersStalled = !scaled && answered && now - lastAnswerWallMs >= wait;
        boolean contextIdle = now - lastContextWallMs >= wait;
        // Frames missing only their flow's context: each tick, whatever their age.
        for (String key : frames.awaitingContext()) {
            PendingFrame p = frames.get(key);
            long since = frames.waitingSince(key, now);
            if (p == null) {
                frames.forget(key);
                continue;
            }
            if (tryDecide(key, p, false)) continue; // complete: its side inputs are now past it
            if (progress.contextTime(p.run) > p.timeMs || (now - since >= wait && contextIdle) || now - since >= cap) {
                tryDecide(key, p, true);
            }
        }
        // Frames missing entity answers: only those past the wait can be forced, and the wait map is in the order the
        // frames began to wait, so the scan stops at the first one too young (a backlog of thousands costs nothing).
        if (scaled && now - lastAnswerWallMs < cap) return;
        long forcedBefore = now - (answersStalled ? wait : cap);
        for (String key : frames.missingAnswersSince(forcedBefore)) {
            PendingFrame p = frames.get(key);
            if (p == null) frames.forget(key);
            else tryDecide(key, p, true);
        }
    }
}
