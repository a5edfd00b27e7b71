package dev.fraudplatform.rtdl.offline;

import dev.fraudplatform.core.bus.Topics;
import dev.fraudplatform.core.decision.Decision;
import dev.fraudplatform.core.json.Json;
import dev.fraudplatform.decision.bundle.DecisionBundle;
import dev.fraudplatform.decision.scoring.DecisionFabric;
import dev.fraudplatform.rtdl.loop.DecisionTopology;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Properties;
import java.util.function.Consumer;
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
 * The real-time decision loop replayed offline: a run's admitted traffic, in its bus order, goes through the very
 * topology the loop runs ({@link DecisionTopology#build}, strict mode, in-memory stores) on Kafka Streams'
 * {@code TopologyTestDriver}, which needs no broker and processes each record to completion before the next. Every
 * decision comes out with its feature snapshot exactly as the loop computes it: this is the Offline Feature Shadow's
 * recomputation, with the loop's own feature code rather than a second implementation of it.
 *
 * <p>Time: the driver's wall clock starts at the epoch and moves only when {@link #finish} moves it past the join wait,
 * so a frame waiting for its flow's context gets it if it comes anywhere later in the log, where online it would wait
 * at most the join wait of real time. Differences of that kind show as degrade modes in the parity report.
 *
 * <p>Lifecycle: not thread-safe; the caller feeds records, calls {@link #finish} once, and closes it.
 */
public final class OfflineLoop implements AutoCloseable {
    private final TopologyTestDriver driver;
    private final TestInputTopic<String, byte[]> traffic;
    private final TestOutputTopic<String, byte[]> decisions;
    private final Consumer<Decision> sink;
    private final Duration joinWait;
    private long decided;
    private final java.nio.file.Path stateDir;

    /**
     * @param bundle   the run's bundle (its feature parameters, such as the high-risk MCCs, shape the features)
     * @param joinWait the run's join wait
     * @param sink     every decision, in the order the loop makes them
     */
    public OfflineLoop(DecisionBundle bundle, Duration joinWait, Consumer<Decision> sink) {
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, "fp-offline-loop");
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "offline:9092");
        try {
            // in-memory stores, but the driver still wants a state directory of its own
            stateDir = java.nio.file.Files.createTempDirectory("fp-offline-loop-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        driver = new TopologyTestDriver(
                DecisionTopology.build(
                        new DecisionFabric(bundle),
                        DecisionTopology.Settings.defaults()
                                .withJoinWait(joinWait)
                                .withStores(DecisionTopology.StoreKind.IN_MEMORY)),
                p,
                Instant.EPOCH);
        traffic = driver.createInputTopic(Topics.TRAFFIC, new StringSerializer(), new ByteArraySerializer());
        decisions = driver.createOutputTopic(Topics.DECISIONS, new StringDeserializer(), new ByteArrayDeserializer());
        this.sink = sink;
        this.joinWait = joinWait;
    }

    /** One record of {@code fp.traffic} as the bus held it: key, value, record timestamp and headers. */
    public void accept(String key, byte[] value, long timestampMillis, Map<String, byte[]> headers) {
        RecordHeaders h = new RecordHeaders();
        if (headers != null) headers.forEach(h::add);
        traffic.pipeInput(new TestRecord<>(key, value, h, timestampMillis));
        drain();
    }

    /** Decides what still waits (past the join wait, as online), and hands out the last decisions. */
    public void finish() {
        driver.advanceWallClockTime(joinWait.plusMillis(100));
        driver.advanceWallClockTime(Duration.ofMillis(100));
        drain();
    }

    /** Decisions made so far. */
    public long decided() {
        return decided;
    }

    private void drain() {
        while (!decisions.isEmpty()) {
            byte[] value = decisions.readValue();
            try {
                sink.accept(Decision.fromJson(Json.MAPPER.readTree(value)));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            decided++;
        }
    }

    @Override
    public void close() {
        try {
            driver.close();
        } finally {
            try (var files = java.nio.file.Files.walk(stateDir)) {
                files.sorted(java.util.Comparator.reverseOrder())
                        .forEach(f -> f.toFile().delete());
            } catch (IOException ignored) {
                // a temporary directory left behind is harmless
            }
        }
    }
}
