package dev.fraudplatform.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fraudplatform.core.cases.AccountActivity;
import dev.fraudplatform.core.cases.ActivityEvent;
import dev.fraudplatform.core.cases.LinkGraph;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every {@link AccountActivity} adapter promises; extend once per adapter with {@link #newAccountActivity()}. */
public abstract class AccountActivityContract {
    protected static final Instant T0 = Instant.parse("2026-03-02T14:00:00.000Z");

    protected AccountActivity activity;
    /** A run id of its own per test, so adapters backed by a shared server need no cleaning. */
    protected String run;

    /** An activity projection over empty (or run-disjoint) storage. */
    protected abstract AccountActivity newAccountActivity() throws Exception;

    @BeforeEach
    void open() throws Exception {
        activity = newAccountActivity();
        run = "run-" + UUID.randomUUID();
    }

    /** A transaction of {@code account} at T0 plus {@code seconds}, with its card, device and IP. */
    public static ActivityEvent txn(
            String run, String txn, String account, long seconds, String card, String device, String ip) {
        return new ActivityEvent(
                run,
                "evt-" + txn,
                "txn.authorization",
                account,
                T0.plusSeconds(seconds),
                txn,
                card,
                device,
                ip,
                "m-1",
                1299L,
                null,
                "{\"txn_id\":\"" + txn + "\"}");
    }

    private static ActivityEvent login(String run, String id, String account, long seconds, String device, String ip) {
        return new ActivityEvent(
                run,
                id,
                "ctx.login",
                account,
                T0.plusSeconds(seconds),
                null,
                null,
                device,
                ip,
                null,
                null,
                "flow-" + id,
                "{}");
    }

    @Test
    void anEventRecordedTwiceIsRecordedOnce() {
        ActivityEvent a = txn(run, "t1", "acct-1", 0, "card-1", "dev-1", "10.0.0.1");
        ActivityEvent b = login(run, "s1", "acct-1", 5, "dev-1", "10.0.0.1");
        assertThat(activity.record(List.of(a, b, a))).isEqualTo(2);
        assertThat(activity.record(List.of(b, a))).isZero();
        assertThat(activity.recent(run, "acct-1", T0.plusSeconds(60), 10)).containsExactly(b, a);
    }

    @Test
    void knownTransactionsAreTheRecordedTransactionsOfTheRunOnly() {
        activity.record(List.of(
                txn(run, "t1", "acct-1", 0, "card-1", null, null),
                txn(run + "-other", "t2", "acct-1", 0, "card-1", null, null),
                login(run, "t3", "acct-1", 0, "dev-1", null)));
        assertThat(activity.knownTransactions(run, List.of("t1", "t2", "t3", "t404")))
                .containsExactly("t1");
        assertThat(activity.knownTransactions(run, List.of())).isEmpty();
    }

    @Test
    void recentIsNewestFirstUpToTheTimeAndTheLimit() {
        activity.record(List.of(
                txn(run, "t1", "acct-1", 10, "card-1", null, null),
                txn(run, "t2", "acct-1", 20, "card-1", null, null),
                txn(run, "t3", "acct-1", 30, "card-1", null, null),
                txn(run, "t4", "acct-2", 15, "card-2", null, null)));
        assertThat(activity.recent(run, "acct-1", T0.plusSeconds(25), 10))
                .extracting(ActivityEvent::txnId)
                .containsExactly("t2", "t1");
        assertThat(activity.recent(run, "acct-1", T0.plusSeconds(100), 2))
                .extracting(ActivityEvent::txnId)
                .containsExactly("t3", "t2");
    }

    @Test
    void theGraphLinksTheAccountToItsEntitiesAndToTheAccountsSharingThem() {
        activity.record(List.of(
                txn(run, "t1", "acct-1", 0, "card-1", "dev-1", "10.0.0.1"),
                txn(run, "t2", "acct-1", 1, "card-1", "dev-1", null),
                txn(run, "t3", "acct-2", 2, "card-2", "dev-1", null),
                txn(run, "t4", "acct-2", 3, "card-2", "dev-1", null),
                txn(run, "t5", "acct-3", 4, "card-3", null, "10.0.0.1"),
                txn(run, "t6", "acct-4", 5, "card-4", "dev-9", "10.9.9.9")));
        LinkGraph g = activity.graph(run, "acct-1", 10);
        assertThat(g.nodes())
                .extracting(LinkGraph.Node::id)
                .containsExactly(
                        "account:acct-1",
                        "card:card-1",
                        "device:dev-1",
                        "ip:10.0.0.1",
                        "account:acct-2",
                        "account:acct-3");
        assertThat(g.nodes().get(0).centre()).isTrue();
        assertThat(g.edges())
                .containsExactlyInAnyOrder(
                        new LinkGraph.Edge("account:acct-1", "card:card-1", 2),
                        new LinkGraph.Edge("account:acct-1", "device:dev-1", 2),
                        new LinkGraph.Edge("account:acct-1", "ip:10.0.0.1", 1),
                        new LinkGraph.Edge("account:acct-2", "device:dev-1", 2),
                        new LinkGraph.Edge("account:acct-3", "ip:10.0.0.1", 1));
        LinkGraph one = activity.graph(run, "acct-1", 1);
        assertThat(one.nodes())
                .extracting(LinkGraph.Node::id)
                .contains("account:acct-2")
                .doesNotContain("account:acct-3");
        assertThat(activity.graph(run, "acct-404", 10).nodes()).hasSize(1);
    }
}
