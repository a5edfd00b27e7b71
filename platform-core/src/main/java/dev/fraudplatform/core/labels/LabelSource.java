package dev.fraudplatform.core.labels;

import java.util.Locale;

/**
 * Who asserts a label, with its <b>precedence</b> ({@link #rank()}): when assertions about one subject disagree, the
 * one from the higher-ranked source stands, whatever their order; among the same rank, the newest in observed time
 * stands (a later chargeback outcome replaces an earlier one; an investigator's second verdict replaces the first).
 * A lower-ranked source never overturns a higher one, even when it speaks later: a customer's report after an
 * investigator has ruled on the transaction is recorded, but does not change the label.
 *
 * <ol>
 *   <li>{@link #INVESTIGATOR}: a person looked at the evidence and ruled (case disposition);
 *   <li>{@link #ISSUER_CHARGEBACK}: the scheme's chargeback, with its reason code;
 *   <li>{@link #ISSUER}: the issuer's fraud report (TC40 / SAFE style);
 *   <li>{@link #COLLECTIONS}: a charge-off of a bust-out account;
 *   <li>{@link #CUSTOMER}: the customer says it was not them.
 * </ol>
 */
public enum LabelSource {
    CUSTOMER(1),
    COLLECTIONS(2),
    ISSUER(3),
    ISSUER_CHARGEBACK(4),
    INVESTIGATOR(5);

    private final int rank;

    LabelSource(int rank) {
        this.rank = rank;
    }

    /** Higher stands over lower. */
    public int rank() {
        return rank;
    }

    /** The source of a {@code label.assertion} event's {@code source} field; throws for an unknown one. */
    public static LabelSource ofEvent(String source) {
        try {
            return valueOf(source.toUpperCase(Locale.ROOT));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("unknown label source: " + source);
        }
    }
}
