package dev.fraudplatform.rtdl.audit;

import dev.fraudplatform.core.decision.AuditRecord;
import dev.fraudplatform.core.json.Json;
import dev.fraudplatform.core.store.ObjectStore;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/** Reads the Decision Log and Audit's segments back from the object store. */
public final class AuditLog {
    private AuditLog() {}

    /** Calls {@code action} with every audit record of a run, segment by segment. */
    public static void forEach(ObjectStore store, String runId, Consumer<AuditRecord> action) {
        for (String key : store.list(DecisionLogAudit.segmentPrefix(runId))) {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(store.open(key), StandardCharsets.UTF_8), 1 << 16)) {
                String line;
                while ((line = r.readLine()) != null) {
                    action.accept(AuditRecord.fromJson(Json.MAPPER.readTree(line)));
                }
            } catch (IOException e) {
                throw new UncheckedIOException("reading audit segment " + key, e);
            }
        }
    }

    /** Number of audit records of a run, from the segment names alone (cheap enough to poll). */
    public static long count(ObjectStore store, String runId) {
        long n = 0;
        for (String key : store.list(DecisionLogAudit.segmentPrefix(runId))) {
            int i = key.lastIndexOf("-n");
            n += Long.parseLong(key.substring(i + 2, key.length() - ".jsonl".length()));
        }
        return n;
    }

    /** The decision offset of the last record of a segment. */
    static long lastOffset(ObjectStore store, String key) {
        long last = -1;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(store.open(key), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                last = Math.max(last, Json.MAPPER.readTree(line).path("decision_coordinates").path("offset").asLong());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("reading audit segment " + key, e);
        }
        return last;
    }
}
