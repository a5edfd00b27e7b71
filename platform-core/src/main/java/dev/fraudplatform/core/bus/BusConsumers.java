package dev.fraudplatform.core.bus;

import java.time.Duration;
import java.util.List;

/**
 * Port: starts consuming roles, each a consumer group member on a thread of its own that polls committed records of
 * {@code topics} and hands each batch to a plane's {@link BatchHandler} (see there for who owns what). Two kinds:
 *
 * <ul>
 *   <li>{@link #atLeastOnce}: {@link BatchHandler.Session#commit()} commits the group's offsets; the handler publishes
 *       through a port of its own and absorbs redelivery;
 *   <li>{@link #transactional}: what the handler {@link BatchHandler.Session#send sends} and the offsets it consumed
 *       become visible together on {@code commit}, or not at all;
 *   <li>{@link #everyRecord}: in no consumer group; every instance reads every partition from the beginning, and
 *       {@code commit} keeps nothing (a follower of the control topic); {@link #fromNow} alike, from where each
 *       partition ends when it starts (a waiter for what comes next).
 * </ul>
 *
 * <p>A role's {@code name} names its thread and client (under the wiring's client id prefix). The wiring that made this
 * port owns nothing it starts: the caller closes each {@link Role} it gets, before the wiring.
 */
public interface BusConsumers {

    /**
     * The same port, whose roles take their records in batches: a role's fetch is answered once a batch's worth of
     * records is ready or {@code maxWait} has passed, rather than as soon as one record is. For roles off the decision's
     * latency path (audit, archive, cases, labels): when traffic trickles in, one record at a time costs each of them
     * a fetch, a database transaction and a commit (a bus transaction, for a transactional role) per record; batched,
     * a handful a second. Their records wait at most {@code maxWait} longer; a backlog is read as fast as without.
     *
     * @param maxWait 1 to 1000 ms
     */
    BusConsumers batching(Duration maxWait);

    /** Starts an at-least-once role of consumer group {@code group} on {@code topics}. */
    Role atLeastOnce(String name, String group, List<String> topics, BatchHandler handler);

    /**
     * Starts a transactional role of consumer group {@code group} on {@code topics}; two instances of one group, in one
     * process or two, never fence each other's transactions (fencing of zombies comes from the group).
     *
     * @param transactionTimeout how long a transaction may stay open: it must outlast what the handler holds
     */
    Role transactional(
            String name, String group, List<String> topics, Duration transactionTimeout, BatchHandler handler);

    /**
     * Starts a role in no consumer group that reads every partition of {@code topics} (as they are when it starts) from
     * the beginning, each time it starts: every instance sees every record, and leaves nothing behind on the cluster.
     * {@link BatchHandler.Session#commit()} keeps nothing.
     */
    Role everyRecord(String name, List<String> topics, BatchHandler handler);

    /**
     * Starts a role in no consumer group that reads every partition of {@code topics} (as they are when it starts) from
     * where each ends when it starts: every instance sees every record committed after that, and leaves nothing behind
     * on the cluster. Once {@link Role#awaitAssignment} returns true, nothing committed afterwards is missed.
     */
    Role fromNow(String name, List<String> topics, BatchHandler handler);

    /** A started consuming role. */
    interface Role extends AutoCloseable {
        /** Waits until the role has partitions to consume; false on timeout or if the role died. */
        boolean awaitAssignment(Duration timeout) throws InterruptedException;

        /** Why the role's loop stopped, or null while it runs (or after a clean {@link #close()}). */
        Throwable failure();

        /** Stops the loop (the handler's {@link BatchHandler#onStop} runs on it) and waits a bounded time for it. */
        @Override
        void close();
    }
}
