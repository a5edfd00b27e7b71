package dev.fraudplatform.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The run report's reconciliation: each check fails on exactly the mismatch it names. */
class RunReportTest {

    private static RunReport report(
            long sent,
            Map<String, Long> receipts,
            long admittedTxns,
            long decisions,
            long effects,
            long audit,
            String auditDigest,
            String busDigest,
            long conflicts,
            List<String> failures) {
        return new RunReport(
                "run-1",
                "w-1",
                "rules-v1",
                new RunReport.Ingress(sent, 0, receipts, Map.of("txn.authorization", admittedTxns), admittedTxns),
                new RunReport.Decisions(
                        decisions,
                        decisions,
                        Map.of("APPROVE", decisions),
                        Map.of("RULES_ONLY", decisions),
                        busDigest,
                        conflicts),
                effects,
                new RunReport.Audit(audit, auditDigest, audit, List.of()),
                CASEWORK,
                PERFORMANCE,
                failures);
    }

    /** Two REVIEW decisions attached in one case; three label events, two asserted and one rejected. */
    private static final RunReport.Casework CASEWORK =
            new RunReport.Casework(List.of("REVIEW", "STEP_UP"), 2, 2, 1, 3, 2, Map.of("UNKNOWN_SUBJECT", 1L), 0);

    private static final RunReport.Performance PERFORMANCE =
            new RunReport.Performance(1000.0, new RunReport.Latency(10.0, 50.0, 80.0), 2.5, 900);

    private static RunReport good() {
        return report(
                12,
                Map.of("ADMITTED", 10L, "DUPLICATE", 1L, "QUARANTINED/WRONG_RUN", 1L),
                8,
                8,
                8,
                8,
                "d",
                "d",
                0,
                List.of());
    }

    private static List<String> failed(RunReport r) {
        return r.checks().stream()
                .filter(c -> !c.passed())
                .map(RunReport.Check::name)
                .toList();
    }

    @Test
    void aConsistentRunReconciles() {
        assertThat(good().reconciled()).isTrue();
        assertThat(good().receiptsTotal()).isEqualTo(12);
        assertThat(good().toJson().path("reconciled").asBoolean()).isTrue();
        assertThat(good().toText()).contains("RECONCILED").doesNotContain("NOT RECONCILED");
    }

    @Test
    void eachMismatchFailsItsOwnCheck() {
        assertThat(failed(report(13, good().receipts(), 8, 8, 8, 8, "d", "d", 0, List.of())))
                .containsExactly("events sent = receipts");
        assertThat(failed(report(12, good().receipts(), 9, 8, 8, 8, "d", "d", 0, List.of())))
                .containsExactly("admitted transactions = decisions");
        assertThat(failed(report(12, good().receipts(), 8, 8, 7, 8, "d", "d", 0, List.of())))
                .containsExactly("decisions = effects");
        assertThat(failed(report(12, good().receipts(), 8, 8, 8, 9, "d", "d", 0, List.of())))
                .containsExactly("decisions = audit records");
        assertThat(failed(report(12, good().receipts(), 8, 8, 8, 8, "d", "e", 0, List.of())))
                .containsExactly("audit log digest = bus decision digest");
        assertThat(failed(report(12, good().receipts(), 8, 8, 8, 8, "d", "d", 2, List.of())))
                .containsExactly("no decision id carries two different decisions");
        RunReport broken = report(12, good().receipts(), 8, 8, 8, 8, "d", "d", 0, List.of("action layer: boom"));
        assertThat(failed(broken)).containsExactly("no role failed");
        assertThat(broken.toText()).contains("NOT RECONCILED").contains("action layer: boom");
        assertThat(broken.toJson().path("reconciled").asBoolean()).isFalse();
    }

    @Test
    void anAuditFrameThatDoesNotReScoreToItsDecisionBreaksTheReport() {
        RunReport g = good();
        RunReport broken = new RunReport(
                g.platformRunId(),
                g.worldId(),
                g.bundleId(),
                g.ingress(),
                g.decisions(),
                g.effects(),
                new RunReport.Audit(
                        g.audit().records(),
                        g.decisionLogDigest(),
                        g.audit().records() - 1,
                        List.of("dec-1: recorded ..., re-scored ...")),
                g.casework(),
                g.performance(),
                List.of());
        assertThat(g.reconciled()).isTrue();
        assertThat(failed(broken))
                .containsExactly("audit replay re-scores every frame to its decision; segments match their manifest");
    }

    @Test
    void receiptsOfAttemptsWhoseAnswerWasLostReconcileOnlyAsDuplicatesWithinWhatWasResent() {
        RunReport g = good(); // 12 sent, 12 receipts of which 1 DUPLICATE
        java.util.function.BiFunction<Long, Long, RunReport> withResent = (sent, resent) -> new RunReport(
                g.platformRunId(),
                g.worldId(),
                g.bundleId(),
                new RunReport.Ingress(
                        sent, resent, g.receipts(), g.ingress().admittedByClass(), g.admittedTransactions()),
                g.decisions(),
                g.effects(),
                g.audit(),
                g.casework(),
                g.performance(),
                List.of());
        // one receipt more than sent, one event resent after a lost answer, and it is the DUPLICATE: reconciles
        assertThat(withResent.apply(11L, 1L).reconciled()).isTrue();
        // two more than sent: more than was resent, and more than the DUPLICATE receipts
        assertThat(failed(withResent.apply(10L, 1L)))
                .containsExactly("events sent = receipts, plus DUPLICATE receipts of attempts whose answer was lost");
        assertThat(failed(withResent.apply(10L, 5L))).hasSize(1);
        // fewer receipts than events sent is a loss, resends or not
        assertThat(failed(withResent.apply(13L, 5L))).hasSize(1);
    }

    @Test
    void itsJsonKeepsTheShapeAndFieldNamesItHadBeforeTheReportTookNamedParts() {
        // Written down from the report's JSON when it took 26 positional arguments: the parts are the code's, not the
        // file's.
        RunReport r = new RunReport(
                "run-1",
                "w-1",
                "rules-v1",
                new RunReport.Ingress(
                        12,
                        1,
                        Map.of("ADMITTED", 10L, "DUPLICATE", 1L, "QUARANTINED/WRONG_RUN", 1L),
                        Map.of("txn.authorization", 8L),
                        8),
                new RunReport.Decisions(9, 8, Map.of("APPROVE", 8L), Map.of("RULES_ONLY", 8L), "d", 0),
                8,
                new RunReport.Audit(8, "d", 8, List.of()),
                CASEWORK,
                new RunReport.Performance(1000.4, new RunReport.Latency(10.04, 50.06, 80.0), 2.5, 900),
                List.of());
        // The case and label plane's counts and checks came later: without them, the JSON is what it was.
        com.fasterxml.jackson.databind.node.ObjectNode json = r.toJson();
        com.fasterxml.jackson.databind.node.ObjectNode counts =
                (com.fasterxml.jackson.databind.node.ObjectNode) json.get("counts");
        for (String added : List.of(
                "decisions_calling_for_case",
                "decisions_attached_to_cases",
                "cases_opened",
                "label_events_admitted",
                "label_assertions_from_events",
                "label_events_rejected",
                "label_assertions_from_cases"))
            assertThat(counts.remove(added)).as(added).isNotNull();
        assertThat(json.remove("case_actions")).isNotNull();
        com.fasterxml.jackson.databind.node.ArrayNode checks =
                (com.fasterxml.jackson.databind.node.ArrayNode) json.get("checks");
        List<String> casework = List.of(
                "decisions that call for a case = decisions opened or attached to a case",
                "label events admitted = label assertions written from them + label events rejected");
        for (int i = checks.size() - 1; i >= 0; i--) {
            if (casework.contains(checks.get(i).path("name").asText())) checks.remove(i);
        }
        assertThat(checks.size()).isEqualTo(8);
        assertThat(json.toString())
                .isEqualTo(
                        "{\"platform_run_id\":\"run-1\",\"world_id\":\"w-1\",\"bundle_id\":\"rules-v1\",\"reconciled\":true,\"coun"
                                + "ts\":{\"sent\":12,\"resent_after_lost_answer\":1,\"receipts_total\":12,\"receipts\":{\"ADMITTED\":10,"
                                + "\"DUPLICATE\":1,\"QUARANTINED/WRONG_RUN\":1},\"admitted_by_event_class\":{\"txn.authorization\":8}"
                                + ",\"admitted_transactions\":8,\"decision_records_on_bus\":9,\"decisions\":8,\"effects\":8,\"audit_re"
                                + "cords\":8,\"audit_replay_matched\":8},\"decisions_by_action\":{\"APPROVE\":8},\"decisions_by_degra"
                                + "de_mode\":{\"RULES_ONLY\":8},\"decision_log_digest\":\"d\",\"performance\":{\"events_per_second\":100"
                                + "0,\"decision_latency_p50_ms\":10.0,\"decision_latency_p99_ms\":50.1,\"decision_latency_max_ms\":"
                                + "80.0,\"seconds_to_first_decision\":2.5,\"peak_rss_mb\":900},\"checks\":[{\"name\":\"events sent = r"
                                + "eceipts, plus DUPLICATE receipts of attempts whose answer was lost\",\"passed\":true,\"detail\""
                                + ":\"12 sent, 12 receipts: 0 extra, at most 1 resent after a lost answer\"},{\"name\":\"admitted "
                                + "transactions = decisions\",\"passed\":true,\"detail\":\"8 = 8\"},{\"name\":\"decisions = effects\",\"p"
                                + "assed\":true,\"detail\":\"8 = 8\"},{\"name\":\"decisions = audit records\",\"passed\":true,\"detail\":\""
                                + "8 = 8\"},{\"name\":\"audit log digest = bus decision digest\",\"passed\":true,\"detail\":\"d vs d\"},"
                                + "{\"name\":\"no decision id carries two different decisions\",\"passed\":true,\"detail\":\"0 conflic"
                                + "ting decision records\"},{\"name\":\"audit replay re-scores every frame to its decision; segme"
                                + "nts match their manifest\",\"passed\":true,\"detail\":\"8 of 8 match\"},{\"name\":\"no role failed\","
                                + "\"passed\":true,\"detail\":\"none\"}]}");
    }

    @Test
    void aDecisionThatCalledForACaseButOpenedNoneOrALabelEventWithNoOutcomeBreaksTheReport() {
        RunReport g = good();
        java.util.function.Function<RunReport.Casework, RunReport> with = c -> new RunReport(
                g.platformRunId(),
                g.worldId(),
                g.bundleId(),
                g.ingress(),
                g.decisions(),
                g.effects(),
                g.audit(),
                c,
                g.performance(),
                List.of());
        assertThat(g.reconciled()).isTrue();
        assertThat(g.toText()).contains("2 decisions [REVIEW, STEP_UP] attached in 1 cases");
        assertThat(failed(with.apply(
                        new RunReport.Casework(List.of("REVIEW"), 3, 2, 1, 3, 2, Map.of("UNKNOWN_SUBJECT", 1L), 0))))
                .containsExactly("decisions that call for a case = decisions opened or attached to a case");
        // a label event neither asserted nor rejected: lost
        assertThat(failed(with.apply(new RunReport.Casework(List.of("REVIEW"), 2, 2, 1, 3, 2, Map.of(), 0))))
                .containsExactly("label events admitted = label assertions written from them + label events rejected");
        assertThat(with.apply(new RunReport.Casework(List.of("REVIEW"), 2, 2, 1, 3, 2, Map.of(), 0)).checks().stream()
                        .filter(c -> !c.passed())
                        .findFirst()
                        .orElseThrow()
                        .detail())
                .isEqualTo("3 != 2 + 0");
    }
}
