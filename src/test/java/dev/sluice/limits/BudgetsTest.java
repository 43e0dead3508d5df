package dev.sluice.limits;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import dev.sluice.api.Json;
import dev.sluice.sim.SimOptions;
import dev.sluice.testing.WebhookReceiver;
import dev.sluice.testing.Http;
import dev.sluice.testing.MutableClock;
import dev.sluice.testing.TestGateway;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Budgets: cost from the price catalog, soft alerts, hard 429, spend that survives restarts")
class BudgetsTest {
    /** One request = 10 prompt-ish tokens + 10 output at $1,000 per million tokens ≈ $0.02. */
    static final String PRICED = """
            prices:
              gpt-4o-mini: {input: 1000, output: 1000}
            alerts:
              webhook: "http://127.0.0.1:%d/hook"
              budget_thresholds: [50, 80, 100]
            """;

    static ObjectNode chat() {
        ObjectNode body = Json.object().put("model", "gpt-4o-mini").put("max_tokens", 10);
        body.putArray("messages").addObject().put("role", "user").put("content", "hi");
        return body;
    }

    /** A webhook receiver inside the test. */
    static final class Hook extends WebhookReceiver {
        Hook() throws Exception {
        }

        /**
         * The titles received once {@code expected} have arrived (deliveries run on their own threads)
         * and no more arrived for 200 ms, so "exactly" means exactly.
         */
        List<String> titles(int expected) {
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(15))
                    .until(() -> received.size() >= expected);
            org.awaitility.Awaitility.await().during(java.time.Duration.ofMillis(200))
                    .atMost(java.time.Duration.ofSeconds(5))
                    .untilAsserted(() -> assertThat(received).as("no duplicate deliveries").hasSizeLessThanOrEqualTo(expected));
            return received.stream().map(j -> j.path("title").asText()).toList();
        }
    }

    @Test
    @DisplayName("each request's cost is logged; 50/80/100% alerts go out once; past the budget: 429 budget_exceeded")
    void dailyBudget() throws Exception {
        MutableClock clock = new MutableClock(Instant.parse("2026-11-23T10:00:00Z"));
        try (Hook hook = new Hook();
             TestGateway gw = TestGateway.start(SimOptions.defaults().withOutputTokens(10), PRICED.formatted(hook.port()), clock)) {
            JsonNode key = gw.createKey((ObjectNode) Json.parse(
                    "{\"name\":\"spender\",\"budget\":{\"daily_usd\":0.1}}".getBytes()));
            Map<String, String> auth = Map.of("authorization", "Bearer " + key.path("key").asText());
            Http.Response first = gw.http().post("/v1/chat/completions", chat(), Map.of("authorization",
                    "Bearer " + key.path("key").asText(), "x-request-id", "cost-1"));
            assertThat(first.status()).isEqualTo(200);
            JsonNode usage = first.json().path("usage");
            double expected = (usage.path("prompt_tokens").asInt() + usage.path("completion_tokens").asInt()) * 1000 / 1e6;
            assertThat(gw.logs("request_id=cost-1").get(0).path("cost_usd").asDouble()).isCloseTo(expected, org.assertj.core.data.Offset.offset(1e-9));

            int admitted = 1;
            Http.Response r = gw.http().post("/v1/chat/completions", chat(), auth);
            // $0.10 at about $0.02 a request: the budget stops it within a handful; 50 is a hard bound
            for (int sent = 1; r.status() == 200 && sent < 50; sent++) {
                admitted++;
                r = gw.http().post("/v1/chat/completions", chat(), auth);
            }
            assertThat(r.status()).isEqualTo(429);
            JsonNode error = r.json().path("error");
            assertThat(error.path("code").asText()).isEqualTo("budget_exceeded");
            assertThat(error.path("type").asText()).isEqualTo("budget_exceeded");
            assertThat(error.path("message").asText()).contains("daily budget of $0.10", "2026-11-24T00:00:00Z");
            assertThat(admitted).isEqualTo((int) Math.floor(0.1 / expected + 1e-9));

            List<String> titles = hook.titles(3);
            assertThat(titles).containsExactlyInAnyOrder(
                    "Budget 50% used: key " + key.path("id").asText() + " (daily)",
                    "Budget 80% used: key " + key.path("id").asText() + " (daily)",
                    "Budget 100% used: key " + key.path("id").asText() + " (daily)");
            assertThat(hook.received.getFirst().path("text").asText()).startsWith("[P");

            clock.advance(Duration.ofDays(1));
            assertThat(gw.http().post("/v1/chat/completions", chat(), auth).status()).as("a new day, a new budget").isEqualTo(200);
        }
    }

    @Test
    @DisplayName("spend survives a restart: a new gateway on the same store starts from the logged spend")
    void survivesRestart() throws Exception {
        Path db = Files.createTempDirectory("budget").resolve("sluice.db");
        String yaml = PRICED.formatted(1) + "store:\n  path: " + db + "\n";
        String secret;
        try (TestGateway gw = TestGateway.start(SimOptions.defaults().withOutputTokens(10), yaml, Clock.systemUTC())) {
            secret = gw.createKey((ObjectNode) Json.parse(
                    "{\"name\":\"persist\",\"budget\":{\"daily_usd\":0.05}}".getBytes())).path("key").asText();
            while (gw.http().post("/v1/chat/completions", chat(), Map.of("authorization", "Bearer " + secret)).status() == 200) {
                // spend the budget
            }
        }
        try (TestGateway again = TestGateway.start(SimOptions.defaults().withOutputTokens(10), yaml, Clock.systemUTC())) {
            Http.Response r = again.http().post("/v1/chat/completions", chat(), Map.of("authorization", "Bearer " + secret));
            assertThat(r.status()).isEqualTo(429);
            assertThat(r.json().path("error").path("code").asText()).isEqualTo("budget_exceeded");
        }
    }
}
