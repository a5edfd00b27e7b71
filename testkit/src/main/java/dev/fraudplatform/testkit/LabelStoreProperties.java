package dev.fraudplatform.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fraudplatform.core.labels.LabelAssertion;
import dev.fraudplatform.core.labels.LabelSource;
import dev.fraudplatform.core.labels.LabelStore;
import dev.fraudplatform.core.labels.LabelSubject;
import dev.fraudplatform.core.labels.LabelValue;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Properties of every {@link LabelStore} adapter, as seeded random tests: generated assertion histories (a few subjects of every kind,
 * random sources and so ranks, observed and effective times on a coarse grid so that ties are common, assertions
 * re-appended, appended in random batch splits) are checked against a reference model kept in memory: as of any T,
 * {@link LabelStore#asOf} answers exactly the first in {@link LabelAssertion#STANDING} order of the assertions observed
 * by T (never one observed after T), and {@link LabelStore#effectiveIn} exactly the reference's answer. Extend once per
 * adapter with {@link #newLabelStore()}; each history writes a run of its own.
 *
 * <p>Each history comes from its own seed (shown in the test's name, so a failure is replayed by that seed alone):
 * {@value #HISTORIES} seeds from a fixed base, so every build checks the same histories; set the system property
 * {@code fp.labels.seed} to check others.
 */
public abstract class LabelStoreProperties {
    private static final Instant T0 = Instant.parse("2026-03-02T00:00:00.000Z");
    private static final long MINUTE = 60_000;
    private static final List<LabelSubject> SUBJECTS = List.of(
            LabelSubject.transaction("t1"),
            LabelSubject.transaction("t2"),
            LabelSubject.transaction("t10"),
            LabelSubject.account("acct-1"),
            LabelSubject.parse("card:card-1"));

    /** A store over empty (or run-disjoint) storage. */
    protected abstract LabelStore newLabelStore() throws Exception;

    /** One generated assertion: indexes into the grids. */
    public record Spec(int subject, LabelSource source, boolean fraud, int observedMinute, int effectiveMinute) {}

    /** What one try does: the assertions, how often each is re-appended, and how the appends are split. */
    public record History(List<Spec> specs, List<Integer> repeats, List<Integer> splits) {}

    private static final int HISTORIES = 60;

    /** A random history: 1-24 assertions, each re-appended 0-2 times, appended in batches of 1-8. */
    public static History history(long seed) {
        Random r = new Random(seed);
        int n = 1 + r.nextInt(24);
        List<Spec> specs = new ArrayList<>(n);
        List<Integer> repeats = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            specs.add(new Spec(
                    r.nextInt(SUBJECTS.size()),
                    LabelSource.values()[r.nextInt(LabelSource.values().length)],
                    r.nextBoolean(),
                    r.nextInt(13),
                    r.nextInt(13)));
            repeats.add(r.nextInt(3));
        }
        List<Integer> splits = new ArrayList<>();
        for (int i = 1 + r.nextInt(6); i > 0; i--) splits.add(1 + r.nextInt(8));
        return new History(specs, repeats, splits);
    }

    @TestFactory
    Stream<DynamicTest> asOfAndEffectiveInAgreeWithTheReferenceModelOnRandomHistories() {
        long base = Long.getLong("fp.labels.seed", 20261204L);
        return LongStream.range(base, base + HISTORIES)
                .mapToObj(seed -> DynamicTest.dynamicTest(
                        "seed " + seed, () -> asOfAndEffectiveInAgreeWithTheReferenceModel(history(seed))));
    }

    /** Writes {@code history} to a new run and checks every answer against the reference model. */
    protected void asOfAndEffectiveInAgreeWithTheReferenceModel(History history) throws Exception {
        LabelStore store = newLabelStore();
        String run = "run-" + UUID.randomUUID();
        List<LabelAssertion> input = new ArrayList<>();
        for (int i = 0; i < history.specs().size(); i++) {
            Spec s = history.specs().get(i);
            LabelAssertion a = assertion(run, "ev:" + i, s);
            input.add(a);
            // Re-appended copies, later in the stream: they must write nothing.
            for (int r = 0; r < history.repeats().get(i); r++) input.add(a);
        }
        Map<String, LabelAssertion> written = new LinkedHashMap<>();
        int from = 0;
        for (int b = 0; from < input.size(); b++) {
            int size = history.splits().get(b % history.splits().size());
            List<LabelAssertion> batch = input.subList(from, Math.min(input.size(), from + size));
            for (LabelAssertion w : store.append(batch)) {
                assertThat(written.put(w.assertionId(), w))
                        .as("written twice: %s", w.assertionId())
                        .isNull();
            }
            from += size;
        }
        assertThat(written).hasSize(history.specs().size());
        List<LabelAssertion> stored = List.copyOf(written.values());

        TreeSet<Instant> times = new TreeSet<>();
        times.add(T0.minusMillis(1));
        times.add(T0.plusMillis(13 * MINUTE));
        for (LabelAssertion a : stored) {
            times.add(a.observedTime());
            times.add(a.observedTime().minusMillis(1));
        }
        for (Instant t : times) {
            for (LabelSubject subject : SUBJECTS) {
                Optional<LabelAssertion> expected = standing(stored, subject, t);
                Optional<LabelAssertion> actual = store.asOf(run, subject, t);
                actual.ifPresent(
                        a -> assertThat(a.observedTime()).as("observed after T").isBeforeOrEqualTo(t));
                assertThat(actual).as("as of %s for %s", t, subject).isEqualTo(expected);
            }
            for (int[] window : new int[][] {{0, 13}, {0, 4}, {3, 9}, {6, 6}, {12, 13}}) {
                Instant wFrom = T0.plusMillis(window[0] * MINUTE);
                Instant wTo = T0.plusMillis(window[1] * MINUTE);
                assertThat(store.effectiveIn(run, wFrom, wTo, t))
                        .as("effective in [%s, %s) as of %s", wFrom, wTo, t)
                        .isEqualTo(effectiveIn(stored, wFrom, wTo, t));
            }
        }
    }

    private static LabelAssertion assertion(String run, String id, Spec s) {
        LabelSubject subject = SUBJECTS.get(s.subject());
        return new LabelAssertion(
                run,
                id,
                subject,
                "acct-1",
                null,
                s.fraud() ? LabelValue.FRAUD : LabelValue.LEGITIMATE,
                null,
                s.source(),
                "CHARGEBACK",
                null,
                T0.plusMillis(s.effectiveMinute() * MINUTE),
                T0.plusMillis(s.observedMinute() * MINUTE),
                null,
                "receipt:" + id,
                null,
                id,
                null);
    }

    /** The reference: the first in STANDING order among the subject's assertions observed by {@code t}. */
    private static Optional<LabelAssertion> standing(List<LabelAssertion> stored, LabelSubject subject, Instant t) {
        return stored.stream()
                .filter(a -> a.subject().equals(subject) && !a.observedTime().isAfter(t))
                .min(LabelAssertion.STANDING);
    }

    /** The reference of {@link LabelStore#effectiveIn}. */
    private static List<LabelAssertion> effectiveIn(List<LabelAssertion> stored, Instant from, Instant to, Instant t) {
        Map<LabelSubject, LabelAssertion> out = new HashMap<>();
        for (LabelAssertion a : stored) {
            boolean visible = !a.observedTime().isAfter(t);
            boolean inWindow =
                    !a.effectiveTime().isBefore(from) && a.effectiveTime().isBefore(to);
            if (visible && inWindow)
                out.put(a.subject(), standing(stored, a.subject(), t).orElseThrow());
        }
        return out.values().stream()
                .sorted(Comparator.comparing(LabelAssertion::effectiveTime)
                        .thenComparing(a -> a.subject().kind().name())
                        .thenComparing(a -> a.subject().id()))
                .toList();
    }
}
