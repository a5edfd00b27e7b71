package dev.fraudplatform.core.labels;

import java.util.Locale;
import java.util.Objects;

/**
 * What a label is about: a transaction, an account or a card, by its id in the world ({@code t0000000042},
 * {@code acct-000913}, {@code card-002201}). Written {@code transaction:t0000000042}; {@link #parse} also takes the
 * short kinds {@code txn:}, {@code acct:}, {@code card:}.
 */
public record LabelSubject(Kind kind, String id) {
    public enum Kind {
        TRANSACTION,
        ACCOUNT,
        CARD
    }

    /** The longest subject id taken. */
    public static final int MAX_ID_LENGTH = 128;

    public LabelSubject {
        Objects.requireNonNull(kind, "subject kind");
        if (id == null || id.isBlank() || id.length() > MAX_ID_LENGTH || !id.matches("[A-Za-z0-9][A-Za-z0-9._:-]*"))
            throw new IllegalArgumentException("a subject id is 1-" + MAX_ID_LENGTH
                    + " letters, digits, '.', '_', ':' or '-', starting with a letter or digit: " + id);
    }

    public static LabelSubject transaction(String id) {
        return new LabelSubject(Kind.TRANSACTION, id);
    }

    public static LabelSubject account(String id) {
        return new LabelSubject(Kind.ACCOUNT, id);
    }

    /**
     * Reads {@code kind:id}; throws {@link IllegalArgumentException} with a one-line reason for anything else.
     */
    public static LabelSubject parse(String text) {
        int colon = text == null ? -1 : text.indexOf(':');
        if (colon <= 0)
            throw new IllegalArgumentException(
                    "a subject is KIND:ID, KIND one of transaction (txn), account (acct), card: " + text);
        String kind = text.substring(0, colon).toLowerCase(Locale.ROOT);
        Kind k = switch (kind) {
            case "transaction", "txn" -> Kind.TRANSACTION;
            case "account", "acct" -> Kind.ACCOUNT;
            case "card" -> Kind.CARD;
            default ->
                throw new IllegalArgumentException(
                        "unknown subject kind '" + kind + "': transaction (txn), account (acct) or card");
        };
        return new LabelSubject(k, text.substring(colon + 1));
    }

    @Override
    public String toString() {
        return kind.name().toLowerCase(Locale.ROOT) + ":" + id;
    }
}
