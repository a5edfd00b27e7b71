package dev.fraudplatform.ingress.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How the gate cuts an NDJSON body into its events' raw bytes. */
class NdjsonLinesTest {

    private static List<String> lines(String body) {
        return IngestionHttpServer.lines(body.getBytes(StandardCharsets.UTF_8)).stream()
                .map(b -> new String(b, StandardCharsets.UTF_8))
                .toList();
    }

    @Test
    void eachLineIsOneEventWithOrWithoutAFinalNewline() {
        assertThat(lines("{\"a\":1}\n{\"b\":2}\n")).containsExactly("{\"a\":1}", "{\"b\":2}");
        assertThat(lines("{\"a\":1}\n{\"b\":2}")).containsExactly("{\"a\":1}", "{\"b\":2}");
    }

    @Test
    void aCarriageReturnBeforeTheNewlineIsDroppedAndBlankLinesCarryNoEvent() {
        assertThat(lines("{\"a\":1}\r\n\r\n  \t \n{\"b\":2}\r\n")).containsExactly("{\"a\":1}", "{\"b\":2}");
        assertThat(lines("")).isEmpty();
        assertThat(lines("\n\n")).isEmpty();
    }

    @Test
    void aLineKeepsItsOwnBytesLeadingSpacesIncluded() {
        assertThat(lines("  {\"a\":1} \nx")).containsExactly("  {\"a\":1} ", "x");
    }
}
