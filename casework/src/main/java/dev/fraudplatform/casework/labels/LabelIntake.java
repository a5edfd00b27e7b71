package dev.fraudplatform.casework.labels;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fraudplatform.core.bus.BatchHandler;
import dev.fraudplatform.core.bus.DeadLetters;
import dev.fraudplatform.core.bus.EventPublisher;
import dev.fraudplatform.core.bus.InboundRecord;
import dev.fraudplatform.core.bus.OutboundRecord;
import dev.fraudplatform.core.bus.Topics;
import dev.fraudplatform.core.cases.AccountActivity;
import dev.fraudplatform.core.cases.ActivityEvent;
import dev.fraudplatform.core.envelope.Envelope;
import dev.fraudplatform.core.envelope.Times;
import dev.fraudplatform.core.json.CanonicalJson;
import dev.fraudplatform.core.json.Json;
import dev.fraudplatform.core.labels.LabelAssertion;
import dev.fraudplatform.core.labels.LabelRejection;
import dev.fraudplatform.core.labels.LabelSource;
import dev.fraudplatform.core.labels.LabelStore;
import dev.fraudplatform.core.labels.LabelSubject;
import dev.fraudplatform.core.labels.LabelValue;
import dev.fraudplatform.core.telemetry.Telemetry;
import io.micrometer.core.instrument.Counter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Label Store's intake: consumes the admitted traffic ({@code fp.traffic}), records transactions and context events
 * in the {@link AccountActivity} projection, and turns each admitted {@code label.*} event into exactly one outcome:
 * one {@link LabelAssertion} in the {@link LabelStore}, or one {@link LabelRejection}. So, per run, label events
 * admitted = assertions written from events + rejections.
 *
 * <p>Per batch, in this order (a crash anywhere redelivers the batch, and every step is idempotent):
 * <ol>
 *   <li>transactions and context events are recorded (first, so a label whose transaction is in the same batch finds
 *       it);
 *   <li>label events become assertions, or rejections: {@code UNREADABLE} when a field is missing or invalid (or the
 *       source is unknown), {@code UNKNOWN_SUBJECT} when the transaction is no recorded transaction of the run;
 *   <li>assertions are appended, rejections recorded;
 *   <li>every assertion of the batch is announced on {@code fp.labels}, keyed by account, whether new or already stored
 *       (a crash between the write and the announcement must not lose it; consumers dedupe by assertion id);
 *   <li>the offsets are committed.
 * </ol>
 * Stream-end markers and events of other classes are skipped; a record that is not an envelope at all (the gate admits
 * only envelopes, so this is corruption) goes to {@code fp.dead-letters}.
 *
 * <p>A label event's assertion ({@code payload} fields of {@code label.assertion} version 1):
 * <ul>
 *   <li>subject: {@code transaction:<txn_id>}; assertion id {@code ev:<event_id>}; event id, account, card, amount,
 *       label type and reason code from the event; effective and observed time from {@code effective_time} and
 *       {@code observed_time};
 *   <li>source: {@link LabelSource#ofEvent}({@code source}) ({@code ISSUER_CHARGEBACK}, {@code CUSTOMER},
 *       {@code COLLECTIONS} in the world's events);
 *   <li>value, by label type: {@code FRAUD_REPORT -> FRAUD}; {@code CHARGE_OFF -> FRAUD} (a bust-out's loss);
 *       {@code CHARGEBACK -> FRAUD} when its reason code is a fraud code ({@link #isFraudReasonCode}: Visa
 *       {@code 10.x}, Mastercard {@code 4837, 4840, 4849, 4863, 4870, 4871}), {@code LEGITIMATE} otherwise (a service
 *       dispute such as Visa {@code 13.1} "merchandise not received" is raised by the genuine cardholder: the
 *       transaction itself was theirs); any other label type is {@code UNREADABLE};
 *   <li>provenance: {@code event:<event_id>}. The gate's receipt id of the event is made at admission
 *       ({@code ReceiptIds}: time, counter and random bits) and is not carried on the admitted record, so the Label
 *       Store cannot name it; the event id names the same admission (the receipt is found by run, class and event id).
 * </ul>
 *
 * <p>A {@link BatchHandler} of an at-least-once consuming role named {@link #NAME} in group {@link #GROUP} on
 * {@link #TOPICS}. Its announcements and dead letters go through the {@link EventPublisher} it is handed, which it does
 * not close. A failing store or publisher is retried a few times, then the exception stops the role and the batch is
 * delivered again to its next owner.
 */
public final class LabelIntake implements BatchHandler {
    public static final String NAME = "label-store";
    public static final String GROUP = "fp-ls";
    public static final List<String> TOPICS = List.of(Topics.TRAFFIC);

    public static final String UNKNOWN_SUBJECT = "UNKNOWN_SUBJECT";
    public static final String UNREADABLE = "UNREADABLE";

    private static final Logger LOG = LoggerFactory.getLogger(LabelIntake.class);
    private static final Counter EVENTS_IN = Telemetry.planeEvents("ls", "in");
    private static final Counter EVENTS_OUT = Telemetry.planeEvents("ls", "out");
    private static final int ATTEMPTS = 4;

    /** Mastercard's fraud chargeback reason codes. */
    private static final Set<String> MASTERCARD_FRAUD = Set.of("4837", "4840", "4849", "4863", "4870", "4871");

    private final LabelStore labels;
    private final AccountActivity activity;
    private final EventPublisher publisher;

    public LabelIntake(LabelStore labels, AccountActivity activity, EventPublisher publisher) {
        this.labels = labels;
        this.activity = activity;
        this.publisher = publisher;
    }

    /** Whether a chargeback reason code says fraud: Visa {@code 10.x}, Mastercard 4837, 4840, 4849, 4863, 4870, 4871. */
    public static boolean isFraudReasonCode(String reasonCode) {
        if (reasonCode == null) return false;
        String code = reasonCode.strip();
        return code.matches("10\\.[0-9]+") || MASTERCARD_FRAUD.contains(code);
    }

    /** The value a label event's type and reason code say; throws {@link IllegalArgumentException} for another type. */
    public static LabelValue valueOf(String labelType, String reasonCode) {
        return switch (labelType) {
            case "FRAUD_REPORT", "CHARGE_OFF" -> LabelValue.FRAUD;
            case "CHARGEBACK" -> isFraudReasonCode(reasonCode) ? LabelValue.FRAUD : LabelValue.LEGITIMATE;
            default -> throw new IllegalArgumentException("unknown label_type " + labelType);
        };
    }

    /** A label event read: its assertion (without knowing yet whether the subject exists), or why it is unreadable. */
    record ReadLabel(String run, String eventId, LabelAssertion assertion, String unreadable) {}

    @Override
    public void handle(List<InboundRecord> batch, Session session) throws Exception {
        EVENTS_IN.increment(batch.size());
        long now = System.currentTimeMillis();
        List<ActivityEvent> events = new ArrayList<>();
        List<ReadLabel> read = new ArrayList<>();
        List<OutboundRecord> out = new ArrayList<>();
        for (InboundRecord r : batch) {
            if (r.header(Topics.HEADER_STREAM_END) != null) continue;
            JsonNode envelope;
            try {
                envelope = Json.MAPPER.readTree(r.value());
            } catch (Exception e) {
                envelope = null;
            }
            String eventClass =
                    envelope == null ? "" : envelope.path(Envelope.EVENT_CLASS).asText("");
            String run = envelope == null
                    ? ""
                    : envelope.path(Envelope.PLATFORM_RUN_ID).asText("");
            String eventId =
                    envelope == null ? "" : envelope.path(Envelope.EVENT_ID).asText("");
            if (envelope == null || !envelope.isObject() || run.isEmpty() || eventId.isEmpty()) {
                out.add(DeadLetters.of(NAME, r, "not an envelope with a run and an event id", now));
                continue;
            }
            boolean activityClass = eventClass.startsWith("txn.") || eventClass.startsWith("ctx.");
            if (activityClass) {
                try {
                    events.add(activityEvent(envelope, run, eventId, eventClass));
                } catch (IllegalArgumentException e) {
                    out.add(DeadLetters.of(NAME, r, eventClass + " " + eventId + ": " + e.getMessage(), now));
                }
            } else if (eventClass.startsWith("label.")) {
                read.add(readLabel(envelope, run, eventId));
            }
        }
        if (!events.isEmpty()) withRetries("recording activity", () -> activity.record(events));

        // Which subjects exist, per run, once per batch.
        Map<String, Set<String>> txnsByRun = new HashMap<>();
        for (ReadLabel l : read)
            if (l.assertion() != null)
                txnsByRun
                        .computeIfAbsent(l.run(), k -> new HashSet<>())
                        .add(l.assertion().subject().id());
        Map<String, Set<String>> known = new HashMap<>();
        for (Map.Entry<String, Set<String>> e : txnsByRun.entrySet())
            known.put(
                    e.getKey(),
                    withRetries("looking up transactions", () -> activity.knownTransactions(e.getKey(), e.getValue())));

        List<LabelAssertion> assertions = new ArrayList<>();
        List<LabelRejection> rejections = new ArrayList<>();
        for (ReadLabel l : read) {
            if (l.assertion() == null) {
                rejections.add(new LabelRejection(l.run(), l.eventId(), UNREADABLE, l.unreadable()));
            } else if (!known.get(l.run()).contains(l.assertion().subject().id())) {
                rejections.add(new LabelRejection(
                        l.run(),
                        l.eventId(),
                        UNKNOWN_SUBJECT,
                        "transaction " + l.assertion().subject().id() + " is no admitted transaction of the run"));
            } else {
                assertions.add(l.assertion());
            }
        }
        if (!rejections.isEmpty()) {
            int fresh = withRetries("recording rejections", () -> labels.reject(rejections));
            if (fresh > 0)
                LOG.warn(
                        "label store rejected {} label events: {}",
                        fresh,
                        rejections.stream()
                                .limit(5)
                                .map(x -> x.eventId() + " " + x.reason() + " (" + x.detail() + ")")
                                .toList());
        }
        List<LabelAssertion> written =
                assertions.isEmpty() ? List.of() : withRetries("appending assertions", () -> labels.append(assertions));
        EVENTS_OUT.increment(written.size());
        for (LabelAssertion a : announced(assertions, written))
            out.add(new OutboundRecord(
                    Topics.LABELS,
                    a.accountId() != null ? a.accountId() : a.subject().id(),
                    LabelAssertionJson.toJson(a),
                    a.observedTime().toEpochMilli(),
                    Map.of()));
        if (!out.isEmpty()) withRetries("publishing", () -> publisher.publish(out));
        session.commit();
    }

    /**
     * Every assertion of the batch as stored: the new ones as {@link LabelStore#append} returned them, those stored
     * before (a redelivered batch) as the store holds them, one each, in batch order.
     */
    private List<LabelAssertion> announced(List<LabelAssertion> assertions, List<LabelAssertion> written)
            throws Exception {
        Map<String, LabelAssertion> byKey = new LinkedHashMap<>();
        for (LabelAssertion a : written) byKey.put(a.platformRunId() + "\u0000" + a.assertionId(), a);
        List<LabelAssertion> out = new ArrayList<>(assertions.size());
        Set<String> seen = new HashSet<>();
        for (LabelAssertion a : assertions) {
            String key = a.platformRunId() + "\u0000" + a.assertionId();
            if (!seen.add(key)) continue;
            LabelAssertion stored = byKey.get(key);
            if (stored == null) {
                stored =
                        withRetries("reading assertions", () -> labels.history(a.platformRunId(), a.subject())).stream()
                                .filter(h -> h.assertionId().equals(a.assertionId()))
                                .findFirst()
                                .orElse(a);
            }
            out.add(stored);
        }
        return out;
    }

    private static ActivityEvent activityEvent(JsonNode envelope, String run, String eventId, String eventClass) {
        JsonNode p = envelope.path(Envelope.PAYLOAD);
        String eventTime = envelope.path(Envelope.EVENT_TIME).asText(null);
        Instant t =
                Times.parse(eventTime).orElseThrow(() -> new IllegalArgumentException("bad event_time " + eventTime));
        String account = text(p, "account_id");
        if (account == null) account = text(envelope, Envelope.PARTITION_KEY);
        if (account == null) throw new IllegalArgumentException("no account_id and no partition_key");
        JsonNode amount = p.get("amount_minor");
        return new ActivityEvent(
                run,
                eventId,
                eventClass,
                account,
                t,
                eventClass.startsWith("txn.") ? text(p, "txn_id") : null,
                text(p, "card_id"),
                text(p, "device_id"),
                text(p, "ip"),
                text(p, "merchant_id"),
                amount != null && amount.canConvertToLong() && amount.isIntegralNumber() ? amount.asLong() : null,
                text(p, "flow_id"),
                p.isObject() ? CanonicalJson.string(p) : "{}");
    }

    /** Reads a label event; never throws: what cannot be read is an UNREADABLE outcome with its reason. */
    static ReadLabel readLabel(JsonNode envelope, String run, String eventId) {
        try {
            JsonNode p = envelope.get(Envelope.PAYLOAD);
            if (p == null || !p.isObject()) throw new IllegalArgumentException("payload is not an object");
            String labelType = required(p, "label_type");
            String reasonCode = text(p, "reason_code");
            LabelSource source = LabelSource.ofEvent(required(p, "source"));
            LabelValue value = valueOf(labelType, reasonCode);
            LabelSubject subject = LabelSubject.transaction(required(p, "txn_id"));
            JsonNode amount = p.get("amount_minor");
            Long amountMinor = null;
            if (amount != null && !amount.isNull()) {
                if (!amount.isIntegralNumber() || !amount.canConvertToLong())
                    throw new IllegalArgumentException("amount_minor is not an integer");
                amountMinor = amount.asLong();
            }
            LabelAssertion a = new LabelAssertion(
                    run,
                    "ev:" + eventId,
                    subject,
                    text(p, "account_id"),
                    text(p, "card_id"),
                    value,
                    null,
                    source,
                    labelType,
                    reasonCode,
                    time(p, "effective_time"),
                    time(p, "observed_time"),
                    null,
                    "event:" + eventId,
                    null,
                    eventId,
                    amountMinor);
            return new ReadLabel(run, eventId, a, null);
        } catch (RuntimeException e) {
            return new ReadLabel(run, eventId, null, e.getMessage() == null ? e.toString() : e.getMessage());
        }
    }

    private static Instant time(JsonNode p, String field) {
        String v = required(p, field);
        return Times.parse(v)
                .orElseThrow(() -> new IllegalArgumentException(field + " is not a UTC time with milliseconds: " + v));
    }

    private static String required(JsonNode p, String field) {
        String v = text(p, field);
        if (v == null || v.isBlank()) throw new IllegalArgumentException(field + " is missing");
        return v;
    }

    private static String text(JsonNode o, String field) {
        JsonNode v = o.get(field);
        return v == null || !v.isTextual() ? null : v.asText();
    }

    @FunctionalInterface
    private interface Attempt<T> {
        T run() throws Exception;
    }

    private static <T> T withRetries(String what, Attempt<T> attempt) throws Exception {
        long sleep = 100;
        for (int i = 1; ; i++) {
            try {
                return attempt.run();
            } catch (InterruptedException e) {
                throw e;
            } catch (Exception e) {
                if (i >= ATTEMPTS) throw e;
                LOG.warn(
                        "label store: {} failed ({}), attempt {} of {}; retrying in {} ms",
                        what,
                        e,
                        i,
                        ATTEMPTS,
                        sleep);
                Thread.sleep(sleep);
                sleep = Math.min(5_000, sleep * 2);
            }
        }
    }
}
