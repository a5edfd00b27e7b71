package dev.fraudplatform.core.join;

/** A transaction bound to the flow (session) whose context it is decided with. */
public record FlowBinding(String runId, String flowId, String eventId, long eventTimeMs) {}
