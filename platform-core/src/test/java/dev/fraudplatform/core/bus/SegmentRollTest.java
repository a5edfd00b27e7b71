package dev.fraudplatform.core.bus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** When the audit's held records become a segment: by count, by bytes, by the oldest one's age, and at a run's end. */
class SegmentRollTest {
    private final AtomicLong now = new AtomicLong(1_000_000);

    private SegmentRoll roll(int records, long bytes, Duration age) {
        return new SegmentRoll(new SegmentRoll.Policy(records, bytes, age), now::get);
    }

    @Test
    void aSegmentRollsWhenItHoldsMaxRecordsAndNotBefore() {
        SegmentRoll roll = roll(10_000, Long.MAX_VALUE, Duration.ofSeconds(30));
        for (int i = 0; i < 9_999; i++) roll.hold(300);
        assertThat(roll.due()).isNull();

        roll.hold(300);

        assertThat(roll.due()).isEqualTo(SegmentRoll.Reason.RECORDS);
        roll.rolled();
        assertThat(roll.records()).isZero();
        assertThat(roll.due()).isNull();
    }

    @Test
    void aSegmentRollsWhenItsLinesReachMaxBytes() {
        SegmentRoll roll = roll(10_000, 1_000, Duration.ofSeconds(30));
        roll.hold(600);
        assertThat(roll.due()).isNull();

        roll.hold(400);

        assertThat(roll.bytes()).isEqualTo(1_000);
        assertThat(roll.due()).isEqualTo(SegmentRoll.Reason.BYTES);
    }

    @Test
    void aSegmentRollsWhenItsOldestRecordReachesMaxAgeCountedFromTheFirstHeld() {
        SegmentRoll roll = roll(10_000, Long.MAX_VALUE, Duration.ofSeconds(30));
        // Given a record held at t, and more held 20 s later
        roll.hold(300);
        now.addAndGet(20_000);
        roll.hold(300);

        // Then at t + 29.999 s they may still wait, at t + 30 s they roll: the age is the oldest's
        now.addAndGet(9_999);
        assertThat(roll.due()).isNull();
        now.addAndGet(1);
        assertThat(roll.due()).isEqualTo(SegmentRoll.Reason.AGE);

        // And after the roll the age starts again with the next record held
        roll.rolled();
        now.addAndGet(5_000);
        roll.hold(300);
        now.addAndGet(29_000);
        assertThat(roll.due()).isNull();
    }

    @Test
    void nothingHeldNeverRollsHoweverLongItWaits() {
        SegmentRoll roll = roll(1, 1, Duration.ofSeconds(30));
        now.addAndGet(3_600_000);

        assertThat(roll.due()).isNull();
        assertThat(roll.due(true))
                .as("the end of a run with nothing held writes no empty segment")
                .isNull();
    }

    @Test
    void theEndOfARunRollsWhatIsHeldAtOnceOnlyOnceItIsReadThrough() {
        // Given one record held of a run whose decisions end at offset 10 on partition 0 and 5 on partition 1
        SegmentRoll roll = roll(10_000, Long.MAX_VALUE, Duration.ofSeconds(30));
        roll.hold(300);
        Map<Integer, Long> end = Map.of(0, 10L, 1, 5L);

        // When the audit has read partition 0 through but not partition 1, the end is not read through
        Map<Integer, Long> positions = new java.util.HashMap<>(Map.of(0, 10L, 1, 4L));
        assertThat(SegmentRoll.readThrough(Map.of("fp.decisions", end), (t, p) -> positions.get(p)))
                .isFalse();
        assertThat(roll.due(false)).isNull();

        // Then once both are read (a partition another instance owns does not count), it rolls now, long before 30 s
        positions.put(1, 5L);
        assertThat(SegmentRoll.readThrough(Map.of("fp.decisions", end), (t, p) -> positions.get(p)))
                .isTrue();
        assertThat(SegmentRoll.readThrough(Map.of("fp.decisions", Map.of(0, 10L, 7, 99L)), (t, p) -> positions.get(p)))
                .isTrue();
        assertThat(roll.due(true)).isEqualTo(SegmentRoll.Reason.END_OF_RUN);
    }

    @Test
    void readThroughNeedsEveryOwnedPartitionOfEveryTopicAtItsTarget() {
        Map<String, Map<Integer, Long>> targets =
                Map.of("fp.traffic", Map.of(0, 10L, 1, 5L), "fp.decisions", Map.of(0, 7L));
        Map<String, Long> positions = new java.util.HashMap<>();
        positions.put("fp.traffic/0", 10L);
        positions.put("fp.traffic/1", 5L);
        positions.put("fp.decisions/0", 6L);
        assertThat(SegmentRoll.readThrough(targets, (t, p) -> positions.get(t + "/" + p)))
                .isFalse();
        positions.put("fp.decisions/0", 7L);
        assertThat(SegmentRoll.readThrough(targets, (t, p) -> positions.get(t + "/" + p)))
                .isTrue();
        // a partition another instance owns (null) is its business; an owned one whose position is unknown (-1) is not
        // read through
        positions.remove("fp.traffic/1");
        assertThat(SegmentRoll.readThrough(targets, (t, p) -> positions.get(t + "/" + p)))
                .isTrue();
        positions.put("fp.traffic/0", -1L);
        assertThat(SegmentRoll.readThrough(targets, (t, p) -> positions.get(t + "/" + p)))
                .isFalse();
    }

    @Test
    void aPolicyNeedsPositiveLimitsAndItsTransactionOutlastsItsAgeByAMinute() {
        SegmentRoll.Policy p = new SegmentRoll.Policy(10_000, 32L << 20, Duration.ofSeconds(30));
        assertThat(p.transactionTimeout()).isEqualTo(Duration.ofSeconds(90));
        assertThatThrownBy(() -> new SegmentRoll.Policy(0, 1, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SegmentRoll.Policy(1, 1, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
