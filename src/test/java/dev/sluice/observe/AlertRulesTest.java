package dev.sluice.observe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import dev.sluice.api.Json;
import dev.sluice.app.Registries;
import dev.sluice.config.AlertRule;
import dev.sluice.config.ConfigException;
import dev.sluice.config.ConfigLoader;
import dev.sluice.config.SluiceConfig;
import dev.sluice.sim.SimOptions;
import dev.sluice.testing.Http;
import dev.sluice.testing.MutableClock;
import dev.sluice.testing.TestGateway;
import dev.sluice.testing.WebhookReceiver;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Alert rules: error rate, latency, TTFT, spend, guardrail and feedback rates; firing, cooldown, resolved")
class AlertRulesTest {
    /** A Slack-compatible webhook receiver inside the test. */
    static final class Hook extends WebhookReceiver {
        Hook() throws Exception {
        }

        List<JsonNode> matching(String rule, String status) {
            return received.stream().filter(j -> j.path("rule").asText().equals(rule)
                    && j.path("status").asText().equals(status)).toList();
        }

        /** Waits (up to 5 s) until the receiver holds {@code count} messages of this rule and status. */
        JsonNode await(String rule, String status, int count) {
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5)).ignoreExceptions()
                    .until(() -> matching(rule, status).size() >= count);
            List<JsonNode> found = matching(rule, status);
            assertThat(found).as("%s %s alerts received: %s", rule, status, received).hasSize(count);
            return found.getLast();
        }

        /** Lets several evaluations run, then checks nothing new arrived for this rule and status. */
        void assertStill(String rule, String status, int count) {
            org.awaitility.Awaitility.await().during(java.time.Duration.ofMillis(400)).atMost(java.time.Duration.ofSeconds(2))
                    .untilAsserted(() -> assertThat(matching(rule, status)).as("%s %s alerts: %s", rule, status, received)
                            .hasSize(count));
        }
    }

    static ObjectNode chat(String model, String text) {
        ObjectNode body = Json.object().put("model", model).put("max_tokens", 10);
        body.putArray("messages").addObject().put("role", "user").put("content", text);
        return body;
    }

    static Map<String, String> auth(String secret, String... more) {
        return Http.bearer(secret, more);
    }

    @Test
    @DisplayName("error rate: fires once, stays quiet while firing and within the cooldown when flapping, resolves when the window empties")
    void errorRateLifecycle() throws Exception {
        MutableClock clock = new MutableClock(Instant.parse("2026-12-05T08:00:00Z"));
        try (Hook hook = new Hook();
             TestGateway gw = TestGateway.start(SimOptions.defaults(), TestGateway.NO_RESILIENCE + """
                     alerts:
                       webhook: "http://127.0.0.1:%d/hook"
                       evaluation_interval: 50ms
                       rules:
                         - name: upstream-errors
                           metric: error_rate
                           model: gpt-4o-mini
                           window: 5m
                           threshold: 20%%
                           min_samples: 5
                           priority: P1
                           message: "gpt-4o-mini upstream is failing; check the provider status page and /admin/logs"
                           cooldown: 10m
                         - name: any-gpt-4o-error
                           metric: error_rate
                           model: gpt-4o
                           threshold: 0
                           min_samples: 3
                           message: "gpt-4o errors"
                     """.formatted(hook.port()), clock)) {
            String key = gw.createKey("app");
            for (int i = 0; i < 5; i++) {
                assertThat(gw.http().post("/v1/chat/completions", chat("gpt-4o-mini", "ok " + i), auth(key)).status()).isEqualTo(200);
            }
            hook.assertStill("upstream-errors", "firing", 0);
            // 1 error in 6 (16.7%) is below 20%; 2 in 7 (28.6%) is above
            assertThat(gw.http().post("/v1/chat/completions", chat("gpt-4o-mini", "bad 1"),
                    auth(key, "x-sim-error-rate", "1", "x-sim-error-status", "500")).status()).isEqualTo(502);
            hook.assertStill("upstream-errors", "firing", 0);
            assertThat(gw.http().post("/v1/chat/completions", chat("gpt-4o-mini", "bad 2"),
                    auth(key, "x-sim-error-rate", "1", "x-sim-error-status", "500")).status()).isEqualTo(502);
            JsonNode firing = hook.await("upstream-errors", "firing", 1);
            assertThat(firing.path("metric").asText()).isEqualTo("error_rate");
            assertThat(firing.path("value").asDouble()).isCloseTo(2.0 / 7, within(1e-9));
            assertThat(firing.path("threshold").asDouble()).isCloseTo(0.2, within(1e-9));
            assertThat(firing.path("window").asText()).isEqualTo("5m");
            assertThat(firing.path("samples").asInt()).isEqualTo(7);
            assertThat(firing.path("priority").asText()).isEqualTo("P1");
            assertThat(firing.path("message").asText()).contains("provider status page");
            assertThat(firing.path("text").asText()).startsWith("[P1] FIRING upstream-errors").contains("28.57%");

            // still failing: no second "firing"
            gw.http().post("/v1/chat/completions", chat("gpt-4o-mini", "bad again"),
                    auth(key, "x-sim-error-rate", "1", "x-sim-error-status", "500"));
            hook.assertStill("upstream-errors", "firing", 1);

            // the window empties: resolved
            clock.advance(Duration.ofMinutes(6));
            JsonNode resolved = hook.await("upstream-errors", "resolved", 1);
            assertThat(resolved.path("samples").asInt()).isZero();

            // it flaps back within the cooldown (fired 6 min ago, cooldown 10 min): quiet
            for (int i = 0; i < 5; i++) {
                gw.http().post("/v1/chat/completions", chat("gpt-4o-mini", "flap " + i),
                        auth(key, "x-sim-error-rate", "1", "x-sim-error-status", "500"));
            }
            hook.assertStill("upstream-errors", "firing", 1);
            // the cooldown has passed and it is still failing: fires again
            clock.advance(Duration.ofMinutes(4));
            hook.await("upstream-errors", "firing", 2);

            // client errors and Sluice's own 429s are not errors
            String limited = gw.createKey((ObjectNode) Json.parse("{\"name\":\"l\",\"limits\":{\"rpm\":1}}".getBytes()))
                    .path("key").asText();
            assertThat(gw.http().post("/v1/chat/completions", chat("gpt-4o", "one"), auth(limited)).status()).isEqualTo(200);
            for (int i = 0; i < 3; i++) {
                assertThat(gw.http().post("/v1/chat/completions", chat("gpt-4o", "more"), auth(limited)).status()).isEqualTo(429);
                assertThat(gw.http().post("/v1/chat/completions", chat("gpt-4o", "bad request " + i),
                        auth(key, "x-sim-error-rate", "1", "x-sim-error-status", "400")).status()).isEqualTo(400);
            }
            hook.assertStill("any-gpt-4o-error", "firing", 0);
            // an upstream rate limit after all retries is an error
            assertThat(gw.http().post("/v1/chat/completions", chat("gpt-4o", "upstream 429"),
                    auth(key, "x-sim-error-rate", "1", "x-sim-error-status", "429", "x-sim-retry-after", "0")).status())
                    .isEqualTo(429);
            // (only 2 samples so far: one 200, one upstream 429; min_samples is 3)
            assertThat(gw.http().post("/v1/chat/completions", chat("gpt-4o", "fine"), auth(key)).status()).isEqualTo(200);
            JsonNode gpt4o = hook.await("any-gpt-4o-error", "firing", 1);
            assertThat(gpt4o.path("samples").asInt()).isEqualTo(3);
            assertThat(gpt4o.path("priority").asText()).isEqualTo("P2");
        }
    }

    @Test
    @DisplayName("TTFT p99, spend, guardrail trigger rate and negative feedback rate fire with their values")
    void otherMetrics() throws Exception {
        MutableClock clock = new MutableClock(Instant.parse("2026-12-05T08:00:00Z"));
        try (Hook hook = new Hook();
             TestGateway gw = TestGateway.start(SimOptions.defaults().withOutputTokens(10), """
                     prices:
                       gpt-4o-mini: {input: 1000, output: 1000}
                     guardrails:
                       default_policy: watch
                       policies:
                         watch:
                           input:
                             pii: flag
                     alerts:
                       webhook: "http://127.0.0.1:%d/hook"
                       evaluation_interval: 50ms
                       rules:
                         - {name: slow-start, metric: ttft_p99, threshold: 200ms, min_samples: 1, priority: P2,
                            message: "Streams start slowly; look at the upstream's latency"}
                         - {name: spend-spike, metric: spend, window: 1h, threshold: 0.05, priority: P1,
                            message: "Spend is spiking; see /admin/logs by key"}
                         - {name: pii-in-prompts, metric: guardrail_trigger_rate, threshold: 40%%, min_samples: 2,
                            priority: P3, message: "Users paste PII; check the app's input form"}
                         - {name: unhappy, metric: negative_feedback_rate, team: alpha, threshold: 50%%, min_samples: 2,
                            message: "Users of team alpha dislike the answers; review recent prompts"}
                         - {name: slow-overall, metric: latency_p99, threshold: 30s, min_samples: 1, message: "slow"}
                     """.formatted(hook.port()), clock)) {
            String key = gw.createKey((ObjectNode) Json.parse("{\"name\":\"a\",\"team\":\"alpha\"}".getBytes()))
                    .path("key").asText();
            List<String> ids = new java.util.ArrayList<>();
            for (int i = 0; i < 3; i++) {
                Http.Response r = gw.http().post("/v1/chat/completions", chat("gpt-4o-mini", "question " + i), auth(key));
                assertThat(r.status()).isEqualTo(200);
                ids.add(r.header("x-request-id"));
            }
            // 3 requests of 10+ tokens each way at $1,000 per million tokens: above $0.05
            JsonNode spend = hook.await("spend-spike", "firing", 1);
            assertThat(spend.path("value").asDouble()).isGreaterThan(0.05);
            assertThat(spend.path("samples").asInt()).isEqualTo(3);

            ObjectNode stream = chat("gpt-4o-mini", "stream slowly");
            stream.put("stream", true);
            assertThat(gw.http().post("/v1/chat/completions", stream, auth(key, "x-sim-ttft-ms", "300")).status()).isEqualTo(200);
            JsonNode ttft = hook.await("slow-start", "firing", 1);
            assertThat(ttft.path("value").asDouble()).isGreaterThanOrEqualTo(0.3);

            for (int i = 0; i < 2; i++) {
                assertThat(gw.http().post("/v1/chat/completions", chat("gpt-4o-mini", "write to ann" + i + "@example.com"),
                        auth(key)).status()).isEqualTo(200);
            }
            // 2 of 6 requests carried PII: 33% is below 40%
            hook.assertStill("pii-in-prompts", "firing", 0);
            assertThat(gw.http().post("/v1/chat/completions", chat("gpt-4o-mini", "and bo@example.com"), auth(key)).status())
                    .isEqualTo(200);
            JsonNode pii = hook.await("pii-in-prompts", "firing", 1);
            assertThat(pii.path("value").asDouble()).isCloseTo(3.0 / 7, within(1e-9));

            assertThat(gw.http().post("/v1/feedback", "{\"request_id\":\"" + ids.get(0) + "\",\"value\":\"down\"}", auth(key))
                    .status()).isEqualTo(201);
            assertThat(gw.http().post("/v1/feedback", "{\"request_id\":\"" + ids.get(1) + "\",\"name\":\"score\",\"value\":1}",
                    auth(key)).status()).isEqualTo(201);
            hook.assertStill("unhappy", "firing", 0);
            assertThat(gw.http().post("/v1/feedback", "{\"request_id\":\"" + ids.get(2) + "\",\"value\":\"up\"}", auth(key))
                    .status()).isEqualTo(201);
            assertThat(gw.http().post("/v1/feedback", "{\"request_id\":\"" + ids.get(1) + "\",\"name\":\"helpful\",\"value\":false}", auth(key))
                    .status()).isEqualTo(201);
            JsonNode unhappy = hook.await("unhappy", "firing", 1);
            assertThat(unhappy.path("value").asDouble()).isCloseTo(2.0 / 3, within(1e-9));
            assertThat(unhappy.path("team").asText()).isEqualTo("alpha");
            hook.assertStill("slow-overall", "firing", 0);

            clock.advance(Duration.ofHours(2));
            hook.await("spend-spike", "resolved", 1);
            hook.await("unhappy", "resolved", 1);
        }
    }

    @Test
    @DisplayName("rules are validated at load with file:line messages; thresholds accept 5% and 0.05")
    void configValidation() {
        ConfigLoader loader = Registries.configLoader(Map.of());
        String base = TestGateway.standardConfig("http://127.0.0.1:9", Path.of("/tmp/sluice-alerts"), "");
        SluiceConfig ok = loader.parse(base + """
                alerts:
                  rules:
                    - {name: a, metric: error_rate, threshold: 5%, message: m}
                    - {name: b, metric: error_rate, threshold: 0.05, message: m, window: 10m, cooldown: 1h}
                    - {name: c, metric: latency_p99, threshold: 2s, message: m, model: gpt-4o}
                """, "t.yaml");
        List<AlertRule> rules = ok.alerts().rules();
        assertThat(rules.get(0).threshold()).isCloseTo(0.05, within(1e-12));
        assertThat(rules.get(1).threshold()).isCloseTo(0.05, within(1e-12));
        assertThat(rules.get(1).cooldown()).isEqualTo(Duration.ofHours(1));
        assertThat(rules.get(2).threshold()).isEqualTo(2.0);
        assertThat(rules.get(0).minSamples()).isEqualTo(10);
        assertThat(rules.get(0).priority()).isEqualTo("P2");
        SluiceConfig example = loader.load(Path.of("examples/sluice.yaml"));
        assertThat(example.alerts().rules()).extracting(AlertRule::metric)
                .containsExactly("error_rate", "spend", "negative_feedback_rate");
        assertThat(example.metrics()).isNotNull();
        assertThat(example.metrics().bearerToken()).isNull();
        assertThat(loader.loadDemo().alerts().rules()).hasSize(3);
        assertThat(loader.loadDemo().metrics()).isNotNull();
        assertThat(loader.parse(base + "metrics:\n", "t.yaml").metrics()).as("an empty metrics: turns them on").isNotNull();
        assertThat(loader.parse(base, "t.yaml").metrics()).isNull();

        Map<String, String> bad = Map.of(
                "{name: x, metric: error_ratio, threshold: 5%, message: m}", "unknown alert metric 'error_ratio'",
                "{name: x, metric: error_rate, threshold: 150%, message: m}", "not a rate",
                "{name: x, metric: latency_p99, threshold: fast, message: m}", "not a valid threshold",
                "{name: x, metric: error_rate, message: m}", "has no threshold",
                "{name: x, metric: error_rate, threshold: 1%, message: m, priority: P7}", "unknown priority",
                "{name: x, metric: error_rate, threshold: 1%, message: m, model: gpt-9}", "unknown model 'gpt-9'",
                "{name: x, metric: error_rate, threshold: 1%}", "missing required key 'message'",
                "{name: x, metric: error_rate, threshold: 1%, message: m, colour: red}", "colour");
        bad.forEach((rule, expected) -> assertThatThrownBy(() -> loader.parse(base + "alerts:\n  rules:\n    - " + rule + "\n",
                "t.yaml")).as(rule).isInstanceOf(ConfigException.class).hasMessageContaining(expected)
                .hasMessageContaining("t.yaml:"));
        assertThatThrownBy(() -> loader.parse(base + """
                alerts:
                  rules:
                    - {name: same, metric: spend, threshold: 1, message: m}
                    - {name: same, metric: spend, threshold: 2, message: m}
                """, "t.yaml")).hasMessageContaining("second alert rule is named 'same'");
    }
}
