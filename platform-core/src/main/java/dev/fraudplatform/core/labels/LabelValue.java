package dev.fraudplatform.core.labels;

/** What a label says of its subject. */
public enum LabelValue {
    FRAUD,
    LEGITIMATE
}
