package dev.fraudplatform.app;

import dev.fraudplatform.core.bus.BusAdmin;
import dev.fraudplatform.core.telemetry.Telemetry;
import dev.fraudplatform.rtdl.actions.ActionLayer;
import dev.fraudplatform.rtdl.audit.DecisionLogAudit;
import dev.fraudplatform.rtdl.loop.DecisionFabricRole;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a platform process does with the roles' telemetry: one Prometheus registry behind Micrometer's global one
 * (scraped at {@code /metrics}), an OpenTelemetry SDK exporting spans over OTLP/HTTP when an endpoint is configured
 * (none otherwise: the roles' spans are then no-ops), and a sampler of consumer lag per group.
 */
final class PlatformTelemetry {
    private static final Logger LOG = LoggerFactory.getLogger(PlatformTelemetry.class);
    /** The consumer groups of the decision loop, whose lag the platform reports, and the topic each one reads. */
    static final Map<String, String> GROUPS = Map.of(
            DecisionFabricRole.APPLICATION_ID,
            dev.fraudplatform.core.bus.Topics.TRAFFIC,
            ActionLayer.GROUP,
            dev.fraudplatform.core.bus.Topics.DECISIONS,
            DecisionLogAudit.GROUP,
            dev.fraudplatform.core.bus.Topics.DECISIONS);

    private static PrometheusMeterRegistry prometheus;
    private static SdkTracerProvider tracerProvider;

    private PlatformTelemetry() {}

    /** The process's Prometheus registry, added to Micrometer's global registry on first use. */
    static synchronized PrometheusMeterRegistry prometheus() {
        if (prometheus == null) {
            prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            Metrics.addRegistry(prometheus);
        }
        return prometheus;
    }

    /** Exports the roles' spans to {@code otlpEndpoint} (OTLP/HTTP, e.g. http://127.0.0.1:4318); null: no tracing. */
    static synchronized void exportTracesTo(String otlpEndpoint, double ratio) {
        if (otlpEndpoint == null || tracerProvider != null) return;
        String url =
                otlpEndpoint.endsWith("/v1/traces") ? otlpEndpoint : otlpEndpoint.replaceAll("/+$", "") + "/v1/traces";
        installTracing(OtlpHttpSpanExporter.builder().setEndpoint(url).build(), ratio);
        LOG.info("traces of {}% of events exported over OTLP/HTTP to {}", ratio * 100, PlatformConfig.redact(url));
    }

    /**
     * Installs the OpenTelemetry SDK with W3C trace-context propagation, sending spans to {@code exporter}. The gate's
     * span is each event's root: it is sampled at {@code ratio} by trace id, and every later stage follows its parent,
     * so an event's trace is whole or absent.
     */
    static synchronized void installTracing(SpanExporter exporter, double ratio) {
        if (tracerProvider != null) throw new IllegalStateException("tracing is installed already");
        tracerProvider = SdkTracerProvider.builder()
                .setResource(Resource.getDefault()
                        .merge(Resource.create(Attributes.of(
                                io.opentelemetry.api.common.AttributeKey.stringKey("service.name"), "fraud-platform"))))
                .setSampler(Sampler.parentBased(Sampler.traceIdRatioBased(ratio)))
                .addSpanProcessor(BatchSpanProcessor.builder(exporter)
                        .setScheduleDelay(java.time.Duration.ofMillis(500))
                        .setMaxQueueSize(65_536)
                        .setMaxExportBatchSize(2_048)
                        .build())
                .build();
        OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
                .setTracerProvider(tracerProvider)
                .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
                .build();
        GlobalOpenTelemetry.resetForTest(); // a process installs tracing once; tests install it again after uninstall
        GlobalOpenTelemetry.set(sdk);
        Runtime.getRuntime().addShutdownHook(new Thread(PlatformTelemetry::flushTraces, "fp-traces-flush"));
    }

    /** Sends every span ended so far. */
    static synchronized void flushTraces() {
        if (tracerProvider != null) tracerProvider.forceFlush().join(10, TimeUnit.SECONDS);
    }

    /** Flushes and removes the tracing SDK (tests). */
    static synchronized void uninstallTracing() {
        if (tracerProvider == null) return;
        tracerProvider.shutdown().join(10, TimeUnit.SECONDS);
        tracerProvider = null;
        GlobalOpenTelemetry.resetForTest();
    }

    /**
     * Samples the lag of {@link #GROUPS} every second (records between each partition's committed offset and its log
     * end, summed per group) into {@code fp_consumer_lag{group}}. Close it to stop.
     */
    static final class LagSampler implements AutoCloseable {
        private final BusAdmin bus;
        private final Map<String, Long> lag = new ConcurrentHashMap<>();
        private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "fp-lag-sampler");
            t.setDaemon(true);
            return t;
        });

        /** Samples through {@code bus}, which the caller keeps open until this sampler is closed. */
        LagSampler(BusAdmin bus) {
            this.bus = bus;
            prometheus();
            for (String group : GROUPS.keySet())
                Telemetry.consumerLagGauge(
                        group, g -> lag.getOrDefault(g, Long.valueOf(-1)).doubleValue());
            timer.scheduleWithFixedDelay(this::sample, 0, 1, TimeUnit.SECONDS);
        }

        /** The latest lag per group. */
        Map<String, Long> lagByGroup() {
            return Map.copyOf(lag);
        }

        /**
         * A group's lag ({@link BusAdmin#consumerLag}): a role that never read is behind by everything.
         */
        private void sample() {
            for (Map.Entry<String, String> g : GROUPS.entrySet()) {
                try {
                    lag.put(g.getKey(), bus.consumerLag(g.getKey(), g.getValue()));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                } catch (Exception e) {
                    LOG.debug("lag of {} not sampled: {}", g.getKey(), e.toString());
                }
            }
        }

        @Override
        public void close() {
            timer.shutdownNow();
        }
    }
}
