package dev.fraudplatform.core.cases;

import java.time.Instant;

/**
 * One entry of a case's append-only timeline: what happened, who did it, when.
 *
 * @param seq    the entry's number within its case, from 1
 * @param actor  the investigator, or {@code system} for Case Management itself
 * @param detail the entry's content as a JSON object (the decision id attached, the note's text, the new owner ...)
 */
public record TimelineEntry(long seq, String caseId, Type type, String actor, Instant at, String detail) {
    public enum Type {
        OPENED,
        DECISION_ATTACHED,
        ASSIGNED,
        STATE_CHANGED,
        NOTE,
        DISPOSITION,
        LABEL_ASSERTED,
        CLOSED
    }
}
