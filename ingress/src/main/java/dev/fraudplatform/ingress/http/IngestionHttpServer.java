package dev.fraudplatform.ingress.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fraudplatform.core.ingress.ProducerKeys;
import dev.fraudplatform.core.ingress.Receipt;
import dev.fraudplatform.core.json.Json;
import dev.fraudplatform.core.store.Resources;
import dev.fraudplatform.ingress.gate.AdmissionRelay;
import dev.fraudplatform.ingress.gate.IngestionGate;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Ingestion Gate's HTTP API (Javalin), described by {@code GET /openapi.json}.
 *
 * <p>{@code POST /v1/events}: a batch of envelopes as NDJSON (one envelope per line), with the producer's key in
 * {@code Authorization: Bearer <key>} (or {@code X-Api-Key}). The answer is one receipt per line, in order: admitted,
 * duplicate or quarantined with its reason; a broken line gets its own quarantine receipt and never fails the batch.
 * Before anything is read into the gate: 401 for a missing, unknown or revoked key, 403 when the batch names an
 * open run that does not take this producer's traffic, 413 for a body or batch over the limits,
 * 429 with {@code Retry-After} when the producer is over its rate or the bus lags too far. Nothing is ingested from a
 * request answered 401, 403, 413 or 429. No input, however broken, gets a 5xx; 503 means the gate itself cannot admit now.
 */
public final class IngestionHttpServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(IngestionHttpServer.class);
    public static final String EVENTS_PATH = "/v1/events";
    static final String NDJSON = "application/x-ndjson";

    private final IngestionGate gate;
    private final AdmissionRelay relay;
    private final ProducerKeys keys;
    private final GateLimits limits;
    private final TokenBuckets buckets;
    private final Javalin app;
    private final byte[] openApi;

    public IngestionHttpServer(IngestionGate gate, AdmissionRelay relay, ProducerKeys keys, GateLimits limits) {
        this.gate = gate;
        this.relay = relay;
        this.keys = keys;
        this.limits = limits;
        this.buckets = new TokenBuckets(limits.producerEventsPerSecond());
        this.openApi = Resources.bytes("openapi.json");
        this.app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.http.maxRequestSize = limits.maxBodyBytes();
            config.routes.post(EVENTS_PATH, this::events);
            config.routes.get("/openapi.json", ctx -> ctx.contentType("application/json").result(openApi));
            config.routes.get("/healthz", ctx -> {
                Throwable failed = relay.failure();
                ctx.status(failed == null ? 200 : 503).contentType("application/json")
                        .result(error(failed == null ? "ok" : "admission relay stopped: " + failed.getMessage()));
            });
            config.routes.exception(Exception.class, (e, ctx) -> {
                LOG.error("gate request failed: {}", e.toString(), e);
                ctx.status(503).header("Retry-After", "5").contentType("application/json").result(error("the gate cannot admit now: " + e.getMessage()));
            });
        });
    }

    /** Starts listening on {@code host:port} (port 0: any free port); returns the port. */
    public int start(String host, int port) {
        app.start(host, port);
        return app.port();
    }

    private void events(Context ctx) throws Exception {
        Optional<String> producer = keys.producerOf(presentedKey(ctx));
        if (producer.isEmpty()) {
            reject(ctx, 401, "a valid API key is required (Authorization: Bearer <key>)", null);
            return;
        }
        long declared = ctx.contentLength();
        if (declared > limits.maxBodyBytes()) {
            // Read (and drop) a moderately oversized body before answering, so the client sees the 413 rather than a
            // connection closed under its upload; a far larger one is refused without reading it.
            if (declared <= 4 * limits.maxBodyBytes()) ctx.req().getInputStream().skipNBytes(declared);
            reject(ctx, 413, "body of " + declared + " bytes is over the limit of " + limits.maxBodyBytes(), null);
            return;
        }
        byte[] body = ctx.bodyAsBytes();
        if (body.length > limits.maxBodyBytes()) {
            reject(ctx, 413, "body of " + body.length + " bytes is over the limit of " + limits.maxBodyBytes(), null);
            return;
        }
        List<byte[]> events = lines(body);
        if (events.size() > limits.maxEventsPerBatch()) {
            reject(ctx, 413, events.size() + " events in one batch; the limit is " + limits.maxEventsPerBatch(), null);
            return;
        }
        if (relay.backlog() > limits.maxRelayBacklog()) {
            reject(ctx, 429, "the bus is " + relay.backlog() + " batches behind the gate; retry later", 1_000L);
            return;
        }
        long wait = buckets.take(producer.get(), Math.max(1, events.size()));
        if (wait > 0) {
            reject(ctx, 429, "producer " + producer.get() + " is over its rate of " + (long) limits.producerEventsPerSecond() + " events/s", wait);
            return;
        }
        List<Receipt> receipts;
        try {
            receipts = gate.submit(producer.get(), events);
        } catch (IngestionGate.ProducerRefusedException e) {
            reject(ctx, 403, e.getMessage(), null);
            return;
        }
        ctx.status(200).contentType("application/json").result(ReceiptJson.batchBytes(producer.get(), receipts));
    }

    private static String presentedKey(Context ctx) {
        String auth = ctx.header("Authorization");
        if (auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)) return auth.substring(7).trim();
        return ctx.header("X-Api-Key");
    }

    /** Splits NDJSON into its lines' raw bytes (a trailing CR is dropped; blank lines carry no event). */
    static List<byte[]> lines(byte[] body) {
        List<byte[]> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i <= body.length; i++) {
            if (i == body.length || body[i] == '\n') {
                int end = i;
                if (end > start && body[end - 1] == '\r') end--;
                boolean blank = true;
                for (int k = start; k < end && blank; k++) blank = body[k] == ' ' || body[k] == '\t';
                if (!blank) out.add(java.util.Arrays.copyOfRange(body, start, end));
                start = i + 1;
            }
        }
        return out;
    }

    private static void reject(Context ctx, int status, String message, Long retryAfterMillis) {
        if (retryAfterMillis != null) ctx.header("Retry-After", Long.toString(Math.max(1, (retryAfterMillis + 999) / 1000)));
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
