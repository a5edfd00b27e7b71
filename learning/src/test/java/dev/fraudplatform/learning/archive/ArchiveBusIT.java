package dev.fraudplatform.learning.archive;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fraudplatform.core.bus.BusAdmin;
import dev.fraudplatform.core.bus.BusConsumers;
import dev.fraudplatform.core.bus.Topics;
import dev.fraudplatform.core.ingress.BusCoordinates;
import dev.fraudplatform.core.store.ObjectStore;
import dev.fraudplatform.substrate.kafka.KafkaBusAdmin;
import dev.fraudplatform.substrate.kafka.KafkaBusConsumers;
import dev.fraudplatform.substrate.kafka.KafkaTopics;
import dev.fraudplatform.substrate.objectstore.FilesystemObjectStore;
import dev.fraudplatform.testkit.servers.EmbeddedServers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The archive role on the real embedded broker and a filesystem object store: a run's traffic, decisions, actions and
 * label assertions archived, flushed at the run's end, sealed, and read back in bus order byte for byte.
 */
class ArchiveBusIT {
    @TempDir
    Path dir;

    @Test
    void aRunIsArchivedFlushedAtItsEndSealedAndReadBackExactly() throws Exception {
        ArchiveBus.ensureTopics();
        String run = "run-archive-bus-" + UUID.randomUUID().toString().substring(0, 8);
        ArchiveBus.Published published = ArchiveBus.publishRun(run, 120);
        ObjectStore store = new FilesystemObjectStore(Files.createDirectories(dir.resolve("store")));
        // a roll of 1,000 records or 5 minutes: the run's end, not the roll, must put the last records into segments
        Archive archive = new Archive(
                store,
                new dev.fraudplatform.core.bus.SegmentRoll.Policy(1_000, 1L << 30, Duration.ofMinutes(5)),
                System::currentTimeMillis,
                k -> {});
        try (BusConsumers.Role role = new KafkaBusConsumers(EmbeddedServers.kafka())
                        .transactional(
                                Archive.NAME,
                                "it-archive-" + UUID.randomUUID(),
                                Archive.TOPICS,
                                archive.transactionTimeout(),
                                archive);
                BusAdmin admin = new KafkaBusAdmin(KafkaTopics.admin(EmbeddedServers.kafka(), "it-archive-admin"))) {
            assertThat(role.awaitAssignment(Duration.ofSeconds(60))).isTrue();
            Map<String, Map<Integer, Long>> ends = new LinkedHashMap<>();
            for (String topic : Archive.TOPICS) ends.put(topic, admin.endOffsets(topic));

            archive.flushThrough(ends).get(60, TimeUnit.SECONDS);

            assertThat(role.failure()).isNull();
        }

        // Then every record of the run is archived once per topic; the stream-end markers are not
        assertThat(ArchiveReader.rowsByTopic(store, run))
                .isEqualTo(Map.of(
                        Topics.TRAFFIC, 264L,
                        Topics.DECISIONS, 120L,
                        Topics.ACTIONS, 120L,
                        Topics.LABELS, 24L));
        // partitioned by event class and day (the run spans midnight UTC)
        List<String> folders = ArchiveReader.segmentKeys(store, run).stream()
                .map(k -> k.substring(0, k.lastIndexOf('/')))
                .distinct()
                .toList();
        assertThat(folders)
                .contains(
                        "archive/" + run + "/txn.card_auth/day=2026-03-01",
                        "archive/" + run + "/txn.card_auth/day=2026-03-02",
                        "archive/" + run + "/ctx.login/day=2026-03-01",
                        "archive/" + run + "/label.chargeback/day=2026-03-02",
                        "archive/" + run + "/decision/day=2026-03-01",
                        "archive/" + run + "/action/day=2026-03-02",
                        "archive/" + run + "/label_assertion/day=2026-03-01");
        // and read back in bus order, byte for byte
        for (String topic : Archive.TOPICS) {
            List<String> read = new ArrayList<>();
            ArchiveReader.forEachRecord(store, run, topic, r -> {
                read.add(r.topic() + "/" + r.partition() + "/" + r.offset());
                assertThat(r.value())
                        .isEqualTo(published.values().get(new BusCoordinates(r.topic(), r.partition(), r.offset())));
            });
            assertThat(read).as(topic).containsExactlyElementsOf(published.ordered(topic));
        }

        // When the run is sealed, its manifest re-hashes; a tampered segment does not
        ArchiveSeal.seal(store, run);
        assertThat(ArchiveSeal.verify(store, run)).isEmpty();
        String victim = ArchiveReader.segmentKeys(store, run).get(0);
        Path file = ((FilesystemObjectStore) store).pathOf(victim);
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length - 20] ^= 0x40;
        file.toFile().setWritable(true);
        Files.write(file, bytes);
        assertThat(ArchiveSeal.verify(store, run)).containsExactly(victim + ": SHA-256 differs from the manifest");
    }
}
