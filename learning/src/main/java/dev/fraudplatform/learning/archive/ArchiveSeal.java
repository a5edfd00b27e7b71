package dev.fraudplatform.learning.archive;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fraudplatform.core.json.Json;
import dev.fraudplatform.core.store.Manifest;
import dev.fraudplatform.core.store.ObjectStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Seals a run's archive: {@code archive/<run>/manifest.json} ({@link Manifest}, create-if-absent) lists every segment
 * with its SHA-256 and size, and its attributes say, per segment ({@code segments}, by key relative to
 * {@code archive/<run>/}), the Kafka offsets it covers ({@code topic}, {@code partition}, {@code first_offset},
 * {@code last_offset}), its {@code rows}, event class and day; and the run's rows per topic ({@code rows_by_topic}).
 * After the seal, {@link #verify} names every segment changed, missing or added.
 */
public final class ArchiveSeal {
    private ArchiveSeal() {}

    /**
     * Seals {@code runId}'s archive as it is now. Call it once the archive has written every record of the run
     * ({@link Archive#flushThrough}): a segment written after the seal is reported by {@link #verify} as not in the
     * manifest.
     *
     * @return the manifest's own SHA-256
     */
    public static String seal(ObjectStore store, String runId) {
        ObjectNode attributes = Json.MAPPER.createObjectNode();
        attributes.put("platform_run_id", runId);
        Map<String, Long> rows = new TreeMap<>();
        ArrayNode list = Json.MAPPER.createArrayNode();
        String folder = ArchiveSegment.runFolder(runId) + "/";
        for (ArchiveSegment.Name n : ArchiveReader.segments(store, runId)) {
            rows.merge(n.topic(), n.rows(), Long::sum);
            list.addObject()
                    .put("key", n.key().substring(folder.length()))
                    .put("topic", n.topic())
                    .put("partition", n.partition())
                    .put("first_offset", n.firstOffset())
                    .put("last_offset", n.lastOffset())
                    .put("rows", n.rows())
                    .put("event_class", n.eventClass())
                    .put("day", n.day());
        }
        attributes.set("rows_by_topic", Json.MAPPER.valueToTree(rows));
        attributes.set("segments", list);
        return Manifest.seal(store, ArchiveSegment.runFolder(runId), attributes);
    }

    /** Whether the run's archive has been sealed. */
    public static boolean sealed(ObjectStore store, String runId) {
        return store.exists(ArchiveSegment.runFolder(runId) + "/" + Manifest.FILE_NAME);
    }

    /**
     * Problems with a run's sealed archive, one line each naming the object: a segment whose bytes no longer re-hash to
     * the manifest, one missing, one not listed, or a listed segment whose offsets the manifest does not state as its
     * name does. Empty when the archive is intact.
     */
    public static List<String> verify(ObjectStore store, String runId) {
        String folder = ArchiveSegment.runFolder(runId);
        List<String> problems = new ArrayList<>(Manifest.verify(store, folder));
        if (!problems.isEmpty() && !sealed(store, runId)) return problems;
        Manifest m;
        try {
            m = Manifest.read(store, folder);
        } catch (RuntimeException e) {
            return problems; // Manifest.verify has said it is unreadable
        }
        Map<String, JsonNode> stated = new TreeMap<>();
        for (JsonNode s : m.attributes().path("segments"))
            stated.put(s.path("key").asText(), s);
        for (String rel : m.entries().keySet()) {
            ArchiveSegment.Name n = ArchiveSegment.parse(folder + "/" + rel);
            if (n == null) continue;
            JsonNode s = stated.get(rel);
            if (s == null
                    || !s.path("topic").asText().equals(n.topic())
                    || s.path("partition").asInt(-1) != n.partition()
                    || s.path("first_offset").asLong(-1) != n.firstOffset()
                    || s.path("last_offset").asLong(-1) != n.lastOffset()
                    || s.path("rows").asLong(-1) != n.rows())
                problems.add(folder + "/" + rel + ": its offsets or rows are not those the manifest states");
        }
        return problems;
    }
}
