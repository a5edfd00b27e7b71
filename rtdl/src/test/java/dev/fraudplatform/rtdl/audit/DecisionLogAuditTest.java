package dev.fraudplatform.rtdl.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The audit writer's run-id lookup, on canonical and non-canonical decision bytes. */
class DecisionLogAuditTest {
    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void findsTheRunIdInCanonicalBytesAndIgnoresLookalikesInsideStrings() throws Exception {
        assertThat(DecisionLogAudit.runIdOf(utf8("{\"action\":\"APPROVE\",\"platform_run_id\":\"run-1\",\"score\":0}"))).isEqualTo("run-1");
        String tricky = "{\"degrade_reason\":\"x\\\"platform_run_id\\\":\\\"evil\",\"platform_run_id\":\"run-2\"}";
        assertThat(DecisionLogAudit.runIdOf(utf8(tricky))).isEqualTo("run-2");
    }

    @Test
    void fallsBackToParsingForOtherLayouts() throws Exception {
        assertThat(DecisionLogAudit.runIdOf(utf8("{ \"platform_run_id\" : \"run-3\" }"))).isEqualTo("run-3");
        assertThat(DecisionLogAudit.runIdOf(utf8("{\"platform_run_id\":\"ru\\u006e-4\"}"))).isEqualTo("run-4");
    }
}
