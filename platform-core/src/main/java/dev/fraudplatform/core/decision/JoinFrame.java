package dev.fraudplatform.core.decision;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Objects;

/**
 * Everything the Decision Fabric decides from, assembled by the join plane as of the event's time: the event's
 * identity, its feature snapshot (the transaction's own, its entities' online and graph features, its flow's
 * context) and what could not be assembled. The fabric is a pure function of (frame, bundle), so an audited frame
 * re-scores to the same decision.
 *
 * @param features       the snapshot; null when none could be assembled ({@code unavailable} says why)
 * @param missingContext named fragments the frame lacks (e.g. {@code merchant features: no answer in 2000 ms}); empty
 *                       when complete
 * @param unavailable    why no snapshot could be assembled; null when one was
 */
public record JoinFrame(
        String runId,
        String eventClass,
        String eventId,
        String partitionKey,
        String eventTime,
        ObjectNode features,
        List<String> missingContext,
        String unavailable) {
    public JoinFrame {
        Objects.requireNonNull(runId);
        Objects.requireNonNull(eventClass);
        Objects.requireNonNull(eventId);
        missingContext = List.copyOf(missingContext);
        if (features == null && unavailable == null)
            throw new IllegalArgumentException("a frame without features must say why");
    }

    /** A complete frame. */
    public static JoinFrame complete(
            String runId,
            String eventClass,
            String eventId,
            String partitionKey,
            String eventTime,
            ObjectNode features) {
        return new JoinFrame(runId, eventClass, eventId, partitionKey, eventTime, features, List.of(), null);
    }

    /** The frame a recorded decision was made from (its features, missing context and unavailability reason). */
    public static JoinFrame of(Decision d) {
        return new JoinFrame(
                d.platformRunId(),
                d.eventClass(),
                d.eventId(),
                d.partitionKey(),
                d.eventTime(),
                d.features(),
                d.missingContext(),
                d.features() == null ? d.degradeReason() : null);
    }
}
