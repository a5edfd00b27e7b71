package dev.fraudplatform.app;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.fraudplatform.core.json.Json;
import java.nio.charset.StandardCharsets;

/**
 * How a run's records are picked out of a topic that several runs share, without parsing them: a record of run R holds
 * {@code "platform_run_id":"R"} in its canonical JSON. End-of-stream markers name the run otherwise.
 */
final class RunMarker {
    private final byte[] marker;

    RunMarker(String runId) {
        try {
            this.marker =
                    ("\"platform_run_id\":" + Json.MAPPER.writeValueAsString(runId)).getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("a run id that is not a JSON string: " + runId, e);
        }
    }

    /** Whether {@code value} (a record's bytes; null for a tombstone) names the run. */
    boolean names(byte[] value) {
        if (value == null) return false;
        outer:
        for (int i = 0; i + marker.length <= value.length; i++) {
            for (int j = 0; j < marker.length; j++) if (value[i + j] != marker[j]) continue outer;
            return true;
        }
        return false;
    }
}
