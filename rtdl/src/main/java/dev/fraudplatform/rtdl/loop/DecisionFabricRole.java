package dev.fraudplatform.rtdl.loop;

import dev.fraudplatform.core.telemetry.Telemetry;
import dev.fraudplatform.decision.scoring.DecisionFabric;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;

/**
 * Runs the Decision Fabric topology as a Kafka Streams application ({@code exactly_once_v2}). Strict mode is one
 * stream thread over one partition; scaled mode is several threads over several partitions. Lifecycle:
 * {@link #start()} once, {@link #close()} once.
 */
public final class DecisionFabricRole implements AutoCloseable {
    public static final String APPLICATION_ID = "fp-df";
    private final KafkaStreams streams;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    /** The role's name (the client id prefix of its inner clients derives from it). */
    public static final String NAME = "df";

    public DecisionFabricRole(Properties connection, DecisionFabric fabric, Path stateDir, int streamThreads) {
        this(connection, fabric, stateDir, streamThreads, DecisionTopology.Settings.defaults(), 100);
    }

    /**
     * @param connection       how to reach the cluster: {@code application.id} ({@link #APPLICATION_ID}), bootstrap
     *                         servers, client id and security, as the wiring builds them; not modified. The role puts
     *                         its own settings (guarantee, threads, state, commit interval, tuning) over a copy.
     * @param commitIntervalMs how often the transaction of each task commits: every record a decision waits on
     *                         crosses two re-keying topics, each visible only after a commit, so this bounds latency
     */
    public DecisionFabricRole(
            Properties connection,
            DecisionFabric fabric,
            Path stateDir,
            int streamThreads,
            DecisionTopology.Settings settings,
            int commitIntervalMs) {
        Properties p = new Properties();
        p.putAll(connection);
        if (!APPLICATION_ID.equals(p.get(StreamsConfig.APPLICATION_ID_CONFIG)))
            throw new IllegalArgumentException("the decision fabric's application id is " + APPLICATION_ID);
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, streamThreads);
        p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toAbsolutePath().toString());
        p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, 1);
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, commitIntervalMs);
        // max.task.idle.ms stays at its default (0): the account task waits for inputs known to lag, so traffic,
        // context and labels published together by the gate are read in timestamp order. Strict mode's determinism
        // rests on it: a context event just before a transaction must be counted in its frame. (-1 measured no faster.)
        p.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 16L * 1024 * 1024);
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.MAX_POLL_RECORDS_CONFIG), 2000);
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG), 20);
        // A loop process that dies hands its tasks over in 10 s rather than Kafka's default 45 s.
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), 10_000);
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG), 3_000);
        // lz4, like the platform's other producers. The loop writes fp.decisions (2.1 KiB a decision with its feature
        // snapshot, the largest topic of a run) and its changelogs. Once strict mode had no re-keying round trip and
        // the changelogs were compacted, compressing cost nothing measurable: ./fp demo --transactions 300000, two
        // runs each, interleaved: 1,894 and 2,136 events/s with lz4, 1,769 and 1,482 without; the Kafka log at the end
        // 1,208 and 1,252 MiB against 1,790 and 1,812; the same decision-log digest. (Earlier, with re-keying topics
        // and uncompacted changelogs, xxhash and lz4 were 6% of the end-to-end profile, and it was off.)
        p.put(StreamsConfig.producerPrefix(ProducerConfig.COMPRESSION_TYPE_CONFIG), "lz4");
        p.put(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), 2);
        p.put(StreamsConfig.producerPrefix(ProducerConfig.BATCH_SIZE_CONFIG), 256 * 1024);
        // Scaled mode: an account task calls its quiet input idle only once its consumer has fetched it to the end.
        TrafficReadToEnd readToEnd = new TrafficReadToEnd();
        streams = new KafkaStreams(DecisionTopology.build(fabric, settings.withReadToEnd(readToEnd)), p);
        readToEnd.of(streams);
        registerThreadGauges(streams);
        streams.setUncaughtExceptionHandler(e -> {
            failure.compareAndSet(null, e);
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
    }

    /**
     * The loop's stream threads on {@code /metrics}: the share of their time in each phase
     * ({@code fp_loop_thread_time_ratio{phase}}: process, commit, poll, punctuate), the exactly-once commit's latency
     * ({@code fp_loop_commit_latency_ms{stat}}: avg, max) and the records processed and commits made per second
     * ({@code fp_loop_thread_rate{of}}), over every stream thread of this process (ratios and the average latency: the
     * mean of the threads'; max: the largest; rates: the sum). They tell a busy loop from a starved one (a high
     * process ratio at a low rate: the thread waits for the CPU) and what a commit costs, which bounds how often it may
     * commit: a commit interval shorter than the commit leaves one record a commit.
     */
    private static void registerThreadGauges(KafkaStreams streams) {
        for (String phase : java.util.List.of("process", "commit", "poll", "punctuate"))
            Telemetry.gauge(
                    "fp.loop.thread.time.ratio",
                    "phase",
                    phase,
                    "share of the decision loop's stream threads' time in this phase (mean over threads)",
                    () -> threadMetric(streams, phase + "-ratio", Aggregate.MEAN));
        for (String stat : java.util.List.of("avg", "max"))
            Telemetry.gauge(
                    "fp.loop.commit.latency.ms",
                    "stat",
                    stat,
                    "the decision loop's exactly-once commit, in milliseconds",
                    () -> threadMetric(
                            streams, "commit-latency-" + stat, stat.equals("max") ? Aggregate.MAX : Aggregate.MEAN));
        for (String of : java.util.List.of("process", "commit"))
            Telemetry.gauge(
                    "fp.loop.thread.rate",
                    "of",
                    of,
                    "records processed, or commits made, per second by the decision loop's stream threads",
                    () -> threadMetric(streams, of + "-rate", Aggregate.SUM));
    }

    private enum Aggregate {
        MEAN,
        MAX,
        SUM
    }

    /** A stream-thread metric of {@code streams} over its threads; NaN when no thread reports it (yet). */
    static double threadMetric(KafkaStreams streams, String name, Aggregate how) {
        double sum = 0, max = Double.NaN;
        int n = 0;
        for (var e : streams.metrics().entrySet()) {
            if (!e.getKey().name().equals(name) || !e.getKey().group().equals("stream-thread-metrics")) continue;
            if (!(e.getValue().metricValue() instanceof Number v) || !Double.isFinite(v.doubleValue())) continue;
            sum += v.doubleValue();
            max = n == 0 ? v.doubleValue() : Math.max(max, v.doubleValue());
            n++;
        }
        if (n == 0) return Double.NaN;
        return switch (how) {
            case MEAN -> sum / n;
            case MAX -> max;
            case SUM -> sum;
        };
    }

    public void start() {
        streams.start();
    }

    /** Waits until the application is RUNNING (tasks assigned, state restored); false on timeout or failure. */
    public boolean awaitRunning(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (streams.state() == KafkaStreams.State.RUNNING) return true;
            if (failure.get() != null || streams.state() == KafkaStreams.State.ERROR) return false;
            Thread.sleep(20);
        }
        return false;
    }

    /**
     * Holds the loop: its stream threads stop processing and commit nothing more, and stay in the group, so nothing is
     * reassigned and the traffic waits on the bus. {@link #resume()} goes on from where it stopped.
     */
    public void pause() {
        streams.pause();
    }

    /** Ends a {@link #pause()}. */
    public void resume() {
        streams.resume();
    }

    public KafkaStreams.State state() {
        return streams.state();
    }

    public Throwable failure() {
        return failure.get();
    }

    @Override
    public void close() {
        streams.close(Duration.ofSeconds(30));
    }
}
