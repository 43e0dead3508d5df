package dev.sluice.limits;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.Json;
import dev.sluice.sim.SimOptions;
import dev.sluice.testing.Http;
import dev.sluice.testing.MutableClock;
import dev.sluice.testing.TestGateway;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Rate limits: requests, tokens and concurrency per key, team, user and model")
class LimitsTest {
    static final Map<String, String> ADMIN = Map.of("authorization", "Bearer " + TestGateway.ADMIN_KEY);

    static ObjectNode chat(String model, int maxTokens) {
        ObjectNode body = Json.object().put("model", model).put("max_tokens", maxTokens);
        body.putArray("messages").addObject().put("role", "user").put("content", "hi");
        return body;
    }

    static Map<String, String> auth(String key, String... extra) {
        return Http.bearer(key, extra);
    }

    static String key(TestGateway gw, String limitsJson) {
        return gw.createKey((ObjectNode) Json.parse(("{\"name\":\"k\",\"limits\":" + limitsJson + "}").getBytes()))
                .path("key").asText();
    }

    @Test
    @DisplayName("requests per minute: 429 with retry-after past the limit, OpenAI rate-limit headers, refill over time")
    void requestsPerMinute() {
        MutableClock clock = new MutableClock(Instant.parse("2026-11-23T10:00:00Z"));
        try (TestGateway gw = TestGateway.start(SimOptions.defaults(), "", clock)) {
            String k = key(gw, "{\"rpm\":3}");
            for (int i = 0; i < 3; i++) {
                Http.Response r = gw.http().post("/v1/chat/completions", chat("gpt-4o-mini", 5), auth(k));
                assertThat(r.status()).isEqualTo(200);
                assertThat(r.header("x-ratelimit-limit-requests")).isEqualTo("3");
                assertThat(r.header("x-ratelimit-remaining-requests")).isEqualTo(Integer.toString(2 - i));
                assertThat(r.header("x-ratelimit-reset-requests")).matches("\\d+(ms|s|m\\d+s)");
            }
            Http.Response refused = gw.http().post("/v1/chat/completions", chat("gpt-4o-mini", 5), auth(k));
            assertThat(refused.status()).isEqualTo(429);
            JsonNode error = refused.json().path("error");
            assertThat(error.path("code").asText()).isEqualTo("rate_limit_exceeded");
            assertThat(error.path("message").asText()).contains("3 requests per minute");
            assertThat(Integer.parseInt(refused.header("retry-after"))).isBetween(19, 20);
            clock.advance(Duration.ofSeconds(20));
            assertThat(gw.http().post("/v1/chat/completions", chat("gpt-4o-mini", 5), auth(k)).status()).isEqualTo(200);
        }
    }

    @Test
    @DisplayName("tokens per minute: the prompt is counted and max_tokens reserved before the call, then corrected")
    void tokensPerMinute() {
        MutableClock clock = new MutableClock(Instant.parse("2026-11-23T10:00:00Z"));
        try (TestGateway gw = TestGateway.start(SimOptions.defaults(), "", clock)) {
            String k = key(gw, "{\"tpm\":1000}");
            Http.Response first = gw.http().post("/v1/chat/completions", chat("gpt-4o-mini", 400), auth(k, "x-sim-tokens", "5"));
            assertThat(first.status()).isEqualTo(200);
            assertThat(first.header("x-ratelimit-limit-tokens")).isEqualTo("1000");
            int remainingAfterReservation = Integer.parseInt(first.header("x-ratelimit-remaining-tokens"));
            assertThat(remainingAfterReservation).isBetween(580, 600);
            // the answer used 5 of the 400 reserved output tokens: the rest was given back
            Http.Response second = gw.http().post("/v1/chat/completions", chat("gpt-4o-mini", 400), auth(k, "x-sim-tokens", "5"));
            assertThat(second.status()).isEqualTo(200);
            assertThat(Integer.parseInt(second.header("x-ratelimit-remaining-tokens"))).isBetween(560, 590);
            Http.Response tooBig = gw.http().post("/v1/chat/completions", chat("gpt-4o-mini", 5000), auth(k));
            assertThat(tooBig.status()).isEqualTo(429);
            assertThat(tooBig.json().path("error").path("code").asText()).isEqualTo("request_too_large_for_limit");
            Http.Response over = gw.http().post("/v1/chat/completions", chat("gpt-4o-mini", 990), auth(k));
            assertThat(over.status()).isEqualTo(429);
            assertThat(over.json().path("error").path("message").asText()).contains("tokens per minute");
        }
    }

    @Test
    @DisplayName("concurrency: a second request while the first streams is refused, and admitted once it ended")
    void concurrency() throws Exception {
        try (TestGateway gw = TestGateway.start()) {
            String k = key(gw, "{\"concurrency\":1}");
            ObjectNode stream = chat("gpt-4o-mini", 20).put("stream", true);
            CompletableFuture<Boolean> firstChunk = new CompletableFuture<>();
            CompletableFuture<Http.Response> slow = new CompletableFuture<>();
            Thread.ofVirtual().start(() -> slow.complete(gw.http().postStreaming("/v1/chat/completions", stream,
                    auth(k, "x-sim-itl-ms", "100", "x-sim-tokens", "10"), (l, t) -> firstChunk.complete(true))));
            firstChunk.get();
            Http.Response refused = gw.http().post("/v1/chat/completions", chat("gpt-4o-mini", 5), auth(k));
            assertThat(refused.status()).isEqualTo(429);
            assertThat(refused.json().path("error").path("message").asText()).contains("1 concurrent requests");
            assertThat(slow.get().events()).last().isEqualTo("[DONE]");
            assertThat(gw.http().post("/v1/chat/completions", chat("gpt-4o-mini", 5), auth(k)).status()).isEqualTo(200);
        }
    }

    @Test
    @DisplayName("team, end-user and model limits apply next to the key's; the refusal names which one")
    void teamUserAndModel() {
        try (TestGateway gw = TestGateway.start(SimOptions.defaults(), """
                limits:
                  user: {rpm: 2}
                  models:
                    gpt-4o: {rpm: 1}
                """, java.time.Clock.systemUTC())) {
            assertThat(gw.http().post("/admin/teams", "{\"id\":\"search\",\"limits\":{\"rpm\":3}}", ADMIN).status())
                    .isEqualTo(201);
            String a = gw.createKey((ObjectNode) Json.parse("{\"name\":\"a\",\"team\":\"search\"}".getBytes())).path("key").asText();
            String b = gw.createKey((ObjectNode) Json.parse("{\"name\":\"b\",\"team\":\"search\"}".getBytes())).path("key").asText();
            assertThat(gw.http().post("/v1/chat/completions", chat("gpt-4o-mini", 5), auth(a)).status()).isEqualTo(200);
            assertThat(gw.http().post("/v1/chat/completions", chat("gpt-4o-mini", 5), auth(b)).status()).isEqualTo(200);
            assertThat(gw.http().post("/v1/chat/completions", chat("gpt-4o-mini", 5), auth(a)).status()).isEqualTo(200);
            Http.Response team = gw.http().post("/v1/chat/completions", chat("gpt-4o-mini", 5), auth(b));
            assertThat(team.status()).isEqualTo(429);
            assertThat(team.json().path("error").path("message").asText()).contains("team search");

            String c = gw.createKey("c");
            ObjectNode asUser = chat("gpt-4o-mini", 5).put("user", "alice");
            assertThat(gw.http().post("/v1/chat/completions", asUser, auth(c)).status()).isEqualTo(200);
            assertThat(gw.http().post("/v1/chat/completions", asUser, auth(c)).status()).isEqualTo(200);
            Http.Response user = gw.http().post("/v1/chat/completions", asUser, auth(c));
            assertThat(user.json().path("error").path("message").asText()).contains("user alice");
            assertThat(gw.http().post("/v1/chat/completions", chat("gpt-4o-mini", 5).put("user", "bob"), auth(c)).status())
                    .isEqualTo(200);

            assertThat(gw.http().post("/v1/chat/completions", chat("gpt-4o", 5), auth(c)).status()).isEqualTo(200);
            Http.Response model = gw.http().post("/v1/chat/completions", chat("gpt-4o", 5), auth(c));
            assertThat(model.status()).isEqualTo(429);
            assertThat(model.json().path("error").path("message").asText()).contains("model gpt-4o");
        }
    }
}
