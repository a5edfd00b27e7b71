package dev.fraudplatform.learning.archive;

import dev.fraudplatform.core.bus.OutboundRecord;
import dev.fraudplatform.core.bus.Topics;
import dev.fraudplatform.core.envelope.Envelope;
import dev.fraudplatform.core.ingress.BusCoordinates;
import dev.fraudplatform.core.json.Json;
import dev.fraudplatform.substrate.kafka.KafkaEventPublisher;
import dev.fraudplatform.testkit.servers.EmbeddedServers;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A run's records on the embedded broker's platform topics, as the roles publish them, for the archive's ITs. */
final class ArchiveBus {
    static final Instant T0 = Instant.parse("2026-03-01T23:00:00Z");

    /** What was published: each record's coordinates and value, by topic. */
    record Published(Map<String, List<BusCoordinates>> coordinates, Map<BusCoordinates, byte[]> values) {
        /** Both runs of records together. */
        Published and(Published other) {
            Map<String, List<BusCoordinates>> c = new LinkedHashMap<>();
            coordinates.forEach(
                    (t, l) -> c.computeIfAbsent(t, k -> new ArrayList<>()).addAll(l));
            other.coordinates.forEach(
                    (t, l) -> c.computeIfAbsent(t, k -> new ArrayList<>()).addAll(l));
            Map<BusCoordinates, byte[]> v = new java.util.HashMap<>(values);
            v.putAll(other.values);
            return new Published(c, v);
        }

        long total() {
            return coordinates.values().stream().mapToLong(List::size).sum();
        }

        /** The coordinates of {@code topic}, ordered by partition then offset (the reader's order). */
        List<String> ordered(String topic) {
            return coordinates.getOrDefault(topic, List.of()).stream()
                    .sorted(Comparator.comparingInt(BusCoordinates::partition)
                            .thenComparingLong(BusCoordinates::offset))
                    .map(c -> c.topic() + "/" + c.partition() + "/" + c.offset())
                    .toList();
        }
    }

    private ArchiveBus() {}

    static void ensureTopics() {
        List<String> topics = new ArrayList<>(Archive.TOPICS);
        topics.add(Topics.DEAD_LETTERS);
        EmbeddedServers.ensureTopics(topics, 2);
    }

    /**
     * Publishes {@code transactions} transactions of {@code run} over 8 accounts, each with a context event before it,
     * a decision and an action outcome, a label event and a label assertion for every fifth; times span midnight UTC so
     * that the run covers two days; plus the run's end-of-stream markers, which the archive must leave out.
     */
    static Published publishRun(String run, int transactions) throws Exception {
        List<OutboundRecord> records = new ArrayList<>();
        for (int i = 0; i < transactions; i++) {
            String account = "acct-" + (i % 8);
            Instant t = T0.plusSeconds(60L * i);
            Map<String, String> admitted = Map.of(Topics.HEADER_ADMITTED_AT, Long.toString(t.toEpochMilli() + 3));
            records.add(new OutboundRecord(
                    Topics.TRAFFIC,
                    account,
                    envelope(run, "ctx.login", "c-" + i, account, t),
                    t.toEpochMilli(),
                    admitted));
            records.add(new OutboundRecord(
                    Topics.TRAFFIC,
                    account,
                    envelope(run, "txn.card_auth", "t-" + i, account, t),
                    t.toEpochMilli(),
                    admitted));
            records.add(new OutboundRecord(
                    Topics.DECISIONS,
                    account,
                    json("{\"decision_id\":\"d-" + i + "\",\"event_id\":\"t-" + i + "\",\"platform_run_id\":\"" + run
                            + "\"}"),
                    t.toEpochMilli(),
                    Map.of()));
            records.add(new OutboundRecord(
                    Topics.ACTIONS,
                    "d-" + i,
                    json("{\"decision_id\":\"d-" + i + "\",\"event_id\":\"t-" + i + "\",\"outcome\":\"APPLIED\","
                            + "\"platform_run_id\":\"" + run + "\"}"),
                    t.toEpochMilli(),
                    Map.of()));
            if (i % 5 == 0) {
                records.add(new OutboundRecord(
                        Topics.TRAFFIC,
                        account,
                        envelope(run, "label.chargeback", "l-" + i, account, t.plusSeconds(30)),
                        t.plusSeconds(30).toEpochMilli(),
                        admitted));
                records.add(new OutboundRecord(
                        Topics.LABELS,
                        account,
                        json("{\"assertion_id\":\"a-" + i + "\",\"platform_run_id\":\"" + run
                                + "\",\"value\":\"FRAUD\"}"),
                        t.plusSeconds(30).toEpochMilli(),
                        Map.of()));
            }
        }
        Map<String, List<BusCoordinates>> byTopic = new LinkedHashMap<>();
        Map<BusCoordinates, byte[]> values = new java.util.HashMap<>();
        try (KafkaEventPublisher publisher = new KafkaEventPublisher(EmbeddedServers.kafka(), "it-archive-bus")) {
            List<BusCoordinates> at = publisher.publish(records);
            for (int i = 0; i < records.size(); i++) {
                byTopic.computeIfAbsent(at.get(i).topic(), k -> new ArrayList<>())
                        .add(at.get(i));
                values.put(at.get(i), records.get(i).value());
            }
            List<OutboundRecord> ends = new ArrayList<>();
            for (int p = 0; p < 8; p++)
                ends.add(new OutboundRecord(
                        Topics.TRAFFIC,
                        "acct-" + p,
                        json("{\"stream_end\":\"" + run + "\"}"),
                        T0.toEpochMilli(),
                        Map.of(Topics.HEADER_STREAM_END, run)));
            publisher.publish(ends);
        }
        return new Published(byTopic, values);
    }

    private static byte[] envelope(String run, String eventClass, String eventId, String account, Instant t) {
        return Envelope.of(
                        run,
                        eventClass,
                        eventId,
                        1,
                        t,
                        t,
                        account,
                        Json.MAPPER
                                .createObjectNode()
                                .put("account_id", account)
                                .put("note", "é ☃"))
                .toBytes();
    }

    private static byte[] json(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
