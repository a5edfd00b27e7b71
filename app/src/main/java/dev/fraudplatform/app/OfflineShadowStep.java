package dev.fraudplatform.app;

import dev.fraudplatform.core.store.ObjectStore;
import dev.fraudplatform.decision.bundle.DecisionBundle;
import dev.fraudplatform.learning.features.OfflineFeatureShadow;
import dev.fraudplatform.learning.features.ParityReport;
import dev.fraudplatform.rtdl.audit.AuditLog;
import dev.fraudplatform.rtdl.offline.OfflineLoop;
import java.time.Duration;
import java.util.Map;

/**
 * The Offline Feature Shadow step of a run, composed here because it joins two planes: the learning plane's
 * comparison ({@link OfflineFeatureShadow}), the loop's own topology replayed offline ({@link OfflineLoop}) over the
 * run's archived traffic, and the Decision Log and Audit's record of what was decided ({@link AuditLog}).
 */
final class OfflineShadowStep {
    /** One record of the run's traffic as the bus held it. */
    @FunctionalInterface
    interface TrafficRecords {
        void forEach(TrafficRecord each) throws Exception;
    }

    @FunctionalInterface
    interface TrafficRecord {
        void accept(String key, byte[] value, long timestampMillis, Map<String, byte[]> headers);
    }

    private OfflineShadowStep() {}

    /**
     * Recomputes the run's features from {@code traffic} with {@code bundle} (the run's pinned bundle) and compares
     * them with the audit's snapshots; idempotent (a sealed run returns its report).
     *
     * @param partitions the run's partitions of {@code fp.traffic}: 1 is strict mode, more scaled
     */
    static ParityReport run(
            ObjectStore store,
            String runId,
            DecisionBundle bundle,
            Duration joinWait,
            int partitions,
            TrafficRecords traffic)
            throws Exception {
        OfflineFeatureShadow.Mode mode =
                partitions <= 1 ? OfflineFeatureShadow.Mode.STRICT : OfflineFeatureShadow.Mode.SCALED;
        return OfflineFeatureShadow.run(
                store,
                runId,
                mode,
                out -> {
                    try (OfflineLoop loop = new OfflineLoop(bundle, joinWait, out)) {
                        traffic.forEach(loop::accept);
                        loop.finish();
                    }
                },
                out -> AuditLog.forEach(store, runId, a -> out.accept(a.decision())));
    }
}
