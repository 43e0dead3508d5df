package dev.sluice.testing;

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
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Raw HTTP for tests that need exact bytes, statuses and headers (the JDK client, HTTP/1.1). */
public final class Http {
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;

    /** An {@code authorization: Bearer key} header, plus header name/value pairs; modifiable. */
    public static Map<String, String> bearer(String key, String... extra) {
        Map<String, String> h = new HashMap<>();
        h.put("authorization", "Bearer " + key);
        for (int i = 0; i < extra.length; i += 2) {
            h.put(extra[i], extra[i + 1]);
        }
        return h;
    }

    public Http(String base) {
        this.base = base;
    }

    public record Response(int status, Map<String, List<String>> headers, String body) {
        public String header(String name) {
            List<String> values = headers.get(name.toLowerCase());
            return values == null || values.isEmpty() ? null : values.getFirst();
        }

        public JsonNode json() {
            try {
                return Json.MAPPER.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON (" + status + "): " + body, e);
            }
        }

        /** The data lines of an SSE body, without the "data: " prefix. */
        public List<String> events() {
            List<String> out = new ArrayList<>();
            for (String line : body.split("\n")) {
                if (line.startsWith("data: ")) {
                    out.add(line.substring(6));
                }
            }
            return out;
        }
    }

    public Response get(String path, Map<String, String> headers) {
        return send(builder(path, headers).GET());
    }

    public Response delete(String path, Map<String, String> headers) {
        return send(builder(path, headers).DELETE());
    }

    public Response patch(String path, String body, Map<String, String> headers) {
        return send(builder(path, headers).header("content-type", "application/json")
                .method("PATCH", HttpRequest.BodyPublishers.ofString(body)));
    }

    public Response post(String path, JsonNode body, Map<String, String> headers) {
        return post(path, Json.bytes(body), headers);
    }

    public Response post(String path, String body, Map<String, String> headers) {
        return post(path, body.getBytes(StandardCharsets.UTF_8), headers);
    }

    public Response post(String path, byte[] body, Map<String, String> headers) {
        return send(builder(path, headers).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
    }

    /** A streaming POST; the listener sees each line as it arrives, with its arrival time. */
    public Response postStreaming(String path, JsonNode body, Map<String, String> headers, LineListener listener) {
        HttpRequest request = builder(path, headers).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(Json.bytes(body))).build();
        try {
            HttpResponse<InputStream> response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
            StringBuilder all = new StringBuilder();
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                    listener.line(line, System.nanoTime());
                    all.append(line).append('\n');
                }
            } catch (IOException e) {
                all.append("\n<<stream broken: ").append(e).append(">>\n");
            }
            return new Response(response.statusCode(), response.headers().map(), all.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    @FunctionalInterface
    public interface LineListener {
        void line(String line, long nanoTime);
    }

    private HttpRequest.Builder builder(String path, Map<String, String> headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
        headers.forEach(b::header);
        return b;
    }

    private Response send(HttpRequest.Builder builder) {
        try {
            HttpResponse<String> r = client.send(builder.build(), HttpResponse.BodyHandlers.ofString());
            return new Response(r.statusCode(), r.headers().map(), r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
