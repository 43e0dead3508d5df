package dev.sluice.eval.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.Json;
import dev.sluice.eval.score.Answer;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The eval client of the gateway: chat completions and embeddings over HTTP with a virtual key, so
 * every evaluation call is authenticated, limited, routed, priced and logged like production
 * traffic. Each request carries its id ({@code x-request-id}) and the run's tag
 * ({@code x-sluice-tags: eval_run=ID}); the cost comes back as the gateway settled it
 * ({@code x-sluice-cost}).
 */
public final class GatewayClient implements ModelCaller {
    private final HttpClient http;
    private final String baseUrl;
    private final String key;
    private final Duration timeout;
    private final java.util.Map<String, String> headers;
    /** Per registry prompt reference: the test variables its versions do not use, learnt from the gateway's 400s. */
    private final Map<String, Set<String>> unusedVariables = new ConcurrentHashMap<>();
    private static final int MAX_VARIABLE_TRIES = 64;

    /**
     * @param baseUrl the gateway's OpenAI base URL; {@code /v1} is added when it is missing
     * @param headers sent with every request: {@code x-sluice-tags: eval_run=ID}, and
     *                {@code x-sluice-cache: no-store} for {@code --no-cache}
     */
    public GatewayClient(String baseUrl, String key, Duration timeout, java.util.Map<String, String> headers) {
        String b = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.baseUrl = b.endsWith("/v1") ? b : b + "/v1";
        this.key = key;
        this.timeout = timeout;
        this.headers = java.util.Map.copyOf(headers);
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    }

    public String baseUrl() {
        return baseUrl;
    }

    @Override
    public Answer call(ObjectNode request, String requestId) {
        long start = System.nanoTime();
        ObjectNode sent = fitPromptVariables(request);
        Raw response = post("/chat/completions", sent, requestId);
        JsonNode body = parse(response.body());
        // a registry prompt refuses variables it does not use (a typo in production), while a suite's tests
        // carry variables for every prompt (promptfoo ignores the unused ones): learn which ones this prompt
        // does not use from its answer, leave them out and ask again. Refused before any model is called.
        for (int tries = 0; tries < MAX_VARIABLE_TRIES; tries++) {
            String unused = unusedVariable(sent, response.statusCode(), body);
            String missing = unused == null ? missingVariable(sent, request, response.statusCode(), body) : null;
            if (unused == null && missing == null) {
                break;
            }
            String ref = promptKey(sent);
            if (unused != null) {
                unusedVariables.computeIfAbsent(ref, k -> ConcurrentHashMap.newKeySet()).add(unused);
            } else {
                unusedVariables.computeIfPresent(ref, (k, names) -> { names.remove(missing); return names; }); // another version uses it
            }
            sent = fitPromptVariables(request);
            response = post("/chat/completions", sent, requestId);
            body = parse(response.body());
        }
        long latency = (System.nanoTime() - start) / 1_000_000;
        String id = response.requestId() != null ? response.requestId() : requestId;
        if (response.statusCode() >= 400 || body == null) {
            String message = body == null ? "HTTP " + response.statusCode() + " with a body that is not JSON"
                    : "HTTP " + response.statusCode() + ": " + body.path("error").path("message").asText("(no message)");
            // a version that fails is still the version evaluated (its rollout gate must see the failure)
            return new Answer("", null, latency, null, 0, 0, null, id, message, response.prompt());
        }
        JsonNode message = body.path("choices").path(0).path("message");
        JsonNode toolCalls = message.path("tool_calls");
        Double cost = response.cost() == null ? null : number(response.cost());
        JsonNode usage = body.path("usage");
        return new Answer(message.path("content").asText(""), toolCalls.isArray() ? toolCalls : null, latency, cost,
                usage.path("prompt_tokens").asInt(), usage.path("completion_tokens").asInt(),
                body.path("model").asText(request.path("model").asText()), id, null, response.prompt());
    }

    /** The request without the variables its registry prompt is known not to use (the request itself when it has no prompt). */
    private ObjectNode fitPromptVariables(ObjectNode request) {
        JsonNode variables = request.path("prompt").path("variables");
        Set<String> unused = unusedVariables.get(promptKey(request));
        if (!variables.isObject() || unused == null || unused.isEmpty()) {
            return request;
        }
        ObjectNode copy = request.deepCopy();
        ((ObjectNode) copy.path("prompt").path("variables")).remove(unused);
        return copy;
    }

    /** The variable a 400 {@code unknown_prompt_variable} names, when the request sent it; else null. */
    private static String unusedVariable(ObjectNode sent, int status, JsonNode body) {
        String name = variableOf(status, body, "unknown_prompt_variable");
        return name != null && sent.path("prompt").path("variables").has(name) ? name : null;
    }

    /** The variable a 400 {@code missing_prompt_variable} names, when the test has it and it was left out; else null. */
    private static String missingVariable(ObjectNode sent, ObjectNode request, int status, JsonNode body) {
        String name = variableOf(status, body, "missing_prompt_variable");
        return name != null && request.path("prompt").path("variables").has(name)
                && !sent.path("prompt").path("variables").has(name) ? name : null;
    }

    private static String variableOf(int status, JsonNode body, String code) {
        JsonNode error = body == null ? null : body.path("error");
        String prefix = "prompt.variables.";
        if (status != 400 || error == null || !code.equals(error.path("code").asText())
                || !error.path("param").asText().startsWith(prefix)) {
            return null;
        }
        return error.path("param").asText().substring(prefix.length());
    }

    /** The registry prompt a request names ({@code id}, {@code version}, {@code label}); "" without one. */
    private static String promptKey(ObjectNode request) {
        JsonNode p = request.path("prompt");
        return p.isObject() ? p.path("id").asText() + "@" + p.path("version").asText() + ":" + p.path("label").asText() : "";
    }

    /**
     * A judge's request: temperature 0, the verdict asked for as structured output when a schema is
     * given. Sent with {@link #call} (or a recorder's), so record and replay cover the judge too.
     */
    public static ObjectNode judgeRequest(String model, String system, String user, JsonNode verdict) {
        ObjectNode request = Json.object().put("model", model).put("temperature", 0);
        request.putArray("messages").add(Json.object().put("role", "system").put("content", system))
                .add(Json.object().put("role", "user").put("content", user));
        if (verdict != null) {
            request.putObject("response_format").put("type", "json_schema").putObject("json_schema")
                    .put("name", "verdict").put("strict", true).set("schema", verdict);
        }
        return request;
    }

    /** The embeddings of texts from a gateway embedding model. */
    public List<float[]> embed(String model, List<String> texts, String requestId) {
        ObjectNode request = Json.object().put("model", model);
        texts.forEach(request.putArray("input")::add);
        Raw response = post("/embeddings", request, requestId);
        JsonNode body = parse(response.body());
        if (response.statusCode() >= 400 || body == null) {
            throw new IllegalStateException("the embedding model " + model + " did not answer: HTTP " + response.statusCode()
                    + (body == null ? "" : " " + body.path("error").path("message").asText()));
        }
        return java.util.stream.StreamSupport.stream(body.path("data").spliterator(), false).map(d -> {
            JsonNode e = d.path("embedding");
            float[] v = new float[e.size()];
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) e.get(i).asDouble();
            }
            return v;
        }).toList();
    }

    private Raw post(String path, ObjectNode body, String requestId) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(timeout)
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(Json.bytes(body)));
        if (key != null && !key.isBlank()) {
            b.header("authorization", "Bearer " + key);
        }
        if (requestId != null) {
            b.header("x-request-id", requestId);
        }
        headers.forEach(b::header);
        try {
            HttpResponse<byte[]> r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
            return new Raw(r.statusCode(), r.body(), r.headers().firstValue("x-request-id").orElse(null),
                    r.headers().firstValue("x-sluice-cost").orElse(null), r.headers().firstValue("x-sluice-prompt").orElse(null));
        } catch (ConnectException | UnresolvedAddressException e) {
            throw new GatewayUnreachable("cannot reach the gateway at " + baseUrl + " (is it running? use --url)");
        } catch (java.net.http.HttpTimeoutException e) {
            return new Raw(504, Json.bytes(Json.object().set("error", Json.object().put("message",
                    "no answer within " + timeout.toSeconds() + " s (raise --timeout)"))), requestId, null, null);
        } catch (IOException e) {
            if (e.getCause() instanceof ConnectException || e.getCause() instanceof UnresolvedAddressException) {
                throw new GatewayUnreachable("cannot reach the gateway at " + baseUrl + " (is it running? use --url)");
            }
            throw new GatewayUnreachable("the request to " + baseUrl + " failed: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GatewayUnreachable("interrupted");
        }
    }

    private static JsonNode parse(byte[] body) {
        try {
            JsonNode n = Json.MAPPER.readTree(body);
            return n == null || n.isMissingNode() ? null : n;
        } catch (IOException e) {
            return null;
        }
    }

    private static Double number(String text) {
        try {
            return Double.valueOf(text);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** What came back: status, body and the headers the client reads ({@code x-sluice-prompt}: the version served). */
    private record Raw(int statusCode, byte[] body, String requestId, String cost, String prompt) {}
}
