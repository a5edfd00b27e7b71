package dev.fraudplatform.ingress.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fraudplatform.core.json.CanonicalJson;
import dev.fraudplatform.core.json.Json;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The gate's HTTP API against a real broker and PostgreSQL: keys, limits, receipts per line, a concurrent-duplicate
 * race, and 10,000 random mutations of valid envelopes, none of which may crash the gate, get a 5xx or go unreceipted.
 */
class IngestionHttpIT {
    static GateOnRealServers gate;
    static String key;
    static List<byte[]> valid = new ArrayList<>();
    /** Events no other test sends: the rate-limit burst's. */
    static List<byte[]> burst = new ArrayList<>();

    static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        gate = new GateOnRealServers(java.util.Set.of("it-producer"));
        key = gate.producerKeys.issue("it-producer");
        for (int i = 0; i < 330; i++) (valid.size() < 300 ? valid : burst).add(gate.envelope(i));
    }

    @AfterAll
    static void stop() throws Exception {
        if (gate != null) gate.close();
    }

    static HttpResponse<String> post(String baseUrl, String apiKey, List<byte[]> lines) throws Exception {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (byte[] l : lines) {
            body.writeBytes(l);
            body.write('\n');
        }
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl + "/v1/events"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()))
                .header("Content-Type", "application/x-ndjson");
        if (apiKey != null) b.header("Authorization", "Bearer " + apiKey);
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static List<JsonNode> receipts(HttpResponse<String> response) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        Json.MAPPER.readTree(response.body()).path("receipts").forEach(out::add);
        return out;
    }

    @Test
    void aMissingOrWrongKeyGets401AndNothingIsIngested() throws Exception {
        byte[] event = valid.get(0);
        Map<String, Long> before = gate.receipts.countsByOutcome(gate.runId);
        HttpResponse<String> none = post(gate.gateUrl, null, List.of(event));
        HttpResponse<String> wrong = post(gate.gateUrl, "fpk_" + "0".repeat(64), List.of(event));
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(wrong.body()).contains("API key").doesNotContain("Exception");
        assertThat(gate.receipts.countsByOutcome(gate.runId)).isEqualTo(before);
        // Only the hash of a key is stored.
        try (var c = gate.db.dataSource().getConnection();
                var s = c.createStatement();
                var rs = s.executeQuery("SELECT count(*) FROM ingress.producer_keys WHERE key_sha256 = '" + key
                        + "' OR producer_id = 'it-producer'")) {
            rs.next();
            assertThat(rs.getLong(1)).isEqualTo(1); // the producer's row, found by id and never by the key itself
        }
    }

    @Test
    void aProducerTheRunDoesNotNameGets403AndNothingIsIngested() throws Exception {
        // Given a valid key of a producer the run was not planned with
        String stranger = gate.producerKeys.issue("it-stranger");
        Map<String, Long> before = gate.receipts.countsByOutcome(gate.runId);

        // When it sends the run's traffic, even mixed with a broken line
        HttpResponse<String> r =
                post(gate.gateUrl, stranger, List.of(valid.get(2), "{broken".getBytes(StandardCharsets.UTF_8)));

        // Then the whole request is refused with the reason, and the run's receipts are as they were
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(Json.MAPPER.readTree(r.body()).path("error").asText())
                .isEqualTo("producer it-stranger may not write into run " + gate.runId
                        + " (a run takes traffic only from the producers named when it was planned)");
        assertThat(gate.receipts.countsByOutcome(gate.runId)).isEqualTo(before);
        // an invalid envelope naming the run would be quarantined into it: that too is the run's traffic, refused
        byte[] invalid = ("{\"platform_run_id\":\"" + gate.runId + "\",\"event_class\":\"txn.authorization\"}")
                .getBytes(StandardCharsets.UTF_8);
        assertThat(post(gate.gateUrl, stranger, List.of(invalid)).statusCode()).isEqualTo(403);
        assertThat(gate.receipts.countsByOutcome(gate.runId)).isEqualTo(before);
        assertThat(gate.store.exists(
                        "quarantine/" + gate.runId + "/" + dev.fraudplatform.core.json.Sha256.hex(invalid) + ".bin"))
                .as("no raw bytes kept for a refused request")
                .isFalse();
        // while the run's own producer is taken, and a revoked key is refused at once
        assertThat(post(gate.gateUrl, key, List.of(valid.get(2))).statusCode()).isEqualTo(200);
        String id =
                dev.fraudplatform.core.ingress.ProducerKeys.keyIdOf(dev.fraudplatform.core.json.Sha256.hex(stranger));
        gate.producerKeys.revoke(id, "test");
        assertThat(post(gate.gateUrl, stranger, List.of(valid.get(2))).statusCode())
                .isEqualTo(401);
    }

    @Test
    void eachLineGetsItsReceiptInOrderAndTheApiIsDescribed() throws Exception {
        HttpResponse<String> r = post(
                gate.gateUrl, key, List.of(valid.get(1), "{broken".getBytes(StandardCharsets.UTF_8), valid.get(1)));
        assertThat(r.statusCode()).isEqualTo(200);
        List<JsonNode> rs = receipts(r);
        assertThat(rs)
                .extracting(n -> n.path("outcome").asText())
                .containsExactly("ADMITTED", "QUARANTINED", "DUPLICATE");
        assertThat(rs.get(0).path("offset").isIntegralNumber()).isTrue();
        assertThat(rs.get(1).path("reason").asText()).isEqualTo("MALFORMED");

        HttpResponse<String> api = HTTP.send(
                HttpRequest.newBuilder(URI.create(gate.gateUrl + "/openapi.json"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(api.statusCode()).isEqualTo(200);
        JsonNode doc = Json.MAPPER.readTree(api.body());
        assertThat(doc.path("openapi").asText()).startsWith("3.");
        assertThat(doc.path("paths").has("/v1/events")).isTrue();
        assertThat(doc.path("paths")
                        .path("/v1/events")
                        .path("post")
                        .path("responses")
                        .has("429"))
                .isTrue();
    }

    @Test
    void limitsAnswer413And429WithRetryAfterAndIngestNothing() throws Exception {
        try (IngestionHttpServer small = new IngestionHttpServer(
                gate.gate, gate.relay, gate.producerKeys, GateLimits.of(64 * 1024, 5, 10, 64))) {
            String url = "http://127.0.0.1:" + small.start("127.0.0.1", 0);
            Map<String, Long> before = gate.receipts.countsByOutcome(gate.runId);
            assertThat(post(url, key, valid.subList(10, 16)).statusCode()).isEqualTo(413); // 6 events, limit 5
            byte[] big = new byte[70 * 1024];
            java.util.Arrays.fill(big, (byte) 'x');
            assertThat(post(url, key, List.of(big)).statusCode()).isEqualTo(413);
            assertThat(gate.receipts.countsByOutcome(gate.runId)).isEqualTo(before);

            // 10 events/s, at most a second's worth at once: six batches of 5 sent together need 3 s of tokens, so
            // some are pushed back whatever the machine's speed (sequential posts would race the refill on a slow box).
            ExecutorService senders = Executors.newFixedThreadPool(6);
            List<HttpResponse<String>> answers = new java.util.ArrayList<>();
            try {
                CountDownLatch go = new CountDownLatch(1);
                List<java.util.concurrent.Future<HttpResponse<String>>> futures = new java.util.ArrayList<>();
                for (int b = 0; b < 6; b++) {
                    List<byte[]> batch = burst.subList(5 * b, 5 * b + 5);
                    futures.add(senders.submit(() -> {
                        go.await();
                        return post(url, key, batch);
                    }));
                }
                go.countDown();
                for (var f : futures) answers.add(f.get(60, TimeUnit.SECONDS));
            } finally {
                senders.shutdownNow();
            }
            assertThat(answers)
                    .extracting(HttpResponse::statusCode)
                    .containsOnly(200, 429)
                    .contains(200, 429);
            HttpResponse<String> pushed = answers.stream()
                    .filter(a -> a.statusCode() == 429)
                    .findFirst()
                    .orElseThrow();
            assertThat(pushed.headers().firstValueAsLong("Retry-After").orElse(-1))
                    .isBetween(1L, 2L);
            assertThat(pushed.body()).contains("over its rate");
        }
    }

    @Test
    void manyThreadsSendingTheSameEventGetExactlyOneAdmitted() throws Exception {
        byte[] event = valid.get(40);
        int threads = 16;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch go = new CountDownLatch(1);
        try {
            List<Future<String>> outcomes = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                outcomes.add(pool.submit(() -> {
                    go.await();
                    return receipts(post(gate.gateUrl, key, List.of(event)))
                            .get(0)
                            .path("outcome")
                            .asText();
                }));
            }
            go.countDown();
            Map<String, Integer> counts = new TreeMap<>();
            for (Future<String> f : outcomes) counts.merge(f.get(), 1, Integer::sum);
            assertThat(counts).containsExactlyInAnyOrderEntriesOf(Map.of("ADMITTED", 1, "DUPLICATE", threads - 1));
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void tenThousandMutationsOfValidEnvelopesAllGetReceiptsAndNoneA5xx() throws Exception {
        SplittableRandom r = new SplittableRandom(2026);
        long inputs = 0;
        Map<String, Long> outcomes = new TreeMap<>();
        for (int batch = 0; batch < 20; batch++) {
            List<byte[]> lines = new ArrayList<>();
            for (int i = 0; i < 500; i++) lines.add(mutate(valid.get(50 + r.nextInt(valid.size() - 50)), r));
            HttpResponse<String> response = post(gate.gateUrl, key, lines);
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            List<JsonNode> rs = receipts(response);
            assertThat(rs).hasSize(lines.size());
            for (JsonNode n : rs) {
                outcomes.merge(
                        n.path("outcome").asText()
                                + (n.has("reason") ? "/" + n.path("reason").asText() : ""),
                        1L,
                        Long::sum);
                if (n.path("outcome").asText().equals("QUARANTINED"))
                    assertThat(n.path("detail").asText()).isNotBlank();
            }
            inputs += lines.size();
        }
        assertThat(inputs).isEqualTo(10_000);
        assertThat(outcomes.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(inputs);
        assertThat(outcomes.keySet())
                .anyMatch(k -> k.endsWith("MALFORMED"))
                .anyMatch(k -> k.endsWith("PAYLOAD_HASH_MISMATCH"));
        // The gate still admits a good event afterwards.
        ObjectNode fresh = (ObjectNode) Json.MAPPER.readTree(valid.get(2));
        assertThat(receipts(post(gate.gateUrl, key, List.of(valid.get(2))))
                        .get(0)
                        .path("outcome")
                        .asText())
                .isIn("ADMITTED", "DUPLICATE");
        assertThat(fresh.path("platform_run_id").asText()).isEqualTo(gate.runId);
    }

    @Test
    void aQuarantinedInputIsIndexedWithItsRawBytesAndReleasedOnceWhenCorrected() throws Exception {
        // Given an event quarantined for a lie about its payload
        ObjectNode good = (ObjectNode) Json.MAPPER.readTree(valid.get(60));
        ObjectNode lying = good.deepCopy();
        ((ObjectNode) lying.path("payload")).put("amount_minor", 1);
        JsonNode q = receipts(post(gate.gateUrl, key, List.of(CanonicalJson.bytes(lying))))
                .get(0);
        assertThat(q.path("reason").asText()).isEqualTo("PAYLOAD_HASH_MISMATCH");
        var index = new dev.fraudplatform.substrate.postgres.PostgresQuarantineIndex(gate.db.dataSource());
        var entry = index.get(q.path("receipt_id").asText()).orElseThrow();
        assertThat(index.list(gate.runId, 1000)).extracting(e -> e.receiptId()).contains(entry.receiptId());
        assertThat(entry.reason().name()).isEqualTo("PAYLOAD_HASH_MISMATCH");
        assertThat(gate.store.read(entry.rawObjectKey())).isEqualTo(CanonicalJson.bytes(lying));

        // When a still-broken correction is released, nothing is released; a good one is, once
        var http = new HttpIngressClient(gate.gateUrl, key);
        var stillBroken = dev.fraudplatform.ingress.gate.QuarantineRelease.release(
                index, http, entry.receiptId(), "{".getBytes(StandardCharsets.UTF_8), "it");
        assertThat(stillBroken.released()).isFalse();
        var fixed = dev.fraudplatform.ingress.gate.QuarantineRelease.release(
                index, http, entry.receiptId(), valid.get(60), "it");
        assertThat(fixed.released()).isTrue();
        assertThat(fixed.receipt().outcome().name()).isIn("ADMITTED", "DUPLICATE");
        assertThat(index.get(entry.receiptId()).orElseThrow().releasedAs())
                .isEqualTo(fixed.receipt().receiptId());
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> dev.fraudplatform.ingress.gate.QuarantineRelease.release(
                                index, http, entry.receiptId(), valid.get(60), "it"))
                .hasMessageContaining("released already");
    }

    @Test
    void theBusPathAppliesTheSameRulesAndAnswersOneReceiptPerRecord() throws Exception {
        Properties p = new Properties();
        p.put("bootstrap.servers", gate.bootstrap);
        List<byte[]> inputs = List.of(valid.get(70), valid.get(70), "not json".getBytes(StandardCharsets.UTF_8));
        try (var producer = new org.apache.kafka.clients.producer.KafkaProducer<String, byte[]>(
                p,
                new org.apache.kafka.common.serialization.StringSerializer(),
                new org.apache.kafka.common.serialization.ByteArraySerializer())) {
            for (int i = 0; i < inputs.size(); i++)
                producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(
                                dev.fraudplatform.core.bus.Topics.INGRESS, "bus-it-" + i, inputs.get(i)))
                        .get();
        }
        Map<String, String> outcomes = new TreeMap<>();
        p.put("group.id", "bus-it-reader");
        p.put("auto.offset.reset", "earliest");
        try (var c = new org.apache.kafka.clients.consumer.KafkaConsumer<String, String>(
                p,
                new org.apache.kafka.common.serialization.StringDeserializer(),
                new org.apache.kafka.common.serialization.StringDeserializer())) {
            c.subscribe(List.of(dev.fraudplatform.core.bus.Topics.INGRESS_RECEIPTS));
            long deadline = System.currentTimeMillis() + 30_000;
            while (outcomes.size() < 3 && System.currentTimeMillis() < deadline) {
                for (var r : c.poll(java.time.Duration.ofMillis(300))) {
                    if (!r.key().startsWith("bus-it-")) continue;
                    JsonNode n = Json.MAPPER.readTree(r.value());
                    outcomes.put(
                            r.key(),
                            n.path("outcome").asText()
                                    + (n.has("reason") ? "/" + n.path("reason").asText() : ""));
                }
            }
        }
        assertThat(outcomes)
                .containsExactly(
                        Map.entry("bus-it-0", "ADMITTED"),
                        Map.entry("bus-it-1", "DUPLICATE"),
                        Map.entry("bus-it-2", "QUARANTINED/MALFORMED"));
    }

    /** One random damage: flipped, deleted, inserted or swapped bytes, a truncation, or a changed value. Never a newline. */
    static byte[] mutate(byte[] in, SplittableRandom r) {
        byte[] b = in.clone();
        switch (r.nextInt(7)) {
            case 0 -> b[r.nextInt(b.length)] ^= (byte) (1 << r.nextInt(8));
            case 1 -> {
                int at = r.nextInt(b.length);
                int len = Math.min(b.length - at, 1 + r.nextInt(20));
                byte[] out = new byte[b.length - len];
                System.arraycopy(b, 0, out, 0, at);
                System.arraycopy(b, at + len, out, at, b.length - at - len);
                b = out;
            }
            case 2 -> {
                int at = r.nextInt(b.length);
                byte[] junk = new byte[1 + r.nextInt(8)];
                for (int i = 0; i < junk.length; i++) junk[i] = (byte) r.nextInt(256);
                byte[] out = new byte[b.length + junk.length];
                System.arraycopy(b, 0, out, 0, at);
                System.arraycopy(junk, 0, out, at, junk.length);
                System.arraycopy(b, at, out, at + junk.length, b.length - at);
                b = out;
            }
            case 3 -> b = java.util.Arrays.copyOf(b, r.nextInt(b.length));
            case 4 -> {
                String s = new String(b, StandardCharsets.UTF_8);
                String[] fields = {
                    "\"amount_minor\":",
                    "\"event_time\":\"",
                    "\"schema_version\":",
                    "\"event_class\":\"",
                    "\"event_id\":\""
                };
                String f = fields[r.nextInt(fields.length)];
                int at = s.indexOf(f);
                if (at >= 0)
                    s = s.substring(0, at + f.length())
                            + (r.nextBoolean() ? "-1" : "\"\\u0000\",")
                            + s.substring(at + f.length());
                b = s.getBytes(StandardCharsets.UTF_8);
            }
            case 5 -> {
                int i = r.nextInt(b.length);
                int j = r.nextInt(b.length);
                byte t = b[i];
                b[i] = b[j];
                b[j] = t;
            }
            default -> {
                ObjectNode n;
                try {
                    n = (ObjectNode) Json.MAPPER.readTree(in);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                ((ObjectNode) n.path("payload")).put("amount_minor", r.nextInt(1_000_000));
                b = CanonicalJson.bytes(n); // payload changed, hash not: a lie about the payload
            }
        }
        for (int i = 0; i < b.length; i++) if (b[i] == '\n' || b[i] == '\r') b[i] = ' ';
        boolean blank = true;
        for (byte x : b) blank &= x == ' ' || x == '\t';
        return blank ? "x".getBytes(StandardCharsets.UTF_8) : b;
    }
}
