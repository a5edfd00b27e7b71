package dev.fraudplatform.rtdl.loop;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fraudplatform.core.bus.Topics;
import dev.fraudplatform.core.envelope.Envelope;
import dev.fraudplatform.core.json.Json;
import dev.fraudplatform.decision.bundle.DecisionBundle;
import dev.fraudplatform.decision.scoring.DecisionFabric;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;

/**
 * The decision loop's whole topology on TopologyTestDriver (in-memory stores, no I/O), with helpers that send
 * envelopes as the gate publishes them. With one partition the projections run inside the account task, so a
 * transaction's frame is complete after one {@code pipeInput}.
 */
final class LoopDriver implements AutoCloseable {
    static final String RUN = "run-a";
    final TopologyTestDriver driver;
    private final TestInputTopic<String, byte[]> traffic, context, labels, entityFeatures;
    private final TestOutputTopic<String, byte[]> decisions, shadowDecisions;
    private int seq;

    LoopDriver(DecisionBundle bundle, DecisionTopology.Settings settings) {
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, "df-test");
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        driver = new TopologyTestDriver(
                DecisionTopology.build(
                        new DecisionFabric(bundle), settings.withStores(DecisionTopology.StoreKind.IN_MEMORY)),
                p);
        traffic = driver.createInputTopic(Topics.TRAFFIC, new StringSerializer(), new ByteArraySerializer());
        context = traffic; // an account's context and labels share its log (Topics.forEventClass)
        labels = traffic;
        entityFeatures =
                driver.createInputTopic(Topics.ENTITY_FEATURES, new StringSerializer(), new ByteArraySerializer());
        decisions = driver.createOutputTopic(Topics.DECISIONS, new StringDeserializer(), new ByteArrayDeserializer());
        shadowDecisions = driver.createOutputTopic(
                Topics.SHADOW_DECISIONS, new StringDeserializer(), new ByteArrayDeserializer());
    }

    LoopDriver(DecisionBundle bundle) {
        this(bundle, DecisionTopology.Settings.defaults());
    }

    /** A card-not-present authorisation with every optional field; tweak the payload with {@link Txn} setters. */
    static final class Txn {
        final ObjectNode p = Json.MAPPER.createObjectNode();
        String run = RUN, eventClass = "txn.authorization", eventId, account;
        Instant t;

        Txn(String eventId, String account, Instant t, long amount) {
            this.eventId = eventId;
            this.account = account;
            this.t = t;
            p.put("txn_id", eventId)
                    .put("account_id", account)
                    .put("amount_minor", amount)
                    .put("currency", "GBP")
                    .put("card_id", "card-" + account)
                    .put("merchant_id", "m-1")
                    .put("mcc", "5999")
                    .put("channel", "CNP")
                    .put("entry_mode", "ECOM")
                    .put("recurring", false)
                    .put("city", "London")
                    .put("country", "GB")
                    .put("device_id", "dev-" + account)
                    .put("ip", "10.0.0.1")
                    .put("ip_country", "GB");
        }

        Txn set(String field, String value) {
            if (value == null) p.remove(field);
            else p.put(field, value);
            return this;
        }

        Txn geo(double lat, double lon) {
            p.put("lat", lat).put("lon", lon);
            return this;
        }

        Txn run(String r) {
            run = r;
            return this;
        }
    }

    void send(Txn x) {
        Envelope e = Envelope.of(x.run, x.eventClass, x.eventId, 1, x.t, x.t, x.account, x.p);
        RecordHeaders headers = new RecordHeaders();
        headers.add(Topics.HEADER_ADMITTED_AT, "1234".getBytes(StandardCharsets.UTF_8));
        traffic.pipeInput(new TestRecord<>(x.account, e.toBytes(), headers, x.t));
    }

    Txn txn(String eventId, String account, Instant t, long amount) {
        return new Txn(eventId, account, t, amount);
    }

    void context(String eventClass, String account, Instant t, ObjectNode payload) {
        context(RUN, eventClass, account, t, payload);
    }

    void context(String run, String eventClass, String account, Instant t, ObjectNode payload) {
        payload.put("account_id", account);
        Envelope e = Envelope.of(run, eventClass, "ctx-" + (++seq), 1, t, t, account, payload);
        context.pipeInput(new TestRecord<>(account, e.toBytes(), new RecordHeaders(), t));
    }

    void label(String account, String card, Instant observed) {
        ObjectNode p = Json.MAPPER
                .createObjectNode()
                .put("account_id", account)
                .put("card_id", card)
                .put("label_id", "l-" + (++seq))
                .put("label_type", "CHARGEBACK")
                .put("txn_id", "t")
                .put("amount_minor", 1)
                .put("reason_code", "10.4")
                .put("source", "ISSUER_CHARGEBACK")
                .put("effective_time", observed.toString())
                .put("observed_time", observed.toString());
        Envelope e = Envelope.of(RUN, "label.assertion", "lab-" + seq, 1, observed, observed, account, p);
        labels.pipeInput(new TestRecord<>(account, e.toBytes(), new RecordHeaders(), observed));
    }

    /** The run's end-of-stream record, as the orchestrator writes it on each traffic partition. */
    void endOfStream(String run) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(Topics.HEADER_STREAM_END, run.getBytes(StandardCharsets.UTF_8));
        traffic.pipeInput(new TestRecord<>(
                "end#0",
                ("{\"stream_end\":\"" + run + "\"}").getBytes(StandardCharsets.UTF_8),
                headers,
                Instant.ofEpochMilli(0)));
    }

    void pipeRaw(String key, byte[] value) {
        traffic.pipeInput(key, value);
    }

    /**
     * An entity projection's answer of {@code kind} (MERCHANT, DEVICE, IP) for the transaction {@code eventId} of
     * {@code run}, with no features: as the scaled loop's projections send them, keyed by account.
     */
    void answer(String run, String account, String eventId, String kind) {
        ObjectNode a = Json.MAPPER.createObjectNode();
        a.put("run", run);
        a.put("event_id", eventId);
        a.put("kind", kind);
        a.putObject("features");
        entityFeatures.pipeInput(account, dev.fraudplatform.core.json.CanonicalJson.bytes(a));
    }

    void advanceWallClock(Duration d) {
        driver.advanceWallClockTime(d);
    }

    /**
     * The decisions made so far, after letting wall-clock time pass long enough for the account task to see its
     * context and label inputs quiet (frames are decided only then).
     */
    List<JsonNode> decisions() {
        driver.advanceWallClockTime(Duration.ofMillis(30)); // a punctuation tick
        return decisions.readRecordsToList().stream()
                .map(r -> {
                    try {
                        return Json.MAPPER.readTree(r.value());
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                })
                .toList();
    }

    /** The decision records (key, bytes, headers, timestamp) made so far, after a punctuation tick. */
    List<TestRecord<String, byte[]>> decisionRecords() {
        driver.advanceWallClockTime(Duration.ofMillis(30));
        return decisions.readRecordsToList();
    }

    /** The shadow decision records made so far (read after {@link #decisionRecords}, which lets the clock tick). */
    List<TestRecord<String, byte[]>> shadowRecords() {
        return shadowDecisions.readRecordsToList();
    }

    /** The one decision read now (fails if there is not exactly one). */
    JsonNode decision() {
        List<JsonNode> d = decisions();
        if (d.size() != 1) throw new AssertionError("expected one decision, got " + d.size() + ": " + d);
        return d.get(0);
    }

    @Override
    public void close() {
        driver.close();
    }
}
