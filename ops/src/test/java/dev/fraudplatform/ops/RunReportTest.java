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
                sent,
                0,
                receipts,
                Map.of("txn.authorization", admittedTxns),
                admittedTxns,
                decisions,
                decisions,
                effects,
                audit,
                Map.of("APPROVE", decisions),
                Map.of("RULES_ONLY", decisions),
                auditDigest,
                busDigest,
                1000.0,
                10.0,
                50.0,
                80.0,
                2.5,
                900,
                conflicts,
                failures,
                audit,
                List.of());
    }

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
                g.sent(),
                g.resentUnanswered(),
                g.receipts(),
                g.admittedByClass(),
                g.admittedTransactions(),
                g.decisionRecords(),
                g.distinctDecisions(),
                g.effects(),
                g.auditRecords(),
                g.decisionsByAction(),
                g.decisionsByDegradeMode(),
                g.decisionLogDigest(),
                g.busDecisionDigest(),
                1000.0,
                10.0,
                50.0,
                80.0,
                2.5,
                900,
                0,
                List.of(),
                g.auditRecords() - 1,
                List.of("dec-1: recorded ..., re-scored ..."));
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
                sent,
                resent,
                g.receipts(),
                g.admittedByClass(),
                g.admittedTransactions(),
                g.decisionRecords(),
                g.distinctDecisions(),
                g.effects(),
                g.auditRecords(),
                g.decisionsByAction(),
                g.decisionsByDegradeMode(),
                g.decisionLogDigest(),
                g.busDecisionDigest(),
                1000.0,
                10.0,
                50.0,
                80.0,
                2.5,
                900,
                0,
                List.of(),
                g.auditRecords(),
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
}
