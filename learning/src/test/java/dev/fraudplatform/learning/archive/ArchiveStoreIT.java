package dev.fraudplatform.learning.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fraudplatform.core.bus.BatchHandler;
import dev.fraudplatform.core.bus.InboundRecord;
import dev.fraudplatform.core.bus.OutboundRecord;
import dev.fraudplatform.core.bus.Topics;
import dev.fraudplatform.core.store.ObjectStore;
import dev.fraudplatform.substrate.objectstore.FilesystemObjectStore;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The archive's handler on a real filesystem object store and the Parquet codec, with the consuming loop's session
 * played by a recorder: the layout, bus order and bytes read back, a crash between a roll's segments, the seal.
 */
class ArchiveStoreIT {
    private static final long DAY1 = Instant.parse("2026-03-01T10:00:00Z").toEpochMilli();
    private static final long DAY2 = Instant.parse("2026-03-02T10:00:00Z").toEpochMilli();

    @TempDir
    Path dir;

    private ObjectStore store;
    private final String run = "run-archive-it";
    private final AtomicInteger nextOffset = new AtomicInteger();

    @BeforeEach
    void store() throws Exception {
        store = new FilesystemObjectStore(Files.createDirectories(dir.resolve("store")));
    }

    /** The consuming loop as the handler sees it: records commits, aborts and what was sent. */
    static final class RecordingSession implements BatchHandler.Session {
        int commits;
        int aborts;
        boolean pending;
        final List<OutboundRecord> sent = new ArrayList<>();
        final Map<String, Long> positions = new HashMap<>();

        @Override
        public void commit() {
            commits++;
            pending = false;
        }

        @Override
        public void send(OutboundRecord record) {
            sent.add(record);
        }

        @Override
        public void abort() {
            aborts++;
            pending = false;
            sent.clear();
        }

        @Override
        public boolean pending() {
            return pending;
        }

        @Override
        public Long position(String topic, int partition) {
            return positions.get(topic + "/" + partition);
        }

        /** Hands {@code batch} to {@code handler} as the loop does: pending from then on until a commit or abort. */
        void deliver(BatchHandler handler, List<InboundRecord> batch) throws Exception {
            pending = true;
            handler.handle(batch, this);
            handler.onPoll(this);
        }
    }

    private InboundRecord traffic(int partition, String eventClass, long time) {
        int offset = nextOffset.getAndIncrement();
        String value = "{\"event_class\":\"" + eventClass + "\",\"event_id\":\"e-" + offset
                + "\",\"payload\":{\"note\":\"é ☃ \\u0000\"},\"platform_run_id\":\"" + run + "\"}";
        return new InboundRecord(
                Topics.TRAFFIC,
                partition,
                offset,
                time,
                "acct-" + partition,
                value.getBytes(StandardCharsets.UTF_8),
                Map.of(Topics.HEADER_ADMITTED_AT, Long.toString(time + 5))::get);
    }

    private InboundRecord other(String topic, int partition, long time, String idField) {
        int offset = nextOffset.getAndIncrement();
        String value = "{\"" + idField + "\":\"x-" + offset + "\",\"platform_run_id\":\"" + run + "\"}";
        return new InboundRecord(
                topic,
                partition,
                offset,
                time,
                null,
                value.getBytes(StandardCharsets.UTF_8),
                Map.<String, String>of()::get);
    }

    private List<InboundRecord> mixedBatch() {
        List<InboundRecord> batch = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            int partition = i % 2;
            String eventClass = i % 3 == 0 ? "txn.card_auth" : i % 3 == 1 ? "ctx.login" : "label.chargeback";
            batch.add(traffic(partition, eventClass, i < 15 ? DAY1 : DAY2));
        }
        for (int i = 0; i < 6; i++) {
            batch.add(other(Topics.DECISIONS, i % 2, DAY1, "event_id"));
            batch.add(other(Topics.ACTIONS, 0, DAY2, "event_id"));
            batch.add(other(Topics.LABELS, 1, DAY2, "assertion_id"));
        }
        return batch;
    }

    private static Archive archive(ObjectStore store, int maxRecords, java.util.function.Consumer<String> written) {
        return new Archive(
                store,
                new dev.fraudplatform.core.bus.SegmentRoll.Policy(maxRecords, 1L << 30, Duration.ofHours(1)),
                System::currentTimeMillis,
                written);
    }

    private static List<String> coordinates(List<ArchivedRecord> records) {
        return records.stream()
                .map(r -> r.topic() + "/" + r.partition() + "/" + r.offset())
                .toList();
    }

    private static List<String> coordinatesOf(List<InboundRecord> records, String topic) {
        return records.stream()
                .filter(r -> r.topic().equals(topic))
                .sorted(java.util.Comparator.comparingInt(InboundRecord::partition)
                        .thenComparingLong(InboundRecord::offset))
                .map(r -> r.topic() + "/" + r.partition() + "/" + r.offset())
                .toList();
    }

    @Test
    void aRollWritesOneSegmentPerRunClassDayTopicAndPartitionAndReadsBackInBusOrderByteForByte() throws Exception {
        List<InboundRecord> batch = mixedBatch();
        RecordingSession session = new RecordingSession();
        Archive archive = archive(store, batch.size(), k -> {});

        session.deliver(archive, batch);

        assertThat(session.commits).isEqualTo(1);
        List<String> keys = ArchiveReader.segmentKeys(store, run);
        assertThat(keys)
                .contains("archive/" + run + "/txn.card_auth/day=2026-03-01/fp.traffic-p000-o00000000000000000000"
                        + "-l00000000000000000012-n000003.parquet")
                .allMatch(
                        k -> k.matches(
                                "archive/" + run + "/(txn.card_auth|ctx.login|label.chargeback|decision"
                                        + "|action|label_assertion)/day=2026-03-0[12]/fp\\.[a-z]+-p00[01]-o\\d{20}-l\\d{20}-n\\d{6}\\.parquet"));
        // 3 traffic classes x 2 days x 2 partitions, decisions on 2 partitions, actions and labels on one each
        assertThat(keys).hasSize(12 + 2 + 1 + 1);
        assertThat(ArchiveReader.rowsByTopic(store, run))
                .isEqualTo(Map.of(Topics.TRAFFIC, 30L, Topics.DECISIONS, 6L, Topics.ACTIONS, 6L, Topics.LABELS, 6L));

        List<ArchivedRecord> traffic = new ArrayList<>();
        ArchiveReader.forEachRecord(store, run, Topics.TRAFFIC, traffic::add);
        assertThat(coordinates(traffic)).containsExactlyElementsOf(coordinatesOf(batch, Topics.TRAFFIC));
        Map<Long, InboundRecord> byOffset = new HashMap<>();
        for (InboundRecord r : batch) byOffset.put(r.offset(), r);
        for (ArchivedRecord a : traffic) {
            InboundRecord r = byOffset.get(a.offset());
            assertThat(a.value()).isEqualTo(r.value());
            assertThat(a.key()).isEqualTo(r.key());
            assertThat(a.timestampMillis()).isEqualTo(r.timestampMillis());
            assertThat(a.headers()).containsEntry(Topics.HEADER_ADMITTED_AT, Long.toString(r.timestampMillis() + 5));
        }
        List<ArchivedRecord> labels = new ArrayList<>();
        ArchiveReader.forEachRecord(store, run, List.of(Topics.LABELS, Topics.ACTIONS), labels::add);
        assertThat(coordinates(labels))
                .containsExactlyElementsOf(java.util.stream.Stream.concat(
                                coordinatesOf(batch, Topics.LABELS).stream(),
                                coordinatesOf(batch, Topics.ACTIONS).stream())
                        .toList());
        assertThat(labels.get(0).eventClass()).isEqualTo("label_assertion");
        assertThat(labels.get(0).eventId()).startsWith("x-");
        assertThat(labels.get(0).key()).isNull();
        assertThat(labels.get(0).headers()).isEmpty();
    }

    @Test
    void aCrashBetweenARollsSegmentsThenRedeliveryWritesEveryRecordExactlyOnce() throws Exception {
        List<InboundRecord> batch = mixedBatch();
        // Given an archive that dies right after writing the third segment of a roll, before the offsets commit
        int[] writes = {0};
        Archive dying = archive(store, batch.size(), key -> {
            if (++writes[0] == 3) throw new IllegalStateException("killed after " + key);
        });
        RecordingSession first = new RecordingSession();
        assertThatThrownBy(() -> first.deliver(dying, batch)).hasMessageContaining("killed after");
        assertThat(first.commits).isZero();
        assertThat(first.aborts).isEqualTo(1);
        assertThat(ArchiveReader.segmentKeys(store, run)).hasSize(3);

        // When a new instance is handed the batch again, with different boundaries (a restart reads from the last
        // committed offset, however the loop batches)
        Archive next = archive(store, batch.size(), k -> {});
        RecordingSession second = new RecordingSession();
        second.deliver(next, batch.subList(0, 11));
        second.deliver(next, batch.subList(11, batch.size()));

        // Then every record is archived exactly once
        assertThat(second.commits).isEqualTo(1);
        assertThat(ArchiveReader.rowsByTopic(store, run).values().stream()
                        .mapToLong(Long::longValue)
                        .sum())
                .isEqualTo(batch.size());
        for (String topic : Archive.TOPICS) {
            List<ArchivedRecord> read = new ArrayList<>();
            ArchiveReader.forEachRecord(store, run, topic, read::add);
            assertThat(coordinates(read)).as(topic).containsExactlyElementsOf(coordinatesOf(batch, topic));
        }
    }

    @Test
    void aRecordWithoutARunIsDeadLetteredAndAStreamEndMarkerIsNotArchived() throws Exception {
        RecordingSession session = new RecordingSession();
        Archive archive = archive(store, 3, k -> {});
        InboundRecord noRun = new InboundRecord(
                Topics.DECISIONS,
                0,
                900,
                DAY1,
                "k",
                "{\"event_id\":\"e\"}".getBytes(StandardCharsets.UTF_8),
                h -> null);
        InboundRecord notJson = new InboundRecord(
                Topics.ACTIONS, 0, 901, DAY1, "k", "garbage".getBytes(StandardCharsets.UTF_8), h -> null);
        InboundRecord badRun = new InboundRecord(
                Topics.LABELS,
                0,
                902,
                DAY1,
                "k",
                "{\"assertion_id\":\"a\",\"platform_run_id\":\"../x\"}".getBytes(StandardCharsets.UTF_8),
                h -> null);
        InboundRecord streamEnd = new InboundRecord(
                Topics.TRAFFIC,
                0,
                903,
                DAY1,
                "k",
                ("{\"stream_end\":\"" + run + "\"}").getBytes(StandardCharsets.UTF_8),
                Map.of(Topics.HEADER_STREAM_END, run)::get);
        session.positions.put(Topics.TRAFFIC + "/0", 904L);
        archive.flushThrough(Map.of(Topics.TRAFFIC, Map.of(0, 904L)));

        session.deliver(archive, List.of(noRun, notJson, badRun, streamEnd, traffic(0, "txn.card_auth", DAY1)));

        assertThat(session.sent).hasSize(3).allMatch(r -> r.topic().equals(Topics.DEAD_LETTERS));
        assertThat(session.commits).isEqualTo(1); // the end of the run read through: rolled without waiting
        assertThat(ArchiveReader.rowsByTopic(store, run)).isEqualTo(Map.of(Topics.TRAFFIC, 1L));
        assertThat(store.list("archive/")).allMatch(k -> k.startsWith("archive/" + run + "/"));
    }

    @Test
    void aSealedRunListsEverySegmentWithItsOffsetsAndATamperedSegmentFailsVerification() throws Exception {
        List<InboundRecord> batch = mixedBatch();
        RecordingSession session = new RecordingSession();
        session.deliver(archive(store, batch.size(), k -> {}), batch);

        String fingerprint = ArchiveSeal.seal(store, run);

        assertThat(fingerprint).hasSize(64);
        assertThat(ArchiveSeal.verify(store, run)).isEmpty();
        var manifest = dev.fraudplatform.core.store.Manifest.read(store, "archive/" + run);
        assertThat(manifest.entries()).hasSize(16);
        assertThat(manifest.attributes()
                        .path("rows_by_topic")
                        .path(Topics.TRAFFIC)
                        .asLong())
                .isEqualTo(30);
        var first = manifest.attributes().path("segments").get(0);
        ArchiveSegment.Name name =
                ArchiveSegment.parse("archive/" + run + "/" + first.path("key").asText());
        assertThat(first.path("first_offset").asLong()).isEqualTo(name.firstOffset());
        assertThat(first.path("last_offset").asLong()).isEqualTo(name.lastOffset());
        assertThat(first.path("rows").asLong()).isEqualTo(name.rows());
        assertThat(first.path("topic").asText()).isEqualTo(name.topic());

        // When one segment's bytes change on disk
        String victim = ArchiveReader.segmentKeys(store, run).get(5);
        Path file = ((FilesystemObjectStore) store).pathOf(victim);
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length / 2] ^= 0x01;
        file.toFile().setWritable(true);
        Files.write(file, bytes);

        assertThat(ArchiveSeal.verify(store, run)).containsExactly(victim + ": SHA-256 differs from the manifest");
    }

    @Test
    void aSegmentKeepsBytesThatAreNotUtf8AndNullKeysExactly() throws Exception {
        byte[] notUtf8 = {(byte) 0xC3, (byte) 0x28, 0, (byte) 0xFF};
        byte[] utf8 = "{\"a\":\"é ☃\"}".getBytes(StandardCharsets.UTF_8);
        List<ArchiveSegment.Row> rows = List.of(
                new ArchiveSegment.Row("t", 0, 2, null, "c", "e2", 5, null, utf8),
                new ArchiveSegment.Row("t", 0, 1, "k", "c", "e1", 4, 9L, notUtf8));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ArchiveSegment.write(rows, out);

        List<ArchiveSegment.Row> read = new ArrayList<>();
        ArchiveSegment.read(new ByteArrayInputStream(out.toByteArray()), read::add);

        assertThat(read).hasSize(2);
        assertThat(read.get(0).offset()).isEqualTo(1);
        assertThat(read.get(0).value()).isEqualTo(notUtf8);
        assertThat(read.get(0).admittedAtMillis()).isEqualTo(9L);
        assertThat(read.get(1).value()).isEqualTo(utf8);
        assertThat(read.get(1).key()).isNull();
        assertThat(read.get(1).admittedAtMillis()).isNull();
    }
}
