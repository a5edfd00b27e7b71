package dev.fraudplatform.casework.cases;

import dev.fraudplatform.core.cases.CaseStore;
import dev.fraudplatform.core.cases.Disposition;
import dev.fraudplatform.core.cases.PendingLabels;
import dev.fraudplatform.core.labels.LabelAssertion;
import dev.fraudplatform.core.labels.LabelSource;
import dev.fraudplatform.core.labels.LabelStore;
import dev.fraudplatform.core.labels.LabelSubject;
import dev.fraudplatform.core.labels.LabelValue;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns case dispositions into label assertions, once: the outbox between Case Management and the Label Store.
 *
 * <p>For each disposition {@link CaseStore#pendingLabels} names, one assertion per transaction of the case, through
 * the {@link LabelStore} (which writes an assertion id once), then {@link CaseStore#labelsAsserted} records
 * {@code LABEL_ASSERTED} in the case's timeline. A crash between the two repeats the first harmlessly on the next
 * pass. Each assertion: subject {@code transaction:<txn id>}; value FRAUD for CONFIRMED_FRAUD, LEGITIMATE for
 * LEGITIMATE (INCONCLUSIVE asserts nothing, and records {@code LABEL_ASSERTED} with no ids); source INVESTIGATOR;
 * label type {@code DISPOSITION}; reason code the disposition; id {@code case:<case id>:<disposition seq>:<txn id>};
 * provenance {@code case:<case id>}; actor the investigator; effective time the transaction's event time; observed
 * time the disposition's.
 *
 * <p>{@link #drain()} runs one pass on the caller's thread (the console calls it right after a disposition);
 * {@link #start()} also sweeps every second on a thread of its own, so a disposition whose labels a crash left
 * unwritten is repaired. {@link #close()} stops the sweep. Thread-safe: passes run one at a time.
 */
public final class DispositionLabels implements AutoCloseable {
    /** The label type of a disposition's assertions. */
    public static final String LABEL_TYPE = "DISPOSITION";

    private static final Logger LOG = LoggerFactory.getLogger(DispositionLabels.class);
    private static final int PAGE = 100;
    private final CaseStore cases;
    private final LabelStore labels;
    private final Set<String> reported = new HashSet<>();
    private ScheduledExecutorService sweep;

    public DispositionLabels(CaseStore cases, LabelStore labels) {
        this.cases = cases;
        this.labels = labels;
    }

    /** The assertions a disposition makes (none for INCONCLUSIVE). */
    public static List<LabelAssertion> assertionsOf(PendingLabels p) {
        LabelValue value = valueOf(p.disposition());
        if (value == null) return List.of();
        List<LabelAssertion> out = new ArrayList<>(p.transactions().size());
        for (PendingLabels.Transaction t : p.transactions()) {
            Instant effective = t.eventTime() == null ? p.disposedAt() : t.eventTime();
            out.add(new LabelAssertion(
                    p.platformRunId(),
                    "case:" + p.caseId() + ":" + p.dispositionSeq() + ":" + t.txnId(),
                    LabelSubject.transaction(t.txnId()),
                    p.accountId(),
                    null,
                    value,
                    null,
                    LabelSource.INVESTIGATOR,
                    LABEL_TYPE,
                    p.disposition().name(),
                    effective,
                    p.disposedAt(),
                    null,
                    "case:" + p.caseId(),
                    p.actor(),
                    null,
                    null));
        }
        return out;
    }

    private static LabelValue valueOf(Disposition d) {
        return switch (d) {
            case CONFIRMED_FRAUD -> LabelValue.FRAUD;
            case LEGITIMATE -> LabelValue.LEGITIMATE;
            case INCONCLUSIVE -> null;
        };
    }

    /**
     * One pass: asserts the labels of every pending disposition (page by page while pages come full) and records
     * them; returns how many dispositions it handled. A disposition whose labels cannot be asserted (a transaction id
     * that is no label subject, a store that refuses) is logged once and stays pending for the next pass.
     */
    public synchronized int drain() {
        int handled = 0;
        while (true) {
            List<PendingLabels> page = cases.pendingLabels(PAGE);
            int handledNow = 0;
            for (PendingLabels p : page) {
                try {
                    List<LabelAssertion> assertions = assertionsOf(p);
                    if (!assertions.isEmpty()) labels.append(assertions);
                    cases.labelsAsserted(
                            p,
                            assertions.stream().map(LabelAssertion::assertionId).toList());
                    handledNow++;
                    reported.remove(p.caseId());
                } catch (RuntimeException e) {
                    if (reported.add(p.caseId())) {
                        LOG.error(
                                "the labels of case {}'s disposition could not be asserted (it stays pending): {}",
                                p.caseId(),
                                e.toString());
                    }
                }
            }
            handled += handledNow;
            if (page.size() < PAGE || handledNow == 0) return handled;
        }
    }

    /** Starts the background sweep (every second). */
    public synchronized void start() {
        if (sweep != null) return;
        sweep = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "disposition-labels");
            t.setDaemon(true);
            return t;
        });
        sweep.scheduleWithFixedDelay(
                () -> {
                    try {
                        drain();
                    } catch (RuntimeException e) {
                        // a pass that fails (the database away) is tried again at the next tick
                        LOG.warn("disposition labels sweep failed: {}", e.toString());
                    }
                },
                1,
                1,
                TimeUnit.SECONDS);
    }

    /** Stops the sweep, waiting for a pass under way. */
    @Override
    public void close() {
        ScheduledExecutorService s;
        synchronized (this) {
            s = sweep;
            sweep = null;
        }
        if (s == null) return;
        s.shutdown();
        try {
            if (!s.awaitTermination(10, TimeUnit.SECONDS)) s.shutdownNow();
        } catch (InterruptedException e) {
            s.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
