package dev.fraudplatform.rtdl.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Audit segments through the Parquet codec: the lines read back in offset order, and the bytes are pinned. */
class AuditSegmentIT {
    private static List<AuditSegment.Row> rows(int n) {
        List<AuditSegment.Row> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            rows.add(new AuditSegment.Row(
                    7,
                    1000L + 3L * i,
                    "d-" + i,
                    "e-" + (i * 31 % 977),
                    i % 3 == 0 ? "DECLINE" : "APPROVE",
                    "NORMAL",
                    i / 7.0,
                    "{\"line\":" + i + ",\"t\":\"é ☃\"}"));
        }
        return rows;
    }

    private static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    @Test
    void aSegmentReadsBackItsLinesInOffsetOrderWhateverOrderTheyCameIn() {
        List<AuditSegment.Row> shuffled = new ArrayList<>(rows(50));
        java.util.Collections.reverse(shuffled);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        AuditSegment.write(shuffled, out);

        List<String> lines = new ArrayList<>();
        AuditSegment.readLines(new ByteArrayInputStream(out.toByteArray()), lines::add);

        assertThat(lines)
                .containsExactlyElementsOf(
                        rows(50).stream().map(AuditSegment.Row::line).toList());
    }

    @Test
    void aSegmentsBytesAreThoseTheFormerDuckDbCodecWrote() throws Exception {
        // Digests of the same rows written by rtdl's own DuckDB codec before the shared one replaced it: evidence
        // digests name segment bytes, so they must not move.
        for (var pinned : List.of(
                new Object[] {1, "626cd85e889c2b02d2460ef96fbf36f0f020bfe9c1c48914b8c0e2a469ca2802"},
                new Object[] {3, "1f5a3c517db7115026ec767473f9534dc02b7757e9197f0eadc35aa901b32220"},
                new Object[] {1000, "b717aaaafb73d203cc3d3cb2aef0d06055c10ef237463bf7b2f6f86aef39552c"},
                new Object[] {130_000, "b7d33a8c959b360f4285c02c604697b5823c4d67a8789bc78d260bc6c038dfab"})) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            AuditSegment.write(rows((int) pinned[0]), out);
            assertThat(sha256(out.toByteArray())).as(pinned[0] + " rows").isEqualTo(pinned[1]);
        }
    }
}
