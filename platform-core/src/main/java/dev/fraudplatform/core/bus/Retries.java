package dev.fraudplatform.core.bus;

import java.time.Duration;
import org.slf4j.Logger;

/**
 * A consuming role's bounded retry of one step (a store write, a publish): up to {@code attempts} tries, pausing
 * {@code backoff} and doubling, at most 5 s, logging each failure on the role's logger; the last failure is thrown.
 * An interrupt is never retried.
 */
public record Retries(int attempts, Duration backoff, Logger log) {
    public Retries {
        if (attempts < 1) throw new IllegalArgumentException("attempts must be at least 1");
    }

    /** One try of the step. */
    @FunctionalInterface
    public interface Attempt<T> {
        T run() throws Exception;
    }

    public <T> T run(Attempt<T> attempt) throws Exception {
        long sleep = backoff.toMillis();
        for (int i = 1; ; i++) {
            try {
                return attempt.run();
            } catch (InterruptedException e) {
                throw e;
            } catch (Exception e) {
                if (i >= attempts) throw e;
                log.warn("attempt {} of {} failed ({}); retrying in {} ms", i, attempts, e.toString(), sleep);
                Thread.sleep(sleep);
                sleep = Math.min(5_000, sleep * 2);
            }
        }
    }
}
