package dev.fraudplatform.core.cases;

import java.time.Instant;

/**
 * One admitted transaction or context event as the casework projection keeps it for investigators: the account's
 * recent activity, its linked context, and the links (device, IP, card) it shares with other accounts.
 *
 * @param payloadJson the event's payload, canonical JSON
 */
public record ActivityEvent(
        String platformRunId,
        String eventId,
        String eventClass,
        String accountId,
        Instant eventTime,
        String txnId,
        String cardId,
        String deviceId,
        String ip,
        String merchantId,
        Long amountMinor,
        String flowId,
        String payloadJson) {}
