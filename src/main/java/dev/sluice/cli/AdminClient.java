package dev.sluice.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.api.Json;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A small client of the admin API for the CLI; errors become messages a person can act on. */
final class AdminClient {
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String baseUrl;
    private final String adminKey;

    AdminClient(String baseUrl, String adminKey) {
        if (adminKey == null || adminKey.isBlank()) {
            throw new IllegalArgumentException("no admin key: pass --admin-key or set SLUICE_ADMIN_KEY");
        }
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.adminKey = adminKey;
    }

    JsonNode get(String path) {
        return send(HttpRequest.newBuilder(uri(path)).GET());
    }

    /** Like {@link #get}, but a 404 is null instead of an error. */
    JsonNode getOrNull(String path) {
        Answer a = exchange(HttpRequest.newBuilder(uri(path)).GET());
        return a.status() == 404 ? null : a.bodyOrThrow();
    }

    JsonNode post(String path, JsonNode body) {
        return send(HttpRequest.newBuilder(uri(path)).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(Json.bytes(body))));
    }

    JsonNode delete(String path) {
        return send(HttpRequest.newBuilder(uri(path)).DELETE());
    }

    private URI uri(String path) {
        return URI.create(baseUrl + path);
    }

    private JsonNode send(HttpRequest.Builder builder) {
        return exchange(builder).bodyOrThrow();
    }

    /** An answer of the admin API: its status and JSON body. */
    private record Answer(int status, JsonNode body) {
        JsonNode bodyOrThrow() {
            if (status >= 400) {
                throw new IllegalStateException(body.path("error").path("message").asText("HTTP " + status));
            }
            return body;
        }
    }

    private Answer exchange(HttpRequest.Builder builder) {
        HttpRequest request = builder.header("authorization", "Bearer " + adminKey).timeout(Duration.ofSeconds(30)).build();
        HttpResponse<byte[]> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (ConnectException e) {
            throw new IllegalStateException("cannot reach Sluice at " + baseUrl + " (is it running? use --url)");
        } catch (IOException e) {
            throw new IllegalStateException("request to " + baseUrl + " failed: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted");
        }
        try {
            return new Answer(response.statusCode(), Json.MAPPER.readTree(response.body()));
        } catch (IOException e) {
            throw new IllegalStateException("Sluice answered HTTP " + response.statusCode() + " with a body that is not JSON");
        }
    }
}
