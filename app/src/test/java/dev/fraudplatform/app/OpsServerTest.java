package dev.fraudplatform.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The console's quarantine numbers, read from the receipt counts as the receipt store keys them. */
class OpsServerTest {

    @Test
    void quarantinesAreCountedByReasonFromTheReceiptStoresKeysAndNothingElseIsCounted() {
        // Given receipt counts keyed as the store keys them: outcome, and for a quarantine its reason
        Map<String, Long> counts = Map.of(
                "ADMITTED",
                990L,
                "DUPLICATE",
                7L,
                "QUARANTINED/MALFORMED",
                3L,
                "QUARANTINED/SCHEMA_INVALID",
                691L,
                "QUARANTINED",
                1L);

        // When
        Map<String, Long> byReason = OpsServer.quarantineByReason(counts);

        // Then every quarantined receipt is in one row (694 + 1 without a reason), no other outcome is
        assertThat(byReason)
                .containsExactly(
                        Map.entry("MALFORMED", 3L), Map.entry("SCHEMA_INVALID", 691L), Map.entry("UNKNOWN", 1L));
        assertThat(byReason.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(695);
        assertThat(OpsServer.quarantineByReason(Map.of("ADMITTED", 5L))).isEmpty();
    }
}
