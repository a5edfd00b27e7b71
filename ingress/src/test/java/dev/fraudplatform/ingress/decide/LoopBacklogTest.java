package dev.fraudplatform.ingress.decide;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class LoopBacklogTest {
    @Test
    void theBacklogIsWhatTheLoopHasNotConsumedOnThePartitionsItHasCommittedOn() {
        assertThat(LoopBacklog.backlog(Map.of(0, 500L, 1, 300L), Map.of(0, 200L, 1, 300L)))
                .isEqualTo(300);
        // A partition the loop has not committed on yet counts nothing; one read ahead of a stale end counts 0.
        assertThat(LoopBacklog.backlog(Map.of(0, 500L, 1, 300L), Map.of(0, 450L)))
                .isEqualTo(50);
        assertThat(LoopBacklog.backlog(Map.of(0, 100L), Map.of(0, 120L))).isZero();
    }

    @Test
    void aLoopThatHasCommittedNothingHasAnUnknownBacklog() {
        // A gate with no loop behind it (run alone, or a loop still starting) is not shed on a guess.
        assertThat(LoopBacklog.backlog(Map.of(0, 5_000L), Map.of())).isEqualTo(-1);
    }
}
