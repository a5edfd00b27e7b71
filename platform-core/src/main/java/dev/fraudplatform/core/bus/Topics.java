package dev.fraudplatform.core.bus;

import java.util.List;

/** The platform's topics, declared once (ARCHITECTURE.md §5). Serdes live with the adapters. */
public final class Topics {
    public static final String CONTROL = "fp.control";
    public static final String TRAFFIC = "fp.traffic";
    public static final String DECISIONS = "fp.decisions";
    public static final String ACTIONS = "fp.actions";
    public static final String AUDIT = "fp.audit";
    /** Case Management's announcements: a case opened, a decision attached, a case disposed or closed. */
    public static final String CASES = "fp.cases";
    /** The Label Store's announcements: every new label assertion, keyed by its subject's account. */
    public static final String LABELS = "fp.labels";

    /** The gate's bus ingress: producers that prefer Kafka send raw envelopes here, one per record. */
    public static final String INGRESS = "fp.ingress";
    /** The gate's answers to {@link #INGRESS}: one receipt (JSON) per input record, keyed like the input. */
    public static final String INGRESS_RECEIPTS = "fp.ingress.receipts";

    /** Publication markers of the gate's admission relay: one partition, read back only after a crash. */
    public static final String INGRESS_RELAY = "fp.ingress.relay";

    /**
     * Dead letters: records a consuming role could not process, with the role, the reason and the record's coordinates,
     * keyed like the record. A record here was neither dropped silently nor allowed to block its partition.
     */
    public static final String DEAD_LETTERS = "fp.dead-letters";

    /**
     * The decision loop's re-keying topics (ARCHITECTURE.md §5): transactions and labels on their way from the
     * account's task to a merchant, device or IP projection, and those projections' features on their way back to the
     * account's task. Partitioned like {@link #TRAFFIC}.
     */
    public static final String ENTITY_EVENTS = "fp.rtdl.entity-events";

    public static final String ENTITY_FEATURES = "fp.rtdl.entity-features";

    /**
     * Shadow scoring: the decisions of the bundle in shadow, one per decision on {@link #DECISIONS} (same decision id,
     * the shadow bundle's id), each carrying {@link #HEADER_SHADOW}. Only the Decision Log and Audit reads it: the
     * Action Layer and Case Management never see a shadow decision.
     */
    public static final String SHADOW_DECISIONS = "fp.decisions.shadow";

    /** Header marking a shadow decision (its value: the shadow bundle's id). */
    public static final String HEADER_SHADOW = "fp.shadow";

    /** Every platform topic; all are created with the configured partition count and no time retention. */
    public static final List<String> ALL = List.of(
            CONTROL,
            TRAFFIC,
            DECISIONS,
            ACTIONS,
            DEAD_LETTERS,
            AUDIT,
            CASES,
            LABELS,
            ENTITY_EVENTS,
            ENTITY_FEATURES,
            SHADOW_DECISIONS);

    /** Header carrying the wall-clock millis at which IG admitted the event (outside every digest). */
    public static final String HEADER_ADMITTED_AT = "fp.admitted_at";
    /**
     * Header of an admitted record: the relay that published it and the gate outbox sequence it came from ({@code
     * <relay> <seq>}), which the relay's recovery matches to its markers.
     */
    public static final String HEADER_OUTBOX_SEQ = "fp.outbox_seq";

    /**
     * Header of a run's end-of-stream record on {@link #TRAFFIC} (its value: the run id). The orchestrator writes one
     * on every partition once the gate has stopped taking the run's traffic (DRAINING) and every admitted record of the
     * run is on the bus, so it follows them all on every partition: from it, the decision loop knows that partition
     * has nothing more of the run, instead of guessing so from a quiet input.
     */
    public static final String HEADER_STREAM_END = "fp.stream_end";

    private Topics() {}

    /**
     * The topic an event class is routed to, or null for a class the gate does not route. An account's transactions,
     * context events and labels share {@link #TRAFFIC}, keyed by account: one log per account, so the decision loop
     * reads them in one total order. (Separate context and label topics, as first designed, could be interleaved with
     * traffic only by timestamp, best effort, and a context event read just after the transaction it precedes changed
     * the decision.)
     */
    public static String forEventClass(String eventClass) {
        if (eventClass.startsWith("txn.") || eventClass.startsWith("ctx.") || eventClass.startsWith("label."))
            return TRAFFIC;
        return null;
    }

    /** Whether an event class is a transaction, which the decision loop decides (context and labels inform it). */
    public static boolean isTransaction(String eventClass) {
        return eventClass.startsWith("txn.");
    }
}
