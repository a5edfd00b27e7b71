package dev.fraudplatform.core.run;

/** The run lifecycle. Only READY and STREAMING runs accept traffic at the gate. */
public enum RunState {
    PLANNED,
    GATED,
    READY,
    STREAMING,
    DRAINING,
    COMPLETED,
    FAILED;

    public boolean acceptsTraffic() {
        return this == READY || this == STREAMING;
    }
}
