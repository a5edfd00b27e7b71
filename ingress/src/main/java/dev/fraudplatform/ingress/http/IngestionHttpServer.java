package dev.fraudplatform.ingress.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fraudplatform.core.ingress.ProducerKeys;
import dev.fraudplatform.core.ingress.Receipt;
import dev.fraudplatform.core.json.Json;
import dev.fraudplatform.core.store.Resources;
import dev.fraudplatform.ingress.decide.DecisionWaiter;
import dev.fraudplatform.ingress.gate.AdmissionRelay;
import dev.fraudplatform.ingress.gate.IngestionGate;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.ServerConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Ingestion Gate's HTTP API (Javalin), described by {@code GET /openapi.json}.
 *
 * <p>{@code POST /v1/events}: a batch of envelopes as NDJSON (one envelope per line), with the producer's key in
 * {@code Authorization: Bearer <key>} (or {@code X-Api-Key}). The answer is one receipt per line, in order: admitted,
 * duplicate or quarantined with its reason; a broken line gets its own quarantine receipt and never fails the batch.
 *
 * <p>Before any of the body is read, in this order: 401 for a missing, unknown or revoked key; 413 for a declared
 * {@code Content-Length} over {@link GateLimits#maxBodyBytes()}; 429 with {@code Retry-After} when the producer has
 * {@link GateLimits#maxInFlightPerProducer()} requests open already; 503 with {@code Retry-After} when the gate has
 * {@link GateLimits#maxInFlightRequests()} open. These answers close the connection, so an unread body is never
 * taken for the next request. After the body is read: 413 for a body (sent without a length) or batch over the
 * limits, 429 with {@code Retry-After} when the producer is over its rate or the bus lags too far, 403 when the batch
 * names an open run that does not take this producer's traffic. Nothing is ingested from a request answered 401, 403,
 * 413, 429 or 503-before-reading.
 *
 * <p>Slow clients: Jetty cuts a body that arrives slower than {@link GateLimits#minRequestBytesPerSecond()} on average
 * and a connection silent for {@link GateLimits#idleTimeoutMillis()}. A request whose client hangs up or is cut before
 * its body is complete ingests nothing and gives one WARN line naming the producer and the cause, without a stack
 * trace; it is never answered 503. No input, however broken, gets a 5xx; 503 means the gate itself cannot admit now.
 */
public final class IngestionHttpServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(IngestionHttpServer.class);
    public static final String EVENTS_PATH = "/v1/events";
    static final String NDJSON = "application/x-ndjson";
    /**
     * The first allocation for a body: a declared length up to this is read into one exact array (the usual batch,
     * no copies); a larger one is grown into as its bytes arrive, so a declared length alone never reserves memory.
     */
    private static final int FIRST_BODY_BUFFER = 1 << 20;

    private final IngestionGate gate;
    private final AdmissionRelay relay;
    private final ProducerKeys keys;
    private final GateLimits limits;
    private final TokenBuckets buckets;
    private final InFlightRequests inFlight;
    private final Javalin app;
    private final byte[] openApi;
    /** The decision API; null when this gate has no decision waiter (then {@code /v1/decide} answers 503). */
    private final DecideEndpoint decide;
    /** The decision loop's backlog in events (-1: unknown); the gate sheds above {@link GateLimits#maxLoopBacklog()}. */
    private final java.util.function.LongSupplier loopBacklog;

    private volatile String host = "127.0.0.1";
    private volatile int port;

    public IngestionHttpServer(IngestionGate gate, AdmissionRelay relay, ProducerKeys keys, GateLimits limits) {
        this(gate, relay, keys, limits, null, () -> -1);
    }

    /**
     * A gate with the synchronous decision API answered through {@code waiter} (null: none), which sheds load while
     * {@code loopBacklog} (events the decision loop has not consumed; -1 unknown) is over the limits' bound.
     */
    public IngestionHttpServer(
            IngestionGate gate,
            AdmissionRelay relay,
            ProducerKeys keys,
            GateLimits limits,
            DecisionWaiter waiter,
            java.util.function.LongSupplier loopBacklog) {
        this.decide = waiter == null ? null : new DecideEndpoint(waiter, gate::takesFrom);
        this.loopBacklog = loopBacklog;
        this.gate = gate;
        this.relay = relay;
        this.keys = keys;
        this.limits = limits;
        this.buckets = new TokenBuckets(limits.producerEventsPerSecond());
        this.inFlight = new InFlightRequests(
                limits.maxInFlightPerProducer(), limits.maxInFlightRequests(), limits.maxBufferedBytes());
        this.openApi = Resources.bytes("openapi.json");
        this.app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.http.maxRequestSize = limits.maxBodyBytes();
            config.jetty.modifyHttpConfiguration(http -> {
                // Checked by Jetty on every read of the body: bytes arrived >= rate x time since the first byte.
                http.setMinRequestDataRate(limits.minRequestBytesPerSecond());
                // The idle timeout while a request is being handled (the connector's applies between requests).
                http.setIdleTimeout(limits.idleTimeoutMillis());
            });
            config.jetty.addConnector((server, http) -> {
                // Our own connector, because Javalin's default one keeps Jetty's 30 s idle timeout for connections
                // that have not finished sending their headers.
                ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
                connector.setHost(host);
                connector.setPort(port);
                connector.setIdleTimeout(limits.idleTimeoutMillis());
                return connector;
            });
            config.routes.post(EVENTS_PATH, ctx -> guarded(ctx, this::admitBody));
            config.routes.post(DecideEndpoint.PATH, ctx -> guarded(ctx, this::decideBody));
            config.routes.get(DecideEndpoint.DECISIONS_PATH, this::decision);
            config.routes.get(
                    "/openapi.json", ctx -> ctx.contentType("application/json").result(openApi));
            config.routes.get("/healthz", this::health);
            config.routes.exception(Exception.class, (e, ctx) -> {
                String early = e instanceof GateUnavailable ? null : EarlyEnd.describe(e, limits);
                if (early != null) {
                    // The client is gone or was cut: there is nobody to tell 503, and a stack trace would say nothing.
                    LOG.warn("gate request ended early: {}", early);
                    ctx.status(408)
                            .header("Connection", "close")
                            .contentType("application/json")
                            .result(error("request ended early: " + early));
                    return;
                }
                LOG.error("gate request failed: {}", e.toString(), e);
                // The caller learns that it may retry; what failed inside (a store, the bus) is for the log, not for
                // the producer.
                ctx.status(503)
                        .header("Retry-After", "5")
                        .contentType("application/json")
                        .result(error("the gate cannot admit now; retry later"));
            });
        });
    }

    /** Starts listening on {@code host:port} (port 0: any free port); returns the port. */
    public int start(String host, int port) {
        this.host = host;
        this.port = port;
        app.start();
        return app.port();
    }

    /** Requests open now (authenticated and admitted, not yet answered), all producers together. */
    public int inFlight() {
        return inFlight.inFlight();
    }

    private void health(Context ctx) {
        Throwable failed = relay.failure();
        ObjectNode n = Json.MAPPER.createObjectNode();
        if (failed == null) {
            n.put("status", "ok");
        } else {
            n.put("status", "unavailable");
            n.put("error", "admission relay stopped: " + failed.getMessage());
        }
        ctx.status(failed == null ? 200 : 503).contentType("application/json").result(n.toString());
    }

    /**
     * A failure of the gate itself (its key store, receipt store, relay or bus), never of the client's connection: it
     * is answered 503 with Retry-After however its causes read (a database connection's end-of-file is not a client
     * hanging up).
     */
    static final class GateUnavailable extends RuntimeException {
        GateUnavailable(RuntimeException cause) {
            super(cause.getMessage(), cause);
        }
    }

    /** What a route does with a body the gate has taken in: answers now (null) or when the future completes. */
    @FunctionalInterface
    private interface BodyHandler {
        java.util.concurrent.CompletableFuture<?> handle(Context ctx, String producer, byte[] body) throws Exception;
    }

    /** The producer a request's key names, or empty after answering 401. */
    private Optional<String> authenticated(Context ctx) {
        Optional<String> producer;
        try {
            producer = keys.producerOf(presentedKey(ctx));
        } catch (RuntimeException e) {
            throw new GateUnavailable(e);
        }
        if (producer.isEmpty()) reject(ctx, 401, "a valid API key is required (Authorization: Bearer <key>)", null);
        return producer;
    }

    private void decision(Context ctx) {
        Optional<String> producer = authenticated(ctx);
        if (producer.isEmpty()) return;
        if (decide == null) {
            reject(ctx, 503, "this gate has no decision API; ask the gate that serves " + DecideEndpoint.PATH, null);
            return;
        }
        decide.get(ctx, producer.get());
    }

    /**
     * Every body-carrying route: authentication, the declared length and the in-flight bounds before any of the body
     * is read, then the body, then {@code handler}. The request's place is given back once {@code handler} returns: an
     * asynchronous answer (a decide request waiting for its decisions) holds no thread and no body by then, and its
     * waits are bounded by the decision API itself.
     */
    private void guarded(Context ctx, BodyHandler handler) throws Exception {
        Optional<String> producer = authenticated(ctx);
        if (producer.isEmpty()) return;
        long declared = ctx.contentLength();
        if (declared > limits.maxBodyBytes()) {
            // Answered before reading any of it; the connection is closed, so the unread body is never parsed.
            ctx.header("Connection", "close");
            reject(ctx, 413, "body of " + declared + " bytes is over the limit of " + limits.maxBodyBytes(), null);
            return;
        }
        String p = producer.get();
        // A body without a declared length may grow to the limit: it is counted as that much.
        long bodyBytes = declared >= 0 ? declared : limits.maxBodyBytes();
        switch (inFlight.admit(p, bodyBytes)) {
            case PRODUCER_FULL -> {
                ctx.header("Connection", "close");
                reject(
                        ctx,
                        429,
                        "producer " + p + " has " + inFlight.perProducerBound() + " requests open already; retry later",
                        1_000L);
                return;
            }
            case GATE_FULL -> {
                ctx.header("Connection", "close");
                reject(
                        ctx,
                        503,
                        "the gate has " + inFlight.totalBound() + " requests open already; retry later",
                        1_000L);
                return;
            }
            case BYTES_FULL -> {
                ctx.header("Connection", "close");
                reject(
                        ctx,
                        503,
                        "the gate holds " + inFlight.bytesBound() + " bytes of request bodies already; retry later",
                        1_000L);
                return;
            }
            case ADMITTED -> {}
        }
        try {
            byte[] body;
            try {
                body = readBody(ctx.req().getInputStream(), declared, (int) limits.maxBodyBytes());
            } catch (BodyEndedEarly e) {
                String early = EarlyEnd.describe(e.getCause(), limits);
                if (early == null)
                    early = "the connection failed (" + e.getCause().toString().replace('\n', ' ') + ")";
                LOG.warn(
                        "gate request from producer {} ended early: {} after {} bytes{}",
                        p,
                        early,
                        e.bytesRead,
                        declared < 0 ? "" : " of " + declared);
                // Usually nobody is left to read this; a client cut for being slow may be, and learns why.
                ctx.status(408)
                        .header("Connection", "close")
                        .contentType("application/json")
                        .result(error("request ended early: " + early));
                return;
            }
            java.util.concurrent.CompletableFuture<?> later = handler.handle(ctx, p, body);
            if (later != null) ctx.future(() -> later);
        } finally {
            inFlight.release(p, bodyBytes);
        }
    }

    /**
     * Load shedding after the body is read, before anything is ingested: the relay's backlog, the decision loop's
     * backlog, the producer's rate. Returns false after answering 429 with Retry-After.
     */
    private boolean shed(Context ctx, String producer, int events) {
        if (relay.backlog() > limits.maxRelayBacklog()) {
            reject(ctx, 429, "the bus is " + relay.backlog() + " batches behind the gate; retry later", 1_000L);
            return true;
        }
        long behind = loopBacklog.getAsLong();
        if (behind > limits.maxLoopBacklog()) {
            reject(
                    ctx,
                    429,
                    "the decision loop is " + behind + " events behind the gate (the bound is "
                            + limits.maxLoopBacklog() + "); retry later",
                    1_000L);
            return true;
        }
        long wait = buckets.take(producer, Math.max(1, events));
        if (wait > 0) {
            reject(
                    ctx,
                    429,
                    "producer " + producer + " is over its rate of " + (long) limits.producerEventsPerSecond()
                            + " events/s",
                    wait);
            return true;
        }
        return false;
    }

    private java.util.concurrent.CompletableFuture<?> decideBody(Context ctx, String producer, byte[] body) {
        long start = System.nanoTime();
        if (decide == null) {
            reject(ctx, 503, "this gate has no decision API (no decision waiter); send events to " + EVENTS_PATH, null);
            return null;
        }
        Long deadline = DecideEndpoint.deadline(ctx);
        if (deadline == null) return null;
        List<byte[]> events = DecideEndpoint.events(ctx, body);
        if (events.isEmpty()) {
            reject(ctx, 400, "no transaction in the body: send one envelope, or NDJSON lines", null);
            return null;
        }
        if (events.size() > DecideEndpoint.MAX_EVENTS) {
            reject(
                    ctx,
                    413,
                    events.size() + " events in one decide request; the limit is " + DecideEndpoint.MAX_EVENTS
                            + " (send larger batches to " + EVENTS_PATH + ")",
                    null);
            return null;
        }
        DecideEndpoint.Identity[] ids = DecideEndpoint.transactionsOnly(ctx, events);
        if (ids == null || shed(ctx, producer, events.size())) return null;
        List<java.util.concurrent.CompletableFuture<dev.fraudplatform.core.decision.Decision.Summary>> waits =
                decide.register(ids);
        List<Receipt> receipts = submit(ctx, producer, events);
        if (receipts == null) return null;
        boolean single = !DecideEndpoint.isNdjson(ctx);
        return decide.answer(ctx, single, producer, receipts, waits, start, deadline);
    }

    /** The gate's receipts for {@code events}, or null after answering 403 (a run that does not take the producer). */
    private List<Receipt> submit(Context ctx, String producer, List<byte[]> events) {
        try {
            return gate.submit(producer, events);
        } catch (IngestionGate.ProducerRefusedException e) {
            reject(ctx, 403, e.getMessage(), null);
            return null;
        } catch (RuntimeException e) {
            throw new GateUnavailable(e);
        }
    }

    private java.util.concurrent.CompletableFuture<?> admitBody(Context ctx, String producer, byte[] body)
            throws IOException {
        if (body.length > limits.maxBodyBytes()) {
            ctx.header("Connection", "close");
            reject(ctx, 413, "body of more than " + limits.maxBodyBytes() + " bytes is over the limit", null);
            return null;
        }
        List<byte[]> events = lines(body);
        if (events.size() > limits.maxEventsPerBatch()) {
            reject(ctx, 413, events.size() + " events in one batch; the limit is " + limits.maxEventsPerBatch(), null);
            return null;
        }
        if (shed(ctx, producer, events.size())) return null;
        List<Receipt> receipts = submit(ctx, producer, events);
        if (receipts == null) return null;
        ctx.status(200).contentType("application/json").result(ReceiptJson.batchBytes(producer, receipts));
        return null;
    }

    /** The body's bytes ended before all of them arrived; {@code bytesRead} of them had. */
    static final class BodyEndedEarly extends IOException {
        final long bytesRead;

        BodyEndedEarly(long bytesRead, Throwable cause) {
            super(cause);
            this.bytesRead = bytesRead;
        }
    }

    /**
     * Reads a body of {@code declared} bytes (-1: unknown, read to its end) from {@code in}. Returns at most
     * {@code max + 1} bytes when the length is unknown, so a result longer than {@code max} means "over the limit"; a
     * declared length must be at most {@code max}. Throws {@link BodyEndedEarly} when the stream fails or ends before
     * {@code declared} bytes, wrapping what Jetty threw (a hang-up, an idle timeout or a too-slow client).
     */
    static byte[] readBody(InputStream in, long declared, int max) throws BodyEndedEarly {
        long target = declared >= 0 ? declared : (long) max + 1;
        byte[] buf = new byte[(int) Math.min(target, FIRST_BODY_BUFFER)];
        int n = 0;
        try {
            while (n < target) {
                if (n == buf.length) buf = Arrays.copyOf(buf, (int) Math.min(target, 2L * buf.length));
                int r = in.read(buf, n, buf.length - n);
                if (r < 0) break;
                n += r;
            }
        } catch (IOException e) {
            throw new BodyEndedEarly(n, e);
        } catch (RuntimeException e) {
            if (EarlyEnd.describe(e, GateLimits.DEFAULT) == null) throw e;
            throw new BodyEndedEarly(n, e);
        }
        if (declared >= 0 && n < declared)
            throw new BodyEndedEarly(n, new EOFException("the body ended before its Content-Length"));
        return n == buf.length ? buf : Arrays.copyOf(buf, n);
    }

    private static String presentedKey(Context ctx) {
        String auth = ctx.header("Authorization");
        if (auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7))
            return auth.substring(7).trim();
        return ctx.header("X-Api-Key");
    }

    /** Splits NDJSON into its lines' raw bytes (a trailing CR is dropped; blank lines carry no event). */
    static List<byte[]> lines(byte[] body) {
        List<byte[]> out = new ArrayList<>();
        int start = 0;
        while (start <= body.length) {
            // One plain scan to the next newline: the hot loop of every request, kept simple for the JIT.
            int newline = start;
            while (newline < body.length && body[newline] != '\n') newline++;
            int end = newline;
            if (end > start && body[end - 1] == '\r') end--;
            int first = start;
            while (first < end && (body[first] == ' ' || body[first] == '\t')) first++;
            if (first < end) out.add(Arrays.copyOfRange(body, start, end));
            start = newline + 1;
        }
        return out;
    }

    static void reject(Context ctx, int status, String message, Long retryAfterMillis) {
        if (retryAfterMillis != null)
            ctx.header("Retry-After", Long.toString(Math.max(1, (retryAfterMillis + 999) / 1000)));
        ctx.status(status).contentType("application/json").result(error(message));
    }

    private static String error(String message) {
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.put("error", message);
        return n.toString();
    }

    @Override
    public void close() {
        app.stop();
    }
}
