package dev.fraudplatform.rtdl.join;

import dev.fraudplatform.core.join.ContextFragment;
import dev.fraudplatform.core.join.FlowBinding;
import dev.fraudplatform.core.join.FlowContext;
import dev.fraudplatform.core.join.JoinPlane;
import dev.fraudplatform.core.join.JoinPlaneUnavailableException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The join plane on a Kafka Streams key-value store (the embedded default): the store is the stream task's, so the
 * context of a flow lives with the task of the flow's account, changelogged and restored by Kafka Streams. A flow keeps
 * its {@value #MAX_FRAGMENTS} latest fragments and {@value #MAX_BINDINGS} first bindings.
 */
public final class StateStoreJoinPlane implements JoinPlane {
    static final int MAX_FRAGMENTS = 16;
    static final int MAX_BINDINGS = 64;
    private static final Comparator<ContextFragment> ORDER =
            Comparator.comparingLong(ContextFragment::eventTimeMs).thenComparing(ContextFragment::eventId);
    private final KeyValueStore<String, byte[]> store;

    public StateStoreJoinPlane(KeyValueStore<String, byte[]> store) {
        this.store = store;
    }

    private static String contextKey(String run, String flow) {
        return "ctx\u0000" + run + "\u0000" + flow;
    }

    private static String bindingKey(String run, String flow) {
        return "bind\u0000" + run + "\u0000" + flow;
    }

    @Override
    public void putContext(ContextFragment fragment) {
        String key = contextKey(fragment.runId(), fragment.flowId());
        List<ContextFragment> all = fragments(key);
        if (all.contains(fragment)) return;
        all.add(fragment);
        all.sort(ORDER);
        while (all.size() > MAX_FRAGMENTS) all.remove(0);
        write(key, all.stream().map(ContextFragment::toBytes).toList());
    }

    @Override
    public FlowContext contextAsOf(String runId, String flowId, long asOfMs) {
        return FlowContext.asOf(fragments(contextKey(runId, flowId)), asOfMs);
    }

    @Override
    public FlowBinding bind(String runId, String flowId, String eventId, long eventTimeMs) {
        String key = bindingKey(runId, flowId);
        List<FlowBinding> all = bindings(runId, flowId);
        for (FlowBinding b : all) if (b.eventId().equals(eventId)) return b;
        FlowBinding b = new FlowBinding(runId, flowId, eventId, eventTimeMs);
        if (all.size() >= MAX_BINDINGS) return b; // a flow with that many transactions is recorded in the audit anyway
        all.add(b);
        List<byte[]> rows = new ArrayList<>();
        for (FlowBinding x : all)
            rows.add((x.eventTimeMs() + " " + x.eventId()).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        write(key, rows);
        return b;
    }

    @Override
    public List<FlowBinding> bindings(String runId, String flowId) {
        List<FlowBinding> out = new ArrayList<>();
        for (byte[] row : read(bindingKey(runId, flowId))) {
            String s = new String(row, java.nio.charset.StandardCharsets.UTF_8);
            int sp = s.indexOf(' ');
            out.add(new FlowBinding(runId, flowId, s.substring(sp + 1), Long.parseLong(s.substring(0, sp))));
        }
        out.sort(Comparator.comparingLong(FlowBinding::eventTimeMs).thenComparing(FlowBinding::eventId));
        return out;
    }

    private List<ContextFragment> fragments(String key) {
        List<ContextFragment> out = new ArrayList<>();
        for (byte[] row : read(key)) out.add(ContextFragment.fromBytes(row));
        return out;
    }

    private List<byte[]> read(String key) {
        byte[] bytes;
        try {
            bytes = store.get(key);
        } catch (KafkaException e) {
            throw new JoinPlaneUnavailableException(
                    "state store " + store.name() + " did not answer: " + e.getMessage(), e);
        }
        List<byte[]> rows = new ArrayList<>();
        if (bytes == null) return rows;
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            int n = in.readUnsignedShort();
            for (int i = 0; i < n; i++) rows.add(in.readNBytes(in.readInt()));
        } catch (IOException e) {
            throw new IllegalStateException("corrupt join plane entry " + key, e);
        }
        return rows;
    }

    private void write(String key, List<byte[]> rows) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(b)) {
            out.writeShort(rows.size());
            for (byte[] r : rows) {
                out.writeInt(r.length);
                out.write(r);
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        try {
            store.put(key, b.toByteArray());
        } catch (KafkaException e) {
            throw new JoinPlaneUnavailableException(
                    "state store " + store.name() + " did not answer: " + e.getMessage(), e);
        }
    }
}
