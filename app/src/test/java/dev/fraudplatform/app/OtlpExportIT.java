package dev.fraudplatform.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.fraudplatform.core.telemetry.Telemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.KeyValue;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * With {@code FP_OTLP_ENDPOINT} set, the platform's spans leave the process over OTLP/HTTP: a loopback endpoint takes
 * the exporter's POSTs to {@code /v1/traces} and reads them with the protocol's own schema (opentelemetry-proto), as
 * a collector would. The stages' parent chain and the run and event ids arrive intact.
 *
 * <p>An IT: the endpoint is a real HTTP server on a loopback socket.
 */
class OtlpExportIT {

    private static Map<String, String> attributes(List<KeyValue> kvs) {
        return kvs.stream()
                .collect(Collectors.toMap(KeyValue::getKey, kv -> kv.getValue().getStringValue(), (a, b) -> a));
    }

    @Test
    void spansReachAnOtlpEndpointWithTheirRunEventAndParentChain() throws Exception {
        List<ExportTraceServiceRequest> received = new CopyOnWriteArrayList<>();
        List<String> contentTypes = new CopyOnWriteArrayList<>();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/v1/traces", exchange -> {
            try (InputStream in = exchange.getRequestBody()) {
                byte[] body = in.readAllBytes();
                if ("gzip".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Content-Encoding"))) {
                    body = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(body)).readAllBytes();
                }
                contentTypes.add(exchange.getRequestHeaders().getFirst("Content-Type"));
                received.add(ExportTraceServiceRequest.parseFrom(body));
            }
            exchange.getResponseHeaders().add("Content-Type", "application/x-protobuf");
            exchange.sendResponseHeaders(200, 0);
            exchange.getResponseBody().close();
        });
        server.start();
        try {
            PlatformTelemetry.exportTracesTo(
                    "http://127.0.0.1:" + server.getAddress().getPort() + "/", 1.0);
            Span admit = Telemetry.startStage("ig.admit", h -> null, "run-otlp", "e-1");
            Map<String, String> headers = Telemetry.contextHeaders(admit);
            admit.end();
            Span decide = Telemetry.startStage("df.decide", headers::get, "run-otlp", "e-1");
            decide.end();
            PlatformTelemetry.flushTraces();

            assertThat(contentTypes).isNotEmpty().allMatch(t -> t.startsWith("application/x-protobuf"));
            var spans = received.stream()
                    .flatMap(r -> r.getResourceSpansList().stream())
                    .peek(rs -> assertThat(attributes(rs.getResource().getAttributesList()))
                            .containsEntry("service.name", "fraud-platform"))
                    .flatMap(rs -> rs.getScopeSpansList().stream())
                    .flatMap(ss -> ss.getSpansList().stream())
                    .toList();
            assertThat(spans).extracting(s -> s.getName()).containsExactlyInAnyOrder("ig.admit", "df.decide");
            var root = spans.stream()
                    .filter(s -> s.getName().equals("ig.admit"))
                    .findFirst()
                    .orElseThrow();
            var child = spans.stream()
                    .filter(s -> s.getName().equals("df.decide"))
                    .findFirst()
                    .orElseThrow();
            assertThat(child.getTraceId()).isEqualTo(root.getTraceId());
            assertThat(child.getParentSpanId()).isEqualTo(root.getSpanId());
            assertThat(root.getParentSpanId().isEmpty()).isTrue();
            for (var s : spans) {
                assertThat(attributes(s.getAttributesList()))
                        .containsEntry("platform_run_id", "run-otlp")
                        .containsEntry("event_id", "e-1");
            }
        } finally {
            PlatformTelemetry.uninstallTracing();
            server.stop(0);
        }
    }
}
