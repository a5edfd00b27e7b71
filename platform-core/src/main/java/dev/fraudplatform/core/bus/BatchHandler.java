package dev.fraudplatform.core.bus;

import java.util.List;

/**
 * A plane's side of a consuming role: what it does with each batch of records its consumer group polls. The
 * consuming loop (an adapter: {@code substrate-kafka}'s {@code ConsumerRole}) owns the thread, the consumer, the
 * group membership and the offsets; the handler owns the effects and says when they are durable, through the
 * {@link Session}. Every method is called on the loop's one thread, never concurrently; a method that throws stops
 * the loop (its records stay uncommitted and are delivered again to the next owner).
 */
public interface BatchHandler {

    /**
     * Processes one polled batch (never empty), and calls {@link Session#commit()} once its effects are durable
     * (now, or in a later call when the handler holds records across polls).
     */
    void handle(List<InboundRecord> batch, Session session) throws Exception;

    /** After every poll, records or not: a handler that holds records across polls flushes here when it is due. */
    default void onPoll(Session session) throws Exception {}

    /** Partitions were assigned or revoked (still owned while this runs): forget per-partition caches. */
    default void onPartitionsChanged(Session session) {}

    /** Partitions were lost, not revoked: their work can no longer be committed. Default: as a change. */
    default void onPartitionsLost(Session session) {
        onPartitionsChanged(session);
    }

    /** After the last poll, before the consumer closes: commit what is held, or leave it to be delivered again. */
    default void onStop(Session session) {}

    /** The consuming loop, as its handler sees it. Valid only on the loop's thread, during a call to the handler. */
    interface Session {
        /**
         * Marks every record handed to the handler so far as consumed. An at-least-once loop commits its group's
         * offsets; a transactional loop puts them into its open transaction with what {@link #send} added, and
         * commits it (nothing to do when nothing is {@link #pending()}).
         */
        void commit() throws Exception;

        /**
         * Transactional loops only: adds {@code record} to the open transaction, visible to {@code read_committed}
         * readers once {@link #commit()} returns, never if the transaction is aborted.
         *
         * @throws UnsupportedOperationException in an at-least-once loop (publish through an {@link EventPublisher})
         */
        void send(OutboundRecord record);

        /**
         * Transactional loops only: abandons the open transaction; what was sent is never visible, and the records
         * handed since the last commit are delivered again to the partitions' next owner. Forgets them even when the
         * abort itself fails (then the broker aborts the transaction when it times out or is fenced).
         */
        void abort();

        /** Records have been handed to the handler since the last commit or abort. */
        boolean pending();

        /**
         * The next offset this loop reads on a partition: null when this loop does not own it, -1 when it owns it but
         * the position is not known yet.
         */
        Long position(String topic, int partition);
    }
}
