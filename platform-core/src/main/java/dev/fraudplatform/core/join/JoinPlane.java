package dev.fraudplatform.core.join;

import java.util.List;

/**
 * The join plane (CSFB): a context store holding each flow's context fragments, and flow binding, recording which
 * transactions were decided with which flow. Adapters: Kafka Streams state stores (the embedded default, owned by
 * the stream task of the flow's account) and Redis. Every method is idempotent; all are scoped by run, so runs never
 * see each other's context. Any method throws {@link JoinPlaneUnavailableException} when the store does not answer.
 *
 * <p>Not thread-safe unless an adapter says so: a stream task owns its instance.
 */
public interface JoinPlane extends AutoCloseable {
    /** Stores a fragment; storing the same fragment again changes nothing. */
    void putContext(ContextFragment fragment);

    /** Per event class, the latest fragment of the flow at or before {@code asOfMs} (by time, then event id). */
    FlowContext contextAsOf(String runId, String flowId, long asOfMs);

    /** Binds an event to its flow; binding the same event again returns the first binding unchanged. */
    FlowBinding bind(String runId, String flowId, String eventId, long eventTimeMs);

    /** The flow's bindings in (event time, event id) order. */
    List<FlowBinding> bindings(String runId, String flowId);

    @Override
    default void close() {}
}
