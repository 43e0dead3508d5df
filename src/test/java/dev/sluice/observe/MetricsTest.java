package dev.sluice.observe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.Json;
import dev.sluice.sim.SimOptions;
import dev.sluice.testing.Http;
import dev.sluice.testing.TestGateway;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Metrics: GET /metrics in Prometheus format, from the same instruments as OTLP")
class MetricsTest {
    /** Faults reach "primary" only (it forwards x-sim-*); "clean" serves the fallback. */
    static final String CONFIG = """
            metrics: {}
            routing:
              retries: 2
              backoff_base: 1ms
              backoff_max: 2ms
              circuit_breaker: {enabled: false}
            providers:
              primary: {type: openai, base_url: "${SIM}/v1", forward_headers: ["x-sim-*"]}
              clean: {type: openai, base_url: "${SIM}/v1"}
            models:
              gpt-4o-mini:
                provider: primary
                fallbacks:
                  - model: gpt-4o
                    on: [rate_limited]
              gpt-4o:
                provider: clean
              gpt-4.1-mini:
                provider: primary
            prices:
              gpt-4o-mini: {input: 1000, output: 1000}
            cache:
              scope: key
              only_deterministic: false
              semantic: {enabled: false}
            guardrails:
              default_policy: watch
              policies:
                watch:
                  input:
                    pii: flag
            """;

    static ObjectNode chat(String model, String text) {
        ObjectNode body = Json.object().put("model", model).put("max_tokens", 12);
        body.putArray("messages").addObject().put("role", "user").put("content", text);
        return body;
    }

    static Map<String, String> auth(String secret, String... more) {
        return Http.bearer(secret, more);
    }

    static Scrape scrape(TestGateway gw) {
        Http.Response r = gw.http().get("/metrics", Map.of());
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.header("content-type")).startsWith("text/plain");
        return Scrape.parse(r.body());
    }

    @Test
    @DisplayName("requests, tokens, cost, TTFT, faults, retries, fallbacks, cache, limits and guardrails are counted as they happened")
    void seriesMatchTraffic() throws Exception {
        try (TestGateway gw = TestGateway.start(SimOptions.defaults(), CONFIG, Clock.systemUTC())) {
            JsonNode alpha = gw.createKey((ObjectNode) Json.parse("{\"name\":\"a\",\"team\":\"alpha\"}".getBytes()));
            String secret = alpha.path("key").asText();
            String keyId = alpha.path("id").asText();

            // three answered requests, one streamed
            int promptTokens = 0;
            int completionTokens = 0;
            for (int i = 0; i < 2; i++) {
                Http.Response r = gw.http().post("/v1/chat/completions", chat("gpt-4o-mini", "question " + i), auth(secret));
                assertThat(r.status()).isEqualTo(200);
                promptTokens += r.json().path("usage").path("prompt_tokens").asInt();
                completionTokens += r.json().path("usage").path("completion_tokens").asInt();
            }
            ObjectNode streamed = chat("gpt-4o-mini", "a streamed question");
            streamed.put("stream", true);
            streamed.putObject("stream_options").put("include_usage", true);
            Http.Response s = gw.http().post("/v1/chat/completions", streamed, auth(secret));
            assertThat(s.status()).isEqualTo(200);
            for (String event : s.events()) {
                if (!event.equals("[DONE]") && Json.parse(event.getBytes()).hasNonNull("usage")) {
                    JsonNode u = Json.parse(event.getBytes()).path("usage");
                    promptTokens += u.path("prompt_tokens").asInt();
                    completionTokens += u.path("completion_tokens").asInt();
                }
            }
            // a cache hit: the same question again
            assertThat(gw.http().post("/v1/chat/completions", chat("gpt-4o-mini", "question 0"), auth(secret)).status())
                    .isEqualTo(200);
            // upstream 500 on a model without fallback: 1 + 2 retries, then 502
            Http.Response failed = gw.http().post("/v1/chat/completions", chat("gpt-4.1-mini", "fails"),
                    auth(secret, "x-sim-error-rate", "1", "x-sim-error-status", "500"));
            assertThat(failed.status()).isEqualTo(502);
            // upstream 429 with a fallback: answered by gpt-4o
            Http.Response fellBack = gw.http().post("/v1/chat/completions", chat("gpt-4o-mini", "falls back"),
                    auth(secret, "x-sim-error-rate", "1", "x-sim-error-status", "429", "x-sim-retry-after", "0"));
            assertThat(fellBack.status()).isEqualTo(200);
            // a guardrail flag
            assertThat(gw.http().post("/v1/chat/completions", chat("gpt-4o-mini", "mail me at ann@example.com"),
                    auth(secret)).status()).isEqualTo(200);
            // an unknown model: 404, labelled "other"
            assertThat(gw.http().post("/v1/chat/completions", chat("my-own-model-17", "hi"), auth(secret)).status())
                    .isEqualTo(404);
            // Sluice's own rate limit
            String limited = gw.createKey((ObjectNode) Json.parse("{\"name\":\"l\",\"limits\":{\"rpm\":1}}".getBytes()))
                    .path("key").asText();
            assertThat(gw.http().post("/v1/chat/completions", chat("gpt-4o", "one"), auth(limited)).status()).isEqualTo(200);
            assertThat(gw.http().post("/v1/chat/completions", chat("gpt-4o", "two"), auth(limited)).status()).isEqualTo(429);

            // one thumbs-up
            assertThat(gw.http().post("/v1/feedback", "{\"request_id\":\"" + s.header("x-request-id")
                    + "\",\"value\":\"up\"}", auth(secret)).status()).isEqualTo(201);

            JsonNode log = gw.awaitLogs("key_id=" + keyId, 8);
            gw.gateway().awaitFlushed(java.time.Duration.ofMillis(5_000));
            Scrape m = scrape(gw);

            assertThat(m.sum("sluice_requests_total", "key", keyId)).isEqualTo(log.size()).isEqualTo(8);
            assertThat(m.sum("sluice_requests_total", "key", keyId, "model", "gpt-4o-mini", "status", "200",
                    "team", "alpha")).isEqualTo(6);
            assertThat(m.sum("sluice_requests_total", "model", "gpt-4.1-mini", "status", "502", "error_type",
                    "server_error")).isEqualTo(1);
            assertThat(m.sum("sluice_requests_total", "model", "other", "status", "404")).isEqualTo(1);
            assertThat(m.values("sluice_requests_total", "model")).doesNotContain("my-own-model-17");

            // tokens and cost match the responses and the request log
            int loggedIn = 0;
            int loggedOut = 0;
            double loggedCost = 0;
            for (JsonNode row : log) {
                loggedIn += row.path("tokens_in").asInt(0);
                loggedOut += row.path("tokens_out").asInt(0);
                loggedCost += row.path("cost_usd").asDouble(0);
            }
            assertThat(m.sum("gen_ai_client_token_usage_sum", "gen_ai_token_type", "input", "team", "alpha"))
                    .isEqualTo(loggedIn);
            assertThat(m.sum("gen_ai_client_token_usage_sum", "gen_ai_token_type", "output", "team", "alpha"))
                    .isEqualTo(loggedOut);
            assertThat(loggedIn).isGreaterThanOrEqualTo(promptTokens);
            assertThat(m.sum("sluice_cost_usd_total", "key", keyId)).isCloseTo(loggedCost, within(1e-9))
                    .isGreaterThan(0);
            assertThat(m.sum("gen_ai_client_operation_duration_seconds_count", "gen_ai_request_model", "gpt-4o-mini"))
                    .isEqualTo(6);
            assertThat(m.sum("gen_ai_client_operation_duration_seconds_count", "error_type", "server_error"))
                    .isEqualTo(1);
            assertThat(m.sum("gen_ai_server_time_to_first_token_seconds_count")).isEqualTo(1);
            assertThat(m.sum("gen_ai_server_time_per_output_token_seconds_count")).isEqualTo(completionTokens > 1 ? 1 : 0);
            assertThat(m.values("gen_ai_client_operation_duration_seconds_count", "key")).isEmpty();

            // faults, retries, fallbacks
            assertThat(m.sum("sluice_upstream_attempts_total", "provider", "primary", "outcome", "server_error")).isEqualTo(3);
            assertThat(m.sum("sluice_upstream_attempts_total", "provider", "primary", "outcome", "rate_limited")).isEqualTo(3);
            assertThat(m.sum("sluice_retries_total", "model", "gpt-4.1-mini")).isEqualTo(2);
            assertThat(m.sum("sluice_retries_total", "model", "gpt-4o-mini")).isEqualTo(2);
            assertThat(m.sum("sluice_fallbacks_total", "model", "gpt-4o-mini", "fallback_model", "gpt-4o")).isEqualTo(1);

            // cache, limits, guardrails, store
            assertThat(m.sum("sluice_cache_requests_total", "cache_status", "hit")).isEqualTo(1);
            assertThat(m.sum("sluice_cache_saved_tokens_total")).isGreaterThan(0);
            assertThat(m.sum("sluice_limits_refusals_total", "reason", "rate_limit_exceeded")).isEqualTo(1);
            assertThat(m.sum("sluice_guardrail_triggers_total", "guard", "pii", "direction", "input", "action", "flag"))
                    .isEqualTo(1);
            assertThat(m.sum("sluice_store_written_total", "writer", "request-log")).isGreaterThanOrEqualTo(8);
            assertThat(m.has("sluice_store_queue_depth")).isTrue();
            assertThat(m.sum("sluice_store_dropped_total")).isZero();
            assertThat(m.sum("sluice_feedback_total", "name", "thumbs", "sentiment", "positive", "model", "gpt-4o-mini"))
                    .isEqualTo(1);

            // every metric the Grafana dashboard queries exists in this live scrape
            Set<String> labelNames = new TreeSet<>();
            m.samples().forEach(x -> labelNames.addAll(x.labels().keySet()));
            Set<String> missing = new TreeSet<>();
            for (String name : dashboardMetrics()) {
                if (!m.has(name) && !labelNames.contains(name)) {
                    missing.add(name);
                }
            }
            assertThat(missing).as("metrics the dashboard queries but /metrics does not serve").isEmpty();
        }
    }

    /** Metric names used by the dashboard's queries. */
    static Set<String> dashboardMetrics() throws Exception {
        Path file = Path.of("deploy/grafana/sluice-dashboard.json");
        JsonNode dashboard = Json.parse(Files.readAllBytes(file));
        List<String> exprs = new ArrayList<>();
        dashboard.findValues("expr").forEach(e -> exprs.add(e.asText()));
        dashboard.findValues("query").forEach(q -> {
            if (q.isTextual()) {
                exprs.add(q.asText());
            } else if (q.has("query")) {
                exprs.add(q.path("query").asText());
            }
        });
        assertThat(exprs).as("the dashboard has queries").hasSizeGreaterThan(8);
        Set<String> names = new TreeSet<>();
        Matcher matcher = Pattern.compile("\\b((?:gen_ai|sluice)_[a-z0-9_]+)").matcher(String.join("\n", exprs));
        while (matcher.find()) {
            names.add(matcher.group(1));
        }
        return names;
    }

    @Test
    @DisplayName("metrics.bearer_token protects /metrics; other endpoints are unaffected")
    void bearerToken() {
        try (TestGateway gw = TestGateway.start(SimOptions.defaults(), "metrics: {bearer_token: s3cret-scrape}\n",
                Clock.systemUTC())) {
            Http.Response none = gw.http().get("/metrics", Map.of());
            assertThat(none.status()).isEqualTo(401);
            assertThat(none.json().path("error").path("code").asText()).isEqualTo("invalid_metrics_token");
            assertThat(gw.http().get("/metrics", Map.of("authorization", "Bearer wrong")).status()).isEqualTo(401);
            Http.Response ok = gw.http().get("/metrics", Map.of("authorization", "Bearer s3cret-scrape"));
            assertThat(ok.status()).isEqualTo(200);
            assertThat(ok.body()).contains("sluice_store_queue_depth");
        }
    }

    @Test
    @DisplayName("on a non-loopback host /metrics needs the token unless metrics.public: true opens it on purpose")
    void closedByDefaultOffLoopback() {
        String allInterfaces = "server: {host: 0.0.0.0, port: 0, max_body_bytes: 1MB, drain_timeout: 5s}\n";
        try (TestGateway gw = TestGateway.start(SimOptions.defaults(), allInterfaces + "metrics: {}\n", Clock.systemUTC())) {
            Http.Response r = gw.http().get("/metrics", Map.of());
            assertThat(r.status()).as(r.body()).isEqualTo(401);
            assertThat(r.json().path("error").path("message").asText()).contains("bearer_token").contains("public: true");
            assertThat(gw.http().get("/metrics", Map.of("authorization", "Bearer anything")).status()).isEqualTo(401);
            assertThat(gw.http().get("/health/live", Map.of()).status()).isEqualTo(200);
        }
        try (TestGateway gw = TestGateway.start(SimOptions.defaults(), allInterfaces + "metrics: {public: true}\n",
                Clock.systemUTC())) {
            assertThat(gw.http().get("/metrics", Map.of()).status()).isEqualTo(200);
        }
        try (TestGateway gw = TestGateway.start(SimOptions.defaults(), allInterfaces + "metrics: {bearer_token: s3cret-scrape}\n",
                Clock.systemUTC())) {
            assertThat(gw.http().get("/metrics", Map.of("authorization", "Bearer s3cret-scrape")).status()).isEqualTo(200);
        }
    }

    @Test
    @DisplayName("without a metrics: section, /metrics is 404")
    void offWithoutSection() {
        try (TestGateway gw = TestGateway.start()) {
            Http.Response r = gw.http().get("/metrics", Map.of());
            assertThat(r.status()).isEqualTo(404);
            assertThat(r.json().path("error").path("message").asText()).contains("metrics:");
        }
    }
}
