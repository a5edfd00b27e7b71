package dev.fraudplatform.rtdl.loop;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fraudplatform.core.json.CanonicalJson;
import dev.fraudplatform.core.json.Json;
import dev.fraudplatform.decision.features.EntityEvent;
import dev.fraudplatform.decision.features.EntityState;
import dev.fraudplatform.decision.graph.EntityGraph;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The merchant, device and IP projection (OFP and IEG), keyed by entity: applies each transaction or label to the
 * entity's state and answers a transaction with the entity's features, keyed by the transaction's account, as
 * {@code {"run", "event_id", "kind", "late_ms", "features"}}.
 *
 * <p>Order. With one account task upstream (strict mode) events arrive in event-time order and are applied at once.
 * With several (scaled mode) they interleave as the tasks progress, so they are buffered (in the state store, so a
 * restart loses none) and applied in (event time, event id) order once every account task's watermark has passed
 * them: the same order, hence the same features, as strict mode. Watermarks are per run, so runs never hold each
 * other back.
 *
 * <p>What is known and what is guessed. A task's watermark, and the run's end on its partition
 * ({@link EntityEvent#ENDED}), are facts. Its idleness ({@link EntityEvent#IDLE}: quiet input) is a guess: the projection
 * moves on without that task, answers every event it applies beyond the task's last watermark with
 * {@code unheard_from} naming the task (its decision names it too: the state may lack that task's events), and takes
 * the guess back at the task's next watermark. An event that comes, in (event time, event id) order, before one already
 * applied is applied at once and answered with {@code late_ms} &gt; 0 (how far the projection had moved past it, at
 * least 1); its decision names that. Every decision such an event could have changed was applied without word from the
 * late event's task, so names it too; the exception is an event after its partition's end of stream, which the
 * account task names itself.
 */
final class EntityProjection implements Processor<String, byte[], String, byte[]> {
    private static final Logger LOG = LoggerFactory.getLogger(EntityProjection.class);
    private static final String BUFFER = "buf\u0000";
    private static final String WATERMARK = "wm\u0000";
    private static final String APPLIED = "ap\u0000";
    private final int sources;
    private ProcessorContext<String, byte[]> context;
    private KeyValueStore<String, byte[]> store;
    /** Per run with events buffered here, when the first one was buffered (wall clock). */
    private final java.util.Map<String, Long> firstBuffered = new java.util.HashMap<>();

    static final long ABSENT_MS = 10_000;
    /** How long a source may say nothing of a run here ({@link DecisionTopology.Settings#absentMs}). */
    private final long absentMs;
    /** Per run, each source's watermark (restored lazily from the store). */
    private final java.util.Map<String, Sources> watermarks = new java.util.HashMap<>();

    EntityProjection(DecisionTopology.Settings settings) {
        this.sources = settings.partitions();
        this.absentMs = settings.absentMs();
    }

    @Override
    public void init(ProcessorContext<String, byte[]> context) {
        this.context = context;
        this.store = context.getStateStore(DecisionTopology.ENTITY_STATE_STORE);
        watermarks.clear(); // a task revived in place keeps this object; its store may have rolled back
        firstBuffered.clear();
        if (sources > 1)
            context.schedule(
                    java.time.Duration.ofSeconds(1),
                    org.apache.kafka.streams.processor.PunctuationType.WALL_CLOCK_TIME,
                    this::releaseAbsentSources);
    }

    /**
     * A source that has said nothing about a run for {@link DecisionTopology.Settings#absentMs} after the run's first buffered event here (its
     * partition holds none of the run's accounts, or is slow to start) is taken as idle for it, so it cannot hold the
     * run back forever; should it speak later, it is heard again, and what was applied without it says so.
     */
    private void releaseAbsentSources(long now) {
        for (var e : List.copyOf(firstBuffered.entrySet())) {
            if (now - e.getValue() < absentMs) continue;
            String run = e.getKey();
            Sources w = sources(run);
            for (int i = 0; i < sources; i++) {
                if (w.mark[i] == Long.MIN_VALUE && !w.idle[i]) {
                    LOG.warn(
                            "account task {} has said nothing of run {} for {} ms: taken as idle for it",
                            i,
                            run,
                            now - e.getValue());
                    onWatermark(run, i, EntityEvent.IDLE);
                }
            }
            firstBuffered.remove(run);
        }
    }

    /** A run's account tasks as this projection knows them: each one's last watermark, and whether it is taken as idle. */
    private static final class Sources {
        final long[] mark;
        final boolean[] idle;
        /** The (event time, event id) order key of the latest event applied, and its time: an event before it is late. */
        String appliedKey = "";

        long appliedMs = Long.MIN_VALUE;

        /** Whether an event at {@link #orderKey} {@code order} comes before an event already applied. */
        boolean isLate(String order) {
            return order.compareTo(appliedKey) < 0;
        }

        Sources(int n) {
            mark = new long[n];
            idle = new boolean[n];
            java.util.Arrays.fill(mark, Long.MIN_VALUE);
        }

        /** Events of the run before this time may be applied: the lowest watermark of the sources not taken as idle. */
        long released() {
            long low = Long.MAX_VALUE;
            for (int i = 0; i < mark.length; i++) if (!idle[i]) low = Math.min(low, mark[i]);
            return low;
        }

        /** The idle sources whose events at {@code timeMs} may not have come yet. */
        List<Integer> unheardAt(long timeMs) {
            List<Integer> out = null;
            for (int i = 0; i < mark.length; i++) {
                if (idle[i] && timeMs >= mark[i]) {
                    if (out == null) out = new ArrayList<>(1);
                    out.add(i);
                }
            }
            return out == null ? List.of() : out;
        }

        String encode(int i) {
            return (idle[i] ? "i" : "") + mark[i];
        }

        void decode(int i, String v) {
            idle[i] = v.startsWith("i");
            mark[i] = Long.parseLong(idle[i] ? v.substring(1) : v);
        }
    }

    private Sources sources(String run) {
        return watermarks.computeIfAbsent(run, r -> {
            Sources w = new Sources(sources);
            for (int i = 0; i < sources; i++) {
                byte[] b = store.get(WATERMARK + r + "\u0000" + i);
                if (b != null) w.decode(i, new String(b, java.nio.charset.StandardCharsets.US_ASCII));
            }
            byte[] a = store.get(APPLIED + r);
            long released = w.released();
            if (a != null) {
                w.appliedKey = new String(a, java.nio.charset.StandardCharsets.UTF_8);
                w.appliedMs = Long.parseLong(w.appliedKey.substring(0, 19));
            } else if (released != Long.MIN_VALUE && released < EntityEvent.IDLE) {
                // a store from before the applied key was kept: everything before the release point was applied
                w.appliedMs = released - 1;
                w.appliedKey = pad(w.appliedMs) + "\u0000\uffff";
            }
            return w;
        });
    }

    @Override
    public void process(Record<String, byte[]> record) {
        EntityEvent e;
        try {
            e = EntityEvent.decode(record.value());
        } catch (IllegalArgumentException ex) {
            LOG.error("unreadable entity event (key {}): {}", record.key(), ex.getMessage());
            return;
        }
        if (e.type() == EntityEvent.Type.WATERMARK) {
            int source;
            try {
                source = Integer.parseInt(e.id());
            } catch (NumberFormatException ex) {
                LOG.error("watermark with a bad source {} (key {})", e.id(), record.key());
                return;
            }
            onWatermark(e.runId(), source, e.timeMs());
            return;
        }
        if (sources == 1) {
            ObjectNode answer = applyInline(store, e);
            if (answer != null) {
                context.forward(
                        new Record<>(e.account(), CanonicalJson.bytes(answer), e.timeMs()),
                        DecisionTopology.ENTITY_FEATURES_SINK);
            }
        } else {
            Sources w = sources(e.runId());
            String order = orderKey(e);
            if (w.isLate(order) || e.timeMs() < w.released()) {
                // late (later events went first), or in order (everything before it has been applied already): apply
                // now
                apply(w, e, order);
                saveApplied(e.runId(), w);
            } else {
                store.put(BUFFER + e.runId() + "\u0000" + order, record.value());
                firstBuffered.putIfAbsent(e.runId(), context.currentSystemTimeMs());
            }
        }
    }

    /** Takes a source's watermark, idleness or end; applies, in order, every buffered event the run may now have. */
    private void onWatermark(String run, int source, long timeMs) {
        if (source < 0 || source >= sources) return;
        Sources w = sources(run);
        if (w.mark[source] == EntityEvent.ENDED) return;
        long before = w.released();
        if (timeMs == EntityEvent.IDLE) {
            if (w.idle[source]) return;
            w.idle[source] = true;
        } else {
            if (!w.idle[source] && timeMs <= w.mark[source]) return;
            w.idle[source] = false; // heard again: what it sends from now on is waited for
            w.mark[source] = Math.max(w.mark[source], timeMs);
        }
        store.put(
                WATERMARK + run + "\u0000" + source,
                w.encode(source).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        long low = w.released();
        if (low <= before) return;
        // Every event of the run before the lowest watermark is here (or taken to be): apply them in (event time, event
        // id) order.
        String prefix = BUFFER + run + "\u0000";
        List<KeyValue<String, byte[]>> ready = new ArrayList<>();
        try (KeyValueIterator<String, byte[]> it =
                store.range(prefix, low >= EntityEvent.IDLE ? prefix + "\uffff" : prefix + pad(low))) {
            while (it.hasNext()) ready.add(it.next());
        }
        for (KeyValue<String, byte[]> kv : ready) {
            EntityEvent e = EntityEvent.decode(kv.value);
            if (e.timeMs() >= low) continue; // the range's end is inclusive
            store.delete(kv.key);
            apply(w, e, kv.key.substring(prefix.length()));
        }
        if (!ready.isEmpty()) saveApplied(run, w);
    }

    private void saveApplied(String run, Sources w) {
        store.put(APPLIED + run, w.appliedKey.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    private static final String ZEROS = "0000000000000000000";

    /** The time as 19 digits, so that keys sort by time. */
    private static String pad(long timeMs) {
        String digits = Long.toString(Math.max(0, timeMs));
        return ZEROS.substring(digits.length()) + digits;
    }

    /** The order events are applied in: event time, event id, then type and entity (one transaction names several). */
    static String orderKey(EntityEvent e) {
        return pad(e.timeMs()) + "\u0000" + e.eventId() + "\u0000" + e.type().ordinal() + e.key();
    }

    /**
     * Applies {@code e} (of the run {@code w} describes, at {@code order} in its order), answering it as late (by how
     * far, at least 1 ms) when an event after it went first.
     */
    private void apply(Sources w, EntityEvent e, String order) {
        long lateMs = 0;
        if (w.isLate(order)) {
            lateMs = Math.max(1, w.appliedMs - e.timeMs());
        } else {
            w.appliedKey = order;
            w.appliedMs = e.timeMs();
        }
        ObjectNode answer = applyAndAnswer(store, e, EntityState.decode(store.get(e.key())), lateMs);
        if (answer != null) {
            List<Integer> unheard = w.unheardAt(e.timeMs());
            if (!unheard.isEmpty()) unheard.forEach(answer.putArray("unheard_from")::add);
            context.forward(
                    new Record<>(e.account(), CanonicalJson.bytes(answer), e.timeMs()),
                    DecisionTopology.ENTITY_FEATURES_SINK);
        }
    }

    /**
     * Applies an event to its entity's state {@code s} (read from {@code store}) and writes the state back; returns the
     * answer to a transaction, or null for a label.
     */
    static ObjectNode applyAndAnswer(KeyValueStore<String, byte[]> store, EntityEvent e, EntityState s, long lateMs) {
        ObjectNode features = EntityGraph.apply(s, e, Json.MAPPER.createObjectNode());
        store.put(e.key(), s.encode());
        if (e.type() != EntityEvent.Type.TXN) return null;
        ObjectNode answer = Json.MAPPER.createObjectNode();
        answer.put("run", e.runId())
                .put("event_id", e.eventId())
                .put("kind", e.kind().name())
                .put("late_ms", lateMs);
        answer.set("features", features);
        return answer;
    }

    /** Strict mode's projection, inside the account task: applies in arrival order, which is event-time order there. */
    static ObjectNode applyInline(KeyValueStore<String, byte[]> store, EntityEvent e) {
        EntityState s = EntityState.decode(store.get(e.key()));
        return applyAndAnswer(store, e, s, s.newestMs() > e.timeMs() ? s.newestMs() - e.timeMs() : 0);
    }
}
