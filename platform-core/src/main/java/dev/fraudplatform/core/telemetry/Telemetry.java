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

    /** Counters by tag values, looked up without building a key (no allocation on the hot path once created). */
    private static final Map<String, Map<String, Counter>> PLANE = new ConcurrentHashMap<>();

    private static final Map<String, Counter> RECEIPTS = new ConcurrentHashMap<>();
    private static final Map<String, Counter> QUARANTINED = new ConcurrentHashMap<>();
    private static final Map<String, Map<String, Counter>> DECISIONS = new ConcurrentHashMap<>();
    private static final Map<String, java.util.concurrent.atomic.AtomicReference<java.util.function.DoubleSupplier>>
            GAUGES = new ConcurrentHashMap<>();
    private static volatile Tracer tracer;
    private static volatile io.opentelemetry.api.OpenTelemetry tracerOwner;
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

    /**
     * The counter of events entering ({@code in}) or leaving ({@code out}) a plane; a role keeps it and increments it
     * per record.
     */
    public static Counter planeEvents(String plane, String direction) {
        return PLANE.computeIfAbsent(plane, p -> new ConcurrentHashMap<>())
                .computeIfAbsent(
                        direction,
                        d -> Counter.builder("fp.plane.events")
                                .tags("plane", plane, "direction", d)
                                .register(registry()));
    }

    /** One receipt of the gate; {@code reason} is the quarantine reason, or null. */
    public static void receipt(String outcome, String reason) {
        RECEIPTS.computeIfAbsent(
                        outcome,
                        o -> Counter.builder("fp.receipts").tag("outcome", o).register(registry()))
                .increment();
        if (reason != null) {
            QUARANTINED
                    .computeIfAbsent(
                            reason,
                            q -> Counter.builder("fp.quarantined")
                                    .tag("reason", q)
                                    .register(registry()))
                    .increment();
        }
    }

    /** A decision applied by the Action Layer, and its latency from gate admission (negative: unknown). */
    public static void decisionApplied(String action, String degradeMode, long latencyMillis) {
        DECISIONS
                .computeIfAbsent(action, a -> new ConcurrentHashMap<>())
                .computeIfAbsent(
                        degradeMode,
                        m -> Counter.builder("fp.decisions")
                                .tags("action", action, "degrade_mode", m)
                                .register(registry()))
                .increment();
        if (latencyMillis >= 0) LATENCY.record(latencyMillis / 1000.0);
    }

    /** Registered on the global registry at once: a registry added later (Prometheus) picks it up. */
    private static final DistributionSummary LATENCY = DistributionSummary.builder("fp.decision.latency")
            .baseUnit("seconds")
            .description("gate admission to the committed decision seen by the Action Layer")
            .serviceLevelObjectives(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)
            .register(Metrics.globalRegistry);

    /**
     * Registers {@code fp_consumer_lag{group}}, read from {@code lag} whenever it is scraped. Registering the group
     * again (a new sampler) rebinds the one gauge to the new source.
     */
    public static void consumerLagGauge(String group, java.util.function.ToDoubleFunction<String> lag) {
        gauge(
                "fp.consumer.lag",
                "group",
                group,
                "records behind the log end, summed over the group's partitions",
                () -> lag.applyAsDouble(group));
    }

    /**
     * Registers the gauge {@code name{tagKey="tagValue"}}, read from {@code source} whenever it is scraped (NaN when
     * the source has nothing to say). Registering the same gauge again (a new source, e.g. a role started again in
     * this process) rebinds the one gauge to it.
     */
    public static void gauge(
            String name, String tagKey, String tagValue, String description, java.util.function.DoubleSupplier source) {
        GAUGES.computeIfAbsent(name + '\0' + tagKey + '\0' + tagValue, k -> {
                    var bound = new java.util.concurrent.atomic.AtomicReference<java.util.function.DoubleSupplier>();
                    io.micrometer.core.instrument.Gauge.builder(
                                    name,
                                    bound,
                                    b -> b.get() == null ? Double.NaN : b.get().getAsDouble())
                            .tag(tagKey, tagValue)
                            .description(description)
                            .register(registry());
                    return bound;
                })
                .set(source);
    }

    private static Tracer tracer() {
        io.opentelemetry.api.OpenTelemetry current = GlobalOpenTelemetry.get();
        Tracer t = tracer;
        if (t == null || tracerOwner != current) {
            t = current.getTracer("fraud-platform");
            tracer = t;
            tracerOwner = current;
        }
        return t;
    }

    /**
     * Starts the span of one stage of an event's walk, child of the trace context the record carried (read through
     * {@code header}; a root span when it carries none), with the run and event ids. End it.
     */
    public static Span startStage(String stage, Function<String, String> header, String runId, String eventId) {
        return startStage(stage, header, runId, eventId, -1);
    }

    /** The same, started at {@code startEpochMillis} (a stage that began before the code that records it); -1: now. */
    public static Span startStage(
            String stage, Function<String, String> header, String runId, String eventId, long startEpochMillis) {
        Context parent =
                GlobalOpenTelemetry.getPropagators().getTextMapPropagator().extract(Context.root(), header, GETTER);
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
        GlobalOpenTelemetry.getPropagators()
                .getTextMapPropagator()
                .inject(Context.root().with(span), out, SETTER);
        return out;
    }
}
