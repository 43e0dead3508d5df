package dev.sluice.prompts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.Json;
import dev.sluice.sim.SimOptions;
import dev.sluice.testing.Http;
import dev.sluice.testing.TestGateway;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Shadow spend belongs to the caller: the copy is logged under its key, team and user and counts toward their budgets")
class ShadowSpendTest {
    private static final Map<String, String> ADMIN = Map.of("authorization", "Bearer " + TestGateway.ADMIN_KEY);

    private static Http.Response ask(TestGateway gw, String key) {
        ObjectNode body = Json.object().put("model", "gpt-4o").put("max_tokens", 10);
        body.putArray("messages").addObject().put("role", "user").put("content", "hi");
        return gw.http().post("/v1/chat/completions", body, Http.bearer(key, "x-sluice-user", "alice", "x-sluice-cache", "no-store"));
    }

    @Test
    @DisplayName("with a budget of 4.5 requests, a shadowed key gets 2 answers (each costs its copy too), then 429 budget_exceeded")
    void shadowSpendIsTheCallers() {
        try (TestGateway gw = TestGateway.start(SimOptions.defaults().withOutputTokens(10), """
                prices:
                  gpt-4o: {input: 1000, output: 1000}
                  gpt-4o-mini: {input: 1000, output: 1000}
                """, Clock.systemUTC())) {
            Http.Response probe = ask(gw, gw.createKey("probe"));
            assertThat(probe.status()).isEqualTo(200);
            double cost = Double.parseDouble(probe.header("x-sluice-cost"));
            assertThat(cost).isGreaterThan(0);

            ObjectNode shadow = Json.object().put("subject", "model:gpt-4o").put("candidate", "gpt-4o-mini").put("share", 1.0)
                    .put("budget_usd", 5).put("max_per_minute", 10_000);
            Http.Response started = gw.http().post("/admin/shadows", shadow, ADMIN);
            assertThat(started.status()).as(started.body()).isEqualTo(201);
            String shadowId = started.json().path("id").asText();

            gw.createTeam("search");
            JsonNode created = gw.createKey((ObjectNode) Json.object().put("name", "app").put("team", "search")
                    .set("budget", Json.object().put("daily_usd", 4.5 * cost)));
            String key = created.path("key").asText();
            String keyId = created.path("id").asText();
            List<Integer> statuses = new ArrayList<>();
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                Http.Response r = ask(gw, key);
                statuses.add(r.status());
                if (r.status() != 200) {
                    assertThat(r.json().path("error").path("code").asText()).isEqualTo("budget_exceeded");
                    break;
                }
                ids.add(r.header("x-request-id"));
                int copies = ids.size();
                // the copy runs after the answer; wait until it is settled and charged
                await().atMost(Duration.ofSeconds(10)).until(() -> gw.http().get("/admin/shadows/" + shadowId, ADMIN).json()
                        .path("results").path("calls").asInt() >= copies);
            }
            // without the copies' cost the key would have had 4 answers
            assertThat(statuses).containsExactly(200, 200, 429);

            gw.flushLog();
            JsonNode row = null;
            for (JsonNode r : gw.logs("?limit=50")) {
                if (r.path("request_id").asText().equals(ids.getFirst() + "-shadow")) {
                    row = r;
                }
            }
            assertThat(row).as("the copy's request-log row").isNotNull();
            assertThat(row.path("key_id").asText()).isEqualTo(keyId);
            assertThat(row.path("team").asText()).isEqualTo("search");
            assertThat(row.path("user").asText()).isEqualTo("alice");
            assertThat(row.path("variant").asText()).isEqualTo("shadow");
            assertThat(row.path("experiment").asText()).isEqualTo(shadowId);
            assertThat(row.path("tags").path("shadow").asText()).isEqualTo(shadowId);
            assertThat(row.path("model").asText()).isEqualTo("gpt-4o-mini");
            assertThat(row.path("cost_usd").asDouble()).isGreaterThan(0);
        }
    }
}
