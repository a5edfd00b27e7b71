package dev.fraudplatform.core.labels;

import java.time.Instant;
import java.util.Comparator;
import java.util.Objects;

/**
 * One immutable label assertion: {@code source} said at {@code observedTime} that {@code subject} is {@code value},
 * for something that happened at {@code effectiveTime}. Never updated: a later assertion supersedes it (see
 * {@link LabelSource} for the precedence).
 *
 * @param platformRunId   the run whose world the subject belongs to
 * @param assertionId     the idempotency key within the run, derived from the provenance: {@code ev:<label event
 *                        id>} for an admitted {@code label.assertion} event, {@code case:<case id>:<entry seq>:<txn>}
 *                        for a disposition; writing it again writes nothing
 * @param accountId       the subject's account when known (null otherwise)
 * @param cardId          the subject's card when known (null otherwise)
 * @param typology        the fraud typology when known (null otherwise)
 * @param labelType       the kind of evidence: CHARGEBACK, FRAUD_REPORT, CHARGE_OFF, DISPOSITION
 * @param reasonCode      the scheme reason code or the disposition (null when none)
 * @param recordedTime    when the Label Store wrote it (set by the store; null on the way in)
 * @param provenance      {@code receipt:<receipt id>} for an event, or {@code event:<event id>} while the admitted
 *                        record does not carry its receipt id; {@code case:<case id>} for a disposition
 * @param actor           the investigator for a disposition (null for an event)
 * @param eventId         the {@code label.assertion} event's id (null for a disposition)
 * @param amountMinor     the transaction's amount in minor units when known (null otherwise)
 */
public record LabelAssertion(
        String platformRunId,
        String assertionId,
        LabelSubject subject,
        String accountId,
        String cardId,
        LabelValue value,
        String typology,
        LabelSource source,
        String labelType,
        String reasonCode,
        Instant effectiveTime,
        Instant observedTime,
        Instant recordedTime,
        String provenance,
        String actor,
        String eventId,
        Long amountMinor) {

    public LabelAssertion {
        Objects.requireNonNull(platformRunId, "platformRunId");
        Objects.requireNonNull(assertionId, "assertionId");
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(labelType, "labelType");
        Objects.requireNonNull(effectiveTime, "effectiveTime");
        Objects.requireNonNull(observedTime, "observedTime");
        Objects.requireNonNull(provenance, "provenance");
    }

    /**
     * The order in which assertions about one subject stand, best first: higher source rank, then newer observed time,
     * then newer recorded time, then assertion id (a total order, so every reader picks the same one).
     */
    public static final Comparator<LabelAssertion> STANDING = Comparator.comparingInt(
                    (LabelAssertion a) -> a.source().rank())
            .thenComparing(LabelAssertion::observedTime)
            .thenComparing(a -> a.recordedTime() == null ? Instant.MIN : a.recordedTime())
            .thenComparing(LabelAssertion::assertionId)
            .reversed();

    /** This assertion as the store recorded it at {@code at}. */
    public LabelAssertion recordedAt(Instant at) {
        return new LabelAssertion(
                platformRunId,
                assertionId,
                subject,
                accountId,
                cardId,
                value,
                typology,
                source,
                labelType,
                reasonCode,
                effectiveTime,
                observedTime,
                at,
                provenance,
                actor,
                eventId,
                amountMinor);
    }
}
