package dev.fraudplatform.casework.labels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fraudplatform.core.labels.LabelAssertion;
import dev.fraudplatform.core.labels.LabelSource;
import dev.fraudplatform.core.labels.LabelSubject;
import dev.fraudplatform.core.labels.LabelValue;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class LabelAssertionJsonTest {
    private static final LabelAssertion FULL = new LabelAssertion(
            "run-1",
            "case:c-1:4:t9",
            LabelSubject.transaction("t9"),
            "acct-9",
            "card-9",
            LabelValue.LEGITIMATE,
            "ACCOUNT_TAKEOVER",
            LabelSource.INVESTIGATOR,
            "DISPOSITION",
            "LEGITIMATE",
            Instant.parse("2026-03-01T10:00:00.123Z"),
            Instant.parse("2026-03-05T10:00:00.456Z"),
            Instant.parse("2026-12-04T05:00:00.123456Z"),
            "case:c-1",
            "alice",
            null,
            1299L);

    @Test
    void anAssertionReadsBackAsWrittenWithCanonicalSnakeCaseFields() {
        byte[] json = LabelAssertionJson.toJson(FULL);
        assertThat(LabelAssertionJson.fromJson(json)).isEqualTo(FULL);
        String text = new String(json, StandardCharsets.UTF_8);
        assertThat(text)
                .startsWith("{\"account_id\":\"acct-9\",\"actor\":\"alice\",\"amount_minor\":1299,")
                .contains("\"recorded_time\":\"2026-12-04T05:00:00.123456Z\"")
                .contains("\"observed_time\":\"2026-03-05T10:00:00.456Z\"")
                .doesNotContain("event_id");
    }

    @Test
    void anAssertionNotYetRecordedHasNoRecordedTime() {
        LabelAssertion fresh = new LabelAssertion(
                "run-1",
                "ev:e1",
                LabelSubject.transaction("t1"),
                null,
                null,
                LabelValue.FRAUD,
                null,
                LabelSource.CUSTOMER,
                "FRAUD_REPORT",
                null,
                Instant.parse("2026-03-01T10:00:00Z"),
                Instant.parse("2026-03-05T10:00:00Z"),
                null,
                "event:e1",
                null,
                "e1",
                null);
        assertThat(LabelAssertionJson.fromJson(LabelAssertionJson.toJson(fresh)))
                .isEqualTo(fresh);
    }

    @Test
    void somethingElseIsRefusedWithOneLine() {
        assertThatThrownBy(() -> LabelAssertionJson.fromJson("[1]".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() ->
                        LabelAssertionJson.fromJson("{\"platform_run_id\":\"r\"}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("assertion_id is missing");
        assertThatThrownBy(() -> LabelAssertionJson.fromJson("{".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("not JSON");
    }
}
