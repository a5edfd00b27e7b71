package dev.fraudplatform.core.cases;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Set;

/**
 * Port: the casework projection of admitted transactions and context events, by account: what an investigator's case
 * page shows around a decision, and what tells the Label Store whether a label's transaction exists. Thread-safe.
 */
public interface AccountActivity {

    /** Records the events not yet recorded (by run and event id); returns how many were new. */
    int record(List<ActivityEvent> events);

    /** Those of {@code txnIds} that are recorded transactions of the run. */
    Set<String> knownTransactions(String platformRunId, Collection<String> txnIds);

    /** The account's events (transactions and context) at or before {@code before}, newest first. */
    List<ActivityEvent> recent(String platformRunId, String accountId, Instant before, int limit);

    /** The account, the devices, IPs and cards it used, and up to {@code maxNeighbours} other accounts sharing them. */
    LinkGraph graph(String platformRunId, String accountId, int maxNeighbours);
}
