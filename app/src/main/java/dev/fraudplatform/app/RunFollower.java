package dev.fraudplatform.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fraudplatform.core.bus.BatchHandler;
import dev.fraudplatform.core.bus.InboundRecord;
import dev.fraudplatform.core.bus.OutboundRecord;
import dev.fraudplatform.core.bus.Topics;
import dev.fraudplatform.core.json.CanonicalJson;
import dev.fraudplatform.core.json.Json;
import dev.fraudplatform.core.run.RunFacts;
import dev.fraudplatform.core.run.RunState;
import dev.fraudplatform.decision.bundle.DecisionBundle;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a role process that pins no run of its own follows the runs of others, through the control topic
 * ({@code fp.control}) alone: on a run's {@code READY} it starts its roles with the bundle the run pinned (read from the
 * run's facts and verified by digest), and on a {@code FLUSH} it asks its audit or archive to write what it holds of
 * the named topic through the given offsets now, rather than at its segment roll's age.
 *
 * <pre>
 *   READY {platform_run_id, bundle_id, bundle_digest, ...}      (the Scenario Runner's)
 *   FLUSH {platform_run_id, role: "dla" | "archive", through: {topic: {partition: offset}}}
 * </pre>
 *
 * Each process reads the whole control topic from the beginning, in no consumer group ({@code BusConsumers#everyRecord}:
 * nothing of a follower stays on the cluster), so a process that starts (or restarts after a SIGKILL) once a run is
 * READY still finds it; a READY of a run that has ended is passed over. A process serves
 * one bundle at a time: a run that pins another is served once every run served here has ended (the roles that decide
 * with a bundle start again with its; {@link Platform#switchBundle}); while one is still open it is refused here, in
 * the log, and fails its reconciliation.
 */
final class RunFollower implements BatchHandler {
    private static final Logger LOG = LoggerFactory.getLogger(RunFollower.class);
    static final String NAME = "run-follower";

    private final Platform platform;
    /** The runs this process's roles have served (taken up at their READY), in order. */
    private final List<String> served = new java.util.ArrayList<>();

    RunFollower(Platform platform) {
        this.platform = platform;
    }

    @Override
    public void handle(List<InboundRecord> batch, Session session) throws Exception {
        for (InboundRecord r : batch) {
            JsonNode n;
            try {
                n = Json.MAPPER.readTree(r.value());
            } catch (Exception e) {
                continue; // not a control message of this platform's: never a reason to stop the roles
            }
            String type = n.path("type").asText();
            String runId = n.path("platform_run_id").asText();
            if (type.equals("READY")) ready(runId);
            else if (type.equals("FLUSH")) flush(n);
        }
        session.commit();
    }

    private void ready(String runId) {
        Optional<RunState> state = platform.runs().state(runId);
        if (state.isEmpty() || ended(state.get())) return;
        RunFacts facts = platform.runs().facts(runId).orElse(null);
        if (facts == null) return;
        DecisionBundle bundle = RunBundles.byId(
                platform.wiring().bundleRegistry(), platform.store(), facts.bundleId(), facts.bundleDigest());
        DecisionBundle serving = platform.bundle();
        if (serving != null && !serving.digest().equals(bundle.digest())) {
            List<String> open = served.stream()
                    .filter(r -> platform.runs().state(r).map(s -> !ended(s)).orElse(false))
                    .toList();
            if (!open.isEmpty()) {
                LOG.error(
                        "run {} pins bundle {}, but this process's roles serve bundle {} to run(s) {} still open: one "
                                + "bundle at a time; the run is not served here",
                        runId,
                        bundle.id(),
                        serving.id(),
                        open);
                return;
            }
        }
        try {
            platform.switchBundle(bundle);
            served.add(runId);
            LOG.info(
                    "run {} READY: roles {} serve bundle {}",
                    runId,
                    PlatformRoles.format(platform.config().roles()),
                    bundle.id());
        } catch (IllegalStateException e) {
            LOG.error("run {} pins bundle {}, which this process cannot serve: {}", runId, bundle.id(), e.getMessage());
        }
    }

    private static boolean ended(RunState s) {
        return s == RunState.COMPLETED || s == RunState.FAILED;
    }

    private void flush(JsonNode n) {
        String role = n.path("role").asText();
        Map<String, Map<Integer, Long>> through = new TreeMap<>();
        n.path("through").fields().forEachRemaining(t -> {
            Map<Integer, Long> partitions = new TreeMap<>();
            t.getValue()
                    .fields()
                    .forEachRemaining(p -> partitions.put(
                            Integer.parseInt(p.getKey()), p.getValue().asLong()));
            through.put(t.getKey(), partitions);
        });
        platform.flushLocal(role, through);
    }

    /** Asks the processes that run {@code role} (dla or archive) to write what they hold of {@code through} now. */
    static void requestFlush(Platform platform, String runId, String role, Map<String, Map<Integer, Long>> through)
            throws Exception {
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.put("type", "FLUSH");
        n.put("platform_run_id", runId);
        n.put("role", role);
        ObjectNode t = n.putObject("through");
        through.forEach((topic, partitions) -> {
            ObjectNode p = t.putObject(topic);
            partitions.forEach((partition, offset) -> p.put(Integer.toString(partition), offset));
        });
        platform.publisher()
                .publish(List.of(new OutboundRecord(
                        Topics.CONTROL, runId, CanonicalJson.bytes(n), System.currentTimeMillis(), Map.of())));
    }
}
