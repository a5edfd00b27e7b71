package dev.fraudplatform.core.telemetry;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapSetter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The platform's telemetry vocabulary, one place for every role: the metric names and tags, and the spans of an
 * event's walk with their W3C trace context carried in Kafka headers ({@code traceparent}).
 *
 * <p>Roles record through the Micrometer global registry and the OpenTelemetry global API only; the process that
 * runs them decides where it goes (a Prometheus registry on {@code /metrics}, an OTLP exporter when
 * {@code FP_OTLP_ENDPOINT} is set). With nothing installed both are no-ops: a role costs nothing for telemetry
 * nobody reads.
 *
 * <p>Metrics (Prometheus names):
 * <ul>
 *   <li>{@code fp_plane_events_total{plane, direction}}: events in and out of each plane (ig, df, al, dla);</li>
 *   <li>{@code fp_receipts_total{outcome}} and {@code fp_quarantined_total{reason}}: the gate's receipts;</li>
 *   <li>{@code fp_decisions_total{action, degrade_mode}}: decisions applied by the Action Layer;</li>
 *   <li>{@code fp_decision_latency_seconds}: gate admission to decision seen by the Action Layer (histogram);</li>
 *   <li>{@code fp_consumer_lag{group}}: records behind the log end per consumer group (sampled by the process).</li>
 * </ul>
 */
public final class Telemetry {
    /** The W3C trace-context header, as carried on every record of an event's walk. */
    public static final String TRACEPARENT = "traceparent";
    public static final AttributeKey<String> RUN_ID = AttributeKey.stringKey("platform_run_id");
    public static final AttributeKey<String> EVENT_ID = AttributeKey.stringKey("event_id");

    private static final Map<String, Counter> COUNTERS = new ConcurrentHashMap<>();
    private static final TextMapGetter<Function<String, String>> GETTER = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Function<String, String> carrier) {
            return List.of(TRACEPARENT, "tracestate");
        }

        @Override
        public String get(Function<String, String> carrier, String key) {
            return carrier == null ? null : carrier.apply(key);
        }
    };
    private static final TextMapSetter<Map<String, String>> SETTER = (carrier, key, value) -> {
        if (carrier != null) carrier.put(key, value);
    };

    private Telemetry() {}

    private static MeterRegistry registry() {
        return Metrics.globalRegistry;
    }

    private static void count(String name, long n, String... tags) {
        if (n <= 0) return;
        String key = name + String.join("\u0000", tags);
        COUNTERS.computeIfAbsent(key, k -> Counter.builder(name).tags(tags).register(registry())).increment(n);
    }

    /** {@code n} events entered ({@code in}) or left ({@code out}) a plane. */
    public static void planeEvents(String plane, String direction, long n) {
        count("fp.plane.events", n, "plane", plane, "direction", direction);
    }

    /** One receipt of the gate; {@code reason} is the quarantine reason, or null. */
    public static void receipt(String outcome, String reason) {
        count("fp.receipts", 1, "outcome", outcome);
        if (reason != null) count("fp.quarantined", 1, "reason", reason);
    }

    /** A decision applied by the Action Layer, and its latency from gate admission (negative: unknown). */
    public static void decisionApplied(String action, String degradeMode, long latencyMillis) {
        count("fp.decisions", 1, "action", action, "degrade_mode", degradeMode);
        if (latencyMillis >= 0) LATENCY.get().record(latencyMillis / 1000.0);
    }

    private static final java.util.function.Supplier<DistributionSummary> LATENCY = new java.util.function.Supplier<>() {
        private volatile DistributionSummary summary;

        @Override
        public DistributionSummary get() {
            DistributionSummary s = summary;
            if (s == null) {
                s = DistributionSummary.builder("fp.decision.latency").baseUnit("seconds")
                        .description("gate admission to the committed decision seen by the Action Layer")
                        .serviceLevelObjectives(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)
                        .register(registry());
                summary = s;
            }
            return s;
        }
    };

    /** Registers {@code fp_consumer_lag{group}}, read from {@code lag} whenever it is scraped. */
    public static void consumerLagGauge(String group, java.util.function.ToDoubleFunction<String> lag) {
        io.micrometer.core.instrument.Gauge.builder("fp.consumer.lag", group, lag).tag("group", group)
                .description("records behind the log end, summed over the group's partitions").register(registry());
    }

    private static Tracer tracer() {
        return GlobalOpenTelemetry.getTracer("fraud-platform");
    }

    /**
     * Starts the span of one stage of an event's walk, child of the trace context the record carried (read through
     * {@code header}; a root span when it carries none), with the run and event ids. End it.
     */
    public static Span startStage(String stage, Function<String, String> header, String runId, String eventId) {
        return startStage(stage, header, runId, eventId, -1);
    }

    /** The same, started at {@code startEpochMillis} (a stage that began before the code that records it); -1: now. */
    public static Span startStage(String stage, Function<String, String> header, String runId, String eventId, long startEpochMillis) {
        Context parent = GlobalOpenTelemetry.getPropagators().getTextMapPropagator().extract(Context.root(), header, GETTER);
        var b = tracer().spanBuilder(stage).setParent(parent).setSpanKind(SpanKind.CONSUMER);
        if (startEpochMillis >= 0) b.setStartTimestamp(startEpochMillis, TimeUnit.MILLISECONDS);
        if (runId != null) b.setAttribute(RUN_ID, runId);
        if (eventId != null) b.setAttribute(EVENT_ID, eventId);
        return b.startSpan();
    }

    /** The W3C headers that carry {@code span}'s context to the next stage (empty when tracing is off). */
    public static Map<String, String> contextHeaders(Span span) {
        Map<String, String> out = new HashMap<>(2);
        if (!span.getSpanContext().isValid()) return out;
        GlobalOpenTelemetry.getPropagators().getTextMapPropagator().inject(Context.root().with(span), out, SETTER);
        return out;
    }
}
