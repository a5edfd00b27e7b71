package dev.fraudplatform.learning.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** When the archive rolls what it holds into segments: by records, bytes, age, or the end of a run read through. */
class ArchiveRollTest {
    private final AtomicLong clock = new AtomicLong(1_000_000);
    private final ArchiveRoll roll =
            new ArchiveRoll(new ArchiveRoll.Policy(3, 100, Duration.ofSeconds(10)), clock::get);

    @Test
    void nothingHeldNeverRolls() {
        clock.addAndGet(3_600_000);
        assertThat(roll.due()).isNull();
        assertThat(roll.due(true)).isNull();
    }

    @Test
    void rollsAtTheRecordLimit() {
        roll.hold(1);
        roll.hold(1);
        assertThat(roll.due()).isNull();
        roll.hold(1);
        assertThat(roll.due()).isEqualTo(ArchiveRoll.Reason.RECORDS);
    }

    @Test
    void rollsAtTheByteLimit() {
        roll.hold(60);
        assertThat(roll.due()).isNull();
        roll.hold(40);
        assertThat(roll.due()).isEqualTo(ArchiveRoll.Reason.BYTES);
    }

    @Test
    void theOldestRecordsAgeRollsAndRollingStartsAgain() {
        roll.hold(1);
        clock.addAndGet(9_999);
        roll.hold(1); // a later record does not restart the age
        assertThat(roll.due()).isNull();
        clock.addAndGet(1);
        assertThat(roll.due()).isEqualTo(ArchiveRoll.Reason.AGE);
        roll.rolled();
        assertThat(roll.records()).isZero();
        assertThat(roll.bytes()).isZero();
        roll.hold(1);
        assertThat(roll.due()).isNull();
    }

    @Test
    void theEndOfARunRollsWhatIsHeldAtOnce() {
        roll.hold(1);
        assertThat(roll.due(false)).isNull();
        assertThat(roll.due(true)).isEqualTo(ArchiveRoll.Reason.END_OF_RUN);
    }

    @Test
    void readThroughNeedsEveryOwnedPartitionOfEveryTopicAtItsTarget() {
        Map<String, Map<Integer, Long>> targets =
                Map.of("fp.traffic", Map.of(0, 10L, 1, 5L), "fp.decisions", Map.of(0, 7L));
        Map<String, Long> positions = new HashMap<>();
        positions.put("fp.traffic/0", 10L);
        positions.put("fp.traffic/1", 5L);
        positions.put("fp.decisions/0", 6L);
        assertThat(ArchiveRoll.readThrough(targets, (t, p) -> positions.get(t + "/" + p)))
                .isFalse();
        positions.put("fp.decisions/0", 7L);
        assertThat(ArchiveRoll.readThrough(targets, (t, p) -> positions.get(t + "/" + p)))
                .isTrue();
        // a partition another instance owns (null) is its business; an owned one whose position is unknown (-1) is not
        // read through
        positions.remove("fp.traffic/1");
        assertThat(ArchiveRoll.readThrough(targets, (t, p) -> positions.get(t + "/" + p)))
                .isTrue();
        positions.put("fp.traffic/0", -1L);
        assertThat(ArchiveRoll.readThrough(targets, (t, p) -> positions.get(t + "/" + p)))
                .isFalse();
    }

    @Test
    void aPolicyNeedsPositiveLimitsAndItsTransactionOutlastsItsAge() {
        assertThatThrownBy(() -> new ArchiveRoll.Policy(0, 1, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ArchiveRoll.Policy(1, 1, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(ArchiveRoll.Policy.DEFAULT.transactionTimeout()).isEqualTo(Duration.ofSeconds(90));
    }
}
