package dev.fraudplatform.core.ingress;

import java.util.Objects;

/** The identity of an input for deduplication: {@code (platform_run_id, event_class, event_id)}. */
public record DedupeTuple(String platformRunId, String eventClass, String eventId) {
    public DedupeTuple {
        Objects.requireNonNull(platformRunId, "platformRunId");
        Objects.requireNonNull(eventClass, "eventClass");
        Objects.requireNonNull(eventId, "eventId");
    }

    @Override
    public String toString() {
        return platformRunId + "/" + eventClass + "/" + eventId;
    }
}
