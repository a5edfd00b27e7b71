package dev.fraudplatform.ingress.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fraudplatform.core.ingress.BackpressureException;
import dev.fraudplatform.core.ingress.IngressPort;
import dev.fraudplatform.core.ingress.Receipt;
import dev.fraudplatform.core.json.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A producer's side of the gate's HTTP API, as an {@link IngressPort}: sends a batch as NDJSON and returns its
 * receipts. A 429 or 503 becomes a {@link BackpressureException} carrying the gate's Retry-After, and an unreachable
 * gate one of half a second, so that the caller waits and resends the same batch (idempotent: the gate deduplicates);
 * any other refusal is an {@link IllegalStateException} with the gate's message.
 */
public final class HttpIngressClient implements IngressPort {
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final URI events;
    private final String key;

    public HttpIngressClient(String baseUrl, String apiKey) {
        this.events = URI.create(baseUrl.replaceAll("/+$", "") + IngestionHttpServer.EVENTS_PATH);
        this.key = apiKey;
    }

    @Override
    public List<Receipt> submit(List<byte[]> batch) {
        ByteArrayOutputStream body = new ByteArrayOutputStream(batch.size() * 700);
        for (byte[] e : batch) {
            body.writeBytes(e);
            body.write('\n');
        }
        HttpRequest request = HttpRequest.newBuilder(events)
                .timeout(Duration.ofSeconds(120))
                .header("Authorization", "Bearer " + key)
                .header("Content-Type", IngestionHttpServer.NDJSON)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()))
                .build();
        HttpResponse<byte[]> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            // Nothing is known of the batch: sending it again is safe (what was admitted comes back DUPLICATE).
            throw new BackpressureException("gate at " + events + " unreachable: " + e, 500, true);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while sending to the gate", e);
        }
        JsonNode json;
        try {
            json = Json.MAPPER.readTree(response.body());
        } catch (IOException e) {
            throw new IllegalStateException("gate answered " + response.statusCode() + " with an unreadable body", e);
        }
        if (response.statusCode() == 429 || response.statusCode() == 503) {
            long seconds = response.headers().firstValueAsLong("Retry-After").orElse(1);
            throw new BackpressureException(
                    "gate answered " + response.statusCode() + ": "
                            + json.path("error").asText(),
                    seconds * 1000,
                    response.statusCode() == 503);
        }
        if (response.statusCode() != 200) {
            throw new IllegalStateException("gate answered " + response.statusCode() + ": "
                    + json.path("error").asText());
        }
        List<Receipt> out = new ArrayList<>(batch.size());
        for (JsonNode r : json.path("receipts")) out.add(ReceiptJson.fromJson(r));
        return out;
    }
}
