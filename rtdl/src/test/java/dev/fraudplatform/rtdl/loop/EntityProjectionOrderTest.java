package dev.fraudplatform.rtdl.loop;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fraudplatform.core.bus.Topics;
import dev.fraudplatform.core.json.Json;
import dev.fraudplatform.decision.bundle.DecisionBundle;
import dev.fraudplatform.decision.features.EntityEvent;
import dev.fraudplatform.decision.scoring.DecisionFabric;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Scaled mode's projection order on TopologyTestDriver: with two account tasks upstream, a merchant applies events in
 * event-time order behind the lower of their watermarks, whatever order they arrive in.
 */
class EntityProjectionOrderTest {
    private TopologyTestDriver driver;
    private TestInputTopic<String, byte[]> entityEvents;
    private TestOutputTopic<String, byte[]> answers;

    @BeforeEach
    void setUp() {
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, "df-test");
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        DecisionTopology.Settings settings = DecisionTopology.Settings.defaults()
                .withStores(DecisionTopology.StoreKind.IN_MEMORY)
                .withPartitions(2);
        driver = new TopologyTestDriver(
                DecisionTopology.build(new DecisionFabric(DecisionBundle.builtIn("rules-v1")), settings), p);
        entityEvents = driver.createInputTopic(Topics.ENTITY_EVENTS, new StringSerializer(), new ByteArraySerializer());
        answers =
                driver.createOutputTopic(Topics.ENTITY_FEATURES, new StringDeserializer(), new ByteArrayDeserializer());
    }

    @AfterEach
    void tearDown() {
        driver.close();
    }

    private void send(EntityEvent e) {
        entityEvents.pipeInput(e.key(), e.encode());
    }

    private static EntityEvent txn(String eventId, String account, long t) {
        return new EntityEvent(
                EntityEvent.Kind.MERCHANT,
                "m-1",
                EntityEvent.Type.TXN,
                "run-a",
                eventId,
                account,
                "card-" + account,
                t,
                100,
                -1);
    }

    private List<JsonNode> read() {
        return answers.readValuesToList().stream()
                .map(v -> {
                    try {
                        return Json.MAPPER.readTree(v);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                })
                .toList();
    }

    @Test
    void eventsAreAppliedInEventTimeOrderOnceBothWatermarksPassThem() {
        send(txn("e2", "acct-2", 2_000)); // from task 1, ahead of task 0
        send(txn("e1", "acct-1", 1_000));
        assertThat(read()).as("no watermark yet").isEmpty();

        send(EntityEvent.watermark("run-a", 0, 1_500));
        assertThat(read()).as("task 1 has said nothing yet").isEmpty();
        send(EntityEvent.watermark("run-a", 1, 3_000));
        List<JsonNode> first = read();
        assertThat(first).extracting(n -> n.path("event_id").asText()).containsExactly("e1");
        assertThat(first.get(0).path("features").path("merchant_txn_count_1m").asLong())
                .isEqualTo(1);

        send(EntityEvent.watermark("run-a", 0, EntityEvent.ENDED)); // the run's stream has ended on task 0's partition
        List<JsonNode> second = read();
        assertThat(second).extracting(n -> n.path("event_id").asText()).containsExactly("e2");
        assertThat(second.get(0).path("features").path("merchant_txn_count_1m").asLong())
                .isEqualTo(2);
        assertThat(second.get(0)
                        .path("features")
                        .path("merchant_seconds_since_last")
                        .asLong())
                .isEqualTo(1);
        assertThat(second.get(0).path("late_ms").asLong()).isZero();
        assertThat(second.get(0).has("unheard_from"))
                .as("an end is a fact, not a guess")
                .isFalse();

        // an event behind the watermark already passed is applied at once, and says by how much it was late
        send(txn("e0", "acct-3", 500));
        JsonNode late = read().get(0);
        assertThat(late.path("event_id").asText()).isEqualTo("e0");
        assertThat(late.path("late_ms").asLong())
                .as("behind e2, the latest applied")
                .isEqualTo(1_500);
    }

    @Test
    void anIdleTaskIsAGuessThatItsNextWatermarkTakesBack() {
        send(txn("e1", "acct-1", 1_000));
        send(txn("e2", "acct-2", 2_000));
        send(EntityEvent.watermark("run-a", 0, 1_500));
        send(EntityEvent.watermark("run-a", 1, 5_000));
        assertThat(read()).extracting(n -> n.path("event_id").asText()).containsExactly("e1");

        // task 0 goes quiet: the projection moves on without it, and says so of every event beyond task 0's last word
        send(EntityEvent.watermark("run-a", 0, EntityEvent.IDLE));
        List<JsonNode> guessed = read();
        assertThat(guessed).extracting(n -> n.path("event_id").asText()).containsExactly("e2");
        assertThat(guessed.get(0).path("unheard_from").toString()).isEqualTo("[0]");

        // task 0 speaks again: it is waited for once more, so task 1's next event waits for it
        send(EntityEvent.watermark("run-a", 0, 3_000));
        send(txn("e3", "acct-2", 4_000));
        assertThat(read()).as("held until task 0 passes 4,000").isEmpty();
        send(EntityEvent.watermark("run-a", 0, 4_500));
        List<JsonNode> heard = read();
        assertThat(heard).extracting(n -> n.path("event_id").asText()).containsExactly("e3");
        assertThat(heard.get(0).has("unheard_from")).isFalse();

        // task 0's event behind what was applied without it is late, and says so
        send(txn("e0", "acct-1", 2_500));
        assertThat(read())
                .extracting(n ->
                        n.path("event_id").asText() + " " + n.path("late_ms").asLong())
                .containsExactly("e0 1500");
    }

    @Test
    void anEventAtTheSameTimeButEarlierInOrderThanOneAppliedIsLate() {
        send(EntityEvent.watermark("run-a", 0, 1_000));
        send(EntityEvent.watermark("run-a", 1, 5_000));
        send(EntityEvent.watermark("run-a", 0, EntityEvent.IDLE));
        send(txn("b", "acct-2", 2_000)); // applied at once: task 0 is taken as idle
        assertThat(read())
                .extracting(n -> n.path("event_id").asText() + " " + n.path("unheard_from"))
                .containsExactly("b [0]");

        send(EntityEvent.watermark("run-a", 0, 1_800)); // heard again
        send(txn("a", "acct-1", 2_000)); // same time, but before "b" in (event time, event id) order: "b" went first
        assertThat(read())
                .extracting(n ->
                        n.path("event_id").asText() + " " + n.path("late_ms").asLong())
                .containsExactly("a 1");
    }

    @Test
    void anEndedTaskIsNeverWaitedForAgain() {
        send(EntityEvent.watermark("run-a", 0, EntityEvent.ENDED));
        send(EntityEvent.watermark("run-a", 0, 1_000)); // a stale watermark after the end changes nothing
        send(txn("e1", "acct-1", 2_000));
        send(EntityEvent.watermark("run-a", 1, 3_000));
        assertThat(read())
                .extracting(n -> n.path("event_id").asText() + " " + n.has("unheard_from"))
                .containsExactly("e1 false");
    }

    @Test
    void runsHaveTheirOwnWatermarks() {
        send(EntityEvent.watermark("run-a", 0, EntityEvent.ENDED));
        send(EntityEvent.watermark("run-a", 1, EntityEvent.ENDED)); // run-a has ended
        send(new EntityEvent(
                EntityEvent.Kind.MERCHANT, "m-1", EntityEvent.Type.TXN, "run-b", "b1", "acct-1", "c", 1_000, 100, -1));
        assertThat(read()).as("run-b waits for its own watermarks").isEmpty();
        send(EntityEvent.watermark("run-b", 0, 2_000));
        send(EntityEvent.watermark("run-b", 1, 2_000));
        assertThat(read())
                .extracting(n ->
                        n.path("event_id").asText() + " " + n.path("late_ms").asLong())
                .containsExactly("b1 0");
    }

    @Test
    void anAccountTaskThatNeverSpeaksOfARunIsTakenAsIdleForItAndNamed() {
        send(txn("e1", "acct-1", 1_000));
        send(EntityEvent.watermark(
                "run-a", 0, 5_000)); // task 1's partition holds none of the run's accounts, or is slow
        assertThat(read()).isEmpty();
        driver.advanceWallClockTime(java.time.Duration.ofMillis(EntityProjection.ABSENT_MS + 1_000));
        assertThat(read())
                .extracting(n ->
                        n.path("event_id").asText() + " " + n.path("late_ms").asLong() + " " + n.path("unheard_from"))
                .containsExactly("e1 0 [1]");
    }
}
