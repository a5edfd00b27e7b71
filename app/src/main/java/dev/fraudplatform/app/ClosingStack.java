package dev.fraudplatform.app;

import java.util.ArrayDeque;
import java.util.Deque;
import org.slf4j.Logger;

/**
 * What a process holds, closed newest first: each {@link #push}ed resource is closed once by {@link #close()}, in
 * reverse order of pushing; a resource that fails to close is logged and the rest are still closed. Thread-safe;
 * closing twice is harmless (the second close finds nothing left).
 */
final class ClosingStack implements AutoCloseable {
    private final Deque<AutoCloseable> held = new ArrayDeque<>();
    private final Logger log;

    /** @param log where a failure to close is reported (as a warning naming the resource's class) */
    ClosingStack(Logger log) {
        this.log = log;
    }

    /** Holds {@code resource} until {@link #close()}; returns it, for use in an expression. */
    synchronized <T extends AutoCloseable> T push(T resource) {
        held.push(resource);
        return resource;
    }

    /**
     * Closes {@code resource} now, ahead of the rest, and forgets it (a role stopped before the process is); a failure to
     * close is reported as {@link #close()} reports it. Nothing happens to a resource not held.
     */
    synchronized void closeEarly(AutoCloseable resource) {
        if (resource == null || !held.removeFirstOccurrence(resource)) return;
        try {
            resource.close();
        } catch (Exception e) {
            log.warn("closing {}: {}", resource.getClass().getSimpleName(), e.toString());
        }
    }

    @Override
    public synchronized void close() {
        while (!held.isEmpty()) {
            AutoCloseable c = held.pop();
            try {
                c.close();
            } catch (Exception e) {
                log.warn("closing {}: {}", c.getClass().getSimpleName(), e.toString());
            }
        }
    }
}
