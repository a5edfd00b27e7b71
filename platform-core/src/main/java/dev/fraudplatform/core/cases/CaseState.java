package dev.fraudplatform.core.cases;

/** Where a case stands. Only {@link #CLOSED} is final: a later decision on the account opens a new case. */
public enum CaseState {
    OPEN,
    IN_PROGRESS,
    WAITING,
    CLOSED
}
