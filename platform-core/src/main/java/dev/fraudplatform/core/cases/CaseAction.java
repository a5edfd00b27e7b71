package dev.fraudplatform.core.cases;

/** A change an investigator makes to a case; each appends one timeline entry. */
public sealed interface CaseAction {
    /** The longest note taken, in characters. */
    int MAX_NOTE_LENGTH = 4000;

    record Assign(String owner) implements CaseAction {}

    /** To {@link CaseState#IN_PROGRESS} or {@link CaseState#WAITING} (closing is {@link Close}). */
    record SetState(CaseState state) implements CaseAction {}

    record Note(String text) implements CaseAction {}

    /** The verdict, once per case; it asserts labels through the Label Store. */
    record Dispose(Disposition disposition, String note) implements CaseAction {}

    /** Closing needs a disposition first. */
    record Close() implements CaseAction {}
}
