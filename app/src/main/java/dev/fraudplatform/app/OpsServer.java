package dev.fraudplatform.app;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fraudplatform.core.actions.EffectLedger;
import dev.fraudplatform.core.ingress.ReceiptStore;
import dev.fraudplatform.core.json.Json;
import dev.fraudplatform.core.run.RunEvidence;
import dev.fraudplatform.core.run.RunRegistry;
import dev.fraudplatform.core.store.ObjectStore;
import dev.fraudplatform.core.store.Resources;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ops console and the metrics endpoint of a platform process (Javalin on 127.0.0.1):
 * <ul>
 *   <li>{@code GET /}: the console page, which lists runs and shows the selected run live;</li>
 *   <li>{@code GET /api/runs}: the newest runs, each with its state and its evidence files;</li>
 *   <li>{@code GET /api/runs/{id}/live}: a run's numbers now, from PostgreSQL (receipts, effects) and the lag sampler;
 *       {@code quarantined_total} is the sum of {@code quarantine_by_reason}, both from the read that gives
 *       {@code receipts};</li>
 *   <li>{@code GET /evidence/{run}/{file}}: a run's evidence (report.html, report.json, replay and drill results);</li>
 *   <li>{@code GET /metrics}: every meter in Prometheus text format.</li>
 * </ul>
 * Errors are JSON {@code {"error": ...}} with a 4xx or 5xx status, never a stack trace.
 */
final class OpsServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(OpsServer.class);
    private static final java.util.Set<String> LOOPBACK_NAMES = java.util.Set.of("127.0.0.1", "localhost", "[::1]");

    /**
     * What the console reads: the stores of a running platform with its lag sampler, or, to picture a run that has
     * ended ({@link EvidenceExport}), the platform's stores alone, with no lag to show.
     */
    record Sources(
            ObjectStore store,
            RunRegistry runs,
            RunEvidence evidence,
            ReceiptStore receipts,
            EffectLedger ledger,
            Supplier<Map<String, Long>> lagByGroup) {
        static Sources of(Platform platform, Supplier<Map<String, Long>> lagByGroup) {
            return new Sources(
                    platform.store(),
                    platform.runs(),
                    platform.evidence(),
                    platform.receipts(),
                    platform.ledger(),
                    lagByGroup);
        }

        static Sources of(ObjectStore store, AdminStores stores) {
            return new Sources(store, stores.runs(), stores.evidence(), stores.receipts(), stores.ledger(), Map::of);
        }
    }

    private final Sources sources;
    private final byte[] page;
    private final Javalin app;
    /** Per run: the last (time, receipts) sample, for events/s between two polls. */
    private final Map<String, ReceiptSample> lastSample = new java.util.concurrent.ConcurrentHashMap<>();

    /** A run's receipts counted at one time (epoch millis). */
    private record ReceiptSample(long atMillis, long receipts) {}

    OpsServer(Sources sources) {
        this.sources = sources;
        this.page = Resources.bytes("console/index.html");
        this.app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            // Loopback only, and only by a loopback name: a page elsewhere cannot reach it by rebinding a DNS name.
            config.routes.before(ctx -> {
                String host = ctx.host() == null ? "" : ctx.host().replaceFirst(":\\d+$", "");
                if (!LOOPBACK_NAMES.contains(host)) {
                    ctx.skipRemainingHandlers();
                    ctx.status(403)
                            .contentType("application/json")
                            .result(error("the console answers only to a loopback host name"));
                }
            });
            config.routes.get(
                    "/", ctx -> ctx.contentType("text/html; charset=utf-8").result(page));
            config.routes.get(
                    "/metrics",
                    ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8")
                            .result(PlatformTelemetry.prometheus().scrape()));
            config.routes.get("/api/runs", this::runs);
            config.routes.get("/api/runs/{id}/live", this::live);
            config.routes.get("/evidence/{run}/{file}", this::evidenceFile);
            config.routes.exception(Exception.class, (e, ctx) -> {
                LOG.warn("ops request {} failed: {}", ctx.path(), e.toString());
                ctx.status(500)
                        .contentType("application/json")
                        .result(error("the console cannot answer now: " + e.getMessage()));
            });
        });
    }

    /** Starts listening on 127.0.0.1:{@code port} (0: any free port); returns the port. */
    int start(int port) {
        app.start("127.0.0.1", port);
        return app.port();
    }

    private void runs(Context ctx) {
        ArrayNode out = Json.MAPPER.createArrayNode();
        ObjectStore store = sources.store();
        for (RunRegistry.Summary s : sources.runs().list(50)) {
            String id = s.facts().platformRunId();
            ObjectNode n = out.addObject();
            n.put("platform_run_id", id)
                    .put("world_id", s.facts().worldId())
                    .put("bundle_id", s.facts().bundleId())
                    .put("state", s.latest().state().name())
                    .put("updated_at", s.latest().at().toString());
            ArrayNode files = n.putArray("evidence");
            store.list("evidence/" + id + "/").stream().sorted().forEach(files::add);
        }
        ctx.contentType("application/json").result(out.toString());
    }

    private void live(Context ctx) {
        String id = ctx.pathParam("id");
        var state = sources.runs().state(id);
        if (state.isEmpty()) {
            ctx.status(404).contentType("application/json").result(error("no run " + id));
            return;
        }
        RunEvidence evidence = sources.evidence();
        // One read of the receipts for every receipt number shown: the quarantined tile, the quarantine table and the
        // receipts tile come from the same snapshot, so they agree even while the run streams.
        Map<String, Long> receipts = sources.receipts().countsByOutcome(id);
        long receiptsTotal =
                receipts.values().stream().mapToLong(Long::longValue).sum();
        Map<String, Long> quarantined = quarantineByReason(receipts);
        long now = System.currentTimeMillis();
        ReceiptSample previous = lastSample.put(id, new ReceiptSample(now, receiptsTotal));
        double eps = previous == null || now <= previous.atMillis()
                ? 0
                : (receiptsTotal - previous.receipts()) * 1000.0 / (now - previous.atMillis());
        RunEvidence.LatencySummary latency = evidence.latency(id);
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.put("platform_run_id", id)
                .put("state", state.get().name())
                .put("sampled_at", Instant.ofEpochMilli(now).toString());
        n.put("events_per_second", Math.max(0, eps));
        n.set("receipts", Json.MAPPER.valueToTree(new TreeMap<>(receipts)));
        n.put(
                "quarantined_total",
                quarantined.values().stream().mapToLong(Long::longValue).sum());
        n.set("quarantine_by_reason", Json.MAPPER.valueToTree(quarantined));
        n.put("decisions_total", sources.ledger().tally(id));
        n.set("decisions_by_action", Json.MAPPER.valueToTree(evidence.countsByAction(id)));
        n.set("decisions_by_degrade_mode", Json.MAPPER.valueToTree(evidence.countsByDegradeMode(id)));
        n.set(
                "lag_by_group",
                Json.MAPPER.valueToTree(new TreeMap<>(sources.lagByGroup().get())));
        n.put("latency_p50_ms", latency.samples() == 0 ? 0 : latency.p50Millis());
        n.put("latency_p99_ms", latency.samples() == 0 ? 0 : latency.p99Millis());
        ctx.contentType("application/json").result(n.toString());
    }

    /**
     * The quarantined receipts of {@link dev.fraudplatform.core.ingress.ReceiptStore#countsByOutcome} by reason: its
     * keys {@code QUARANTINED/<reason>} (a quarantine without a reason, {@code QUARANTINED}, counts as {@code UNKNOWN}).
     * Their sum is every quarantined receipt of the run, and nothing else.
     */
    static Map<String, Long> quarantineByReason(Map<String, Long> countsByOutcome) {
        String outcome = dev.fraudplatform.core.ingress.ReceiptOutcome.QUARANTINED.name();
        Map<String, Long> out = new TreeMap<>();
        countsByOutcome.forEach((key, count) -> {
            if (key.equals(outcome)) out.merge("UNKNOWN", count, Long::sum);
            else if (key.startsWith(outcome + "/")) out.merge(key.substring(outcome.length() + 1), count, Long::sum);
        });
        return out;
    }

    private void evidenceFile(Context ctx) {
        String run = ctx.pathParam("run");
        String file = ctx.pathParam("file");
        String key = "evidence/" + run + "/" + file;
        boolean plain =
                run.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,127}") && file.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
        if (!plain || !sources.store().exists(key)) {
            ctx.status(404).contentType("application/json").result(error("no evidence " + key));
            return;
        }
        String type = file.endsWith(".html")
                ? "text/html; charset=utf-8"
                : file.endsWith(".json") ? "application/json" : "application/octet-stream";
        ctx.contentType(type).result(sources.store().read(key));
    }

    private static String error(String message) {
        return Json.MAPPER.createObjectNode().put("error", message).toString();
    }

    @Override
    public void close() {
        app.stop();
    }
}
