package dev.fraudplatform.core.cases;

/**
 * A case action refused because of the case's state, not a fault: the case is unknown, closed, already disposed,
 * changed since the form was loaded (stale version), or the action is not allowed. The message is one line, fit to
 * show to the investigator.
 */
public final class CaseConflictException extends RuntimeException {
    public enum Kind {
        NOT_FOUND,
        STALE,
        CLOSED,
        NOT_ALLOWED
    }

    private final Kind kind;

    public CaseConflictException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
