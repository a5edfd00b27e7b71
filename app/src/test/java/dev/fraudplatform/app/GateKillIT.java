package dev.fraudplatform.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fraudplatform.core.bus.Topics;
import dev.fraudplatform.core.run.RunFacts;
import dev.fraudplatform.core.run.RunState;
import dev.fraudplatform.core.store.Manifest;
import dev.fraudplatform.ingress.http.HttpIngressClient;
import dev.fraudplatform.substrate.kafka.EmbeddedKafkaBroker;
import dev.fraudplatform.substrate.objectstore.FilesystemObjectStore;
import dev.fraudplatform.substrate.postgres.EmbeddedPostgresServer;
import dev.fraudplatform.substrate.postgres.PostgresDatabase;
import dev.fraudplatform.substrate.postgres.PostgresProducerKeys;
import dev.fraudplatform.substrate.postgres.PostgresReceiptStore;
import dev.fraudplatform.substrate.postgres.PostgresRunRegistry;
import dev.fraudplatform.world.ScenarioRunner;
import dev.fraudplatform.world.WorldBuilder;
import dev.fraudplatform.world.WorldConfig;
import dev.fraudplatform.world.streamer.WorldStreamer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Ingestion Gate as its own process ({@code fp ingress serve}), killed with SIGKILL three times while a streamer
 * sends it a world, and restarted each time: every event ends admitted exactly once, with exactly one record on the
 * bus, and the outbox holds nothing unpublished. PostgreSQL and the broker live in this JVM and outlive the gate.
 */
class GateKillIT {
    static Path home;
    static EmbeddedPostgresServer pg;
    static EmbeddedKafkaBroker broker;
    static PostgresDatabase db;

    @BeforeAll
    static void start() throws Exception {
        home = Files.createTempDirectory("fp-gate-kill-it-");
        pg = EmbeddedPostgresServer.start(
                home.resolve("pg-data"), Path.of("target", "pg-binaries").toAbsolutePath());
        broker = EmbeddedKafkaBroker.start(home.resolve("kafka"));
        db = PostgresDatabase.open(pg.jdbcUrl(), 4);
    }

    @AfterAll
    static void stop() {
        if (db != null) db.close();
        if (broker != null) broker.close();
        if (pg != null) pg.close();
    }

    private static Process gate(int port, Path log) throws IOException {
        return FpProcess.start(
                log,
                Map.of(
                        "FP_HOME",
                        home.toString(),
                        "FP_PG_URL",
                        pg.jdbcUrl(),
                        "FP_KAFKA_BOOTSTRAP",
                        broker.bootstrapServers(),
                        "FP_PARTITIONS",
                        "3",
                        "FP_GATE_PORT",
                        Integer.toString(port)),
                "ingress",
                "serve");
    }

    @Test
    void aGateKilledMidStreamAndRestartedLosesNothingAndAdmitsNothingTwice() throws Exception {
        FilesystemObjectStore store = new FilesystemObjectStore(home.resolve("store"));
        String worldId = new WorldBuilder(store)
                .build(WorldConfig.defaults(41, 12_000), WorldBuilder.Progress.NONE)
                .worldId();
        long events = Manifest.read(store, WorldBuilder.prefix(worldId))
                .attributes()
                .path("row_counts")
                .path("views")
                .properties()
                .stream()
                .mapToLong(e -> e.getValue().asLong())
                .sum();
        PostgresRunRegistry runs =
                new PostgresRunRegistry(db.dataSource()); // migrates the schema before the gate starts
        int port = FpProcess.freePort();
        Path log = home.resolve("gate.log");
        Process gate = gate(port, log);
        FpProcess.awaitHealthy(port, gate, log);
        String runId = "run-gate-kill";
        runs.pin(new RunFacts(
                runId,
                worldId,
                new ScenarioRunner(store).admit(worldId),
                "rules-v1",
                "sha256:x",
                "sha256:y",
                "test",
                Instant.now()));
        runs.allowProducer(runId, "gate-kill-it");
        runs.transition(runId, RunState.GATED, "test");
        runs.transition(runId, RunState.READY, "test");
        runs.transition(runId, RunState.STREAMING, "test");
        String key = new PostgresProducerKeys(db.dataSource()).issue("gate-kill-it");

        // Given a streamer sending the world at 3,000 events/s
        WorldStreamer streamer =
                new WorldStreamer(store, new HttpIngressClient("http://127.0.0.1:" + port, key), 200, 4, 3_000);
        CompletableFuture<WorldStreamer.Stats> streaming = CompletableFuture.supplyAsync(() -> {
            try {
                return streamer.stream(worldId, runId, n -> {});
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        // When the gate is killed three times mid-stream, and restarted each time
        PostgresReceiptStore receipts = new PostgresReceiptStore(db.dataSource());
        for (int kill = 1; kill <= 3; kill++) {
            long target = kill * events / 5;
            long deadline = System.currentTimeMillis() + 60_000;
            while (receipts.countsByOutcome(runId).getOrDefault("ADMITTED", 0L) < target
                    && System.currentTimeMillis() < deadline) Thread.sleep(50);
            gate.destroyForcibly();
            assertThat(gate.waitFor(10, TimeUnit.SECONDS)).isTrue();
            Thread.sleep(300);
            gate = gate(port, log);
            FpProcess.awaitHealthy(port, gate, log);
        }
        WorldStreamer.Stats stats = streaming.get(180, TimeUnit.SECONDS);
        gate.destroy();
        gate.waitFor(20, TimeUnit.SECONDS);

        // Then each event has exactly one ADMITTED receipt and one record on the bus, and nothing waits in the outbox
        Map<String, Long> counts = receipts.countsByOutcome(runId);
        assertThat(counts.get("ADMITTED"))
                .as(counts + " "
                        + Files.readString(log)
                                .lines()
                                .filter(l -> l.contains("recovered"))
                                .toList())
                .isEqualTo(events);
        assertThat(counts).containsOnlyKeys("ADMITTED", "DUPLICATE");
        assertThat(stats.sent()).isGreaterThanOrEqualTo(events);
        assertThat(receipts.unpublished()).isEmpty();
        Map<String, Integer> copies = copiesOnTheBus(runId);
        assertThat(copies).hasSize((int) events);
        assertThat(copies.values()).allMatch(c -> c == 1);
    }

    /** Committed records of the run on the traffic, context and label topics, counted by event id. */
    private static Map<String, Integer> copiesOnTheBus(String runId) throws Exception {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        Map<String, Integer> copies = new HashMap<>();
        try (KafkaConsumer<String, byte[]> c =
                new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = new java.util.ArrayList<>();
            for (String t : List.of(Topics.TRAFFIC)) {
                c.partitionsFor(t).forEach(i -> parts.add(new TopicPartition(t, i.partition())));
            }
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> end = c.endOffsets(parts);
            long deadline = System.currentTimeMillis() + 60_000;
            while (parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp))
                    && System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(500))) {
                    var n = dev.fraudplatform.core.json.Json.MAPPER.readTree(
                            new String(r.value(), StandardCharsets.UTF_8));
                    if (runId.equals(n.path("platform_run_id").asText()))
                        copies.merge(
                                n.path("event_class").asText() + "/"
                                        + n.path("event_id").asText(),
                                1,
                                Integer::sum);
                }
            }
        }
        return copies;
    }
}
