package dev.fraudplatform.app;

import dev.fraudplatform.core.run.RunIds;
import dev.fraudplatform.decision.bundle.DecisionBundle;
import dev.fraudplatform.ops.RunReport;
import dev.fraudplatform.world.WorldBuilder;
import dev.fraudplatform.world.WorldConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import jdk.jfr.Recording;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * {@code fp bench e2e}: whole runs through every plane (World Streamer over HTTP, gate, bus, decision loop, Action
 * Layer, audit), measured as a payments team would: decision latency from IG admission to the decision being visible
 * committed (p50, p99, p99.9, from the effect ledger), first at an offered rate, then sustained events/s at full speed
 * (streamer start to the last audit record), with a JFR profile of that phase, and the same messages' raw single-hop
 * Kafka rate (produce and consume, same broker, same JVM) as the ceiling.
 */
public final class EndToEndBench {
    private EndToEndBench() {}

    /** What one run measured. */
    /** A phase's run, its decision latency, and the loop's stream threads as it drained ({@link LoopMetrics}). */
    private record Phase(
            RunReport report, dev.fraudplatform.core.run.RunEvidence.LatencySummary latency, String loop) {}

    public static int run(int transactions, double offered, int offeredTransactions, long seed, boolean profile)
            throws Exception {
        return run(transactions, offered, offeredTransactions, seed, profile, null);
    }

    /**
     * The bench on this process's profile, then, when {@code versus} names a profile of external servers, the same
     * worlds on that profile with every role in a process of its own ({@link RoleProcesses}), this process only
     * orchestrating; and what the split costs or gains.
     */
    public static int run(
            int transactions, double offered, int offeredTransactions, long seed, boolean profile, String versus)
            throws Exception {
        PlatformConfig cfg = PlatformConfig.fromEnvironment();
        PlatformConfig split = null;
        if (versus != null) {
            split = PlatformConfig.from(PlatformConfig.processEnvironment(), versus);
            if (split.kafkaBootstrap() == null)
                throw new IllegalArgumentException("--versus " + versus + " runs its servers inside one process: its "
                        + "roles cannot be processes of their own (try --versus local)");
        }
        Result one = measure(cfg, transactions, offered, offeredTransactions, seed, profile, true);
        if (split == null) return one.passed() ? 0 : 1;
        Path logs = split.home().resolve("bench").resolve("roles-" + System.currentTimeMillis());
        int gatePort = dev.fraudplatform.core.net.LoopbackPorts.reserve();
        System.out.println(
                "bench e2e versus " + split.profile() + ": every role in a process of its own (logs in " + logs + ")");
        Result other;
        try (RoleProcesses roles = RoleProcesses.start(
                versus, split, RoleProcesses.ONE_PER_ROLE, gatePort, logs, PlatformConfig.processEnvironment())) {
            other = measure(
                    split.withRoles(java.util.Set.of()).withGateUrl(roles.gateUrl()),
                    transactions,
                    offered,
                    offeredTransactions,
                    seed,
                    false,
                    false);
        }
        System.out.printf(
                Locale.ROOT,
                "split: %s (one process) %,.0f events/s, p99 %.1f ms at %,.0f offered; %s (a process per role) %,.0f"
                        + " events/s, p99 %.1f ms: %.2fx the throughput%n",
                cfg.profile(),
                one.max().report().performance().eventsPerSecond(),
                one.atRate().latency().p99Millis(),
                offered,
                split.profile(),
                other.max().report().performance().eventsPerSecond(),
                other.atRate().latency().p99Millis(),
                other.max().report().performance().eventsPerSecond()
                        / one.max().report().performance().eventsPerSecond());
        return one.passed() && other.passed() ? 0 : 1;
    }

    private record Result(Phase atRate, Phase max) {
        boolean passed() {
            return atRate.report().reconciled() && max.report().reconciled();
        }
    }

    private static Result measure(
            PlatformConfig cfg,
            int transactions,
            double offered,
            int offeredTransactions,
            long seed,
            boolean profile,
            boolean hop)
            throws Exception {
        try (Platform platform = Platform.start(cfg)) {
            WorldBuilder builder = new WorldBuilder(platform.store());
            String warm = builder.build(WorldConfig.defaults(seed + 2, 5_000), WorldBuilder.Progress.NONE)
                    .worldId();
            String paced = builder.build(
                            WorldConfig.defaults(seed + 1, offeredTransactions), WorldBuilder.Progress.NONE)
                    .worldId();
            String full = builder.build(WorldConfig.defaults(seed, transactions), WorldBuilder.Progress.NONE)
                    .worldId();
            DecisionBundle bundle = DecisionBundle.builtIn("rules-v1");
            System.out.println("bench e2e: " + cfg.describe() + ", " + cfg.lanes() + " streamer lanes, batches of "
                    + cfg.batchSize() + ", commit interval " + cfg.commitMs() + " ms");
            run(platform, warm, bundle, 0, false); // JIT, first transactions, first segments

            Phase atRate = run(platform, paced, bundle, offered, false);
            print(String.format(Locale.ROOT, "offered %,.0f events/s", offered), atRate);

            Phase max = run(platform, full, bundle, 0, profile);
            print("maximum rate", max);

            if (hop) {
                double hopRate = kafkaHop(platform, full);
                System.out.printf(
                        Locale.ROOT,
                        "raw Kafka hop, the same messages (produce + consume, lz4, acks=all, at least 300,000): %,.0f messages/s%n",
                        hopRate);
                System.out.printf(
                        Locale.ROOT,
                        "pipeline at maximum rate = %.1f%% of the single-hop ceiling%n",
                        100.0 * max.report().performance().eventsPerSecond() / hopRate);
            }
            BenchGoals.print(List.of(
                    new BenchGoals.Row(
                            "bench e2e sustained events/s at maximum rate",
                            max.report().performance().eventsPerSecond(),
                            "/s",
                            8_000,
                            20_000,
                            true),
                    new BenchGoals.Row(
                            String.format(Locale.ROOT, "decision latency p99 at %,.0f events/s offered", offered),
                            atRate.latency().p99Millis(),
                            "ms",
                            100,
                            25,
                            false)));
            return new Result(atRate, max);
        }
    }

    private static Phase run(Platform platform, String worldId, DecisionBundle bundle, double rate, boolean profile)
            throws Exception {
        PlatformRun run = PlatformRun.start(platform, worldId, bundle, s -> {});
        Path jfr = Files.createTempFile("fp-bench-e2e-", ".jfr");
        Map<Long, Long> cpuBefore = BenchProfile.threadCpu();
        long t0 = System.nanoTime();
        String loop;
        try (Recording rec = new Recording(jdk.jfr.Configuration.getConfiguration("profile"))) {
            if (profile) rec.start();
            run.stream(-1, rate);
            if (!run.awaitDrain(Duration.ofSeconds(120)))
                throw new IllegalStateException("run " + run.runId() + " did not drain");
            loop = LoopMetrics.now();
            if (profile) {
                rec.stop();
                rec.dump(jfr);
            }
        }
        long wall = System.nanoTime() - t0;
        RunReport report = run.finish().run();
        if (profile) {
            BenchProfile.cpuByThread(cpuBefore, wall);
            BenchProfile.profile(jfr);
        }
        Files.deleteIfExists(jfr);
        return new Phase(report, platform.evidence().latency(run.runId()), loop);
    }

    private static void print(String label, Phase p) {
        RunReport r = p.report();
        System.out.printf(
                Locale.ROOT,
                "%s: %,d events (%,d transactions) in run %s, %s%n",
                label,
                r.ingress().sent(),
                r.admittedTransactions(),
                r.platformRunId(),
                r.reconciled() ? "reconciled" : "NOT RECONCILED");
        System.out.printf(
                Locale.ROOT,
                "  sustained %,.0f events/s end to end (streamer start to last audit record)%n",
                r.performance().eventsPerSecond());
        System.out.printf(
                Locale.ROOT,
                "  decision latency, IG admit to decision committed: p50 %.1f ms, p99 %.1f ms, p99.9 %.1f ms, max %.1f ms (%,d decisions)%n",
                p.latency().p50Millis(),
                p.latency().p99Millis(),
                p.latency().p999Millis(),
                p.latency().maxMillis(),
                p.latency().samples());
        System.out.println("  decisions by degrade mode " + r.decisions().byDegradeMode() + ", by action "
                + r.decisions().byAction());
        System.out.println("  " + p.loop());
    }

    /** Produces the world's envelopes to a topic of their own and consumes them back: messages/s for the hop. */
    private static double kafkaHop(Platform platform, String worldId) throws Exception {
        List<List<byte[]>> batches = IngressBench.envelopes(platform, worldId, RunIds.newRunId(), 1_000);
        // The messages are sent several times over (at least 300,000): a few seconds of steady state, not start-up.
        int rounds = (int) Math.max(
                1, Math.ceil(300_000.0 / batches.stream().mapToLong(List::size).sum()));
        long n = rounds * batches.stream().mapToLong(List::size).sum();
        String topic = "fp.bench.hop-" + System.nanoTime();
        platform.busAdmin().ensureTopics(List.of(topic), platform.config().partitions());
        Properties c = platform.wiring()
                .kafka()
                .consumer(null, "bench-hop-consumer", Map.of(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000"));
        long[] consumed = {0};
        Thread consumer = new Thread(
                () -> {
                    try (KafkaConsumer<String, byte[]> k =
                            new KafkaConsumer<>(c, new StringDeserializer(), new ByteArrayDeserializer())) {
                        List<TopicPartition> parts = k.partitionsFor(topic).stream()
                                .map(i -> new TopicPartition(topic, i.partition()))
                                .toList();
                        k.assign(parts);
                        k.seekToBeginning(parts);
                        while (consumed[0] < n)
                            consumed[0] += k.poll(Duration.ofMillis(100)).count();
                    }
                },
                "bench-hop-consumer");
        long t0 = System.nanoTime();
        consumer.start();
        try (KafkaProducer<String, byte[]> p = new KafkaProducer<>(
                platform.wiring().kafka().idempotentProducer("bench-hop"),
                new StringSerializer(),
                new ByteArraySerializer())) {
            long i = 0;
            for (int round = 0; round < rounds; round++) {
                for (List<byte[]> batch : batches) {
                    for (byte[] v : batch) p.send(new ProducerRecord<>(topic, "k" + (i++ % 4096), v));
                }
            }
            p.flush();
        }
        consumer.join(120_000);
        return n / ((System.nanoTime() - t0) / 1e9);
    }
}
