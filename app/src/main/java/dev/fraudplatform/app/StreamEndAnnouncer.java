package dev.fraudplatform.app;

import dev.fraudplatform.core.bus.OutboundRecord;
import dev.fraudplatform.core.bus.Topics;
import dev.fraudplatform.core.json.CanonicalJson;
import dev.fraudplatform.core.json.Json;
import dev.fraudplatform.ingress.gate.IngestionGate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.IntPredicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The end-of-stream announcement of one run: its end-of-stream record ({@link Topics#HEADER_STREAM_END}) on traffic
 * partitions, written after every record of the run on them, so that the decision loop knows a partition's input is
 * over rather than guessing it from quiet. The gate stops taking the run's traffic within
 * {@link IngestionGate#RUN_STATE_CACHE_MS} of DRAINING; an ADMITTED receipt is written only once its record is
 * committed on the bus; what may still be on its way is a batch the gate took but has not published (its sender may
 * have given up on it), so the announcement waits for the gate's outbox (and, for the whole run, its queue). If they
 * do not empty within a minute, no end is announced: the loop then takes each partition's quiet input as a guess,
 * which its decisions name. Never fatal to the run.
 */
final class StreamEndAnnouncer {
    private static final Logger LOG = LoggerFactory.getLogger(StreamEndAnnouncer.class);
    private static final long OUTBOX_WAIT_MS = 60_000;

    private final Platform platform;
    private final String runId;

    StreamEndAnnouncer(Platform platform, String runId) {
        this.platform = platform;
        this.runId = runId;
    }

    /** The end of the whole run, on every traffic partition; call it once the run is DRAINING. */
    void announceRunEnd() throws InterruptedException {
        Thread.sleep(IngestionGate.RUN_STATE_CACHE_MS + 100);
        announceEnd(p -> true, true);
    }

    /**
     * The end of one lane of the run's only stream (lanes are cut by partition: lane {@code lane} of {@code lanes}
     * feeds the partitions {@code p % lanes == lane}), announced as soon as that lane has every receipt, so that a
     * partition whose lane finished early is not passed over on a guess while the other lanes finish. Nothing is
     * announced when the topic's partitions are not the ones the lanes were cut by.
     */
    void announceLaneEnd(int lane, int lanes) throws InterruptedException {
        announceEnd(p -> p % lanes == lane, false);
    }

    /**
     * Announces the end on the traffic partitions {@code partitions} accepts, once the gate's outbox holds none of the
     * run's records for them; for the {@code wholeRun}, also once the gate's queue is empty, and whatever the topic's
     * partition count.
     */
    private void announceEnd(IntPredicate partitions, boolean wholeRun) throws InterruptedException {
        long deadline = System.currentTimeMillis() + OUTBOX_WAIT_MS;
        while ((wholeRun && platform.gateBacklog() > 0)
                || platform.receipts().unpublished().stream()
                        .anyMatch(p -> runId.equals(p.tuple().platformRunId())
                                && partitions.test(
                                        platform.busPartitionOf(p.record().key())))) {
            if (System.currentTimeMillis() > deadline) {
                LOG.warn(
                        "the gate still holds unpublished records of run {} after 60 s; its end of stream is not announced",
                        runId);
                return;
            }
            Thread.sleep(100);
        }
        try {
            List<String> keys = platform.keyPerTrafficPartition(runId);
            if (!wholeRun && keys.size() != platform.config().partitions())
                return; // the lanes were cut for another count
            List<OutboundRecord> ends = new ArrayList<>();
            byte[] value = CanonicalJson.bytes(Json.MAPPER.createObjectNode().put("stream_end", runId));
            for (int p = 0; p < keys.size(); p++) {
                if (!partitions.test(p)) continue;
                ends.add(new OutboundRecord(
                        Topics.TRAFFIC,
                        keys.get(p),
                        value,
                        System.currentTimeMillis(),
                        Map.of(Topics.HEADER_STREAM_END, runId)));
            }
            platform.publisher().publish(ends);
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) {
            // Not fatal: quiet input is then taken as a guess, as for a producer that never announces an end.
            LOG.warn("could not announce the end of run {} on {}: {}", runId, Topics.TRAFFIC, e.getMessage());
        }
    }
}
