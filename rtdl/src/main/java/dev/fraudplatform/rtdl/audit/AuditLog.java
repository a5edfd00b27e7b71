package dev.fraudplatform.rtdl.audit;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fraudplatform.core.decision.AuditRecord;
import dev.fraudplatform.core.json.Json;
import dev.fraudplatform.core.store.Manifest;
import dev.fraudplatform.core.store.ObjectStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.function.Consumer;

/**
 * Reads the Decision Log and Audit's Parquet segments back from the object store, and seals them: the active
 * decisions' ({@code audit/<run>/decisions/}) and, with shadow scoring, the shadow decisions' ({@code
 * audit/<run>/shadow/}, the {@code *Shadow} methods), each sealed by its own manifest.
 */
public final class AuditLog {
    static final String SEGMENT_SUFFIX = ".parquet";

    private AuditLog() {}

    /** Calls {@code action} with every audit record of a run, segment by segment, each in offset order. */
    public static void forEach(ObjectStore store, String runId, Consumer<AuditRecord> action) {
        for (String key : segments(store, runId)) forEachIn(store, key, action);
    }

    /** Calls {@code action} with every audit record of one segment, in offset order; throws if it cannot be read. */
    public static void forEachIn(ObjectStore store, String key, Consumer<AuditRecord> action) {
        try (InputStream in = store.open(key)) {
            AuditSegment.readLines(in, line -> {
                try {
                    action.accept(AuditRecord.fromJson(Json.MAPPER.readTree(line)));
                } catch (IOException e) {
                    throw new UncheckedIOException("audit segment " + key + " holds a line that is not JSON", e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("reading audit segment " + key, e);
        }
    }

    /** The keys of a run's audit segments. */
    public static List<String> segments(ObjectStore store, String runId) {
        return segmentsUnder(store, DecisionLogAudit.segmentPrefix(runId));
    }

    /** Number of audit records of a run, from the segment names alone (cheap enough to poll). */
    public static long count(ObjectStore store, String runId) {
        return countOf(segments(store, runId));
    }

    // ---- shadow decisions ----

    /** Calls {@code action} with every shadow audit record of a run, segment by segment, each in offset order. */
    public static void forEachShadow(ObjectStore store, String runId, Consumer<AuditRecord> action) {
        for (String key : shadowSegments(store, runId)) forEachIn(store, key, action);
    }

    /** The keys of a run's shadow audit segments (none when the run had no bundle in shadow). */
    public static List<String> shadowSegments(ObjectStore store, String runId) {
        return segmentsUnder(store, DecisionLogAudit.shadowSegmentPrefix(runId));
    }

    /** Number of shadow audit records of a run, from the segment names alone. */
    public static long shadowCount(ObjectStore store, String runId) {
        return countOf(shadowSegments(store, runId));
    }

    /** Whether a run has shadow audit segments or a shadow manifest: a bundle was in shadow for it. */
    public static boolean hasShadow(ObjectStore store, String runId) {
        return !store.list(DecisionLogAudit.shadowSegmentPrefix(runId)).isEmpty();
    }

    /**
     * Seals a run's shadow audit segments as {@link #seal} does the active ones ({@code audit/<run>/shadow/
     * manifest.json}); a run without any is sealed with an empty manifest only when {@code always}.
     *
     * @return the manifest's own SHA-256, or null when there was nothing to seal
     */
    public static String sealShadow(ObjectStore store, String runId, boolean always) {
        if (!always && shadowSegments(store, runId).isEmpty()) return null;
        ObjectNode attributes = Json.MAPPER.createObjectNode();
        attributes.put("platform_run_id", runId);
        attributes.put("records", shadowCount(store, runId));
        attributes.put("shadow", true);
        return Manifest.seal(store, withoutSlash(DecisionLogAudit.shadowSegmentPrefix(runId)), attributes);
    }

    /** Problems with a run's sealed shadow segments, one line each; empty when the run has none or all re-hash. */
    public static List<String> verifyShadow(ObjectStore store, String runId) {
        if (!hasShadow(store, runId)) return List.of();
        return Manifest.verify(store, withoutSlash(DecisionLogAudit.shadowSegmentPrefix(runId)));
    }

    private static List<String> segmentsUnder(ObjectStore store, String prefix) {
        return store.list(prefix).stream()
                .filter(k -> k.endsWith(SEGMENT_SUFFIX))
                .toList();
    }

    private static String withoutSlash(String prefix) {
        return prefix.substring(0, prefix.length() - 1);
    }

    private static long countOf(List<String> segmentKeys) {
        long n = 0;
        for (String key : segmentKeys) {
            int i = key.lastIndexOf("-n");
            n += Long.parseLong(key.substring(i + 2, key.length() - SEGMENT_SUFFIX.length()));
        }
        return n;
    }

    /**
     * Seals a run's audit segments with a manifest of their SHA-256 digests ({@code audit/<run>/decisions/manifest.json},
     * create-if-absent): after this, {@link #verify} names any segment changed, missing or added.
     *
     * @return the manifest's own SHA-256
     */
    public static String seal(ObjectStore store, String runId) {
        ObjectNode attributes = Json.MAPPER.createObjectNode();
        attributes.put("platform_run_id", runId);
        attributes.put("records", count(store, runId));
        return Manifest.seal(store, sealedPrefix(runId), attributes);
    }

    /** Problems with a run's sealed segments, one line each; empty when every segment re-hashes to its manifest. */
    public static List<String> verify(ObjectStore store, String runId) {
        return Manifest.verify(store, sealedPrefix(runId));
    }

    /** The prefix a manifest seals: the segment folder, without its trailing slash. */
    private static String sealedPrefix(String runId) {
        String p = DecisionLogAudit.segmentPrefix(runId);
        return p.substring(0, p.length() - 1);
    }

    /** The highest last-offset among segments whose keys start with {@code partitionPrefix}, or -1 when none. */
    static long lastOffsetWritten(ObjectStore store, String partitionPrefix) {
        long last = -1;
        for (String key : store.list(partitionPrefix)) {
            if (!key.endsWith(SEGMENT_SUFFIX)) continue;
            int l = key.lastIndexOf("-l");
            int n = key.lastIndexOf("-n");
            if (l < 0 || n < l) throw new IllegalStateException("audit segment without offsets in its name: " + key);
            last = Math.max(last, Long.parseLong(key.substring(l + 2, n)));
        }
        return last;
    }
}
