package dev.sluice.sim;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.api.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A plain {@link HttpClient} pointed at a simulator, with helpers to send JSON and read SSE
 * streams event by event (with arrival times, and what arrived before a broken stream).
 */
final class SimClient {
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private final String baseUrl;

    SimClient(Simulator sim) {
        this.baseUrl = sim.baseUrl();
    }

    /** One SSE event; {@code event} is null for data-only (OpenAI) events. */
    record SseEvent(String event, String data, long arrivedNanos) {
        JsonNode json() {
            return Json.parse(data.getBytes(StandardCharsets.UTF_8));
        }
    }

    /** The events of a stream, and the failure that cut it short (null when it ended cleanly). */
    record Stream(int status, List<SseEvent> events, IOException failure, long sentNanos) {
        List<JsonNode> jsonEvents() {
            return events.stream().filter(e -> !e.data().equals("[DONE]")).map(SseEvent::json).toList();
        }
    }

    HttpResponse<String> post(String path, String json, String... headers) {
        return send(request(path, headers).POST(HttpRequest.BodyPublishers.ofString(json)).build());
    }

    HttpResponse<String> post(String path, JsonNode json, String... headers) {
        return post(path, json.toString(), headers);
    }

    HttpResponse<String> get(String path, String... headers) {
        return send(request(path, headers).GET().build());
    }

    HttpResponse<String> delete(String path) {
        return send(request(path).DELETE().build());
    }

    /** Sends and returns the response, or rethrows the transport failure for the test to inspect. */
    HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    HttpRequest.Builder request(String path, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl + path))
                .timeout(Duration.ofSeconds(20))
                .header("content-type", "application/json");
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return b;
    }

    /** POSTs and reads the SSE body until it ends or breaks. */
    Stream stream(String path, JsonNode json, String... headers) {
        HttpRequest request = request(path, headers).POST(HttpRequest.BodyPublishers.ofString(json.toString())).build();
        long sent = System.nanoTime();
        HttpResponse<InputStream> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        List<SseEvent> events = new ArrayList<>();
        IOException failure = null;
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            String event = null;
            StringBuilder data = null;
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.isEmpty()) {
                    if (data != null) {
                        events.add(new SseEvent(event, data.toString(), System.nanoTime()));
                    }
                    event = null;
                    data = null;
                } else if (line.startsWith("event: ")) {
                    event = line.substring(7);
                } else if (line.startsWith("data: ")) {
                    data = data == null ? new StringBuilder(line.substring(6)) : data.append('\n').append(line.substring(6));
                }
            }
        } catch (IOException e) {
            failure = e;
        }
        return new Stream(response.statusCode(), events, failure, sent);
    }

    static JsonNode json(HttpResponse<String> response) {
        return Json.parse(response.body().getBytes(StandardCharsets.UTF_8));
    }
}
