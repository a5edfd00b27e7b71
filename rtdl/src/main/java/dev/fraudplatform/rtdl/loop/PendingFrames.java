package dev.fraudplatform.rtdl.loop;

import dev.fraudplatform.core.json.Json;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The frames of one account task that wait (the join wait's working set), by key {@code run NUL event id}: in the
 * pending store, so the task's next owner resumes them, and in memory with the indexes the wait needs.
 *
 * <p>The store holds each frame as written when it was parked, plus each answer it took afterwards under {@code key +
 * ANSWER + kind}, so a frame is serialised once however many answers it waits for. In memory: the frames, when each
 * began to wait (in that order, so a scan for the overdue stops at the first too young), the frames that wait only for
 * their flow's context (few, unlike the rest) and, per (run, flow), the frames waiting for that flow.
 *
 * <p>Made by its task on each {@code init} and {@link #restore}d from the store there; used by that task's thread only.
 */
final class PendingFrames {
    private static final String ANSWER = "\u0000answer\u0000";
    private final KeyValueStore<String, byte[]> store;
    /** The working copy of each pending frame. */
    private final Map<String, PendingFrame> live = new HashMap<>();
    /** Pending frame key → wall-clock millis it started waiting. */
    private final Map<String, Long> waiting = new LinkedHashMap<>();
    /** Pending frames that have every entity answer and wait only for their flow's context. */
    private final Set<String> awaitingContext = new LinkedHashSet<>();
    /** (run, flow) → pending frame keys waiting for that flow's context. */
    private final Map<String, Set<String>> waitingForFlow = new HashMap<>();

    PendingFrames(KeyValueStore<String, byte[]> store) {
        this.store = store;
    }

    static String key(String run, String eventId) {
        return run + "\u0000" + eventId;
    }

    private static String flowKey(String run, String flow) {
        return run + "\u0000" + flow;
    }

    /**
     * Rebuilds the frames from the store after a restart or a revival in place: frames first, then the answers each
     * had taken; their wait starts again at {@code now}.
     */
    void restore(long now) {
        List<KeyValue<String, byte[]>> answers = new ArrayList<>();
        try (KeyValueIterator<String, byte[]> it = store.all()) {
            while (it.hasNext()) {
                var kv = it.next();
                if (kv.key.contains(ANSWER)) {
                    answers.add(kv);
                    continue;
                }
                PendingFrame p = PendingFrame.decode(kv.value);
                live.put(kv.key, p);
                waiting.put(kv.key, now);
                if (p.flow != null)
                    waitingForFlow
                            .computeIfAbsent(flowKey(p.run, p.flow), k -> new HashSet<>())
                            .add(kv.key);
            }
        }
        for (var kv : answers) {
            PendingFrame p = live.get(kv.key.substring(0, kv.key.indexOf(ANSWER)));
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
    }

    /** The pending frame under {@code key}; null when none waits (never parked, or decided). */
    PendingFrame get(String key) {
        return live.get(key);
    }

    /** Parks a frame that cannot be decided yet; it has waited since {@code nowWallMs}. */
    void park(String key, PendingFrame p, long nowWallMs) {
        store.put(key, p.encode());
        live.put(key, p);
        waiting.put(key, nowWallMs);
        if (p.expected.isEmpty()) awaitingContext.add(key);
        if (p.flow != null)
            waitingForFlow
                    .computeIfAbsent(flowKey(p.run, p.flow), k -> new HashSet<>())
                    .add(key);
    }

    /** Keeps the answer of {@code kind} a parked frame has just applied ({@code answer}, as read), so a restore has it. */
    void answered(String key, PendingFrame p, String kind, byte[] answer) {
        store.put(key + ANSWER + kind, answer);
        if (p.expected.isEmpty()) awaitingContext.add(key);
    }

    /** Forgets a decided frame, and deletes it and its answers from the store if it had been parked. */
    void remove(String key, PendingFrame p) {
        if (waiting.remove(key) != null) {
            store.delete(key);
            for (String kind : p.received) store.delete(key + ANSWER + kind);
        }
        live.remove(key);
        awaitingContext.remove(key);
        if (p.flow != null) {
            Set<String> keys = waitingForFlow.get(flowKey(p.run, p.flow));
            if (keys != null && keys.remove(key) && keys.isEmpty()) waitingForFlow.remove(flowKey(p.run, p.flow));
        }
    }

    /** The keys of the frames waiting for the context of ({@code run}, {@code flow}), a copy. */
    List<String> waitingFor(String run, String flow) {
        Set<String> keys = waitingForFlow.get(flowKey(run, flow));
        return keys == null ? List.of() : List.copyOf(keys);
    }

    /** The keys of the frames waiting only for their flow's context, in the order they came to it, a copy. */
    List<String> awaitingContext() {
        return List.copyOf(awaitingContext);
    }

    /** When the frame under {@code key} began to wait; {@code orElse} if it was never parked. */
    long waitingSince(String key, long orElse) {
        return waiting.getOrDefault(key, orElse);
    }

    /**
     * The keys of the frames still missing entity answers that began to wait at or before {@code wallMs}, in the order
     * they began to wait.
     */
    List<String> missingAnswersSince(long wallMs) {
        List<String> due = new ArrayList<>();
        for (Map.Entry<String, Long> e : waiting.entrySet()) {
            if (e.getValue() > wallMs) break;
            if (!awaitingContext.contains(e.getKey())) due.add(e.getKey());
        }
        return due;
    }

    /** Drops a key that names no frame from the indexes of the wait. */
    void forget(String key) {
        awaitingContext.remove(key);
        waiting.remove(key);
    }
}
