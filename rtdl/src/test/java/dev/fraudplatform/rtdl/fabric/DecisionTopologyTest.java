package dev.fraudplatform.rtdl.fabric;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fraudplatform.core.bus.Topics;
import dev.fraudplatform.core.envelope.Envelope;
import dev.fraudplatform.core.json.Json;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Decision Fabric topology on TopologyTestDriver, with in-memory account state (no I/O). */
class DecisionTopologyTest {
    private TopologyTestDriver driver;
    private TestInputTopic<String, byte[]> traffic;
    private TestOutputTopic<String, byte[]> decisions;

    @BeforeEach
    void setUp() {
        StreamsBuilder builder = new StreamsBuilder();
        DecisionTopology.build(builder, new DecisionFabric(DecisionBundle.builtIn("rules-v1")),
                Stores.inMemoryKeyValueStore(DecisionTopology.ACCOUNT_STATE_STORE));
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, "df-test");
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        driver = new TopologyTestDriver(builder.build(), p);
        traffic = driver.createInputTopic(Topics.TRAFFIC, new StringSerializer(), new ByteArraySerializer());
        decisions = driver.createOutputTopic(Topics.DECISIONS, new StringDeserializer(), new ByteArrayDeserializer());
    }

    @AfterEach
    void tearDown() {
        driver.close();
    }

    private void send(String run, String eventId, String account, Instant t, long amount, String device) {
        send(run, "txn.authorization", eventId, account, t, amount, device);
    }

    private void send(String run, String eventClass, String eventId, String account, Instant t, long amount, String device) {
        ObjectNode payload = Json.MAPPER.createObjectNode().put("account_id", account).put("amount_minor", amount)
                .put("device_id", device).put("country", "GB").put("mcc", "5999").put("channel", "CNP");
        Envelope e = Envelope.of(run, eventClass, eventId, 1, t, t, account, payload);
        RecordHeaders headers = new RecordHeaders();
        headers.add(Topics.HEADER_ADMITTED_AT, "1234".getBytes(StandardCharsets.UTF_8));
        traffic.pipeInput(new TestRecord<>(account, e.toBytes(), headers, t));
    }

    private List<JsonNode> read() {
        return decisions.readRecordsToList().stream().map(r -> {
            try {
                assertThat(new String(r.headers().lastHeader(Topics.HEADER_ADMITTED_AT).value(), StandardCharsets.UTF_8)).isEqualTo("1234");
                return Json.MAPPER.readTree(r.value());
            } catch (Exception ex) {
                throw new AssertionError(ex);
            }
        }).toList();
    }

    @Test
    void aCardTestingBurstIsSeenByTheThirdSmallAuthorisation() {
        Instant t = Instant.parse("2026-03-01T10:00:00.000Z");
        send("run-a", "e1", "acct-1", t, 5_000, "dev-home");
        send("run-a", "e2", "acct-1", t.plusSeconds(60), 120, "dev-new");
        send("run-a", "e3", "acct-1", t.plusSeconds(90), 130, "dev-new");
        send("run-a", "e4", "acct-1", t.plusSeconds(120), 140, "dev-new");
        List<JsonNode> out = read();
        assertThat(out).extracting(n -> n.path("event_id").asText()).containsExactly("e1", "e2", "e3", "e4");
        assertThat(out.get(0).path("reasons").toString()).doesNotContain("small_amount_burst");
        assertThat(out.get(2).path("features").path("small_txn_count_10m").asLong()).isEqualTo(2);
        assertThat(out.get(3).path("features").path("small_txn_count_10m").asLong()).isEqualTo(3);
        assertThat(out.get(3).path("reasons").get(0).asText()).isEqualTo("small_amount_burst");
        assertThat(out.get(3).path("action").asText()).isNotEqualTo("APPROVE");
        assertThat(out).allSatisfy(n -> {
            assertThat(n.path("degrade_mode").asText()).isEqualTo("RULES_ONLY");
            assertThat(n.path("decision_id").asText()).isEqualTo("dec-txn.authorization-" + n.path("event_id").asText());
        });
    }

    @Test
    void runsNeverSeeEachOthersHistory() {
        Instant t = Instant.parse("2026-03-01T10:00:00.000Z");
        for (int i = 0; i < 4; i++) send("run-a", "a" + i, "acct-1", t.plusSeconds(i), 1_000, "dev-1");
        send("run-b", "b0", "acct-1", t.plusSeconds(10), 1_000, "dev-1");
        List<JsonNode> out = read();
        assertThat(out.get(3).path("features").path("txn_count_1h").asLong()).isEqualTo(4);
        assertThat(out.get(4).path("features").path("txn_count_1h").asLong()).isEqualTo(1);
        assertThat(out.get(4).path("features").path("seconds_since_last").asLong()).isEqualTo(-1);
    }

    @Test
    void eventsThatShareAnIdAcrossClassesGetDistinctDecisions() {
        Instant t = Instant.parse("2026-03-01T10:00:00.000Z");
        send("run-a", "txn.authorization", "same", "acct-1", t, 1_000, "dev-1");
        send("run-a", "txn.reversal", "same", "acct-1", t.plusSeconds(1), 1_000, "dev-1");
        assertThat(read()).extracting(n -> n.path("decision_id").asText())
                .containsExactly("dec-txn.authorization-same", "dec-txn.reversal-same");
    }

    @Test
    void featuresRunOnTheEnvelopesEventTimeNotTheRecordTimestamp() {
        Instant t = Instant.parse("2026-03-01T10:00:00.000Z");
        send("run-a", "e1", "acct-1", t, 1_000, "dev-1");
        // same record timestamp as e1, but an event time 2 h later: outside e1's 1 h window
        ObjectNode payload = Json.MAPPER.createObjectNode().put("account_id", "acct-1").put("amount_minor", 1_000)
                .put("device_id", "dev-1").put("country", "GB").put("mcc", "5999").put("channel", "CNP");
        Envelope late = Envelope.of("run-a", "txn.authorization", "e2", 1, t.plusSeconds(7_200), t, "acct-1", payload);
        RecordHeaders headers = new RecordHeaders();
        headers.add(Topics.HEADER_ADMITTED_AT, "1234".getBytes(StandardCharsets.UTF_8));
        traffic.pipeInput(new TestRecord<>("acct-1", late.toBytes(), headers, t));
        List<JsonNode> out = read();
        assertThat(out.get(1).path("features").path("txn_count_1h").asLong()).isEqualTo(1);
        assertThat(out.get(1).path("features").path("seconds_since_last").asLong()).isEqualTo(7_200);
    }

    @Test
    void anEventThatReachesTheBusTwiceIsDecidedOnce() {
        Instant t = Instant.parse("2026-03-01T10:00:00.000Z");
        send("run-a", "e1", "acct-1", t, 1_000, "dev-1");
        send("run-a", "e1", "acct-1", t, 1_000, "dev-1");
        send("run-a", "e2", "acct-1", t.plusSeconds(5), 1_000, "dev-1");
        send("run-b", "e1", "acct-1", t, 1_000, "dev-1"); // another run's event of the same id is its own
        List<JsonNode> out = read();
        assertThat(out).extracting(n -> n.path("platform_run_id").asText() + "/" + n.path("event_id").asText())
                .containsExactly("run-a/e1", "run-a/e2", "run-b/e1");
        assertThat(out.get(1).path("features").path("txn_count_1h").asLong()).as("the copy was not counted").isEqualTo(2);
    }

    @Test
    void anUnreadableRecordIsSkippedAndTheNextOneIsDecided() {
        traffic.pipeInput("acct-1", "{not json".getBytes(StandardCharsets.UTF_8));
        send("run-a", "ok", "acct-1", Instant.parse("2026-03-01T10:00:00.000Z"), 1_000, "dev-1");
        assertThat(read()).extracting(n -> n.path("event_id").asText()).containsExactly("ok");
    }
}
