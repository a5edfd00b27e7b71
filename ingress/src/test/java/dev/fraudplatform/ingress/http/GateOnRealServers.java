package dev.fraudplatform.ingress.http;

import dev.fraudplatform.core.bus.Topics;
import dev.fraudplatform.core.envelope.Envelope;
import dev.fraudplatform.core.ingress.ProducerKeys;
import dev.fraudplatform.core.run.RunFacts;
import dev.fraudplatform.core.run.RunState;
import dev.fraudplatform.ingress.gate.AdmissionRelay;
import dev.fraudplatform.ingress.gate.IngestionGate;
import dev.fraudplatform.substrate.kafka.KafkaAtomicPublisher;
import dev.fraudplatform.substrate.kafka.KafkaIngressListener;
import dev.fraudplatform.substrate.kafka.KafkaSettings;
import dev.fraudplatform.substrate.objectstore.FilesystemObjectStore;
import dev.fraudplatform.substrate.postgres.PostgresDatabase;
import dev.fraudplatform.substrate.postgres.PostgresProducerKeys;
import dev.fraudplatform.substrate.postgres.PostgresReceiptStore;
import dev.fraudplatform.substrate.postgres.PostgresRunRegistry;
import dev.fraudplatform.testkit.servers.EmbeddedServers;
import java.nio.file.Files;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * The Ingestion Gate wired as the platform wires it, on the test JVM's embedded broker and a fresh PostgreSQL database:
 * receipt store, admission relay, run registry, producer keys, a filesystem quarantine, the HTTP API with the default
 * limits at {@link #gateUrl} and the bus ingress on {@code fp.ingress}. One run is open (READY) to the producers given;
 * {@link #envelope(int)} makes valid envelopes for it. Closed by the test class that made it.
 */
final class GateOnRealServers implements AutoCloseable {
    final PostgresDatabase db;
    final PostgresRunRegistry runs;
    final AdmissionRelay relay;
    final IngestionGate gate;
    final ProducerKeys producerKeys;
    final PostgresReceiptStore receipts;
    final FilesystemObjectStore store;
    final String bootstrap;
    final String gateUrl;
    final String runId = "run-" + UUID.randomUUID();
    private final Deque<AutoCloseable> closeables = new ArrayDeque<>();

    GateOnRealServers(Set<String> producers) throws Exception {
        EmbeddedServers.ensureTopics(Topics.ALL, 1);
        EmbeddedServers.ensureTopics(List.of(Topics.INGRESS_RELAY), 1);
        EmbeddedServers.ensureTopics(List.of(Topics.INGRESS, Topics.INGRESS_RECEIPTS), 1);
        bootstrap = EmbeddedServers.kafkaBootstrap();
        db = EmbeddedServers.freshPostgresDatabase();
        closeables.push(db);
        runs = new PostgresRunRegistry(db.dataSource());
        closeables.push(runs);
        KafkaAtomicPublisher relayPublisher =
                new KafkaAtomicPublisher(KafkaSettings.of(bootstrap), "ig-relay-" + runId);
        closeables.push(relayPublisher);
        receipts = new PostgresReceiptStore(db.dataSource());
        relay = new AdmissionRelay(receipts, relayPublisher);
        closeables.push(relay);
        store = new FilesystemObjectStore(Files.createTempDirectory("fp-gate-it-store-"));
        gate = new IngestionGate(relay, runs, store);
        producerKeys = new PostgresProducerKeys(db.dataSource());
        IngestionHttpServer http = new IngestionHttpServer(gate, relay, producerKeys, GateLimits.DEFAULT);
        closeables.push(http);
        gateUrl = "http://127.0.0.1:" + http.start("127.0.0.1", 0);
        closeables.push(new KafkaIngressListener(KafkaSettings.of(bootstrap), gate, ReceiptJson::bytes).start());

        runs.pin(new RunFacts(runId, "w-it", "fp-it", "rules-v1", "bd", "cd", "0.1.0", Instant.now()));
        for (String p : producers) runs.allowProducer(runId, p);
        runs.transition(runId, RunState.READY, "gate IT");
    }

    /** A valid card authorisation for the open run; {@code i} makes its event id and account. */
    byte[] envelope(int i) {
        String account = "acct-" + (i % 17);
        String payload = "{\"account_id\":\"" + account + "\",\"amount_minor\":" + (100 + i)
                + ",\"card_id\":\"card-" + (i % 17) + "\",\"channel\":\"CNP\",\"city\":\"Berlin\",\"country\":\"DE\","
                + "\"currency\":\"EUR\",\"entry_mode\":\"ECOM\",\"mcc\":\"5411\",\"merchant_id\":\"m-1\","
                + "\"recurring\":false,\"txn_id\":\"txn-" + i + "\"}";
        return Envelope.canonicalBytes(
                runId,
                "txn.authorization",
                "evt-" + i,
                1,
                "2026-03-02T10:00:00.000Z",
                "2026-11-26T00:00:00.000Z",
                account,
                payload);
    }

    @Override
    public void close() throws Exception {
        while (!closeables.isEmpty()) closeables.pop().close();
    }
}
