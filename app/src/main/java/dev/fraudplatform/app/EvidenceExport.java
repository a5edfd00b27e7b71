package dev.fraudplatform.app;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fraudplatform.core.json.CanonicalJson;
import dev.fraudplatform.core.json.Json;
import dev.fraudplatform.core.run.RunFacts;
import dev.fraudplatform.core.run.RunRegistry;
import dev.fraudplatform.core.run.RunState;
import dev.fraudplatform.core.store.ObjectStore;
import dev.fraudplatform.ops.ConformanceReport;
import dev.fraudplatform.rtdl.audit.AuditLog;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * {@code fp evidence export --run ID}: one archive of what a finished run proves, written to the object store beside
 * its evidence ({@code evidence/<run>/export/<UTC time>.zip}), so that it outlives the run's environment (a demo stack
 * destroyed after use). The archive holds:
 * <ul>
 *   <li>{@code facts.json}: the run's pinned facts, with the code and image it ran ({@code code_version});</li>
 *   <li>every object under {@code evidence/<run>/}: the conformance report (JSON and HTML), drill and replay
 *       results;</li>
 *   <li>the evidence of its drills, the runs named {@code <run>-drill-<name>} ({@code drills/<drill run>/...});</li>
 *   <li>the wiring conformance comparisons that name the run ({@code evidence/conformance/...});</li>
 *   <li>{@code audit-slice.jsonl}: the first {@value #AUDIT_SLICE} audit records, as recorded;</li>
 *   <li>{@code screenshots/report.png}: the report page as headless Chromium renders it, and
 *       {@code screenshots/console.png}: the ops console showing the run ({@link OpsServer}, started on a free
 *       loopback port for the export, reading the same stores), when Chromium is here (the manifest says when it is
 *       not);</li>
 *   <li>{@code console/live.json}: the console's numbers for the run, as its page read them.</li>
 *   <li>{@code manifest.json}: each entry's SHA-256 and size, and what was left out and why.</li>
 * </ul>
 * Refused, in one line, for a run the registry does not know or that has not ended (its evidence is not final).
 */
public final class EvidenceExport {
    static final int AUDIT_SLICE = 200;
    /** A run's drills are the runs named {@code <run>-drill-<name>}. */
    public static final String DRILL_RUN_INFIX = "-drill-";

    private static final String CHROMIUM = "/usr/bin/chromium";
    /** Virtual time Chromium gives a page's scripts (its fetches and their rendering) before it takes the picture. */
    private static final int SCRIPT_TIME_MS = 5_000;

    /** Where the archive went, and what it holds. */
    public record Result(String key, String location, List<String> entries, List<String> notes) {}

    private EvidenceExport() {}

    /**
     * Exports run {@code runId}'s evidence from the object store of {@code sources}, its state and facts from its run
     * registry, and pictures of its report and of the ops console reading those stores.
     *
     * @throws IllegalArgumentException in one line for an unknown or unfinished run
     */
    public static Result export(ObjectStore store, AdminStores stores, String runId) throws IOException {
        return export(OpsServer.Sources.of(store, stores), runId);
    }

    static Result export(OpsServer.Sources sources, String runId) throws IOException {
        ObjectStore store = sources.store();
        RunRegistry runs = sources.runs();
        Optional<RunState> state = runs.state(runId);
        if (state.isEmpty()) throw new IllegalArgumentException("run " + runId + " not found");
        if (state.get() != RunState.COMPLETED && state.get() != RunState.FAILED)
            throw new IllegalArgumentException("run " + runId + " is " + state.get()
                    + ": its evidence is not final; export it once the run has ended");
        RunFacts facts = runs.facts(runId)
                .orElseThrow(() -> new IllegalArgumentException("run " + runId + " has no pinned facts"));
        Map<String, byte[]> entries = new LinkedHashMap<>();
        List<String> notes = new ArrayList<>();
        entries.put("facts.json", CanonicalJson.bytes(factsJson(facts, state.get())));
        String evidencePrefix = ConformanceReport.evidenceKey(runId, "");
        for (String key : store.list(evidencePrefix)) {
            if (key.startsWith(evidencePrefix + "export/")) continue; // earlier exports
            entries.put("evidence/" + key.substring(evidencePrefix.length()), store.read(key));
        }
        // Its drills: the runs named <run>-drill-<name> (fp drill --run-id, as platform_run names them).
        String drillsPrefix = "evidence/" + runId + DRILL_RUN_INFIX;
        for (String key : store.list(drillsPrefix)) {
            if (key.contains("/export/")) continue;
            entries.put("drills/" + key.substring("evidence/".length()), store.read(key));
        }
        if (!entries.containsKey("evidence/report.json"))
            notes.add("no conformance report: the run ended without one (" + state.get() + ")");
        for (String key : store.list("evidence/conformance/"))
            if (key.contains(runId)) entries.put(key, store.read(key));
        entries.put("audit-slice.jsonl", auditSlice(store, runId, notes));
        pictures(sources, runId, entries, notes);
        ObjectNode manifest = Json.MAPPER.createObjectNode();
        manifest.put("platform_run_id", runId);
        manifest.put("exported_at", Instant.now().toString());
        ObjectNode files = manifest.putObject("entries");
        entries.forEach((name, bytes) -> {
            ObjectNode e = files.putObject(name);
            e.put("sha256", sha256(bytes));
            e.put("bytes", bytes.length);
        });
        ArrayNode left = manifest.putArray("notes");
        notes.forEach(left::add);
        entries.put("manifest.json", CanonicalJson.bytes(manifest));
        String key = ConformanceReport.evidenceKey(
                runId,
                "export/"
                        + DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
                                .withZone(ZoneOffset.UTC)
                                .format(Instant.now())
                        + ".zip");
        store.create(key, out -> {
            ZipOutputStream zip = new ZipOutputStream(out);
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                zip.putNextEntry(new ZipEntry(e.getKey()));
                zip.write(e.getValue());
                zip.closeEntry();
            }
            zip.finish();
        });
        return new Result(key, store.locationOf(key), List.copyOf(entries.keySet()), notes);
    }

    /** A run's facts as evidence: what it is pinned to, its state when written, and the code and image it ran. */
    static ObjectNode factsJson(RunFacts f, RunState state) {
        ObjectNode n = f.toJson();
        n.put("state", state.name());
        return n;
    }

    private static byte[] auditSlice(ObjectStore store, String runId, List<String> notes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int[] n = {0};
        try {
            AuditLog.forEach(store, runId, a -> {
                if (n[0]++ >= AUDIT_SLICE) return;
                out.writeBytes(CanonicalJson.bytes(a.toJson()));
                out.write('\n');
            });
        } catch (RuntimeException e) {
            notes.add("audit slice incomplete: " + e.getMessage());
        }
        if (n[0] == 0) notes.add("no audit records for the run");
        else if (n[0] > AUDIT_SLICE) notes.add("audit slice: the first " + AUDIT_SLICE + " of " + n[0] + " records");
        return out.toByteArray();
    }

    /**
     * The report page and the ops console showing the run, rendered by headless Chromium when it is installed (a note
     * when it is not, or fails), and the console's numbers for the run as JSON.
     */
    private static void pictures(
            OpsServer.Sources sources, String runId, Map<String, byte[]> entries, List<String> notes) {
        try (OpsServer console = new OpsServer(sources)) {
            String base = "http://127.0.0.1:" + console.start(0);
            HttpResponse<byte[]> live = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create(base + "/api/runs/" + runId + "/live"))
                                    .timeout(Duration.ofSeconds(30))
                                    .build(),
                            HttpResponse.BodyHandlers.ofByteArray());
            if (live.statusCode() == 200) entries.put("console/live.json", live.body());
            else notes.add("console: the run's numbers answered " + live.statusCode());
            if (!Files.isExecutable(Path.of(CHROMIUM))) {
                notes.add("screenshots: no Chromium at " + CHROMIUM + " (Debian package chromium); none taken");
                return;
            }
            if (entries.containsKey("evidence/report.html"))
                screenshot(base + "/evidence/" + runId + "/report.html", "report", 2400, entries, notes);
            screenshot(base + "/?run=" + runId, "console", 1000, entries, notes);
        } catch (IOException e) {
            notes.add("console: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            notes.add("console: interrupted");
        }
    }

    /**
     * {@code screenshots/<name>.png}: {@code url} as headless Chromium renders it once its scripts have run, 1280
     * pixels wide and {@code height} high.
     */
    private static void screenshot(String url, String name, int height, Map<String, byte[]> entries, List<String> notes)
            throws InterruptedException {
        Path dir = null;
        try {
            dir = Files.createTempDirectory("fp-export");
            Path png = dir.resolve(name + ".png");
            Process p = new ProcessBuilder(
                            CHROMIUM,
                            "--headless",
                            "--no-sandbox",
                            "--disable-gpu",
                            "--no-first-run",
                            "--disable-background-networking",
                            "--disable-component-update",
                            "--disable-sync",
                            "--user-data-dir=" + dir.resolve("profile"),
                            "--window-size=1280," + height,
                            // the console's page fetches the run's numbers after it loads: let its scripts run first
                            "--virtual-time-budget=" + SCRIPT_TIME_MS,
                            "--screenshot=" + png,
                            url)
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("chromium.log").toFile())
                    .start();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                notes.add("screenshots: Chromium did not finish " + name + " in 60 s; none taken");
            } else if (Files.exists(png) && Files.size(png) > 0) {
                entries.put("screenshots/" + name + ".png", Files.readAllBytes(png));
            } else notes.add("screenshots: Chromium exited " + p.exitValue() + " without a picture of " + name);
        } catch (IOException e) {
            notes.add("screenshots: " + name + ": " + e.getMessage());
        } finally {
            if (dir != null) deleteQuietly(dir);
        }
    }

    private static void deleteQuietly(Path dir) {
        try (var walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder())
                    .forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temporary directory: the OS clears it
        }
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Reads a zip written by {@link #export}: entry name to bytes (for tests and checks). */
    static Map<String, byte[]> read(InputStream in) throws IOException {
        Map<String, byte[]> out = new LinkedHashMap<>();
        try (java.util.zip.ZipInputStream zip = new java.util.zip.ZipInputStream(in)) {
            for (ZipEntry e; (e = zip.getNextEntry()) != null; ) out.put(e.getName(), zip.readAllBytes());
        }
        return out;
    }

    static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
