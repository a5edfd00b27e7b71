package dev.fraudplatform.ingress.http;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.fraudplatform.core.bus.Topics;
import dev.fraudplatform.core.decision.Decision;
import dev.fraudplatform.core.envelope.Envelope;
import dev.fraudplatform.core.ingress.Receipt;
import dev.fraudplatform.core.ingress.ReceiptOutcome;
import dev.fraudplatform.core.json.Json;
import dev.fraudplatform.ingress.decide.DecisionWaiter;
import io.javalin.http.Context;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The synchronous decision API: {@code POST /v1/decide} and {@code GET /v1/decisions/{id}} (see {@code openapi.json}).
 *
 * <p>A decide request carries one transaction envelope (any content type but NDJSON) or up to {@link #MAX_EVENTS} of
 * them as NDJSON, and may set its deadline ({@code ?deadline_ms=}, 1 to {@link #MAX_DEADLINE_MS}; default
 * {@link #DEFAULT_DEADLINE_MS}). Its events pass the gate like any other: schema, pins, dedupe, integrity, one receipt
 * each. Before they are submitted, the caller is registered with the {@link DecisionWaiter} for each decision, so one
 * that comes back before the gate answers is not missed; the answer then waits until every decision is in or the
 * deadline passes, on no server thread (an async response). Per event: the receipt, and the decision (action, score,
 * reasons, degrade mode and reason, bundle, ids), or, past the deadline, the URL where it will be. The same event sent
 * again is a DUPLICATE with the decision its first copy got, from the waiter's recent decisions or the effect ledger:
 * never a second decision.
 *
 * <p>One event: 200 decided, 202 with {@code Location} when the deadline passed first, 422 when it was quarantined
 * (its receipt says why). NDJSON: 200, or 202 when any decision is still to come. A line that is a readable envelope
 * of a class other than a transaction refuses the whole request with 400 before anything is ingested: context and
 * labels go to {@code /v1/events}.
 */
final class DecideEndpoint {
    static final String PATH = "/v1/decide";
    static final String DECISIONS_PATH = "/v1/decisions/{id}";
    /** Most transactions in one decide request (a small batch: the caller waits for every one of them). */
    static final int MAX_EVENTS = 16;

    static final long DEFAULT_DEADLINE_MS = 150;
    static final long MAX_DEADLINE_MS = 30_000;
    /**
     * Decide requests that may wait for their decisions at once, all producers together (each holds a few hundred
     * bytes and no thread while it waits); beyond it a request is answered at once, 202 where its decision is not in
     * yet, rather than held.
     */
    static final int MAX_WAITING = 4_096;

    private final DecisionWaiter waiter;
    /** Whether a run (first) names a producer (second) among its producers: who may read the run's decisions. */
    private final java.util.function.BiPredicate<String, String> runTakesFrom;

    private final java.util.concurrent.atomic.AtomicInteger waitingRequests =
            new java.util.concurrent.atomic.AtomicInteger();

    DecideEndpoint(DecisionWaiter waiter, java.util.function.BiPredicate<String, String> runTakesFrom) {
        this.waiter = waiter;
        this.runTakesFrom = runTakesFrom;
    }

    /** The event's identity read from its envelope, or null when it is not readable (the gate will quarantine it). */
    record Identity(String platformRunId, String eventClass, String eventId) {
        String decisionId() {
            return Decision.idFor(eventClass, eventId);
        }

        static Identity read(byte[] envelope) {
            String run = null, cls = null, id = null;
            try (JsonParser p = Json.MAPPER.getFactory().createParser(envelope)) {
                if (p.nextToken() != JsonToken.START_OBJECT) return null;
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String field = p.currentName();
                    JsonToken t = p.nextToken();
                    if (t.isStructStart()) {
                        p.skipChildren();
                        continue;
                    }
                    if (t != JsonToken.VALUE_STRING) continue;
                    switch (field) {
                        case Envelope.PLATFORM_RUN_ID -> run = p.getText();
                        case Envelope.EVENT_CLASS -> cls = p.getText();
                        case Envelope.EVENT_ID -> id = p.getText();
                        default -> {}
                    }
                }
            } catch (IOException | RuntimeException e) {
                return null;
            }
            return cls == null ? null : new Identity(run, cls, id);
        }
    }

    /** Reads {@code ?deadline_ms=}: the default when absent, null (after answering 400) when it is not valid. */
    static Long deadline(Context ctx) {
        String raw = ctx.queryParam("deadline_ms");
        if (raw == null || raw.isBlank()) return DEFAULT_DEADLINE_MS;
        long ms;
        try {
            ms = Long.parseLong(raw.trim());
        } catch (NumberFormatException e) {
            ms = -1;
        }
        if (ms < 1 || ms > MAX_DEADLINE_MS) {
            IngestionHttpServer.reject(
                    ctx, 400, "deadline_ms must be a whole number of milliseconds from 1 to " + MAX_DEADLINE_MS, null);
            return null;
        }
        return ms;
    }

    /** Whether the body is NDJSON (a batch), by its content type. */
    static boolean isNdjson(Context ctx) {
        String type = ctx.contentType();
        return type != null && type.toLowerCase(java.util.Locale.ROOT).startsWith(IngestionHttpServer.NDJSON);
    }

    /** The events of a decide body: NDJSON lines, or the whole body as one envelope. */
    static List<byte[]> events(Context ctx, byte[] body) {
        if (isNdjson(ctx)) return IngestionHttpServer.lines(body);
        for (byte b : body) if (b != ' ' && b != '\t' && b != '\r' && b != '\n') return List.of(body);
        return List.of();
    }

    /**
     * Refuses (400, nothing ingested) a request holding a readable envelope that is not a transaction; returns the
     * identities read (null where unreadable), or null after answering.
     */
    static Identity[] transactionsOnly(Context ctx, List<byte[]> events) {
        Identity[] ids = new Identity[events.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = Identity.read(events.get(i));
            if (ids[i] != null && !Topics.isTransaction(ids[i].eventClass())) {
                IngestionHttpServer.reject(
                        ctx,
                        400,
                        (ids.length == 1 ? "the event" : "line " + (i + 1)) + " is " + ids[i].eventClass()
                                + ": " + PATH + " decides transactions (txn.*); send context and labels to "
                                + IngestionHttpServer.EVENTS_PATH,
                        null);
                return null;
            }
        }
        return ids;
    }

    /** Registers for each readable transaction's decision before anything is submitted. */
    List<CompletableFuture<Decision.Summary>> register(Identity[] ids) {
        List<CompletableFuture<Decision.Summary>> out = new ArrayList<>(ids.length);
        for (Identity id : ids)
            out.add(
                    id == null || id.platformRunId() == null || id.eventId() == null
                            ? null
                            : waiter.await(id.platformRunId(), id.decisionId()));
        return out;
    }

    /**
     * After the gate's receipts: the future that answers the request once every decision is in or {@code deadlineMs}
     * (counted from {@code startNanos}) has passed; it sets the response itself and never fails. Null when the answer
     * is set already: every decision was in, the deadline had passed, or {@link #MAX_WAITING} requests wait already.
     */
    CompletableFuture<Void> answer(
            Context ctx,
            boolean single,
            String producer,
            List<Receipt> receipts,
            List<CompletableFuture<Decision.Summary>> waits,
            long startNanos,
            long deadlineMs) {
        List<CompletableFuture<Decision.Summary>> decisions = new ArrayList<>(receipts.size());
        for (int i = 0; i < receipts.size(); i++) {
            Receipt r = receipts.get(i);
            CompletableFuture<Decision.Summary> f = i < waits.size() ? waits.get(i) : null;
            if (r.outcome() == ReceiptOutcome.QUARANTINED || r.tuple() == null) f = null;
            else {
                String decisionId =
                        Decision.idFor(r.tuple().eventClass(), r.tuple().eventId());
                // The gate's reading of the envelope is the authority: wait for what it admitted.
                if (f == null) f = waiter.await(r.tuple().platformRunId(), decisionId);
                if (r.outcome() == ReceiptOutcome.DUPLICATE && !f.isDone())
                    waiter.find(r.tuple().platformRunId(), decisionId); // an old event: the ledger knows its decision
            }
            decisions.add(f);
        }
        long receiptedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
        long left = deadlineMs - receiptedMs;
        CompletableFuture<?>[] all = decisions.stream().filter(f -> f != null).toArray(CompletableFuture[]::new);
        CompletableFuture<Void> ready = CompletableFuture.allOf(all);
        if (ready.isDone() || left <= 0) {
            respond(ctx, single, producer, receipts, decisions, startNanos, receiptedMs);
            return null;
        }
        if (waitingRequests.incrementAndGet() > MAX_WAITING) {
            waitingRequests.decrementAndGet(); // over the bound: answered now, 202 for what is not in yet
            respond(ctx, single, producer, receipts, decisions, startNanos, receiptedMs);
            return null;
        }
        return ready.completeOnTimeout(null, left, TimeUnit.MILLISECONDS).handle((x, e) -> {
            waitingRequests.decrementAndGet();
            respond(ctx, single, producer, receipts, decisions, startNanos, receiptedMs);
            return null;
        });
    }

    private static void respond(
            Context ctx,
            boolean single,
            String producer,
            List<Receipt> receipts,
            List<CompletableFuture<Decision.Summary>> decisions,
            long startNanos,
            long receiptedMs) {
        long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
        boolean pending = false;
        ByteArrayOutputStream out = new ByteArrayOutputStream(256 + receipts.size() * 600);
        String location = null;
        try (JsonGenerator g = Json.MAPPER.getFactory().createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("producer", producer);
            g.writeNumberField("waited_ms", waited);
            g.writeNumberField("receipted_ms", receiptedMs);
            if (!single) g.writeArrayFieldStart("results");
            for (int i = 0; i < receipts.size(); i++) {
                Receipt r = receipts.get(i);
                CompletableFuture<Decision.Summary> f = decisions.get(i);
                Decision.Summary d = f != null && f.isDone() ? f.getNow(null) : null;
                if (!single) g.writeStartObject();
                String status = f == null ? "QUARANTINED" : d != null ? "DECIDED" : "PENDING";
                g.writeStringField("status", status);
                g.writeFieldName("receipt");
                ReceiptJson.write(g, r);
                if (d != null) {
                    g.writeFieldName("decision");
                    g.writeTree(d.toJson());
                } else if (f != null) {
                    pending = true;
                    String url = decisionUrl(
                            r.tuple().platformRunId(),
                            r.tuple().eventClass(),
                            r.tuple().eventId());
                    if (location == null) location = url;
                    g.writeStringField("decision_url", url);
                }
                if (!single) g.writeEndObject();
            }
            if (!single) g.writeEndArray();
            g.writeEndObject();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        int status;
        if (single) {
            CompletableFuture<Decision.Summary> f = decisions.get(0);
            status = f == null ? 422 : pending ? 202 : 200;
        } else status = pending ? 202 : 200;
        if (pending && single) ctx.header("Location", location);
        ctx.status(status).contentType("application/json").result(out.toByteArray());
    }

    static String decisionUrl(String platformRunId, String eventClass, String eventId) {
        return "/v1/decisions/" + URLEncoder.encode(Decision.idFor(eventClass, eventId), StandardCharsets.UTF_8)
                + "?run=" + URLEncoder.encode(platformRunId, StandardCharsets.UTF_8);
    }

    /**
     * {@code GET /v1/decisions/{id}?run=RUN}: the decision once made (200), else 404 with Retry-After. Only a producer
     * of the run may read its decisions: to any other key the run's decisions are not there (404, the same answer).
     */
    void get(Context ctx, String producer) {
        String id = ctx.pathParam("id");
        String run = ctx.queryParam("run");
        if (run == null || run.isBlank()) {
            IngestionHttpServer.reject(ctx, 400, "name the decision's run: " + "/v1/decisions/{id}?run=RUN_ID", null);
            return;
        }
        Optional<Decision.Summary> d;
        try {
            d = runTakesFrom.test(run, producer) ? waiter.find(run, id) : Optional.empty();
        } catch (RuntimeException e) {
            throw new IngestionHttpServer.GateUnavailable(e);
        }
        if (d.isEmpty()) {
            IngestionHttpServer.reject(ctx, 404, "no decision " + id + " in run " + run + " (yet)", 1_000L);
            return;
        }
        ctx.status(200).contentType("application/json").result(d.get().toJson().toString());
    }
}
