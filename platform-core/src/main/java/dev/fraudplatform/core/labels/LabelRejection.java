package dev.fraudplatform.core.labels;

/**
 * A {@code label.assertion} event the gate admitted but the Label Store could not take (its subject is unknown in the
 * run, or its content does not read as a label): recorded once, append-only, so that admitted label events equal
 * assertions written plus rejections.
 *
 * @param reason one of {@code UNKNOWN_SUBJECT}, {@code UNREADABLE}
 */
public record LabelRejection(String platformRunId, String eventId, String reason, String detail) {}
