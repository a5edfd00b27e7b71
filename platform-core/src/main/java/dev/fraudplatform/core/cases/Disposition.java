package dev.fraudplatform.core.cases;

/** An investigator's verdict on a case. */
public enum Disposition {
    CONFIRMED_FRAUD,
    LEGITIMATE,
    INCONCLUSIVE
}
