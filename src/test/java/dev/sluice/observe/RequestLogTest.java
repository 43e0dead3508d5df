package dev.sluice.observe;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.Json;
import dev.sluice.testing.Http;
import dev.sluice.testing.TestGateway;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The request log records every request")
class RequestLogTest {
    static TestGateway gw;
    static JsonNode key;

    @BeforeAll
    static void start() {
        gw = TestGateway.startWithoutResilience();
        key = gw.createKey(Json.object().put("name", "log-test"));
    }

    @AfterAll
    static void stop() {
        gw.close();
    }

    private static Map<String, String> headers(String requestId, String... extra) {
        var h = new java.util.HashMap<String, String>();
        h.put("authorization", "Bearer " + key.path("key").asText());
        h.put("x-request-id", requestId);
        for (int i = 0; i < extra.length; i += 2) {
            h.put(extra[i], extra[i + 1]);
        }
        return h;
    }

    private static ObjectNode chat(String model) {
        ObjectNode body = Json.object().put("model", model);
        body.putArray("messages").addObject().put("role", "user").put("content", "log me");
        return body;
    }

    private static JsonNode row(String requestId) {
        JsonNode rows = gw.logs("request_id=" + requestId);
        assertThat(rows).as("rows for " + requestId).hasSize(1);
        return rows.get(0);
    }

    @Test
    @DisplayName("a successful call: key, models, provider, status, tokens, latency")
    void success() {
        Http.Response r = gw.http().post("/v1/chat/completions", chat("claude-3-5-haiku").put("user", "u-42"), headers("log-ok"));
        assertThat(r.status()).isEqualTo(200);
        JsonNode usage = r.json().path("usage");
        JsonNode row = row("log-ok");
        assertThat(row.path("key_id").asText()).isEqualTo(key.path("id").asText());
        assertThat(row.path("user").asText()).isEqualTo("u-42");
        assertThat(row.path("operation").asText()).isEqualTo("chat");
        assertThat(row.path("model").asText()).isEqualTo("claude-3-5-haiku");
        assertThat(row.path("provider").asText()).isEqualTo("sim-anthropic");
        assertThat(row.path("upstream_model").asText()).isEqualTo("claude-3-5-haiku-latest");
        assertThat(row.path("status").asInt()).isEqualTo(200);
        assertThat(row.path("error_type").isNull()).isTrue();
        assertThat(row.path("tokens_in").asInt()).isEqualTo(usage.path("prompt_tokens").asInt());
        assertThat(row.path("tokens_out").asInt()).isEqualTo(usage.path("completion_tokens").asInt());
        assertThat(row.path("latency_ms").asLong()).isGreaterThanOrEqualTo(0);
        assertThat(row.path("attempts").asInt()).isEqualTo(1);
        assertThat(row.path("stream").asBoolean()).isFalse();
    }

    @Test
    @DisplayName("a stream records its time to first token, which includes the upstream's")
    void streamTtft() {
        Http.Response r = gw.http().postStreaming("/v1/chat/completions", chat("gpt-4o-mini").put("stream", true),
                headers("log-stream", "x-sim-ttft-ms", "300", "x-sluice-user", "header-user"), (l, t) -> {});
        assertThat(r.status()).isEqualTo(200);
        JsonNode row = row("log-stream");
        assertThat(row.path("stream").asBoolean()).isTrue();
        assertThat(row.path("ttft_ms").asLong()).isGreaterThanOrEqualTo(290);
        assertThat(row.path("latency_ms").asLong()).isGreaterThanOrEqualTo(row.path("ttft_ms").asLong());
        assertThat(row.path("user").asText()).isEqualTo("header-user");
        assertThat(row.path("tokens_out").asInt()).isPositive();
    }

    @Test
    @DisplayName("refused requests are recorded too: bad JSON, bad key, unknown model, upstream failure")
    void failures() {
        gw.http().post("/v1/chat/completions", "{bad", headers("log-badjson"));
        assertThat(row("log-badjson").path("status").asInt()).isEqualTo(400);

        gw.http().post("/v1/chat/completions", chat("gpt-4o-mini"),
                Map.of("authorization", "Bearer nope", "x-request-id", "log-badkey"));
        JsonNode badKey = row("log-badkey");
        assertThat(badKey.path("status").asInt()).isEqualTo(401);
        assertThat(badKey.path("error_type").asText()).isEqualTo("invalid_api_key");
        assertThat(badKey.path("key_id").isNull()).isTrue();

        gw.http().post("/v1/chat/completions", chat("nope-model"), headers("log-nomodel"));
        assertThat(row("log-nomodel").path("error_type").asText()).isEqualTo("model_not_found");

        gw.http().post("/v1/chat/completions", chat("gpt-4o-mini"), headers("log-upstream", "x-sim-error-rate", "1"));
        JsonNode upstream = row("log-upstream");
        assertThat(upstream.path("status").asInt()).isEqualTo(502);
        assertThat(upstream.path("error_type").asText()).isEqualTo("server_error");
        assertThat(upstream.path("provider").asText()).isEqualTo("sim");
    }

    @Test
    @DisplayName("embeddings are recorded with their input tokens")
    void embeddings() {
        gw.http().post("/v1/embeddings", "{\"model\":\"text-embedding-3-small\",\"input\":\"hello world\"}", headers("log-emb"));
        JsonNode row = row("log-emb");
        assertThat(row.path("operation").asText()).isEqualTo("embeddings");
        assertThat(row.path("tokens_in").asInt()).isPositive();
    }
}
