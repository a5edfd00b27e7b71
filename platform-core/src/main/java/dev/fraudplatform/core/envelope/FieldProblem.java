package dev.fraudplatform.core.envelope;

/** One thing wrong with an input, named by the field it concerns ({@code "$"} for the whole document). */
public record FieldProblem(String field, String problem) {
    @Override
    public String toString() {
        return field + ": " + problem;
    }
}
