package dev.fraudplatform.ingress.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fraudplatform.core.json.Json;
import dev.fraudplatform.testkit.LogCapture;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.BooleanSupplier;
import org.apache.logging.log4j.Level;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Slow and vanishing clients against the gate's HTTP API on a real broker and PostgreSQL: connections that trickle a
 * body cannot starve another producer, a producer's connections beyond its bound get 429 without sending their body,
 * a full gate answers 503, an oversized declared body gets 413 unsent, and a client that hangs up or is cut leaves one
 * WARN line and no stack trace. Raw sockets on loopback only; every loop is bounded; answers are asserted, not times.
 */
class SlowClientsIT {
    static GateOnRealServers gate;
    static String gateUrl;
    static String slowKey;
    static String goodKey;
    static String otherKey;
    static List<byte[]> valid = new ArrayList<>();
    static int nextValid;
    static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    /** Generous: a request that takes this long counts as starved. */
    static final Duration STARVED = Duration.ofSeconds(60);

    @BeforeAll
    static void start() throws Exception {
        gate = new GateOnRealServers(java.util.Set.of("slow-producer", "good-producer", "other-producer"));
        gateUrl = gate.gateUrl;
        slowKey = gate.producerKeys.issue("slow-producer");
        goodKey = gate.producerKeys.issue("good-producer");
        otherKey = gate.producerKeys.issue("other-producer");
        for (int i = 0; i < 200; i++) valid.add(gate.envelope(i));
    }

    @AfterAll
    static void stop() throws Exception {
        if (gate != null) gate.close();
    }

    @Test
    void fourHundredTricklingConnectionsOfOneProducerCannotStarveAnother() throws Exception {
        // Slow clients are not cut in this test (no minimum rate, a long idle timeout), so which requests hold a place
        // does not depend on the machine's speed: exactly the first four of producer A.
        int perProducer = 4;
        int connections = 400;
        GateLimits limits = GateLimits.DEFAULT.withInFlight(perProducer, 32).withSlowClientCuts(0, 180_000);
        List<RawRequest> slow = new ArrayList<>();
        try (IngestionHttpServer server = new IngestionHttpServer(gate.gate, gate.relay, gate.producerKeys, limits)) {
            int port = server.start("127.0.0.1", 0);
            String url = "http://127.0.0.1:" + port;

            // Given 400 connections of producer A, each declaring a body of 100,000 bytes and sending 3 of them
            for (int i = 0; i < connections; i++) slow.add(RawRequest.open(port, slowKey, 100_000, 3));
            // ... of which all but A's bound are pushed back, while the rest trickle a byte a round
            awaitRounds(
                    slow,
                    () -> slow.stream().filter(RawRequest::answeredAndClosed).count() >= connections - perProducer);
            assertThat(server.inFlight()).isEqualTo(perProducer);

            // When a well-behaved producer B sends several batches meanwhile
            List<HttpResponse<String>> answers = new ArrayList<>();
            for (int b = 0; b < 5; b++) {
                answers.add(post(url, goodKey, fresh(10)));
                slow.forEach(RawRequest::trickle);
            }

            // Then B gets every answer with a receipt per event
            for (HttpResponse<String> a : answers) {
                assertThat(a.statusCode()).as(a.body()).isEqualTo(200);
                assertThat(receipts(a))
                        .hasSize(10)
                        .allSatisfy(r -> assertThat(r.path("outcome").asText()).isEqualTo("ADMITTED"));
            }
            // ... and A's connections beyond its bound got 429 with Retry-After, having sent a few of their 100,000
            // bytes
            List<RawRequest> answered =
                    slow.stream().filter(RawRequest::answeredAndClosed).toList();
            assertThat(answered).hasSize(connections - perProducer).allSatisfy(r -> {
                assertThat(r.status()).isEqualTo(429);
                assertThat(r.header("Retry-After")).isNotNull();
                assertThat(r.body()).contains("requests open already").doesNotContain("Exception");
                assertThat(r.bodyBytesSent).isLessThan(100);
            });
            assertThat(slow.stream().filter(r -> r.status() == 0)).hasSize(perProducer);
        } finally {
            slow.forEach(RawRequest::close);
        }
    }

    @Test
    void aGateWithAllItsPlacesTakenAnswers503WithRetryAfterAndAdmitsAgainOnceTheyAreFree() throws Exception {
        GateLimits limits = GateLimits.DEFAULT.withInFlight(2, 3).withSlowClientCuts(0, 180_000);
        List<RawRequest> slow = new ArrayList<>();
        try (IngestionHttpServer server = new IngestionHttpServer(gate.gate, gate.relay, gate.producerKeys, limits)) {
            int port = server.start("127.0.0.1", 0);
            String url = "http://127.0.0.1:" + port;
            // Given two slow requests of A and one of C: the gate's three places
            slow.add(RawRequest.open(port, slowKey, 1_000, 10));
            slow.add(RawRequest.open(port, slowKey, 1_000, 10));
            slow.add(RawRequest.open(port, otherKey, 1_000, 10));
            awaitRounds(slow, () -> server.inFlight() == 3);

            // When B sends, it is pushed back with 503 and Retry-After, and nothing of it is ingested
            List<byte[]> batch = fresh(5);
            HttpResponse<String> full = post(url, goodKey, batch);
            assertThat(full.statusCode()).isEqualTo(503);
            assertThat(full.headers().firstValueAsLong("Retry-After").orElse(-1))
                    .isPositive();
            assertThat(full.body()).contains("requests open already");

            // Then once the slow clients are gone, the same batch is admitted whole
            slow.forEach(RawRequest::close);
            awaitRounds(List.of(), () -> server.inFlight() == 0);
            HttpResponse<String> again = post(url, goodKey, batch);
            assertThat(again.statusCode()).as(again.body()).isEqualTo(200);
            assertThat(receipts(again))
                    .extracting(r -> r.path("outcome").asText())
                    .containsOnly("ADMITTED")
                    .hasSize(5);
        } finally {
            slow.forEach(RawRequest::close);
        }
    }

    @Test
    void aDeclaredBodyOverTheLimitGets413BeforeAnyOfItIsSentAndTheConnectionIsClosed() throws Exception {
        int port = URI.create(gateUrl).getPort();
        long declared = GateLimits.DEFAULT.maxBodyBytes() + 1;
        try (RawRequest r = RawRequest.open(port, goodKey, declared, 0)) {
            // The client sends no byte of its body: a server that waited for one would never answer (the rounds time
            // out), however slow or loaded the machine.
            r.trickles = false;
            awaitRounds(List.of(r), r::answeredAndClosed);
            assertThat(r.status()).isEqualTo(413);
            assertThat(r.header("Connection")).isEqualToIgnoringCase("close");
            assertThat(r.body()).contains("over the limit").doesNotContain("Exception");
            assertThat(r.bodyBytesSent).isZero();
        }
    }

    @Test
    void aClientThatHangsUpMidBodyLeavesOneWarnLineAndNoStackTrace() throws Exception {
        // No minimum rate here: this test is about a hang-up, not a cut.
        GateLimits limits = GateLimits.DEFAULT.withSlowClientCuts(0, 180_000);
        try (IngestionHttpServer server = new IngestionHttpServer(gate.gate, gate.relay, gate.producerKeys, limits);
                LogCapture log = LogCapture.of(Level.DEBUG)) {
            int port = server.start("127.0.0.1", 0);
            // Given a request that has sent 100 of its 10,000 bytes and holds a place
            RawRequest r = RawRequest.open(port, slowKey, 10_000, 100);
            awaitRounds(List.of(), () -> server.inFlight() == 1);

            // When its client hangs up
            r.close();
            awaitRounds(List.of(), () -> server.inFlight() == 0);
            // ... and the gate answers the next request (so whatever the hang-up logs has been logged)
            assertThat(post("http://127.0.0.1:" + port, goodKey, fresh(1)).statusCode())
                    .isEqualTo(200);

            // Then one WARN line names the producer and the cause, and no line carries a stack trace or is an error
            List<LogCapture.Line> gateLines =
                    log.events().stream().filter(l -> isHttpLogger(l.logger())).toList();
            assertThat(gateLines)
                    .filteredOn(l -> l.level().isMoreSpecificThan(Level.WARN))
                    .as(gateLines.toString())
                    .singleElement()
                    .satisfies(l -> {
                        assertThat(l.level()).isEqualTo(Level.WARN);
                        assertThat(l.message())
                                .isEqualTo(
                                        "gate request from producer slow-producer ended early: the client hung up after 100 bytes of 10000");
                    });
            assertThat(gateLines)
                    .as(gateLines.toString())
                    .allSatisfy(l -> assertThat(l.thrown()).isNull());
        }
    }

    @Test
    void aClientSilentPastTheIdleTimeoutIsCutWithOneWarnLine() throws Exception {
        GateLimits limits = GateLimits.DEFAULT.withSlowClientCuts(0, 1_500);
        List<LogCapture.Line> gateLines = cutAndLog(limits, slowKey, 10, false);
        assertThat(gateLines)
                .filteredOn(l -> l.level().isMoreSpecificThan(Level.WARN))
                .as(gateLines.toString())
                .singleElement()
                .satisfies(
                        l -> assertThat(l.message())
                                .isEqualTo(
                                        "gate request from producer slow-producer ended early: the client sent nothing for the idle timeout of 1500 ms after 10 bytes of 10000"));
    }

    @Test
    void aClientSlowerThanTheMinimumRateIsCutWithOneWarnLine() throws Exception {
        GateLimits limits = GateLimits.DEFAULT.withSlowClientCuts(1_000, 180_000);
        List<LogCapture.Line> gateLines = cutAndLog(limits, otherKey, 1, true);
        assertThat(gateLines)
                .filteredOn(l -> l.level().isMoreSpecificThan(Level.WARN))
                .as(gateLines.toString())
                .singleElement()
                .satisfies(
                        l -> assertThat(l.message())
                                .startsWith(
                                        "gate request from producer other-producer ended early: the client sent its body slower than the minimum of 1000 bytes/s after "));
    }

    /**
     * Opens a request declaring 10,000 bytes that sends {@code first} and then a byte a round ({@code trickles}) or
     * nothing, waits until the gate has cut and closed it, checks it freed its place and that the gate still answers,
     * and returns what the HTTP layer logged meanwhile, none of which may carry a stack trace.
     */
    private static List<LogCapture.Line> cutAndLog(GateLimits limits, String key, int first, boolean trickles)
            throws Exception {
        try (IngestionHttpServer server = new IngestionHttpServer(gate.gate, gate.relay, gate.producerKeys, limits);
                LogCapture log = LogCapture.of(Level.DEBUG)) {
            int port = server.start("127.0.0.1", 0);
            try (RawRequest r = RawRequest.open(port, key, 10_000, first)) {
                r.trickles = trickles;
                awaitRounds(List.of(r), () -> r.closedByServer);
                assertThat(r.status()).isIn(0, 408);
                assertThat(r.bodyBytesSent).isLessThan(10_000);
            }
            awaitRounds(List.of(), () -> server.inFlight() == 0);
            assertThat(post("http://127.0.0.1:" + port, goodKey, fresh(1)).statusCode())
                    .isEqualTo(200);
            List<LogCapture.Line> gateLines =
                    log.events().stream().filter(l -> isHttpLogger(l.logger())).toList();
            assertThat(gateLines)
                    .as(gateLines.toString())
                    .allSatisfy(l -> assertThat(l.thrown()).isNull())
                    .noneSatisfy(l -> assertThat(l.level()).isEqualTo(Level.ERROR));
            return gateLines;
        }
    }

    @Test
    void healthzAnswersItsStatus() throws Exception {
        HttpResponse<String> h = HTTP.send(
                HttpRequest.newBuilder(URI.create(gateUrl + "/healthz"))
                        .timeout(STARVED)
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(h.statusCode()).isEqualTo(200);
        assertThat(Json.MAPPER.readTree(h.body())).isEqualTo(Json.MAPPER.readTree("{\"status\":\"ok\"}"));

        HttpResponse<String> api = HTTP.send(
                HttpRequest.newBuilder(URI.create(gateUrl + "/openapi.json"))
                        .timeout(STARVED)
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        JsonNode responses = Json.MAPPER
                .readTree(api.body())
                .path("paths")
                .path("/v1/events")
                .path("post")
                .path("responses");
        assertThat(responses.path("503").path("headers").has("Retry-After")).isTrue();
        assertThat(responses.path("429").path("description").asText()).contains("requests open");
        assertThat(Json.MAPPER
                        .readTree(api.body())
                        .path("paths")
                        .path("/healthz")
                        .path("get")
                        .path("responses")
                        .path("503")
                        .toString())
                .contains("unavailable");
    }

    private static boolean isHttpLogger(String logger) {
        return logger.startsWith("org.eclipse.jetty")
                || logger.startsWith("io.javalin")
                || logger.startsWith("dev.fraudplatform.ingress.http");
    }

    /** Events not sent before: each call takes the next {@code n}. */
    private static synchronized List<byte[]> fresh(int n) {
        List<byte[]> out = valid.subList(nextValid, nextValid + n);
        nextValid += n;
        return out;
    }

    static HttpResponse<String> post(String baseUrl, String apiKey, List<byte[]> lines) throws Exception {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (byte[] l : lines) {
            body.writeBytes(l);
            body.write('\n');
        }
        return HTTP.send(
                HttpRequest.newBuilder(URI.create(baseUrl + "/v1/events"))
                        .timeout(STARVED)
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()))
                        .header("Content-Type", "application/x-ndjson")
                        .header("Authorization", "Bearer " + apiKey)
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static List<JsonNode> receipts(HttpResponse<String> response) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        Json.MAPPER.readTree(response.body()).path("receipts").forEach(out::add);
        return out;
    }

    /**
     * Reads what the server sent on each request and trickles one body byte to each that has no answer yet, round
     * after round, until {@code done}; fails after {@link #STARVED} (a generous bound, not a measured time).
     */
    static void awaitRounds(List<RawRequest> requests, BooleanSupplier done) throws Exception {
        long deadline = System.nanoTime() + STARVED.toNanos();
        for (int round = 0; !done.getAsBoolean(); round++) {
            if (System.nanoTime() > deadline)
                throw new AssertionError("not done after " + round + " rounds in " + STARVED);
            for (RawRequest r : requests) r.poll();
            for (RawRequest r : requests) r.trickle();
            if (requests.isEmpty()) Thread.sleep(20);
        }
    }

    /** A POST written by hand on a raw loopback socket, so that its body can be sent as slowly as a test likes. */
    static final class RawRequest implements AutoCloseable {
        final Socket socket;
        final long declared;
        final ByteArrayOutputStream received = new ByteArrayOutputStream();
        long bodyBytesSent;
        boolean closedByServer;
        /** Whether {@link #trickle()} sends anything. */
        boolean trickles = true;

        private RawRequest(Socket socket, long declared) {
            this.socket = socket;
            this.declared = declared;
        }

        /** Connects, sends the headers of a request declaring {@code declared} body bytes, then {@code first} of them. */
        static RawRequest open(int port, String key, long declared, int first) throws IOException {
            Socket s = new Socket(InetAddress.getLoopbackAddress(), port);
            s.setSoTimeout(5);
            s.setTcpNoDelay(true);
            RawRequest r = new RawRequest(s, declared);
            String head = String.format(
                    Locale.ROOT,
                    "POST /v1/events HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nAuthorization: Bearer %s\r\n"
                            + "Content-Type: application/x-ndjson\r\nContent-Length: %d\r\n\r\n",
                    port,
                    key,
                    declared);
            s.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
            r.send(first);
            return r;
        }

        private void send(int n) {
            if (closedByServer || status() != 0 || bodyBytesSent + n > declared) return;
            try {
                byte[] bytes = new byte[n];
                java.util.Arrays.fill(bytes, (byte) ' ');
                socket.getOutputStream().write(bytes);
                socket.getOutputStream().flush();
                bodyBytesSent += n;
            } catch (IOException gone) {
                closedByServer = true;
            }
        }

        /** Sends one more body byte unless the request is answered or closed. */
        void trickle() {
            if (trickles) send(1);
        }

        /** Takes what the server has sent so far, without waiting more than a few milliseconds. */
        void poll() {
            if (closedByServer || socket.isClosed()) return;
            byte[] buf = new byte[4096];
            try {
                InputStream in = socket.getInputStream();
                for (int i = 0; i < 100; i++) {
                    int n = in.read(buf);
                    if (n < 0) {
                        closedByServer = true;
                        return;
                    }
                    received.write(buf, 0, n);
                }
            } catch (SocketTimeoutException nothingYet) {
                // no more for now
            } catch (IOException reset) {
                closedByServer = true;
            }
        }

        boolean answeredAndClosed() {
            return closedByServer && status() != 0;
        }

        /** The answer's status code, or 0 while no status line has arrived. */
        int status() {
            String text = received.toString(StandardCharsets.ISO_8859_1);
            int end = text.indexOf("\r\n");
            if (!text.startsWith("HTTP/1.1 ") || end < 12) return 0;
            return Integer.parseInt(text.substring(9, 12));
        }

        String header(String name) {
            String text = received.toString(StandardCharsets.ISO_8859_1);
            int end = text.indexOf("\r\n\r\n");
            if (end < 0) return null;
            for (String line : text.substring(0, end).split("\r\n")) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name))
                    return line.substring(colon + 1).trim();
            }
            return null;
        }

        String body() {
            String text = received.toString(StandardCharsets.UTF_8);
            int end = text.indexOf("\r\n\r\n");
            return end < 0 ? "" : text.substring(end + 4);
        }

        @Override
        public void close() {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing is all we wanted
            }
        }
    }
}
