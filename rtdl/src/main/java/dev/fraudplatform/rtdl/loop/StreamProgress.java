package dev.fraudplatform.rtdl.loop;

import dev.fraudplatform.decision.features.EntityEvent;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * How far one account task has read each run, in event time, since it started: the latest event and the latest
 * context event read, and whether the run's stream has ended here. In scaled mode it also announces that progress to
 * every projection partition as watermarks ({@link #sendWatermarks}), and keeps each run's latest event time in the
 * account state store as {@code progress NUL run}, so the task's next owner still announces the run (and its end).
 * Made by its task on each {@code init}; used by that task's thread only.
 */
final class StreamProgress {
    private static final String PROGRESS = "progress\u0000";
    /** Quiet input is taken as idle after this long ({@link DecisionTopology.Settings#idleMs}). */
    private final long idleMs;

    /** Scaled mode, per run: the latest event time this task has sent to the projections, and when its input last came. */
    private static final class Progress {
        long eventTimeMs = Long.MIN_VALUE, inputAtMs, sent = Long.MIN_VALUE, sentAtMs;
    }

    private final ProcessorContext<String, byte[]> context;
    private final KeyValueStore<String, byte[]> states;
    /** Whether there are projection partitions to tell (scaled mode); strict mode runs its projections inline. */
    private final boolean scaled;
    /** Whether this task's traffic partition has nothing more fetched for it ({@code Settings#readToEnd}). */
    private final java.util.function.IntPredicate readToEnd;

    private final Map<String, Progress> progress = new HashMap<>();
    /** Per run, the latest event time of any event this task has read (since it started). */
    private final Map<String, Long> latestEventTimes = new HashMap<>();
    /** Per run, the latest event time of a context event this task has read. */
    private final Map<String, Long> contextEventTimes = new HashMap<>();

    StreamProgress(
            ProcessorContext<String, byte[]> context,
            KeyValueStore<String, byte[]> states,
            boolean scaled,
            java.util.function.IntPredicate readToEnd,
            long idleMs) {
        this.idleMs = idleMs;
        this.context = context;
        this.readToEnd = readToEnd;
        this.states = states;
        this.scaled = scaled;
    }

    /**
     * Scaled mode: reads back the runs this task had announced; each counts as quiet from {@code now}, so it is
     * announced as idle after {@code idleMs} unless input comes.
     */
    void restore(long now) {
        if (!scaled) return;
        try (KeyValueIterator<String, byte[]> it = states.range(PROGRESS, PROGRESS + "\uffff")) {
            while (it.hasNext()) {
                var kv = it.next();
                Progress p = new Progress();
                p.eventTimeMs = Long.parseLong(new String(kv.value, StandardCharsets.US_ASCII));
                p.inputAtMs = now;
                progress.put(kv.key.substring(PROGRESS.length()), p);
            }
        }
    }

    /** An event of {@code run} at event time {@code t} has been read (before it is handled). */
    void read(String run, long t) {
        latestEventTimes.merge(run, t, Math::max);
    }

    /** A context event of {@code run} at event time {@code t} has been read. */
    void contextRead(String run, long t) {
        contextEventTimes.merge(run, t, Math::max);
    }

    /**
     * The latest event time of a context event of {@code run} read here ({@link Long#MIN_VALUE} if none): context
     * arrives in event-time order, so none at or before it can still come.
     */
    long contextTime(String run) {
        return contextEventTimes.getOrDefault(run, Long.MIN_VALUE);
    }

    /** Whether the projections have been told that {@code run} ended here (scaled mode). */
    boolean endAnnounced(String run) {
        Progress p = progress.get(run);
        return p != null && p.eventTimeMs == EntityEvent.ENDED;
    }

    /** Scaled mode: an event of {@code run} at event time {@code t} has been handled; its input is not idle. */
    void handled(String run, long t) {
        if (!scaled) return;
        Progress p = progress.computeIfAbsent(run, k -> new Progress());
        if (t > p.eventTimeMs) {
            p.eventTimeMs = t;
            states.put(PROGRESS + run, Long.toString(t).getBytes(StandardCharsets.US_ASCII));
        }
        p.inputAtMs = context.currentSystemTimeMs();
    }

    /**
     * The run's stream has ended on this partition (every admitted record of it came before). No context of the run
     * can come any more: the context time moves past every event read here (not past everything: a record that still
     * came after the end waits as ever). Scaled mode also announces the end to the projections, for good, rather than
     * after {@code idleMs} of quiet.
     */
    void ended(String run) {
        Long latest = latestEventTimes.get(run);
        if (latest != null) contextEventTimes.merge(run, latest + 1, Math::max);
        if (!scaled) return; // strict mode's projections run in the task, in order: there is nothing to release
        Progress p = progress.computeIfAbsent(run, k -> new Progress());
        p.inputAtMs = context.currentSystemTimeMs();
        if (p.eventTimeMs == EntityEvent.ENDED) return;
        p.eventTimeMs = EntityEvent.ENDED;
        states.put(PROGRESS + run, Long.toString(EntityEvent.ENDED).getBytes(StandardCharsets.US_ASCII));
    }

    /**
     * Scaled mode: tells every projection partition that this task has sent every event before {@code progressMs} (its
     * input partition is in event-time order: one streamer lane feeds it), that the run's stream has ended here, or
     * that its input has been idle for {@code idleMs} with its partition read to its end (a guess its next input
     * takes back). Sent when it changes,
     * and every second regardless.
     */
    void sendWatermarks(long now) {
        for (Map.Entry<String, Progress> e : progress.entrySet()) {
            Progress p = e.getValue();
            long wm = p.eventTimeMs == EntityEvent.ENDED
                    ? EntityEvent.ENDED
                    : now - p.inputAtMs >= idleMs
                                    && readToEnd.test(context.taskId().partition())
                            ? EntityEvent.IDLE
                            : p.eventTimeMs;
            if (wm == p.sent && (wm >= EntityEvent.IDLE || now - p.sentAtMs < 1_000)) continue;
            EntityEvent w = EntityEvent.watermark(e.getKey(), context.taskId().partition(), wm);
            context.forward(
                    new Record<>(w.key(), w.encode(), Math.max(0, Math.min(now, wm))),
                    DecisionTopology.ENTITY_EVENTS_SINK);
            p.sent = wm;
            p.sentAtMs = now;
        }
    }
}
