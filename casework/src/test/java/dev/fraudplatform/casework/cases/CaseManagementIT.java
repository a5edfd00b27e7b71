package dev.fraudplatform.casework.cases;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fraudplatform.core.bus.BatchHandler;
import dev.fraudplatform.core.bus.InboundRecord;
import dev.fraudplatform.core.bus.OutboundRecord;
import dev.fraudplatform.core.bus.Topics;
import dev.fraudplatform.core.cases.CaseState;
import dev.fraudplatform.core.cases.CaseSummary;
import dev.fraudplatform.core.cases.QueueQuery;
import dev.fraudplatform.core.decision.Decision;
import dev.fraudplatform.core.decision.DecisionAction;
import dev.fraudplatform.core.decision.DegradeMode;
import dev.fraudplatform.core.json.CanonicalJson;
import dev.fraudplatform.core.json.Json;
import dev.fraudplatform.substrate.kafka.KafkaEventPublisher;
import dev.fraudplatform.substrate.postgres.PostgresCaseStore;
import dev.fraudplatform.substrate.postgres.PostgresDatabase;
import dev.fraudplatform.testkit.servers.EmbeddedServers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Case Management on the real PostgreSQL case store and a real broker (the embedded servers of
 * {@link EmbeddedServers}): batches are handed to it as its consuming loop would, and what it announced is read back
 * from {@code fp.cases} and {@code fp.dead-letters}. Each test has a run id of its own.
 */
class CaseManagementIT {
    static PostgresDatabase db;
    static PostgresCaseStore store;
    static KafkaEventPublisher publisher;
    String run;
    long offset;

    @BeforeAll
    static void start() {
        db = EmbeddedServers.freshPostgresDatabase();
        store = new PostgresCaseStore(db.dataSource());
        EmbeddedServers.ensureTopics(List.of(Topics.CASES, Topics.DEAD_LETTERS), 3);
        publisher = new KafkaEventPublisher(EmbeddedServers.kafka(), "cm-it-publisher");
    }

    @AfterAll
    static void stop() {
        if (publisher != null) publisher.close();
        if (db != null) db.close();
    }

    @BeforeEach
    void newRun() {
        run = "run-" + UUID.randomUUID();
    }

    /** The loop's side of the handler: counts commits (an at-least-once loop sends nothing itself). */
    static final class CountingSession implements BatchHandler.Session {
        int commits;

        @Override
        public void commit() {
            commits++;
        }

        @Override
        public void send(OutboundRecord record) {
            throw new UnsupportedOperationException("at least once");
        }

        @Override
        public void abort() {}

        @Override
        public boolean pending() {
            return false;
        }

        @Override
        public Long position(String topic, int partition) {
            return null;
        }
    }

    private InboundRecord decision(String account, String eventId, DecisionAction action, double score, Long amount) {
        ObjectNode features = Json.MAPPER.createObjectNode();
        if (amount != null) features.put("amount_minor", amount);
        features.put("txn_count_1h", 3);
        Decision d = new Decision(
                Decision.idFor("txn.authorization", eventId),
                eventId,
                run,
                account,
                "2026-01-01T00:00:00Z",
                action,
                score,
                List.of("velocity"),
                "bundle-1",
                DegradeMode.FULL,
                "complete",
                "sha256:00",
                features);
        return record(account, CanonicalJson.bytes(d.toJson()));
    }

    private InboundRecord record(String key, byte[] value) {
        return new InboundRecord(Topics.DECISIONS, 0, offset++, 0L, key, value, h -> null);
    }

    private static String decisionId(String eventId) {
        return Decision.idFor("txn.authorization", eventId);
    }

    /** Every record of {@code topic} now, as JSON, of this test's run (by {@code platform_run_id} or key). */
    private List<JsonNode> read(String topic) throws Exception {
        Properties p = EmbeddedServers.kafka().consumer(null, "cm-it-reader", Map.of());
        List<JsonNode> out = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> c =
                new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = c.partitionsFor(topic).stream()
                    .map(i -> new TopicPartition(topic, i.partition()))
                    .toList();
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> end = c.endOffsets(parts);
            while (parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
                for (var r : c.poll(Duration.ofMillis(200))) {
                    String text = new String(r.value(), StandardCharsets.UTF_8);
                    if (text.contains(run)) out.add(Json.MAPPER.readTree(r.value()));
                }
            }
        }
        return out;
    }

    private List<CaseSummary> cases() {
        return store.queue(
                        new QueueQuery(run, Set.of(CaseState.values()), 0, null, null, QueueQuery.Sort.AGE, null, 200))
                .cases();
    }

    private static CaseSummary byAccount(List<CaseSummary> cases, String account) {
        return cases.stream()
                .filter(c -> c.accountId().equals(account))
                .findFirst()
                .orElseThrow();
    }

    @Test
    void decisionsOnOneAccountAttachToItsCaseAndOtherActionsOpenNothing() throws Exception {
        CaseManagement cm = new CaseManagement(store, publisher, CaseManagement.DEFAULT_CASE_ACTIONS);
        CountingSession session = new CountingSession();

        cm.handle(
                List.of(
                        decision("acct-1", "e1", DecisionAction.REVIEW, 0.7, 12_000L),
                        decision("acct-3", "e2", DecisionAction.APPROVE, 0.1, 500L),
                        decision("acct-1", "e3", DecisionAction.STEP_UP, 0.5, 90_000L),
                        decision("acct-2", "e4", DecisionAction.STEP_UP, 0.4, null),
                        decision("acct-3", "e5", DecisionAction.DECLINE, 0.99, 700L)),
                session);
        cm.handle(List.of(decision("acct-1", "e6", DecisionAction.REVIEW, 0.9, 100L)), session);

        assertThat(session.commits).isEqualTo(2);
        List<CaseSummary> cases = cases();
        assertThat(cases).extracting(CaseSummary::accountId).containsExactlyInAnyOrder("acct-1", "acct-2");
        CaseSummary one = byAccount(cases, "acct-1");
        assertThat(one.decisions()).isEqualTo(3);
        assertThat(one.maxScore()).isEqualTo(0.9);
        assertThat(one.maxAmountMinor()).isEqualTo(90_000L);
        assertThat(byAccount(cases, "acct-2").maxAmountMinor()).isZero();
        assertThat(store.decisions(one.caseId()).get(0).decisionJson()).contains("\"velocity\"");

        List<JsonNode> announced = read(Topics.CASES);
        assertThat(announced)
                .extracting(n ->
                        n.path("decision_id").asText() + " " + n.path("outcome").asText())
                .containsExactlyInAnyOrder(
                        decisionId("e1") + " OPENED",
                        decisionId("e3") + " ATTACHED",
                        decisionId("e4") + " OPENED",
                        decisionId("e6") + " ATTACHED");
        for (JsonNode n : announced) {
            String account = n.path("account_id").asText();
            CaseSummary c = cases.stream()
                    .filter(x -> x.accountId().equals(account))
                    .findFirst()
                    .orElseThrow();
            assertThat(n.path("case_id").asText()).isEqualTo(c.caseId());
            assertThat(n.path("platform_run_id").asText()).isEqualTo(run);
        }
    }

    @Test
    void aRedeliveredBatchOpensNothingNewAndAnnouncesNothing() throws Exception {
        CaseManagement cm = new CaseManagement(store, publisher, CaseManagement.DEFAULT_CASE_ACTIONS);
        List<InboundRecord> batch = List.of(
                decision("acct-1", "e1", DecisionAction.REVIEW, 0.7, 12_000L),
                decision("acct-1", "e2", DecisionAction.REVIEW, 0.8, 1_000L),
                decision("acct-2", "e3", DecisionAction.STEP_UP, 0.5, 90_000L));
        CountingSession session = new CountingSession();
        cm.handle(batch, session);
        List<CaseSummary> before = cases();
        Map<String, Long> counts = store.countsForRun(run);
        assertThat(read(Topics.CASES)).hasSize(3);

        cm.handle(batch, session);

        assertThat(session.commits).isEqualTo(2);
        assertThat(cases()).isEqualTo(before);
        assertThat(store.countsForRun(run)).isEqualTo(counts);
        assertThat(read(Topics.CASES)).hasSize(3);
    }

    @Test
    void anUnreadableRecordIsDeadLetteredAndTheRestProceed() throws Exception {
        CaseManagement cm = new CaseManagement(store, publisher, CaseManagement.DEFAULT_CASE_ACTIONS);
        ObjectNode noAccount = (ObjectNode) Json.MAPPER.readTree(
                decision("x", "e9", DecisionAction.REVIEW, 0.5, 1L).value());
        noAccount.remove("partition_key");
        CountingSession session = new CountingSession();

        cm.handle(
                List.of(
                        record("k-" + run, ("not json " + run).getBytes(StandardCharsets.UTF_8)),
                        decision("acct-1", "e1", DecisionAction.REVIEW, 0.7, 12_000L),
                        record(
                                "k2-" + run,
                                ("{\"platform_run_id\":\"" + run + "\",\"action\":\"MAYBE\"}")
                                        .getBytes(StandardCharsets.UTF_8)),
                        record("k3-" + run, CanonicalJson.bytes(noAccount)),
                        decision("acct-2", "e2", DecisionAction.STEP_UP, 0.7, 12_000L)),
                session);

        assertThat(session.commits).isEqualTo(1);
        assertThat(cases()).extracting(CaseSummary::accountId).containsExactlyInAnyOrder("acct-1", "acct-2");
        List<JsonNode> dead = read(Topics.DEAD_LETTERS);
        assertThat(dead).hasSize(3);
        assertThat(dead).allSatisfy(n -> {
            assertThat(n.path("role").asText()).isEqualTo(CaseManagement.NAME);
            assertThat(n.path("topic").asText()).isEqualTo(Topics.DECISIONS);
            assertThat(n.path("reason").asText())
                    .startsWith("unreadable decision: ")
                    .doesNotContain("\n");
        });
        assertThat(dead).anySatisfy(n -> assertThat(n.path("reason").asText()).contains("partition_key"));
        assertThat(read(Topics.CASES)).hasSize(2);
    }

    @Test
    void theCaseActionsAreConfigurable() throws Exception {
        CaseManagement cm = new CaseManagement(store, publisher, Set.of(DecisionAction.DECLINE));
        cm.handle(
                List.of(
                        decision("acct-1", "e1", DecisionAction.REVIEW, 0.7, 12_000L),
                        decision("acct-2", "e2", DecisionAction.DECLINE, 0.99, 12_000L)),
                new CountingSession());
        assertThat(cases()).extracting(CaseSummary::accountId).containsExactly("acct-2");
    }

    @Test
    void triggeringDecisionsEqualCasesOpenedPlusDecisionsAttached() throws Exception {
        CaseManagement cm = new CaseManagement(store, publisher, CaseManagement.DEFAULT_CASE_ACTIONS);
        Random random = new Random(14);
        DecisionAction[] actions = DecisionAction.values();
        List<InboundRecord> all = new ArrayList<>();
        long triggering = 0;
        for (int i = 0; i < 400; i++) {
            DecisionAction a = actions[random.nextInt(actions.length)];
            if (CaseManagement.DEFAULT_CASE_ACTIONS.contains(a)) triggering++;
            all.add(decision(
                    "acct-" + random.nextInt(40), "e" + i, a, random.nextDouble(), (long) random.nextInt(100_000)));
        }
        CountingSession session = new CountingSession();
        for (int i = 0; i < all.size(); i += 50) cm.handle(all.subList(i, i + 50), session);
        // a redelivery of a window that spans two batches
        cm.handle(all.subList(25, 125), session);

        Map<String, Long> counts = store.countsForRun(run);
        assertThat(triggering).isGreaterThan(100);
        assertThat(counts.get("cases_opened") + counts.get("decisions_attached"))
                .isEqualTo(triggering);
        assertThat(counts.get("cases_opened")).isBetween(1L, 40L);
        assertThat(read(Topics.CASES)).hasSize((int) triggering);
    }
}
