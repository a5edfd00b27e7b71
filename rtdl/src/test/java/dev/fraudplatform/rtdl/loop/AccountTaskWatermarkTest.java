package dev.fraudplatform.rtdl.loop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fraudplatform.core.bus.Topics;
import dev.fraudplatform.decision.bundle.DecisionBundle;
import dev.fraudplatform.decision.features.EntityEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.TestOutputTopic;
import org.junit.jupiter.api.Test;

/**
 * Scaled mode's account task tells the projections how far its partition has come: its event time while input flows,
 * {@link EntityEvent#IDLE} after a quiet spell (taken back when input comes again), and {@link EntityEvent#ENDED} for
 * good once the run's end-of-stream record is read.
 */
class AccountTaskWatermarkTest {
    private static final Instant T = Instant.parse("2026-03-02T10:00:00Z");

    private static List<Long> watermarks(TestOutputTopic<String, byte[]> out) {
        return out.readValuesToList().stream()
                .map(EntityEvent::decode)
                .filter(e -> e.type() == EntityEvent.Type.WATERMARK && e.runId().equals(LoopDriver.RUN))
                .map(EntityEvent::timeMs)
                .toList();
    }

    @Test
    void watermarksFollowInputThenIdlenessThenTheRunsEnd() {
        try (LoopDriver loop = new LoopDriver(
                DecisionBundle.builtIn("rules-v1"),
                DecisionTopology.Settings.defaults().withPartitions(2))) {
            TestOutputTopic<String, byte[]> out = loop.driver.createOutputTopic(
                    Topics.ENTITY_EVENTS, new StringDeserializer(), new ByteArrayDeserializer());
            loop.send(loop.txn("t1", "acct-1", T, 1_000));
            loop.advanceWallClock(Duration.ofMillis(150));
            assertThat(watermarks(out)).containsExactly(T.toEpochMilli());

            loop.advanceWallClock(Duration.ofMillis(AccountTask.IDLE_MS));
            assertThat(watermarks(out)).as("quiet input: a guess").containsExactly(EntityEvent.IDLE);

            loop.send(loop.txn("t2", "acct-1", T.plusSeconds(1), 1_000));
            loop.advanceWallClock(Duration.ofMillis(150));
            assertThat(watermarks(out))
                    .as("input again takes the guess back")
                    .containsExactly(T.plusSeconds(1).toEpochMilli());

            loop.endOfStream(LoopDriver.RUN);
            loop.advanceWallClock(Duration.ofMillis(150));
            assertThat(watermarks(out)).containsExactly(EntityEvent.ENDED);

            loop.advanceWallClock(Duration.ofMillis(AccountTask.IDLE_MS + 2_000));
            assertThat(watermarks(out))
                    .as("an end is said once and never turns into idleness")
                    .isEmpty();

            // A transaction of the run after its end is decided, and says its entities' state may hold later events.
            loop.send(loop.txn("t3", "acct-1", T.plusMillis(500), 1_000));
            loop.advanceWallClock(
                    Duration.ofMillis(EntityProjection.ABSENT_MS + 1_000)); // task 1 (no partition here) is passed over
            List<com.fasterxml.jackson.databind.JsonNode> decisions = loop.decisions();
            assertThat(decisions)
                    .extracting(d -> d.path("event_id").asText())
                    .containsExactlyInAnyOrder("t1", "t2", "t3");
            assertThat(decisions)
                    .filteredOn(d -> d.path("event_id").asText().equals("t3"))
                    .singleElement()
                    .satisfies(d ->
                            assertThat(d.path("missing_context").toString()).contains("after the run's end of stream"));
            assertThat(decisions)
                    .filteredOn(d -> !d.path("event_id").asText().equals("t3"))
                    .allSatisfy(d -> assertThat(d.path("missing_context").toString())
                            .doesNotContain("after the run's end of stream"));
        }
    }

    @Test
    void quietInputThatItsConsumerHasNotReadToTheEndIsNotCalledIdle() {
        // Given a consumer that still holds records of the partition (its thread was busy with another task's batch)
        try (LoopDriver loop = new LoopDriver(
                DecisionBundle.builtIn("rules-v1"),
                DecisionTopology.Settings.defaults().withPartitions(2).withReadToEnd(partition -> false))) {
            TestOutputTopic<String, byte[]> out = loop.driver.createOutputTopic(
                    Topics.ENTITY_EVENTS, new StringDeserializer(), new ByteArrayDeserializer());
            loop.send(loop.txn("t1", "acct-1", T, 1_000));
            loop.advanceWallClock(Duration.ofMillis(150));
            assertThat(watermarks(out)).containsExactly(T.toEpochMilli());
            // When the task reads nothing for longer than the idle spell
            loop.advanceWallClock(Duration.ofMillis(AccountTask.IDLE_MS + 1_000));
            // Then its watermark stands: it is behind, not idle
            assertThat(watermarks(out))
                    .as("no guess")
                    .doesNotContain(EntityEvent.IDLE)
                    .containsOnly(T.toEpochMilli());
        }
    }

    @Test
    void inScaledModeAFrameQueuesWhileAnswersFlowAndGoesWithoutThemOnlyAfterTheCapOfSilence() {
        // A join wait of 100 ms: the cap is ten times that, 1 s. The projection holds t1's entities back for the second
        // account task's watermark, which never comes here (a process starved or taken over, in a real cluster).
        try (LoopDriver loop = new LoopDriver(
                DecisionBundle.builtIn("rules-v1"),
                DecisionTopology.Settings.defaults().withPartitions(2).withJoinWait(Duration.ofMillis(100)))) {
            loop.send(loop.txn("t1", "acct-1", T, 1_000));
            // Given answers that keep reaching the task for other frames (the projections are moving)
            for (int i = 0; i < 6; i++) {
                loop.advanceWallClock(Duration.ofMillis(500));
                loop.answer(LoopDriver.RUN, "acct-2", "other-" + i, "MERCHANT");
            }
            // Then t1 only queues, three times the cap past its start
            assertThat(loop.decisions()).as("a frame that only has to queue").isEmpty();
            // When they fall silent for the cap
            loop.advanceWallClock(Duration.ofMillis(1_100));
            // Then it is decided without its entities' features, naming them
            assertThat(loop.decision().path("missing_context").toString())
                    .contains("merchant features: no answer from the projection")
                    .contains("device features: no answer from the projection");
        }
    }

    @Test
    void strictModeReadsTheEndOfStreamAndDecidesNothingOfIt() {
        try (LoopDriver loop = new LoopDriver(DecisionBundle.builtIn("rules-v1"))) {
            loop.send(loop.txn("t1", "acct-1", T, 1_000));
            loop.endOfStream(LoopDriver.RUN);
            loop.send(loop.txn("t2", "acct-1", T.plusSeconds(1), 1_000));
            assertThat(loop.decisions())
                    .extracting(d -> d.path("event_id").asText() + " " + d.path("missing_context"))
                    .containsExactly("t1 []", "t2 []");
        }
    }
}
