package dev.fraudplatform.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fraudplatform.core.registry.BundleRegistry;
import dev.fraudplatform.core.registry.BundleState;
import dev.fraudplatform.core.registry.RegistryEntry;
import dev.fraudplatform.core.registry.RegistryRefusal;
import dev.fraudplatform.core.registry.StateChange;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link BundleRegistry} adapter promises; extend once per adapter with {@link #newRegistry()}, which
 * returns a registry over empty storage for each test (the registry is global: one active bundle in all of it).
 */
public abstract class BundleRegistryContract {
    protected BundleRegistry registry;

    /** A registry over storage of its own, empty. */
    protected abstract BundleRegistry newRegistry() throws Exception;

    @BeforeEach
    void open() throws Exception {
        registry = newRegistry();
    }

    private RegistryEntry register(String id) {
        return registry.register(id, "bd-" + id, "md-" + id, "bundles/" + id, "ana", "trained on w-1");
    }

    /** The registry's whole observable state, to compare before and after a refusal. */
    private String snapshot() {
        StringBuilder b = new StringBuilder();
        for (RegistryEntry e : registry.list())
            b.append(e).append(registry.history(e.bundleId())).append('\n');
        b.append(registry.active()).append(registry.shadow()).append(registry.previousActive());
        return b.toString();
    }

    private void assertRefusedUnchanged(Runnable change, String messagePart) {
        String before = snapshot();
        assertThatThrownBy(change::run).isInstanceOf(RegistryRefusal.class).hasMessageContaining(messagePart);
        assertThat(snapshot())
                .as("a refused change leaves the registry as it was")
                .isEqualTo(before);
    }

    @Test
    void aRegisteredBundleIsACandidateWithWhoAndWhy() {
        RegistryEntry e = register("m-1");
        assertThat(e.bundleId()).isEqualTo("m-1");
        assertThat(e.bundleDigest()).isEqualTo("bd-m-1");
        assertThat(e.manifestDigest()).isEqualTo("md-m-1");
        assertThat(e.location()).isEqualTo("bundles/m-1");
        assertThat(e.state()).isEqualTo(BundleState.CANDIDATE);
        assertThat(registry.entry("m-1")).contains(e);
        assertThat(registry.history("m-1")).singleElement().satisfies(c -> {
            assertThat(c.state()).isEqualTo(BundleState.CANDIDATE);
            assertThat(c.by()).isEqualTo("ana");
            assertThat(c.reason()).isEqualTo("trained on w-1");
            assertThat(c.at()).isNotNull();
        });
        assertThat(registry.active()).isEmpty();
        assertThat(registry.shadow()).isEmpty();
        assertThat(registry.entry("m-2")).isEmpty();
        assertThat(registry.history("m-2")).isEmpty();
    }

    @Test
    void registeringTheSameBundleAgainIsANoOpAndAnotherDigestIsRefused() {
        RegistryEntry first = register("m-1");
        assertThat(register("m-1")).isEqualTo(first);
        assertThat(registry.history("m-1")).hasSize(1);
        assertRefusedUnchanged(
                () -> registry.register("m-1", "other", "md-m-1", "bundles/m-1", "ana", "again"), "registered already");
        assertRefusedUnchanged(
                () -> registry.register("m-1", "bd-m-1", "other", "bundles/m-1", "ana", "again"), "registered already");
    }

    @Test
    void everyChangeNeedsAnOperatorAndAReason() {
        register("m-1");
        assertRefusedUnchanged(() -> registry.change("m-1", BundleState.SHADOW, null, "ana", " ", null), "reason");
        assertRefusedUnchanged(
                () -> registry.change("m-1", BundleState.SHADOW, null, "", "watch it", null), "operator");
        assertRefusedUnchanged(
                () -> registry.change("m-1", BundleState.SHADOW, null, null, "watch it", null), "operator");
        assertRefusedUnchanged(() -> registry.register("m-2", "b", "m", "bundles/m-2", "ana", ""), "reason");
        assertRefusedUnchanged(() -> registry.register("Bad Id", "b", "m", "bundles/x", "ana", "r"), "a bundle id is");
        assertThat(registry.entry("m-2")).isEmpty();
    }

    @Test
    void promotingANewActiveRetiresTheOldOneInTheSameChange() {
        register("m-1");
        register("m-2");
        List<StateChange> first = registry.change("m-1", BundleState.ACTIVE, null, "lea", "first model", "gates ok");
        assertThat(first).singleElement().satisfies(c -> {
            assertThat(c.bundleId()).isEqualTo("m-1");
            assertThat(c.state()).isEqualTo(BundleState.ACTIVE);
            assertThat(c.detail()).isEqualTo("gates ok");
        });
        assertThat(registry.active()).map(RegistryEntry::bundleId).contains("m-1");

        List<StateChange> second = registry.change("m-2", BundleState.ACTIVE, "m-1", "lea", "better recall", null);
        assertThat(second)
                .extracting(StateChange::bundleId, StateChange::state)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("m-1", BundleState.RETIRED),
                        org.assertj.core.groups.Tuple.tuple("m-2", BundleState.ACTIVE));
        assertThat(second.get(0).seq()).isLessThan(second.get(1).seq());
        assertThat(second.get(0).reason()).isEqualTo("better recall");
        assertThat(registry.active()).map(RegistryEntry::bundleId).contains("m-2");
        assertThat(registry.entry("m-1")).map(RegistryEntry::state).contains(BundleState.RETIRED);
        assertThat(registry.history("m-1"))
                .extracting(StateChange::state)
                .containsExactly(BundleState.CANDIDATE, BundleState.ACTIVE, BundleState.RETIRED);
        assertThat(registry.list())
                .filteredOn(e -> e.state() == BundleState.ACTIVE)
                .hasSize(1);
    }

    @Test
    void atMostOneBundleIsInShadow() {
        register("m-1");
        register("m-2");
        registry.change("m-1", BundleState.SHADOW, null, "lea", "watch it", null);
        assertThat(registry.shadow()).map(RegistryEntry::bundleId).contains("m-1");
        List<StateChange> rows = registry.change("m-2", BundleState.SHADOW, null, "lea", "watch this one", null);
        assertThat(rows).extracting(StateChange::bundleId).containsExactly("m-1", "m-2");
        assertThat(registry.shadow()).map(RegistryEntry::bundleId).contains("m-2");
        assertThat(registry.entry("m-1")).map(RegistryEntry::state).contains(BundleState.RETIRED);
        // promoting the shadow bundle to active empties the shadow place
        registry.change("m-2", BundleState.ACTIVE, null, "lea", "it held up", null);
        assertThat(registry.shadow()).isEmpty();
        assertThat(registry.active()).map(RegistryEntry::bundleId).contains("m-2");
    }

    @Test
    void movesTheStatesDoNotAllowAreRefusedAndChangeNothing() {
        register("m-1");
        register("m-2");
        assertRefusedUnchanged(
                () -> registry.change("nope", BundleState.ACTIVE, null, "lea", "r", null), "no bundle nope");
        assertRefusedUnchanged(
                () -> registry.change("m-1", BundleState.CANDIDATE, null, "lea", "r", null), "only registering");
        registry.change("m-1", BundleState.ACTIVE, null, "lea", "first", null);
        assertRefusedUnchanged(
                () -> registry.change("m-1", BundleState.ACTIVE, "m-1", "lea", "r", null), "ACTIVE already");
        assertRefusedUnchanged(
                () -> registry.change("m-1", BundleState.RETIRED, "m-1", "lea", "r", null), "never left");
        assertRefusedUnchanged(
                () -> registry.change("m-1", BundleState.SHADOW, "m-1", "lea", "r", null), "cannot be moved");
        registry.change("m-2", BundleState.RETIRED, "m-1", "lea", "withdrawn", null);
        assertThat(registry.entry("m-2")).map(RegistryEntry::state).contains(BundleState.RETIRED);
    }

    @Test
    void aChangeJudgedAgainstAnotherActiveBundleIsRefused() {
        register("m-1");
        register("m-2");
        register("m-3");
        registry.change("m-1", BundleState.ACTIVE, null, "lea", "first", null);
        // the caller checked its gates when nothing was active, or against m-3: the registry has moved on
        assertRefusedUnchanged(
                () -> registry.change("m-2", BundleState.ACTIVE, null, "lea", "r", null), "the active bundle is m-1");
        assertRefusedUnchanged(
                () -> registry.change("m-2", BundleState.ACTIVE, "m-3", "lea", "r", null), "the active bundle is m-1");
        assertRefusedUnchanged(() -> registry.rollback("m-3", "lea", "r"), "the active bundle is m-1");
    }

    @Test
    void rollbackRestoresThePreviousActiveBundleInOneChange() {
        register("m-1");
        register("m-2");
        registry.change("m-1", BundleState.ACTIVE, null, "lea", "first", null);
        registry.change("m-2", BundleState.ACTIVE, "m-1", "lea", "second", null);
        assertThat(registry.previousActive()).map(RegistryEntry::bundleId).contains("m-1");

        List<StateChange> rows = registry.rollback("m-2", "lea", "m-2 declines too much");
        assertThat(rows)
                .extracting(StateChange::bundleId, StateChange::state)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("m-2", BundleState.RETIRED),
                        org.assertj.core.groups.Tuple.tuple("m-1", BundleState.ACTIVE));
        assertThat(rows).allSatisfy(r -> assertThat(r.reason()).isEqualTo("m-2 declines too much"));
        assertThat(registry.active()).map(RegistryEntry::bundleId).contains("m-1");
        assertThat(registry.entry("m-2")).map(RegistryEntry::state).contains(BundleState.RETIRED);
        assertThat(registry.history("m-1"))
                .extracting(StateChange::state)
                .containsExactly(BundleState.CANDIDATE, BundleState.ACTIVE, BundleState.RETIRED, BundleState.ACTIVE);
    }

    @Test
    void rollbackWithNothingToRollBackToIsRefusedAndChangesNothing() {
        assertRefusedUnchanged(() -> registry.rollback(null, "lea", "r"), "no bundle is active");
        register("m-1");
        assertRefusedUnchanged(() -> registry.rollback(null, "lea", "r"), "no bundle is active");
        registry.change("m-1", BundleState.ACTIVE, null, "lea", "first", null);
        assertThat(registry.previousActive()).isEmpty();
        assertRefusedUnchanged(() -> registry.rollback("m-1", "lea", "r"), "nothing to roll back to");
        assertRefusedUnchanged(() -> registry.rollback("m-1", "lea", ""), "reason");
    }

    @Test
    void concurrentPromotionsLeaveOneActiveBundle() throws Exception {
        int n = 6;
        for (int i = 0; i < n; i++) register("m-" + i);
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            List<Future<Boolean>> done = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                String id = "m-" + i;
                Callable<Boolean> promote = () -> {
                    // each judged against what it read: only those that still see it hold win
                    String seen = registry.active().map(RegistryEntry::bundleId).orElse(null);
                    try {
                        registry.change(id, BundleState.ACTIVE, seen, "lea", "race", null);
                        return true;
                    } catch (RegistryRefusal refused) {
                        return false;
                    }
                };
                done.add(pool.submit(promote));
            }
            int won = 0;
            for (Future<Boolean> f : done) if (f.get()) won++;
            assertThat(won).isPositive();
        } finally {
            pool.shutdownNow();
        }
        assertThat(registry.list())
                .filteredOn(e -> e.state() == BundleState.ACTIVE)
                .hasSize(1);
        long activations = 0;
        for (int i = 0; i < n; i++)
            activations += registry.history("m-" + i).stream()
                    .filter(c -> c.state() == BundleState.ACTIVE)
                    .count();
        long retirements = 0;
        for (int i = 0; i < n; i++)
            retirements += registry.history("m-" + i).stream()
                    .filter(c -> c.state() == BundleState.RETIRED)
                    .count();
        assertThat(retirements).as("every activation but the last was retired").isEqualTo(activations - 1);
    }
}
