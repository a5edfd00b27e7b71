package dev.fraudplatform.app;

import dev.fraudplatform.learning.archive.Archive;
import dev.fraudplatform.learning.archive.ArchiveReader;
import dev.fraudplatform.learning.archive.ArchiveSeal;
import dev.fraudplatform.ops.ConformanceReport;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A run's archive at its end: the archive is flushed through the archived topics' end offsets, the run's archive is
 * sealed ({@link ArchiveSeal}), and its rows are reconciled per topic against the run's records on the bus between the
 * offsets at the run's start and those the archive was flushed through.
 *
 * <p>Settling: the Action Layer and the Label Store publish their records just after the effects and assertions the
 * drain counts, so the end offsets are read again after each flush, and the archive flushed again while they move (a
 * few rounds at most). A record published after the seal is outside both counts.
 */
final class RunArchive {
    private static final Logger LOG = LoggerFactory.getLogger(RunArchive.class);
    private static final int SETTLE_ROUNDS = 5;
    private static final long FLUSH_TIMEOUT_SECONDS = 120;

    private RunArchive() {}

    /** The end offsets of every archived topic now, by topic then partition: a run's start, or its flush target. */
    static Map<String, Map<Integer, Long>> endOffsets(Platform platform) throws Exception {
        Map<String, Map<Integer, Long>> out = new LinkedHashMap<>();
        for (String topic : Archive.TOPICS)
            out.put(topic, new TreeMap<>(platform.busAdmin().endOffsets(topic)));
        return out;
    }

    /**
     * Flushes, seals and reconciles the archive of {@code runId}, whose records lie at or past {@code start} on the
     * bus.
     *
     * @return the reconciliation; null when the archive does not run in this process (the report says "not wired")
     */
    static ConformanceReport.ArchiveRows sealAndReconcile(
            Platform platform, String runId, Map<String, Map<Integer, Long>> start) throws Exception {
        long t0 = System.currentTimeMillis();
        Map<String, Map<Integer, Long>> through = endOffsets(platform);
        for (int round = 1; ; round++) {
            CompletableFuture<Void> flushed = platform.flushArchive(runId, through);
            if (flushed == null) return null;
            try {
                flushed.get(FLUSH_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
                LOG.warn(
                        "run {}: the archive did not write what it holds before the seal ({}); the report counts what"
                                + " is sealed",
                        runId,
                        e.toString());
                break;
            }
            Thread.sleep(200);
            Map<String, Map<Integer, Long>> now = endOffsets(platform);
            if (now.equals(through) || round == SETTLE_ROUNDS) break;
            through = now;
        }
        ArchiveSeal.seal(platform.store(), runId);
        long sealed = System.currentTimeMillis();
        ConformanceReport.ArchiveRows rows = new ConformanceReport.ArchiveRows(
                ArchiveReader.rowsByTopic(platform.store(), runId),
                recordsOnBus(platform, runId, start, through),
                ArchiveSeal.verify(platform.store(), runId));
        LOG.info(
                "run {}: archive sealed, {} rows by topic {} in {} segments; flushed and sealed in {} ms, reconciled"
                        + " with the bus in {} ms",
                runId,
                rows.total(),
                rows.archived(),
                ArchiveReader.segmentKeys(platform.store(), runId).size(),
                sealed - t0,
                System.currentTimeMillis() - sealed);
        return rows;
    }

    /**
     * The run's records per archived topic, committed, from {@code start} up to {@code end}: those whose value names the
     * run ({@code "platform_run_id":"<run>"} in its canonical JSON). End-of-stream markers name the run otherwise.
     */
    private static Map<String, Long> recordsOnBus(
            Platform platform, String runId, Map<String, Map<Integer, Long>> start, Map<String, Map<Integer, Long>> end)
            throws Exception {
        RunMarker marker = new RunMarker(runId);
        Map<String, Long> out = new TreeMap<>();
        for (String topic : Archive.TOPICS) {
            AtomicLong n = new AtomicLong();
            platform.topicReader()
                    .readCommitted(topic, start.getOrDefault(topic, Map.of()), end.get(topic), 300_000, value -> {
                        if (marker.names(value)) n.incrementAndGet();
                    });
            out.put(topic, n.get());
        }
        return out;
    }
}
