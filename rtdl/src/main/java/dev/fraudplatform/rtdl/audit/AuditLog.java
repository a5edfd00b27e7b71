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

    /** The highest last-offset among segments whose keys start with {@code partitionPrefix}, or -1 when none. */
    static long lastOffsetWritten(ObjectStore store, String partitionPrefix) {
        long last = -1;
        for (String key : store.list(partitionPrefix)) {
            int l = key.lastIndexOf("-l");
            int n = key.lastIndexOf("-n");
            if (l < 0 || n < l) throw new IllegalStateException("audit segment without offsets in its name: " + key);
            last = Math.max(last, Long.parseLong(key.substring(l + 2, n)));
        }
        return last;
    }
}
