package dev.fraudplatform.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fraudplatform.core.envelope.Envelope;
import dev.fraudplatform.core.ingress.QuarantineReason;
import dev.fraudplatform.core.ingress.Receipt;
import dev.fraudplatform.core.ingress.ReceiptOutcome;
import dev.fraudplatform.core.json.CanonicalJson;
import dev.fraudplatform.core.json.Json;
import dev.fraudplatform.decision.bundle.DecisionBundle;
import dev.fraudplatform.decision.scoring.DecisionFabric;
import dev.fraudplatform.ingress.gate.IngestionGate;
import dev.fraudplatform.ops.ConformanceReport;
import dev.fraudplatform.ops.RunReport;
import dev.fraudplatform.rtdl.audit.AuditReplay;
import dev.fraudplatform.world.ScenarioRunner;
import dev.fraudplatform.world.WorldBuilder;
import dev.fraudplatform.world.WorldConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * A small world through every plane on the embedded wiring (KRaft broker in this JVM, zonky PostgreSQL,
 * filesystem object store): reconciliation, resend idempotence, the same digest on a second run, and the gate's
 * quarantine reasons.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PlatformEndToEndIT {
    static Platform platform;
    static String worldId;
    static DecisionBundle bundle = DecisionBundle.builtIn("rules-v1");
    static String firstDigest;
    static String firstRunId;

    @BeforeAll
    static void start() throws Exception {
        Path home = Files.createTempDirectory("fp-e2e-");
        // Strict mode (ARCHITECTURE.md §6): one streamer lane, one partition, one stream thread: a total order, so two
        // runs of the world give the same decision-log digest with cross-entity features in it.
        platform = Platform.start(PlatformConfig.from(java.util.Map.of("FP_HOME", home.toString(), "FP_LANES", "1"))
                .withTopology(1, 1));
        worldId = TestWorlds.passed(platform, 11, 3_000);
    }

    @AfterAll
    static void stop() {
        if (platform != null) platform.close();
    }

    @Test
    @Order(1)
    void aWorldRunsThroughEveryPlaneAndResendingItChangesNothingButReceipts() throws Exception {
        // Given a READY run of a sealed world
        PlatformRun run = PlatformRun.start(platform, worldId, bundle, s -> {});
        assertThat(platform.runs().state(run.runId()))
                .hasValueSatisfying(s -> assertThat(s.name()).isEqualTo("READY"));

        // When the world is streamed and the platform drains
        long startedAt = System.currentTimeMillis();
        long sent = run.stream().sent();
        assertThat(run.awaitDrain(Duration.ofSeconds(90))).isTrue();
        long drainedAfter = System.currentTimeMillis() - startedAt;
        long effectsAfterFirstPass = platform.ledger().count(run.runId());
        long auditAfterFirstPass = dev.fraudplatform.rtdl.audit.AuditLog.count(platform.store(), run.runId());
        // The audit's segments roll by size (10,000 records) or age (30 s) and at the run's end, not per poll: for
        // 3,000 decisions on one partition, one segment, and one more per 30 s the run lasted
        int segments = dev.fraudplatform.rtdl.audit.AuditLog.segments(platform.store(), run.runId())
                .size();
        assertThat(segments).isPositive().isLessThanOrEqualTo(1 + (int) (drainedAfter / 30_000));

        // And every event is sent through the gate a second time
        var second = run.stream();
        assertThat(second.receiptsByOutcome()).containsOnlyKeys("DUPLICATE").containsEntry("DUPLICATE", sent);
        assertThat(run.awaitDrain(Duration.ofSeconds(30))).isTrue();
        Thread.sleep(1_000); // anything wrongly re-admitted would be decided, applied and audited by now
        ConformanceReport conformance = run.finish();
        RunReport report = conformance.run();

        // Then every count reconciles, every law holds, and the resend added only DUPLICATE receipts
        assertThat(report.checks())
                .allSatisfy(c ->
                        assertThat(c.passed()).as(c.name() + ": " + c.detail()).isTrue());
        assertThat(conformance.laws())
                .hasSizeGreaterThanOrEqualTo(7)
                .allSatisfy(c ->
                        assertThat(c.passed()).as(c.name() + ": " + c.detail()).isTrue());
        assertThat(conformance.passed()).isTrue();
        assertThat(conformance.busRecords()).isEqualTo(sent);
        assertThat(conformance.throughput()).isNotEmpty();
        assertThat(conformance.throughput().stream()
                        .mapToLong(ConformanceReport.Throughput::decided)
                        .sum())
                .isEqualTo(3_000);
        assertThat(conformance.latencyHistogram().values().stream()
                        .mapToLong(Long::longValue)
                        .sum())
                .isEqualTo(3_000);
        assertThat(report.ingress().sent()).isEqualTo(2 * sent);
        assertThat(report.receipts())
                .containsEntry("ADMITTED", sent)
                .containsEntry("DUPLICATE", sent)
                .hasSize(2);
        assertThat(report.admittedTransactions()).isEqualTo(3_000);
        assertThat(report.decisions().distinct()).isEqualTo(3_000);
        assertThat(report.decisions().recordsOnBus()).isEqualTo(3_000);
        assertThat(report.effects()).isEqualTo(effectsAfterFirstPass).isEqualTo(3_000);
        assertThat(report.audit().records()).isEqualTo(auditAfterFirstPass).isEqualTo(3_000);
        // the resend added no segment: nothing new to audit
        assertThat(dev.fraudplatform.rtdl.audit.AuditLog.segments(platform.store(), run.runId()))
                .hasSize(segments);
        // The run's lifecycle is on record, in order, and the run lists with its final state
        assertThat(platform.runs().history(run.runId()))
                .extracting(t -> t.state().name())
                .startsWith("PLANNED", "GATED", "READY", "STREAMING")
                .endsWith("COMPLETED");
        assertThat(platform.runs().list(50)).anySatisfy(r -> {
            assertThat(r.facts().platformRunId()).isEqualTo(run.runId());
            assertThat(r.latest().state().name()).isEqualTo("COMPLETED");
        });
        assertThat(report.decisions().byDegradeMode()).containsOnlyKeys("RULES_ONLY");
        assertThat(report.decisions().byAction().keySet()).contains("APPROVE").hasSizeGreaterThan(1);
        // The case and label plane took the whole run: every REVIEW and STEP_UP decision is in a case (one per account
        // while open), and every label event of the world is an assertion of the Label Store, none refused
        RunReport.Casework casework = report.casework();
        long callingForCase = report.decisions().byAction().getOrDefault("REVIEW", 0L)
                + report.decisions().byAction().getOrDefault("STEP_UP", 0L);
        assertThat(casework.caseActions()).containsExactly("REVIEW", "STEP_UP");
        assertThat(casework.decisionsCallingForCase()).isEqualTo(callingForCase).isPositive();
        assertThat(casework.decisionsAttached()).isEqualTo(callingForCase);
        assertThat(casework.casesOpened()).isPositive().isLessThanOrEqualTo(callingForCase);
        assertThat(casework.labelEventsAdmitted())
                .isEqualTo(report.ingress().admittedByClass().getOrDefault("label.assertion", 0L))
                .isPositive();
        assertThat(casework.assertionsFromEvents()).isEqualTo(casework.labelEventsAdmitted());
        assertThat(casework.rejectionsByReason()).isEmpty();
        assertThat(conformance.laws())
                .extracting(dev.fraudplatform.ops.RunReport.Check::name)
                .contains(
                        "no as-of label answer is observed after its time, and each is the standing assertion (a sample)");
        assertThat(platform.store().exists("evidence/" + run.runId() + "/report.json"))
                .isTrue();
        String html = new String(
                platform.store().read("evidence/" + run.runId() + "/report.html"),
                java.nio.charset.StandardCharsets.UTF_8);
        assertThat(html).contains(run.runId()).contains("chart-throughput").contains("no effect applied twice");
        assertThat(platform.runs().state(run.runId()))
                .hasValueSatisfying(s -> assertThat(s.name()).isEqualTo("COMPLETED"));
        firstDigest = report.decisionLogDigest();
        // audit replay: every recorded frame re-scores to its decision, and the sealed segments re-hash
        AuditReplay.Result replay = AuditReplay.replay(platform.store(), run.runId(), new DecisionFabric(bundle));
        assertThat(replay.records()).isEqualTo(report.audit().records()).isPositive();
        assertThat(replay.passed())
                .as(replay.mismatches() + " " + replay.manifestProblems())
                .isTrue();
        firstRunId = run.runId();
        // The archive took the whole run, sealed: per topic, its rows are the run's records on the bus
        ConformanceReport.ArchiveRows archive = conformance.archive();
        assertThat(archive).isNotNull();
        assertThat(archive.check().passed()).as(archive.check().detail()).isTrue();
        assertThat(archive.archived())
                .containsEntry(dev.fraudplatform.core.bus.Topics.TRAFFIC, sent)
                .containsEntry(dev.fraudplatform.core.bus.Topics.DECISIONS, 3_000L)
                .containsEntry(dev.fraudplatform.core.bus.Topics.ACTIONS, 3_000L)
                .containsEntry(dev.fraudplatform.core.bus.Topics.LABELS, casework.assertionsFromEvents())
                .isEqualTo(archive.onBus());
        assertThat(dev.fraudplatform.learning.archive.ArchiveSeal.verify(platform.store(), run.runId()))
                .isEmpty();
        assertThat(html).contains("archived: fp.traffic");
        // and reads back in bus order: what the Offline Feature Shadow replays
        long[] replayed = {0, -1, -1};
        dev.fraudplatform.learning.archive.ArchiveReader.forEachRecord(
                platform.store(), run.runId(), dev.fraudplatform.core.bus.Topics.TRAFFIC, r -> {
                    assertThat(r.partition() > replayed[1] || r.offset() > replayed[2])
                            .isTrue();
                    replayed[0]++;
                    replayed[1] = r.partition();
                    replayed[2] = r.offset();
                });
        assertThat(replayed[0]).isEqualTo(sent);
    }

    @Test
    @Order(2)
    void aSecondRunOfTheSameWorldGivesTheSameDecisionLogDigest() throws Exception {
        PlatformRun run = PlatformRun.start(platform, worldId, bundle, s -> {});
        run.stream();
        assertThat(run.awaitDrain(Duration.ofSeconds(90))).isTrue();
        RunReport report = run.finish().run();
        assertThat(report.reconciled()).as(report.toText()).isTrue();
        assertThat(firstDigest).isNotNull();
        assertThat(report.decisionLogDigest()).isEqualTo(firstDigest);
        assertThat(report.platformRunId()).isEqualTo(run.runId()).isNotEqualTo(firstRunId);
    }

    @Test
    @Order(3)
    void theGateQuarantinesBadInputWithItsReasonAndTheOriginalStands() throws Exception {
        PlatformRun run = PlatformRun.start(platform, worldId, bundle, s -> {});
        ObjectNode payload = txnPayload(100);
        Envelope good = Envelope.of(
                run.runId(),
                "txn.authorization",
                "probe-1",
                1,
                Instant.parse("2026-03-01T10:00:00.000Z"),
                Instant.now(),
                "acct-x",
                payload);
        ObjectNode altered = good.toJson();
        ((ObjectNode) altered.get("payload")).put("amount_minor", 999_999);
        ObjectNode lying = good.toJson();
        ((ObjectNode) lying.get("payload")).put("amount_minor", 5);
        lying.put("event_id", "probe-2");
        ObjectNode otherRun = good.toJson().put("platform_run_id", "run-19990101-deadbeef");
        ObjectNode unknownClass = Envelope.of(
                        run.runId(),
                        "weather.report",
                        "probe-3",
                        1,
                        Instant.parse("2026-03-01T10:00:00.000Z"),
                        Instant.now(),
                        "acct-x",
                        payload)
                .toJson();
        ObjectNode missing = good.toJson();
        missing.remove("event_time");
        missing.remove("partition_key");

        List<Receipt> receipts = platform.gate()
                .submit(List.of(
                        good.toBytes(),
                        "{\"platform_run_id\": \"trunc".getBytes(StandardCharsets.UTF_8),
                        CanonicalJson.bytes(altered),
                        CanonicalJson.bytes(lying),
                        CanonicalJson.bytes(otherRun),
                        CanonicalJson.bytes(unknownClass),
                        CanonicalJson.bytes(missing),
                        new byte[] {(byte) 0xC3, (byte) 0x28},
                        good.toBytes()));

        assertThat(receipts)
                .as(receipts.toString())
                .extracting(Receipt::outcome)
                .containsExactly(
                        ReceiptOutcome.ADMITTED,
                        ReceiptOutcome.QUARANTINED,
                        ReceiptOutcome.QUARANTINED,
                        ReceiptOutcome.QUARANTINED,
                        ReceiptOutcome.QUARANTINED,
                        ReceiptOutcome.QUARANTINED,
                        ReceiptOutcome.QUARANTINED,
                        ReceiptOutcome.QUARANTINED,
                        ReceiptOutcome.DUPLICATE);
        assertThat(receipts)
                .extracting(Receipt::reason)
                .containsExactly(
                        null,
                        QuarantineReason.MALFORMED,
                        QuarantineReason.PAYLOAD_HASH_MISMATCH,
                        QuarantineReason.PAYLOAD_HASH_MISMATCH,
                        QuarantineReason.WRONG_RUN,
                        QuarantineReason.UNKNOWN_EVENT_CLASS,
                        QuarantineReason.ENVELOPE_INVALID,
                        QuarantineReason.MALFORMED,
                        null);
        assertThat(receipts.get(6).detail()).contains("event_time").contains("partition_key");
        assertThat(receipts.get(0).coordinates().topic()).isEqualTo("fp.traffic");

        // Same tuple, honest hash, different payload: INTEGRITY_MISMATCH, and the original stands.
        ObjectNode changed = txnPayload(101);
        Envelope sameIdOtherPayload = Envelope.of(
                run.runId(),
                "txn.authorization",
                "probe-1",
                1,
                Instant.parse("2026-03-01T10:00:00.000Z"),
                Instant.now(),
                "acct-x",
                changed);
        Receipt mismatch =
                platform.gate().submit(List.of(sameIdOtherPayload.toBytes())).get(0);
        assertThat(mismatch.reason()).isEqualTo(QuarantineReason.INTEGRITY_MISMATCH);
        assertThat(mismatch.detail()).contains(good.payloadHash());
        assertThat(platform.gate().submit(List.of(good.toBytes())).get(0).outcome())
                .isEqualTo(ReceiptOutcome.DUPLICATE);
        assertThat(platform.store().list("quarantine/" + run.runId() + "/")).isNotEmpty();

        // Inputs that would break a naive gate get their own receipts and leave their batch-mates alone.
        String hugeExponent =
                good.toJson().toString().replace("\"amount_minor\":100", "\"amount_minor\":100e2147483647");
        String tinyExponent =
                good.toJson().toString().replace("\"amount_minor\":100", "\"amount_minor\":1e-2147483648");
        byte[] oversized = new byte[IngestionGate.MAX_ENVELOPE_BYTES + 1];
        java.util.Arrays.fill(oversized, (byte) ' ');
        ObjectNode fresh = good.toJson().put("event_id", "probe-9");
        List<Receipt> hostile = platform.gate()
                .submit(List.of(
                        hugeExponent.getBytes(StandardCharsets.UTF_8),
                        tinyExponent.getBytes(StandardCharsets.UTF_8),
                        oversized,
                        CanonicalJson.bytes(fresh)));
        assertThat(hostile)
                .extracting(Receipt::reason)
                .containsExactly(
                        QuarantineReason.ENVELOPE_INVALID,
                        QuarantineReason.MALFORMED,
                        QuarantineReason.OVERSIZED,
                        null);
        assertThat(hostile.get(3).outcome()).isEqualTo(ReceiptOutcome.ADMITTED);
        // An invalid envelope whose run id is readable is still counted in that run's receipts.
        assertThat(hostile.get(0).platformRunId()).isEqualTo(run.runId());
        assertThat(platform.receipts().countsByOutcome(run.runId())).containsKey("QUARANTINED/ENVELOPE_INVALID");

        // The payload's JSON Schema, per (event_class, schema_version): a wrong type, a missing field, an unknown
        // version.
        ObjectNode wrongType = txnPayload(100);
        wrongType.put("amount_minor", "100");
        ObjectNode noCard = txnPayload(100);
        noCard.remove("card_id");
        List<Receipt> schema = platform.gate()
                .submit(List.of(
                        Envelope.of(
                                        run.runId(),
                                        "txn.authorization",
                                        "probe-s1",
                                        1,
                                        Instant.parse("2026-03-01T10:00:00.000Z"),
                                        Instant.now(),
                                        "acct-x",
                                        wrongType)
                                .toBytes(),
                        Envelope.of(
                                        run.runId(),
                                        "txn.authorization",
                                        "probe-s2",
                                        1,
                                        Instant.parse("2026-03-01T10:00:00.000Z"),
                                        Instant.now(),
                                        "acct-x",
                                        noCard)
                                .toBytes(),
                        Envelope.of(
                                        run.runId(),
                                        "txn.authorization",
                                        "probe-s3",
                                        7,
                                        Instant.parse("2026-03-01T10:00:00.000Z"),
                                        Instant.now(),
                                        "acct-x",
                                        payload)
                                .toBytes()));
        assertThat(schema)
                .extracting(Receipt::reason)
                .containsExactly(
                        QuarantineReason.SCHEMA_INVALID,
                        QuarantineReason.SCHEMA_INVALID,
                        QuarantineReason.UNKNOWN_SCHEMA_VERSION);
        assertThat(schema.get(0).detail()).contains("payload.amount_minor");
        assertThat(schema.get(1).detail()).contains("card_id");
        assertThat(schema.get(2).detail()).contains("schema_version 7");
    }

    /** A transaction payload that satisfies txn.authorization's schema version 1. */
    static ObjectNode txnPayload(long amountMinor) {
        return Json.MAPPER
                .createObjectNode()
                .put("account_id", "acct-x")
                .put("amount_minor", amountMinor)
                .put("card_id", "card-x")
                .put("channel", "CP")
                .put("city", "London")
                .put("country", "GB")
                .put("currency", "GBP")
                .put("entry_mode", "CHIP")
                .put("mcc", "5411")
                .put("merchant_id", "m-x")
                .put("recurring", false)
                .put("txn_id", "t-x");
    }

    @Test
    @Order(4)
    void theScenarioRunnerRefusesAWorldThatFailedItsGate() {
        String failed = new WorldBuilder(platform.store())
                .build(WorldConfig.defaults(12, 1_000).withFraudRate(0.0), WorldBuilder.Progress.NONE)
                .worldId();
        assertThatThrownBy(() -> PlatformRun.start(platform, failed, bundle, s -> {}))
                .isInstanceOf(ScenarioRunner.WorldRefusedException.class)
                .hasMessageContaining("fraud_present");
    }

    @Test
    @Order(5)
    void theReplayProofRunsTheWorldAgainAndItsDigestJoinsTheEvidence() throws Exception {
        ReplayProof.Result proof = ReplayProof.replay(platform, firstRunId, s -> {});
        assertThat(proof.holds()).as(proof.toJson().toString()).isTrue();
        assertThat(proof.replayDigest()).isEqualTo(firstDigest);
        assertThat(proof.replayRun()).isNotEqualTo(firstRunId);
        String evidence = new String(
                platform.store().read("evidence/" + firstRunId + "/replay-" + proof.replayRun() + ".json"),
                java.nio.charset.StandardCharsets.UTF_8);
        assertThat(evidence).contains("\"holds\":true").contains(firstDigest);
        assertThatThrownBy(() -> ReplayProof.replay(platform, "run-19990101-deadbeef", s -> {}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("no run run-19990101-deadbeef");
    }

    @Test
    @Order(90)
    void aFinishedRunRechecksCleanDespiteLateInputAndNamesARowChangedBehindTheGuards() throws Exception {
        // A late event for the finished run gets its own receipt (WRONG_RUN): added, not changed; the evidence still
        // holds
        Envelope late = Envelope.of(
                firstRunId,
                "txn.authorization",
                "late-1",
                1,
                Instant.parse("2026-03-01T10:00:00.000Z"),
                Instant.now(),
                "acct-late",
                txnPayload(100));
        assertThat(platform.gate().submit(List.of(late.toBytes())).get(0).reason())
                .isEqualTo(dev.fraudplatform.core.ingress.QuarantineReason.WRONG_RUN);
        List<dev.fraudplatform.ops.RunReport.Check> clean =
                RunLaws.recheck(platform.store(), platform.evidence(), firstRunId);
        assertThat(clean)
                .hasSizeGreaterThanOrEqualTo(6)
                .allSatisfy(c ->
                        assertThat(c.passed()).as(c.name() + ": " + c.detail()).isTrue());
        assertThat(clean.get(0).detail()).contains("1 received for the run since");

        // The schema's owner (not the platform's role, which cannot) switches the guard off, changes a receipt in place
        // and switches it on again
        try (var c = java.sql.DriverManager.getConnection(platform.wiring().adminJdbcUrl());
                var st = c.createStatement()) {
            st.execute("ALTER TABLE ingress.receipts DISABLE TRIGGER append_only");
            st.execute(
                    "UPDATE ingress.receipts SET payload_hash = 'forged' WHERE receipt_id = (SELECT receipt_id FROM ingress.receipts "
                            + "WHERE platform_run_id = '" + firstRunId
                            + "' AND outcome = 'ADMITTED' ORDER BY receipt_id LIMIT 1)");
            st.execute("ALTER TABLE ingress.receipts ENABLE TRIGGER append_only");
        }
        List<dev.fraudplatform.ops.RunReport.Check> after =
                RunLaws.recheck(platform.store(), platform.evidence(), firstRunId);
        assertThat(after)
                .filteredOn(c -> !c.passed())
                .extracting(dev.fraudplatform.ops.RunReport.Check::name)
                .containsExactly("the run's receipts, effects and label assertions are unchanged since its report");

        // A guard left off is a broken law of its own
        try (var c = java.sql.DriverManager.getConnection(platform.wiring().adminJdbcUrl());
                var st = c.createStatement()) {
            st.execute("ALTER TABLE actions.effects DISABLE TRIGGER append_only");
        }
        try {
            assertThat(RunLaws.recheck(platform.store(), platform.evidence(), firstRunId))
                    .filteredOn(c -> !c.passed())
                    .extracting(dev.fraudplatform.ops.RunReport.Check::name)
                    .contains("append-only tables are guarded against update, delete and truncate");
        } finally {
            try (var c = java.sql.DriverManager.getConnection(platform.wiring().adminJdbcUrl());
                    var st = c.createStatement()) {
                st.execute("ALTER TABLE actions.effects ENABLE TRIGGER append_only");
            }
        }
    }

    @Test
    @Order(95)
    void aChangedArchiveSegmentIsNamedByTheRecheck() throws Exception {
        String segment = dev.fraudplatform.learning.archive.ArchiveReader.segmentKeys(platform.store(), firstRunId)
                .get(0);
        Path file = platform.store().localPath(segment).orElseThrow();
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length / 2] ^= 1;
        file.toFile().setWritable(true);
        Files.write(file, bytes);
        assertThat(RunLaws.recheck(platform.store(), platform.evidence(), firstRunId))
                .filteredOn(c -> c.name().equals("the run's archive segments still match their manifest"))
                .singleElement()
                .satisfies(c -> {
                    assertThat(c.passed()).isFalse();
                    assertThat(c.detail()).contains(segment).contains("SHA-256 differs");
                });
    }

    @Test
    @Order(99)
    void aChangedAuditSegmentIsNamedByReplay() throws Exception {
        String segment = platform.store().list("audit/" + firstRunId + "/decisions/").stream()
                .filter(k -> k.endsWith(".parquet"))
                .findFirst()
                .orElseThrow();
        Path file = platform.store().localPath(segment).orElseThrow();
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length / 2] ^= 1;
        Files.write(file, bytes);
        AuditReplay.Result replay = AuditReplay.replay(platform.store(), firstRunId, new DecisionFabric(bundle));
        assertThat(replay.passed()).isFalse();
        assertThat(replay.manifestProblems())
                .anySatisfy(p -> assertThat(p).contains(segment).contains("SHA-256 differs"));
        // whether or not the changed bytes still decode, replay does not crash: it names the segment
    }

    @Test
    @Order(6)
    void aFinishedRunsEvidenceIsExportedAsOneArchiveAndAnUnknownOrOpenRunIsRefused() throws Exception {
        // Given the first run, finished and conforming, and one of its drills: a run named <run>-drill-duplicates
        String drillRun = firstRunId + EvidenceExport.DRILL_RUN_INFIX + "duplicates";
        assertThat(Drills.run(platform, worldId, Drills.Kind.DUPLICATES, drillRun, s -> {})
                        .passed())
                .isTrue();
        assertThatThrownBy(() -> Drills.run(platform, worldId, Drills.Kind.DUPLICATES, drillRun, s -> {}))
                .hasMessage("run " + drillRun + " exists: a run id names one run");
        EvidenceExport.Result r = EvidenceExport.export(OpsServer.Sources.of(platform, java.util.Map::of), firstRunId);
        // Then one archive beside its evidence holds its facts, report, an audit slice and a manifest of digests
        assertThat(r.key()).startsWith("evidence/" + firstRunId + "/export/").endsWith(".zip");
        java.util.Map<String, byte[]> zip;
        try (var in = platform.store().open(r.key())) {
            zip = EvidenceExport.read(in);
        }
        assertThat(zip.keySet())
                .contains(
                        "facts.json",
                        "evidence/facts.json",
                        "evidence/report.json",
                        "evidence/report.html",
                        "audit-slice.jsonl",
                        "manifest.json");
        // with the drill's evidence under drills/, and no other run's
        assertThat(zip.keySet())
                .contains(
                        "drills/" + drillRun + "/drill-duplicates.json",
                        "drills/" + drillRun + "/drill-duplicates.html");
        assertThat(dev.fraudplatform.core.json.Json.MAPPER
                        .readTree(zip.get("drills/" + drillRun + "/drill-duplicates.json"))
                        .path("platform_run_id")
                        .asText())
                .isEqualTo(drillRun);
        assertThat(zip.keySet().stream().filter(k -> k.startsWith("drills/")))
                .allMatch(k -> k.startsWith("drills/" + drillRun + "/"));
        var facts = dev.fraudplatform.core.json.Json.MAPPER.readTree(zip.get("facts.json"));
        assertThat(facts.path("state").asText()).isEqualTo("COMPLETED");
        assertThat(facts.path("code_version").asText()).isEqualTo(PlatformConfig.codeVersion());
        assertThat(EvidenceExport.text(zip.get("audit-slice.jsonl")).lines().count())
                .isEqualTo(EvidenceExport.AUDIT_SLICE);
        var manifest = dev.fraudplatform.core.json.Json.MAPPER.readTree(zip.get("manifest.json"));
        zip.forEach((name, bytes) -> {
            if (!name.equals("manifest.json"))
                assertThat(manifest.path("entries").path(name).path("sha256").asText())
                        .as(name)
                        .isEqualTo(EvidenceExport.sha256(bytes));
        });
        // The console's numbers for the run, as its page read them, agree with the run's own count of decisions
        var live = dev.fraudplatform.core.json.Json.MAPPER.readTree(zip.get("console/live.json"));
        assertThat(live.path("platform_run_id").asText()).isEqualTo(firstRunId);
        assertThat(live.path("decisions_total").asLong())
                .isEqualTo(platform.ledger().count(firstRunId))
                .isPositive();
        // and pictures of the report and of the console showing it, taken by headless Chromium (the suite needs it)
        for (String picture : List.of("screenshots/report.png", "screenshots/console.png")) {
            assertThat(zip).as(picture + "; notes: " + manifest.path("notes")).containsKey(picture);
            java.awt.image.BufferedImage image =
                    javax.imageio.ImageIO.read(new java.io.ByteArrayInputStream(zip.get(picture)));
            assertThat(image.getWidth()).as(picture).isEqualTo(1280);
            assertThat(distinctColours(image))
                    .as(picture + ": more than a blank page")
                    .isGreaterThan(16);
        }

        // An unknown run, and a run still open, are refused in one line
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> EvidenceExport.export(
                        OpsServer.Sources.of(platform, java.util.Map::of), "run-20260101-00000000"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("run run-20260101-00000000 not found");
        PlatformRun open = PlatformRun.start(platform, worldId, bundle, s -> {});
        try {
            org.assertj.core.api.Assertions.assertThatThrownBy(() ->
                            EvidenceExport.export(OpsServer.Sources.of(platform, java.util.Map::of), open.runId()))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("run " + open.runId()
                            + " is READY: its evidence is not final; export it once the run has ended");
            assertThat(platform.store().list("evidence/" + open.runId() + "/export/"))
                    .isEmpty();
        } finally {
            open.stream();
            open.awaitDrain(Duration.ofSeconds(90));
            open.finish();
        }
    }

    /** How many colours a picture uses, up to 1,000: a blank or error page uses few. */
    private static int distinctColours(java.awt.image.BufferedImage image) {
        java.util.Set<Integer> colours = new java.util.HashSet<>();
        for (int y = 0; y < image.getHeight() && colours.size() < 1_000; y += 3)
            for (int x = 0; x < image.getWidth(); x += 3) colours.add(image.getRGB(x, y));
        return colours.size();
    }
}
