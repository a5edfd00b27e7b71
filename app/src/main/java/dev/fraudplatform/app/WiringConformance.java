package dev.fraudplatform.app;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fraudplatform.core.json.CanonicalJson;
import dev.fraudplatform.core.json.Json;
import dev.fraudplatform.core.store.Manifest;
import dev.fraudplatform.core.store.ObjectAlreadyExistsException;
import dev.fraudplatform.core.store.ObjectStore;
import dev.fraudplatform.ops.ConformanceReport;
import dev.fraudplatform.ops.WiringComparison;
import dev.fraudplatform.world.ScenarioRunner;
import dev.fraudplatform.world.WorldBuilder;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code fp conformance}: same laws, different wiring. One sealed world runs on each of two profiles, each run in an
 * {@code fp} process of its own on that profile (so nothing of one wiring leaks into the other), with one pinned
 * bundle; the two runs' conformance reports are then compared by {@link WiringComparison}, and the comparison is
 * written as evidence (JSON and HTML) to the first profile's object store.
 *
 * <p>The world is copied, sealed object by sealed object, into the store of a profile that lacks it, and admitted
 * there by the Scenario Runner (its manifest checked) before any run starts.
 */
public final class WiringConformance {
    private static final Pattern READY = Pattern.compile("^run (\\S+) READY\\b.*");

    /** The outcome: the comparison, and where its evidence is. */
    public record Outcome(WiringComparison comparison, List<String> evidence) {}

    private final PlatformConfig a;
    private final PlatformConfig b;
    private final String profileA;
    private final String profileB;
    private final PrintStream out;
    private final Map<String, String> env;

    /**
     * @param profileA,profileB the profiles as named on the command line (names or files): the child processes get them
     * @param env               the environment the configurations are read from, and every child process gets
     * @throws IllegalArgumentException in one line when a profile is unknown or incomplete, or the two are one
     */
    public WiringConformance(String profileA, String profileB, Map<String, String> env, PrintStream out) {
        this.a = PlatformConfig.from(env, profileA);
        this.b = PlatformConfig.from(env, profileB);
        if (profileA.equals(profileB))
            throw new IllegalArgumentException("--profile must name two different profiles, both were " + profileA);
        this.profileA = profileA;
        this.profileB = profileB;
        this.out = out;
        this.env = Map.copyOf(env);
    }

    /**
     * Makes {@code worldId} present and admitted on both profiles' stores: copied from the one that has it.
     *
     * @throws IllegalArgumentException when neither has it, or it fails the Scenario Runner's checks
     */
    public void placeWorld(String worldId) {
        ObjectStore sa = a.objectStore();
        ObjectStore sb = b.objectStore();
        String prefix = WorldBuilder.prefix(worldId);
        // A world is there when its manifest is: a copy that stopped part-way has none, and is completed below.
        boolean inA = sa.exists(prefix + "/" + Manifest.FILE_NAME);
        boolean inB = sb.exists(prefix + "/" + Manifest.FILE_NAME);
        if (!inA && !inB)
            throw new IllegalArgumentException("no world " + worldId + " on profile " + a.profile() + " nor on "
                    + b.profile() + " (fp world build)");
        if (inA) new ScenarioRunner(sa).admit(worldId);
        if (inB) new ScenarioRunner(sb).admit(worldId);
        if (!inA) copy(sb, sa, prefix);
        if (!inB) copy(sa, sb, prefix);
        new ScenarioRunner(sa).admit(worldId);
        new ScenarioRunner(sb).admit(worldId);
    }

    private void copy(ObjectStore from, ObjectStore to, String prefix) {
        copyWorld(from, to, prefix, out);
    }

    /**
     * Copies the sealed world under {@code prefix} from {@code from} to {@code to}, create-if-absent, its manifest
     * last: until the manifest is there, the copy is not a sealed world, and a copy that stopped part-way is completed
     * by the next one. The caller proves the copy by its manifest ({@code ScenarioRunner#admit}).
     */
    public static void copyWorld(ObjectStore from, ObjectStore to, String prefix, PrintStream out) {
        String manifest = prefix + "/" + Manifest.FILE_NAME;
        List<String> keys = new ArrayList<>(from.list(prefix + "/"));
        keys.remove(manifest);
        keys.add(manifest);
        out.println("copying world " + prefix + " (" + keys.size() + " objects) from " + from.describe() + " to "
                + to.describe());
        for (String key : keys) {
            try {
                to.create(key, o -> {
                    try (var in = from.open(key)) {
                        in.transferTo(o);
                    }
                });
            } catch (ObjectAlreadyExistsException e) {
                // an earlier copy that stopped part-way: the object is sealed, and the manifest check below proves it
            }
        }
    }

    /** Runs the world on both profiles with {@code bundleId}, compares and writes the evidence. */
    public Outcome run(String worldId, String bundleId) throws IOException, InterruptedException {
        placeWorld(worldId);
        String runA = runOn(profileA, a, worldId, bundleId);
        String runB = runOn(profileB, b, worldId, bundleId);
        JsonNode reportA = report(a.objectStore(), runA, a.profile());
        JsonNode reportB = report(b.objectStore(), runB, b.profile());
        WiringComparison comparison = new WiringComparison(a.profile(), reportA, b.profile(), reportB);
        String base = "evidence/conformance/" + worldId + "/" + runA + "-vs-" + runB;
        ObjectStore store = a.objectStore();
        var json = comparison.toJson();
        if (!reportA.path("decision_log_digest").equals(reportB.path("decision_log_digest"))) {
            // Which decisions differ, and what each names as missing: the first thing to ask of two digests apart.
            var differences =
                    dev.fraudplatform.rtdl.audit.RunComparison.compare(a.objectStore(), runA, b.objectStore(), runB);
            out.println("decisions of " + b.profile() + " against " + a.profile() + ": " + differences.summary());
            json.put("decision_differences", differences.summary());
        }
        store.create(base + ".json", CanonicalJson.bytes(json));
        store.create(base + ".html", comparison.toHtml().getBytes(StandardCharsets.UTF_8));
        return new Outcome(comparison, List.of(store.locationOf(base + ".json"), store.locationOf(base + ".html")));
    }

    private static JsonNode report(ObjectStore store, String runId, String profile) throws IOException {
        String key = ConformanceReport.evidenceKey(runId, "report.json");
        if (!store.exists(key))
            throw new IllegalStateException("the run " + runId + " on " + profile + " wrote no report");
        return Json.MAPPER.readTree(store.read(key));
    }

    /**
     * {@code fp --profile P run --world W --bundle B} in a process of its own; its run id. On a profile of external
     * servers every role runs in a process of its own too ({@link RoleProcesses}), and the run's process only
     * orchestrates ({@code FP_ROLES=none}), streaming into the gate's process.
     */
    private String runOn(String profile, PlatformConfig config, String worldId, String bundleId)
            throws IOException, InterruptedException {
        if (config.kafkaBootstrap() == null) return orchestrate(profile, config, worldId, bundleId, Map.of());
        java.nio.file.Path logs =
                config.home().resolve("conformance").resolve(config.profile() + "-" + System.currentTimeMillis());
        int gatePort = dev.fraudplatform.core.net.LoopbackPorts.reserve();
        out.println("== " + config.profile() + ": every role in a process of its own (logs in " + logs + ")");
        try (RoleProcesses roles =
                RoleProcesses.start(profile, config, RoleProcesses.ONE_PER_ROLE, gatePort, logs, env)) {
            return orchestrate(
                    profile, config, worldId, bundleId, Map.of("FP_ROLES", "none", "FP_GATE_URL", roles.gateUrl()));
        }
    }

    private String orchestrate(
            String profile, PlatformConfig config, String worldId, String bundleId, Map<String, String> env)
            throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of("--profile", profile, "run", "--world", worldId));
        if (bundleId != null) args.addAll(List.of("--bundle", bundleId));
        List<String> cmd = LocalServers.thisJava(
                Fp.class.getName(),
                List.of(
                        "-Xms512m",
                        "-Xmx3g",
                        "-XX:+UseParallelGC",
                        "-Dfp.home=" + config.home(),
                        "-Dfp.log.file=" + config.home().resolve("fp.log")),
                args);
        out.println("== " + profile + ": fp " + String.join(" ", args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().putAll(this.env);
        pb.environment().remove("FP_ROLES");
        pb.environment().putAll(env);
        Process p = pb.start();
        String runId = null;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                out.println("[" + profileName(profile) + "] " + line);
                Matcher m = READY.matcher(line);
                if (m.matches() && runId == null) runId = m.group(1);
            }
        }
        int status = p.waitFor();
        if (runId == null)
            throw new IllegalStateException(
                    "the run on " + profileName(profile) + " did not start (exit " + status + ")");
        out.println("== " + profileName(profile) + ": run " + runId + " exited " + status);
        return runId;
    }

    private String profileName(String profile) {
        return profile.equals(profileA) ? a.profile() : b.profile();
    }
}
