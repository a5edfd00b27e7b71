package dev.fraudplatform.learning.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fraudplatform.core.store.ObjectStore;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Where segments live and what their names say: run, event class, UTC day, topic, partition, offsets, rows. */
class ArchiveSegmentTest {

    @Test
    void aFolderIsTheRunTheEventClassAndTheUtcDayOfTheEventTime() {
        long lastMilliOfTheDay = Instant.parse("2026-03-01T23:59:59.999Z").toEpochMilli();
        assertThat(ArchiveSegment.folder("run-1", "txn.card_auth", lastMilliOfTheDay))
                .isEqualTo("archive/run-1/txn.card_auth/day=2026-03-01/");
        assertThat(ArchiveSegment.folder("run-1", "txn.card_auth", lastMilliOfTheDay + 1))
                .isEqualTo("archive/run-1/txn.card_auth/day=2026-03-02/");
    }

    @Test
    void theDayIsWhatTheDayPatternGivesForAnyInstantBeforeOrAfterTheEpoch() {
        java.time.format.DateTimeFormatter pattern =
                java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd", java.util.Locale.ROOT);
        java.util.Random random = new java.util.Random(18);
        List<Long> instants = new ArrayList<>(List.of(
                -1L,
                0L,
                86_399_999L,
                86_400_000L,
                -86_400_000L,
                -86_400_001L,
                253_402_300_800_000L,
                -62_167_219_200_001L));
        for (int i = 0; i < 10_000; i++) instants.add(random.nextLong() % 400_000_000_000_000L);
        for (long t : instants)
            assertThat(ArchiveSegment.day(t))
                    .as("instant %d", t)
                    .isEqualTo(pattern.format(Instant.ofEpochMilli(t).atOffset(java.time.ZoneOffset.UTC)));
    }

    @Test
    void thePartitionIsZeroPaddedToThreeDigitsInThePrefix() {
        assertThat(ArchiveSegment.partitionPrefix("f/", "fp.traffic", 0)).isEqualTo("f/fp.traffic-p000-");
        assertThat(ArchiveSegment.partitionPrefix("f/", "fp.traffic", 42)).isEqualTo("f/fp.traffic-p042-");
        assertThat(ArchiveSegment.partitionPrefix("f/", "fp.traffic", 999)).isEqualTo("f/fp.traffic-p999-");
        assertThat(ArchiveSegment.partitionPrefix("f/", "fp.traffic", 1234)).isEqualTo("f/fp.traffic-p1234-");
    }

    @Test
    void aKeyCarriesTopicPartitionOffsetsAndRowsAndParsesBack() {
        String prefix =
                ArchiveSegment.partitionPrefix(ArchiveSegment.folder("run-1", "decision", 0), "fp.decisions", 7);
        String key = ArchiveSegment.key(prefix, 120, 4_567, 33);
        assertThat(key)
                .isEqualTo("archive/run-1/decision/day=1970-01-01/fp.decisions-p007-o00000000000000000120"
                        + "-l00000000000000004567-n000033.parquet");
        ObjectStore.checkKey(key); // a key the object store takes

        ArchiveSegment.Name n = ArchiveSegment.parse(key);

        assertThat(n)
                .isEqualTo(new ArchiveSegment.Name(
                        key, "run-1", "decision", "1970-01-01", "fp.decisions", 7, 120, 4_567, 33));
        assertThat(ArchiveSegment.parse("archive/run-1/manifest.json")).isNull();
        assertThat(ArchiveSegment.parse("audit/run-1/decisions/p007-o1-l2-n2.parquet"))
                .isNull();
    }

    @Test
    void keysOfOnePartitionSortByOffset() {
        String prefix = ArchiveSegment.partitionPrefix("archive/r/action/day=2026-01-01/", "fp.actions", 0);
        List<String> keys = new ArrayList<>(List.of(
                ArchiveSegment.key(prefix, 1_000, 1_999, 1_000),
                ArchiveSegment.key(prefix, 2, 999, 998),
                ArchiveSegment.key(prefix, 10_000, 10_000, 1)));
        keys.sort(null);
        assertThat(keys.stream().map(k -> ArchiveSegment.parse(k).firstOffset()))
                .containsExactly(2L, 1_000L, 10_000L);
    }

    @Test
    void theFieldsComeFromTheTopLevelOfTheRecord() {
        Archive.Fields traffic = Archive.Fields.of(
                bytes("{\"event_class\":\"ctx.login\",\"event_id\":\"e-1\",\"payload\":{\"event_id\":\"inner\"},"
                        + "\"platform_run_id\":\"run-9\"}"));
        assertThat(traffic).isEqualTo(new Archive.Fields("run-9", "ctx.login", "e-1"));

        Archive.Fields assertion = Archive.Fields.of(
                bytes("{\"assertion_id\":\"a-3\",\"platform_run_id\":\"run-9\",\"value\":\"FRAUD\"}"));
        assertThat(assertion).isEqualTo(new Archive.Fields("run-9", null, "a-3"));

        assertThatThrownBy(() -> Archive.Fields.of(bytes("[1,2]"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Archive.Fields.of(bytes("{\"a\":"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Archive.Fields.of(null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theTopicsThatCarryOneKindOfRecordNameItsClass() {
        assertThat(Archive.TOPICS).containsExactly("fp.traffic", "fp.decisions", "fp.actions", "fp.labels");
        assertThat(Archive.CLASS_OF_TOPIC)
                .containsEntry("fp.decisions", "decision")
                .containsEntry("fp.actions", "action")
                .containsEntry("fp.labels", "label_assertion")
                .doesNotContainKey("fp.traffic");
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
