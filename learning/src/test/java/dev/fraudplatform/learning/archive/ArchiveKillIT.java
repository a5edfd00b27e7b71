package dev.fraudplatform.learning.archive;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fraudplatform.core.bus.Topics;
import dev.fraudplatform.core.ingress.BusCoordinates;
import dev.fraudplatform.core.store.ObjectStore;
import dev.fraudplatform.substrate.objectstore.FilesystemObjectStore;
import dev.fraudplatform.testkit.servers.EmbeddedServers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The archive killed with SIGKILL mid-segment, then halted between a roll's segments before its offsets commit, then
 * restarted: every record of the run is archived exactly once, none lost, none written twice. Each archive runs in a
 * process of its own ({@link ArchiveProcess}) on the embedded broker of this JVM, sharing one filesystem object store.
 */
class ArchiveKillIT {
    @TempDir
    Path dir;

    @Test
    void killedMidSegmentAndBetweenSegmentsItResumesWithNoRecordLostOrWrittenTwice() throws Exception {
        ArchiveBus.ensureTopics();
        String run = "run-archive-kill-" + UUID.randomUUID().toString().substring(0, 8);
        ArchiveBus.Published before = ArchiveBus.publishRun(run, 300); // 1,320 records of the run
        Path storeDir = Files.createDirectories(dir.resolve("store"));
        ObjectStore store = new FilesystemObjectStore(storeDir);
        String group = "it-archive-kill-" + UUID.randomUUID();

        // Given an archive that rolls every 200 records (or 5 minutes), which has written the run so far
        Process first = start(storeDir, group, 200, 300_000, 0, "first");
        awaitUntil(() -> archived(store, run) >= 1_200, first);
        awaitQuiet(store, run);
        long written = archived(store, run);
        // and then reads 44 more records of the run, fewer than a roll: held in memory, not yet in a segment
        ArchiveBus.Published more = ArchiveBus.publishRun(run, 10);
        ArchiveBus.Published published = before.and(more);
        long total = published.total();
        Thread.sleep(2_000);
        assertThat(archived(store, run)).as("held, not written").isEqualTo(written);

        // When it is killed with SIGKILL
        first.destroyForcibly(); // SIGKILL on this platform
        assertThat(first.waitFor()).isEqualTo(137);
        long afterKill = archived(store, run);
        assertThat(afterKill).as("killed mid-segment").isEqualTo(written).isLessThan(total);

        // When the next one halts right after the 2nd segment it writes, before that roll's offsets commit (the
        // worst moment: some of the roll's segments written, some not, none committed)
        Process second = start(storeDir, group, 20, 300_000, 2, "second");
        assertThat(second.waitFor()).isEqualTo(137);
        assertThat(Files.readString(dir.resolve("second.log"))).contains("halting after");
        assertThat(archived(store, run))
                .as("some of the roll written")
                .isGreaterThan(afterKill)
                .isLessThan(total);

        // and a third runs to the end (a 1 s age rolls what it holds)
        Process third = start(storeDir, group, 10_000, 1_000, 0, "third");
        try {
            awaitUntil(() -> archived(store, run) >= total, third);
            awaitQuiet(store, run);
        } finally {
            third.destroyForcibly();
            third.waitFor();
        }

        // Then every record of the run is in the archive exactly once, in bus order, byte for byte
        assertThat(archived(store, run)).isEqualTo(total);
        for (String topic : Archive.TOPICS) {
            List<String> read = new ArrayList<>();
            ArchiveReader.forEachRecord(store, run, topic, r -> {
                read.add(r.topic() + "/" + r.partition() + "/" + r.offset());
                assertThat(r.value())
                        .isEqualTo(published.values().get(new BusCoordinates(r.topic(), r.partition(), r.offset())));
            });
            assertThat(read).as(topic).containsExactlyElementsOf(published.ordered(topic));
        }
        assertThat(ArchiveReader.rowsByTopic(store, run))
                .isEqualTo(Map.of(
                        Topics.TRAFFIC, 682L,
                        Topics.DECISIONS, 310L,
                        Topics.ACTIONS, 310L,
                        Topics.LABELS, 62L));
        ArchiveSeal.seal(store, run);
        assertThat(ArchiveSeal.verify(store, run)).isEmpty();
    }

    private static long archived(ObjectStore store, String run) {
        return ArchiveReader.rowsByTopic(store, run).values().stream()
                .mapToLong(Long::longValue)
                .sum();
    }

    private Process start(Path storeDir, String group, int maxRecords, long maxAgeMillis, int haltAfter, String name)
            throws Exception {
        Path log = dir.resolve(name + ".log");
        Process p = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-Xmx256m",
                        "-XX:+UseSerialGC",
                        "-cp",
                        System.getProperty("java.class.path"),
                        ArchiveProcess.class.getName(),
                        EmbeddedServers.kafkaBootstrap(),
                        storeDir.toString(),
                        group,
                        Integer.toString(maxRecords),
                        Long.toString(maxAgeMillis),
                        Integer.toString(haltAfter))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        return p;
    }

    private static void awaitUntil(BooleanSupplier condition, Process process) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (!condition.getAsBoolean()) {
            if (!process.isAlive()) throw new AssertionError("the archive process ended: " + process.exitValue());
            if (System.nanoTime() > deadline) throw new AssertionError("timed out");
            Thread.sleep(100);
        }
    }

    /** Waits until the archive has written nothing for a second (it has read all and holds the rest). */
    private static void awaitQuiet(ObjectStore store, String run) throws InterruptedException {
        long last = -1;
        while (true) {
            long now = archived(store, run);
            if (now == last) return;
            last = now;
            Thread.sleep(1_000);
        }
    }
}
