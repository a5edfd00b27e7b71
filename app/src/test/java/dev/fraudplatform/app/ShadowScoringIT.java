package dev.fraudplatform.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fraudplatform.core.cases.ActivityEvent;
import dev.fraudplatform.core.decision.AuditRecord;
import dev.fraudplatform.core.decision.Decision;
import dev.fraudplatform.core.decision.DecisionAction;
import dev.fraudplatform.core.json.Json;
import dev.fraudplatform.core.labels.LabelAssertion;
import dev.fraudplatform.core.labels.LabelSubject;
import dev.fraudplatform.core.labels.LabelValue;
import dev.fraudplatform.decision.bundle.DecisionBundle;
import dev.fraudplatform.ops.ConformanceReport;
import dev.fraudplatform.ops.RunReport;
import dev.fraudplatform.rtdl.audit.AuditLog;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Shadow scoring on the embedded platform: a small world run with rules-v1 active and a stricter copy of it in shadow.
 * The Action Layer applies the active decisions only; every decision has one shadow decision, audited under
 * {@code audit/<run>/shadow/}, sealed and replayable; the active audit replays 100%; {@code fp shadow report} compares
 * the two, and its counts agree with the audits and the Label Store read here.
 */
class ShadowScoringIT {
    static Path home;
    static Platform platform;
    static String worldId;

    /** rules-v1 under another id with lower thresholds: it declines and reviews what rules-v1 approves. */
    static DecisionBundle stricterShadow() throws Exception {
        ObjectNode n;
        try (InputStream in = DecisionBundle.class.getResourceAsStream("/bundles/rules-v1/bundle.json")) {
            n = (ObjectNode) Json.MAPPER.readTree(in);
        }
        n.put("bundle_id", "rules-v1-strict");
        ObjectNode th = (ObjectNode) n.path("thresholds");
        for (String mode : List.of("FULL", "PARTIAL_CONTEXT", "RULES_ONLY"))
            th.putObject(mode).put("decline", 0.30).put("review", 0.20).put("step_up", 0.10);
        return DecisionBundle.parse(Json.MAPPER.writeValueAsBytes(n));
    }

    @BeforeAll
    static void start() throws Exception {
        home = Files.createTempDirectory("fp-shadow-");
        platform = Platform.start(PlatformConfig.from(Map.of("FP_HOME", home.toString(), "FP_LANES", "1"))
                .withTopology(1, 1));
        worldId = TestWorlds.passed(platform, 17, 2_000);
    }

    @AfterAll
    static void stop() throws Exception {
        if (platform != null) platform.close();
        if (home != null) WorkDirectories.deleteTree(home);
    }

    @Test
    void aBundleInShadowIsDecidedAuditedAndReportedButNeverActedOn() throws Exception {
        DecisionBundle active = DecisionBundle.builtIn("rules-v1");
        DecisionBundle shadow = stricterShadow();
        platform.startRoles(active, shadow);
        assertThat(platform.shadowBundle().id()).isEqualTo("rules-v1-strict");

        PlatformRun run = PlatformRun.start(platform, worldId, active, s -> {});
        run.stream();
        assertThat(run.awaitDrain(Duration.ofSeconds(120))).isTrue();
        ConformanceReport conformance = run.finish();
        RunReport report = conformance.run();
        String runId = run.runId();

        // The run conforms, with the shadow's law among its laws
        assertThat(conformance.laws())
                .allSatisfy(c ->
                        assertThat(c.passed()).as(c.name() + ": " + c.detail()).isTrue());
        assertThat(report.checks())
                .allSatisfy(c ->
                        assertThat(c.passed()).as(c.name() + ": " + c.detail()).isTrue());
        long decisions = report.admittedTransactions();
        assertThat(decisions).isEqualTo(2_000);
        RunReport.Check shadowLaw = conformance.laws().stream()
                .filter(c -> c.name().contains("shadow"))
                .findFirst()
                .orElseThrow();
        assertThat(shadowLaw.detail())
                .contains("bundle rules-v1-strict in shadow: 2,000 shadow decisions for 2,000 decisions")
                .contains("2,000 of 2,000 re-score to themselves");

        // The Action Layer applied the active decisions only: one effect each, none for a shadow decision
        assertThat(platform.ledger().count(runId)).isEqualTo(decisions);
        assertThat(report.effects()).isEqualTo(decisions);
        assertThat(report.decisions().recordsOnBus()).isEqualTo(decisions);
        // The active audit is the run's as without a shadow: every record rules-v1's, and it replays 100%
        assertThat(report.audit().records()).isEqualTo(decisions);
        assertThat(report.audit().replayMatched()).isEqualTo(decisions);
        Map<String, Decision> activeById = new HashMap<>();
        AuditLog.forEach(platform.store(), runId, a -> {
            assertThat(a.shadow()).isFalse();
            activeById.put(a.decision().decisionId(), a.decision());
        });
        assertThat(activeById.values()).allSatisfy(d -> assertThat(d.bundleId()).isEqualTo("rules-v1"));

        // Every decision has one shadow audit record, marked, in its own sealed segments
        List<AuditRecord> shadowRecords = new ArrayList<>();
        AuditLog.forEachShadow(platform.store(), runId, shadowRecords::add);
        assertThat(shadowRecords).hasSize((int) decisions);
        assertThat(shadowRecords).allSatisfy(a -> {
            assertThat(a.shadow()).isTrue();
            assertThat(a.decision().bundleId()).isEqualTo("rules-v1-strict");
            assertThat(a.decisionCoordinates().topic()).isEqualTo("fp.decisions.shadow");
            assertThat(activeById).containsKey(a.decision().decisionId());
        });
        assertThat(AuditLog.shadowSegments(platform.store(), runId))
                .allSatisfy(k -> assertThat(k).startsWith("audit/" + runId + "/shadow/"));
        assertThat(AuditLog.verifyShadow(platform.store(), runId)).isEmpty();
        assertThat(platform.store().exists("audit/" + runId + "/shadow/manifest.json"))
                .isTrue();

        // On the bus: one shadow decision per decision on fp.decisions.shadow, and on fp.audit one record for each,
        // the shadow ones marked
        List<JsonNode> onShadowTopic = BusReader.readAll(platform.bootstrap(), "fp.decisions.shadow").stream()
                .filter(n -> runId.equals(n.path("platform_run_id").asText()))
                .toList();
        assertThat(onShadowTopic).hasSize((int) decisions);
        assertThat(onShadowTopic)
                .allSatisfy(n -> assertThat(n.path("bundle_id").asText()).isEqualTo("rules-v1-strict"));
        List<JsonNode> audited = BusReader.readAll(platform.bootstrap(), "fp.audit").stream()
                .filter(n ->
                        runId.equals(n.path("decision").path("platform_run_id").asText()))
                .toList();
        assertThat(audited.stream().filter(n -> n.path("shadow").asBoolean()))
                .hasSize((int) decisions)
                .allSatisfy(n -> assertThat(n.path("decision").path("bundle_id").asText())
                        .isEqualTo("rules-v1-strict"));
        assertThat(audited.stream().filter(n -> !n.has("shadow")))
                .hasSize((int) decisions)
                .allSatisfy(n -> assertThat(n.path("decision").path("bundle_id").asText())
                        .isEqualTo("rules-v1"));

        // fp shadow report, in this JVM, on the running platform's stores
        Map<String, Decision> shadowById = new HashMap<>();
        shadowRecords.forEach(a -> shadowById.put(a.decision().decisionId(), a.decision()));
        long agreed = activeById.values().stream()
                .filter(d -> shadowById.get(d.decisionId()).action() == d.action())
                .count();
        JsonNode json;
        String text;
        try (CapturedConsole console = CapturedConsole.start(home)) {
            assertThat(Fp.execute("shadow", "report", "--run", runId, "--json"))
                    .as(console.stderr())
                    .isZero();
            json = Json.MAPPER.readTree(console.stdout().trim());
            assertThat(Fp.execute("shadow", "report", "--run", runId)).isZero();
            text = console.stdout();
        }
        System.out.println("fp shadow report --run " + runId + ":\n" + text); // the report, for the test's log
        assertThat(json.path("shadow_bundles").get(0).asText()).isEqualTo("rules-v1-strict");
        assertThat(json.path("decisions_compared").asLong()).isEqualTo(decisions);
        assertThat(json.path("agreed").asLong()).isEqualTo(agreed);
        assertThat(json.path("agreement_rate").asDouble())
                .as("the stricter thresholds change some actions")
                .isLessThan(1.0)
                .isEqualTo((double) agreed / decisions);
        long confusionTotal = 0;
        for (DecisionAction a : DecisionAction.values())
            for (DecisionAction s : DecisionAction.values()) {
                long cell = json.path("confusion").path(a.name()).path(s.name()).asLong();
                long expected = activeById.values().stream()
                        .filter(d -> d.action() == a
                                && shadowById.get(d.decisionId()).action() == s)
                        .count();
                assertThat(cell).as(a + " x " + s).isEqualTo(expected);
                confusionTotal += cell;
            }
        assertThat(confusionTotal).isEqualTo(decisions);

        // What the report says the shadow would have caught and declined wrongly, checked against the Label Store
        assertThat(json.path("fraud_labelled").asLong())
                .as("the world's labels reached the Label Store")
                .isPositive();
        for (JsonNode id : json.path("would_have_caught").path("event_ids")) {
            Decision a = byEvent(activeById, id.asText());
            Decision s = shadowById.get(a.decisionId());
            assertThat(a.action()).isEqualTo(DecisionAction.APPROVE);
            assertThat(s.action()).isIn(DecisionAction.DECLINE, DecisionAction.REVIEW);
            assertThat(standingLabel(runId, a)).hasValue(LabelValue.FRAUD);
        }
        assertThat(json.path("would_have_declined_wrongly").path("count").asLong())
                .as("thresholds this low decline legitimate traffic")
                .isPositive();
        for (JsonNode id : json.path("would_have_declined_wrongly").path("event_ids")) {
            Decision a = byEvent(activeById, id.asText());
            assertThat(a.action()).isNotEqualTo(DecisionAction.DECLINE);
            assertThat(shadowById.get(a.decisionId()).action()).isEqualTo(DecisionAction.DECLINE);
            assertThat(standingLabel(runId, a)).isNotEqualTo(Optional.of(LabelValue.FRAUD));
        }
        assertThat(text)
                .contains("shadow bundle rules-v1-strict beside active rules-v1")
                .contains("decisions compared 2,000")
                .contains("active \\ shadow")
                .contains("would have caught "
                        + json.path("would_have_caught").path("count").asLong())
                .contains("would have declined wrongly "
                        + json.path("would_have_declined_wrongly").path("count").asLong());

        // Bad input: an unknown run, a run without a shadow; one line each, exit 2
        try (CapturedConsole console = CapturedConsole.start(home)) {
            assertThat(Fp.execute("shadow", "report", "--run", "run-19990101-deadbeef"))
                    .isEqualTo(2);
            assertThat(console.stderr().lines().toList())
                    .singleElement()
                    .satisfies(l -> assertThat(l).startsWith("fp: no run run-19990101-deadbeef"));
        }
        // A run that decided nothing has no shadow decisions to report; a shadow bundle that does not exist is refused
        // before anything starts
        PlatformRun quiet = PlatformRun.start(platform, worldId, active, s -> {});
        platform.runs().transition(quiet.runId(), dev.fraudplatform.core.run.RunState.FAILED, "test: never streamed");
        try (CapturedConsole console = CapturedConsole.start(home)) {
            assertThat(Fp.execute("shadow", "report", "--run", quiet.runId())).isEqualTo(2);
            assertThat(Fp.execute("run", "--world", worldId, "--shadow-bundle", "no-such-bundle"))
                    .isEqualTo(2);
            assertThat(Fp.execute("shadow", "report")).as("--run is required").isEqualTo(2);
            List<String> lines = console.stderr().lines().toList();
            assertThat(lines).hasSize(3);
            assertThat(lines.get(0))
                    .isEqualTo("fp: run " + quiet.runId()
                            + " has no shadow decisions: no bundle was in shadow for it (fp run --shadow-bundle B"
                            + " scores one)");
            assertThat(lines.get(1)).startsWith("fp: --shadow-bundle no-such-bundle: no such bundle");
            assertThat(lines.get(2)).startsWith("fp: Missing required option: '--run=RUN_ID'");
        }
        // A second, different shadow cannot be swapped in under a running loop.
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> platform.startRoles(active, active))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("in shadow");
    }

    private static Decision byEvent(Map<String, Decision> byId, String eventId) {
        return byId.values().stream()
                .filter(d -> d.eventId().equals(eventId))
                .findFirst()
                .orElseThrow();
    }

    /** The standing label, as known now, of the transaction a decision is about (its txn id read from the activity). */
    private static Optional<LabelValue> standingLabel(String runId, Decision d) {
        String txn = platform
                .wiring()
                .activity()
                .recent(runId, d.partitionKey(), Instant.parse("9999-01-01T00:00:00Z"), 100_000)
                .stream()
                .filter(e -> e.eventId().equals(d.eventId()))
                .map(ActivityEvent::txnId)
                .findFirst()
                .orElse(d.eventId());
        return platform.labels()
                .asOf(runId, LabelSubject.transaction(txn), Instant.now())
                .map(LabelAssertion::value);
    }
}
