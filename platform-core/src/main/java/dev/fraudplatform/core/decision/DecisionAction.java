package dev.fraudplatform.core.decision;

/** What a decision asks the Action Layer to do, least to most severe. */
public enum DecisionAction {
    APPROVE,
    STEP_UP,
    REVIEW,
    DECLINE
}
