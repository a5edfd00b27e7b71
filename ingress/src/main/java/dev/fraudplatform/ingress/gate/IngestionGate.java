package dev.fraudplatform.ingress.gate;

import dev.fraudplatform.core.bus.OutboundRecord;
import dev.fraudplatform.core.bus.Topics;
import dev.fraudplatform.core.envelope.Envelope;
import dev.fraudplatform.core.envelope.EnvelopeValidator;
import dev.fraudplatform.core.envelope.FieldProblem;
import dev.fraudplatform.core.ingress.DedupeTuple;
import dev.fraudplatform.core.ingress.IngressPort;
import dev.fraudplatform.core.ingress.QuarantineReason;
import dev.fraudplatform.core.ingress.Receipt;
import dev.fraudplatform.core.ingress.ReceiptOutcome;
import dev.fraudplatform.core.ingress.ReceiptStore;
import dev.fraudplatform.core.json.Sha256;
import dev.fraudplatform.core.run.RunRegistry;
import dev.fraudplatform.core.store.ObjectAlreadyExistsException;
import dev.fraudplatform.core.store.ObjectStore;
import dev.fraudplatform.core.telemetry.Telemetry;
import io.opentelemetry.api.trace.Span;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

/**
 * The Ingestion Gate: every input ends as exactly one receipt.
 *
 * <p>Per input, in order: UTF-8 and JSON ({@code MALFORMED}); the envelope contract ({@code ENVELOPE_INVALID},
 * naming every field); a routable event class ({@code UNKNOWN_EVENT_CLASS}); a run that is READY or STREAMING
 * ({@code WRONG_RUN}); the payload's own hash against {@code payload_hash} ({@code PAYLOAD_HASH_MISMATCH}).
 * What survives goes to the {@link AdmissionRelay}: the receipt store deduplicates on the tuple with payload-hash
 * integrity ({@code DUPLICATE}, or {@code INTEGRITY_MISMATCH} with the original left standing) and the relay
 * publishes each new event exactly once to its topic, keyed by partition key, with the admission time in a header,
 * crash or not. Quarantined inputs keep their raw bytes under {@code quarantine/<run>/}.
 *
 * <p>Thread-safe: concurrent batches are serialised per tuple by the receipt store, not here.
 */
public final class IngestionGate implements IngressPort {
    private static final io.micrometer.core.instrument.Counter EVENTS_IN = Telemetry.planeEvents("ig", "in");
    private static final io.micrometer.core.instrument.Counter EVENTS_OUT = Telemetry.planeEvents("ig", "out");
    /** The largest envelope the gate takes (well under the bus's 1 MiB record limit, so a publish never fails on size). */
    public static final int MAX_ENVELOPE_BYTES = 256 * 1024;

    /** How long the gate may go on taking a run's traffic after the run has left READY and STREAMING (a cached view). */
    public static final long RUN_STATE_CACHE_MS = 500;

    /** How long a batch may wait for the relay before its sender is told to retry. */
    private static final long ADMISSION_TIMEOUT_SECONDS = 60;

    private final AdmissionRelay relay;
    private final RunRegistry runs;
    private final OpenRuns openRuns;
    private final ObjectStore quarantine;
    private final EnvelopeValidator validator = new EnvelopeValidator();
    private final PayloadSchemas schemas = PayloadSchemas.builtIn();

    public IngestionGate(AdmissionRelay relay, RunRegistry runs, ObjectStore quarantine) {
        this.runs = runs;
        this.relay = relay;
        this.openRuns = new OpenRuns(runs, RUN_STATE_CACHE_MS);
        this.quarantine = quarantine;
    }

    /** Whether run {@code platformRunId} names {@code producerId} among its producers (false for an unknown run). */
    public boolean takesFrom(String platformRunId, String producerId) {
        return runs.producers(platformRunId).contains(producerId);
    }

    /**
     * A producer sent traffic for an open run that does not allow it: the whole request is refused, nothing of it is
     * ingested or receipted (like an unknown key), and the message names the producer and the run.
     */
    public static final class ProducerRefusedException extends RuntimeException {
        public ProducerRefusedException(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * Admits a batch sent by {@code producerId} (an authenticated API key's producer). Every open run the batch names
     * must allow that producer; otherwise nothing is taken.
     *
     * @throws ProducerRefusedException naming the first run that refuses the producer
     */
    public List<Receipt> submit(String producerId, List<byte[]> batch) {
        return admitBatch(java.util.Objects.requireNonNull(producerId), batch);
    }

    /**
     * Admits a batch from a trusted path: this process itself, or the bus ingress, whose producers the broker
     * authenticates. No producer check.
     */
    @Override
    public List<Receipt> submit(List<byte[]> batch) {
        return admitBatch(null, batch);
    }

    private List<Receipt> admitBatch(String producerId, List<byte[]> batch) {
        Instant now = Instant.now();
        Map<Integer, Receipt> quarantined = new HashMap<>();
        List<ReceiptStore.Candidate> candidates = new ArrayList<>();
        Map<Integer, Span> spans = new HashMap<>();
        java.util.Set<String> runsChecked = producerId == null ? null : new java.util.HashSet<>();
        for (int i = 0; i < batch.size(); i++) {
            byte[] raw = batch.get(i);
            try {
                EnvelopeValidator.Result v = raw.length > MAX_ENVELOPE_BYTES ? null : validator.validate(raw);
                if (v != null && runsChecked != null) refuseUnlistedProducer(producerId, v, runsChecked);
                screen(i, raw, v, now, quarantined, candidates, spans);
            } catch (ProducerRefusedException refused) {
                // Nothing of the request is kept: no raw bytes, no receipt; the traces begun for it end here.
                for (Span span : spans.values()) {
                    span.setAttribute("fp.receipt_outcome", "PRODUCER_REFUSED");
                    span.end();
                }
                throw refused;
            } catch (RuntimeException e) {
                // Whatever an input does, it gets its own receipt and never takes its batch down with it.
                quarantined.put(
                        i,
                        quarantine(
                                raw,
                                null,
                                null,
                                QuarantineReason.ENVELOPE_INVALID,
                                "$: could not be checked: " + e,
                                null,
                                now));
            }
        }
        EVENTS_IN.increment(batch.size());
        // The request is taken: quarantined inputs keep their raw bytes before their receipts are written.
        quarantined.forEach((i, r) -> keepRaw(r.platformRunId(), batch.get(i)));
        Map<Integer, Receipt> byIndex;
        try {
            byIndex = admit(candidates, quarantined);
        } catch (RuntimeException e) {
            for (Span span : spans.values()) {
                span.setAttribute("fp.receipt_outcome", "NOT_ADMITTED");
                span.recordException(e);
                span.end();
            }
            throw e;
        }
        List<Receipt> out = new ArrayList<>(batch.size());
        long admitted = 0;
        for (int i = 0; i < batch.size(); i++) {
            Receipt r = byIndex.get(i);
            if (r == null) throw new IllegalStateException("receipt store returned no receipt for input " + i);
            out.add(r);
            Telemetry.receipt(
                    r.outcome().name(), r.reason() == null ? null : r.reason().name());
            if (r.outcome() == ReceiptOutcome.ADMITTED) admitted++;
            Span span = spans.get(i);
            if (span != null) {
                span.setAttribute("fp.receipt_outcome", r.outcome().name());
                span.end();
            }
        }
        EVENTS_OUT.increment(admitted);
        return out;
    }

    /** Hands the batch to the admission relay and waits for its receipts, by input index. */
    private Map<Integer, Receipt> admit(List<ReceiptStore.Candidate> candidates, Map<Integer, Receipt> quarantined) {
        try {
            return relay.submit(candidates, quarantined).get(ADMISSION_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for admission", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("admission failed: " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException(
                    "admission took longer than " + ADMISSION_TIMEOUT_SECONDS + " s; events claimed meanwhile are "
                            + "admitted once, and a retry gets DUPLICATE receipts for them",
                    e);
        }
    }

    /** Validates one input: either it becomes a candidate for dedupe, or it gets its quarantine receipt. */
    /**
     * Refuses the request when the run an input names is open and does not allow {@code producerId}: the run of a
     * valid envelope, or the {@code platform_run_id} of an invalid one (whose quarantine receipt would be counted in
     * that run). Each run is asked once a request.
     */
    private void refuseUnlistedProducer(
            String producerId, EnvelopeValidator.Result v, java.util.Set<String> runsChecked) {
        String runId = v.envelope().isPresent() ? v.envelope().get().platformRunId() : attributedRun(v);
        if (runId != null && runsChecked.add(runId) && openRuns.refuses(runId, producerId)) {
            throw new ProducerRefusedException("producer " + producerId + " may not write into run " + runId
                    + " (a run takes traffic only from the producers named when it was planned)");
        }
    }

    /** The run an invalid envelope names, when it names one as text: its quarantine receipt counts in that run. */
    private static String attributedRun(EnvelopeValidator.Result v) {
        return v.tree() != null && v.tree().path(Envelope.PLATFORM_RUN_ID).isTextual()
                ? v.tree().path(Envelope.PLATFORM_RUN_ID).asText()
                : null;
    }

    /** Screens one input ({@code v} is null for an oversized one, which is not parsed). */
    private void screen(
            int i,
            byte[] raw,
            EnvelopeValidator.Result v,
            Instant now,
            Map<Integer, Receipt> quarantined,
            List<ReceiptStore.Candidate> candidates,
            Map<Integer, Span> spans) {
        if (raw.length > MAX_ENVELOPE_BYTES) {
            quarantined.put(
                    i,
                    quarantine(
                            raw,
                            null,
                            null,
                            QuarantineReason.OVERSIZED,
                            "$: " + raw.length + " bytes, the gate accepts at most " + MAX_ENVELOPE_BYTES,
                            null,
                            now));
            return;
        }
        if (!v.valid()) {
            boolean malformed =
                    v.problems().size() == 1 && v.problems().get(0).field().equals("$");
            String runId = attributedRun(v);
            // A malformed input's one problem concerns the whole input and says so itself ("the input is not JSON:
            // ...").
            quarantined.put(
                    i,
                    quarantine(
                            raw,
                            null,
                            runId,
                            malformed ? QuarantineReason.MALFORMED : QuarantineReason.ENVELOPE_INVALID,
                            malformed
                                    ? v.problems().get(0).problem()
                                    : v.problems().stream()
                                            .map(FieldProblem::toString)
                                            .collect(Collectors.joining("; ")),
                            null,
                            now));
            return;
        }
        Envelope e = v.envelope().get();
        String computed = v.computedPayloadHash();
        PayloadSchemas.Verdict schema = Topics.forEventClass(e.eventClass()) == null
                ? new PayloadSchemas.Verdict(
                        QuarantineReason.UNKNOWN_EVENT_CLASS,
                        "event_class " + e.eventClass() + " is not routed by this gate")
                : schemas.check(e.eventClass(), e.schemaVersion(), v.tree().path(Envelope.PAYLOAD));
        if (!schema.ok()) {
            quarantined.put(
                    i,
                    quarantine(
                            raw, e.dedupeTuple(), e.platformRunId(), schema.reason(), schema.detail(), computed, now));
        } else if (!openRuns.acceptsTraffic(e.platformRunId())) {
            quarantined.put(
                    i,
                    quarantine(
                            raw,
                            e.dedupeTuple(),
                            e.platformRunId(),
                            QuarantineReason.WRONG_RUN,
                            "platform_run_id " + e.platformRunId() + " names no run that is READY or STREAMING",
                            computed,
                            now));
        } else if (!computed.equals(e.payloadHash())) {
            quarantined.put(
                    i,
                    quarantine(
                            raw,
                            e.dedupeTuple(),
                            e.platformRunId(),
                            QuarantineReason.PAYLOAD_HASH_MISMATCH,
                            "payload hashes to " + computed + ", envelope says " + e.payloadHash(),
                            computed,
                            now));
        } else {
            // Admitted events are published exactly as received: what the producer hashed is what the bus carries. The
            // headers carry the admission time and the trace context of the event's walk.
            Span span = Telemetry.startStage("ig.admit", h -> null, e.platformRunId(), e.eventId());
            spans.put(i, span);
            Map<String, String> headers = Telemetry.contextHeaders(span);
            headers.put(Topics.HEADER_ADMITTED_AT, Long.toString(System.currentTimeMillis()));
            candidates.add(new ReceiptStore.Candidate(
                    i,
                    e.dedupeTuple(),
                    computed,
                    new OutboundRecord(
                            Topics.forEventClass(e.eventClass()),
                            e.partitionKey(),
                            raw,
                            e.eventTime().toEpochMilli(),
                            headers)));
        }
    }

    /** A quarantine receipt; the raw bytes are kept by {@link #keepRaw} once the request is taken. */
    private static Receipt quarantine(
            byte[] raw,
            DedupeTuple tuple,
            String runId,
            QuarantineReason reason,
            String detail,
            String payloadHash,
            Instant now) {
        String run = runId != null && runId.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,127}") ? runId : null;
        return new Receipt(
                dev.fraudplatform.core.ingress.ReceiptIds.next(),
                tuple,
                ReceiptOutcome.QUARANTINED,
                reason,
                detail + " [raw: " + rawKey(run, raw) + "]",
                payloadHash,
                null,
                now,
                run);
    }

    /** Where a quarantined input's raw bytes are kept: content-addressed, under its run when it names a valid one. */
    private static String rawKey(String run, byte[] raw) {
        return "quarantine/" + (run != null ? run : "_unattributed") + "/" + Sha256.hex(raw) + ".bin";
    }

    private void keepRaw(String run, byte[] raw) {
        try {
            quarantine.create(rawKey(run, raw), raw);
        } catch (ObjectAlreadyExistsException sameBytesAlreadyKept) {
            // content-addressed: the same raw input is already kept
        }
    }
}
