package dev.sluice.limits;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.Json;
import dev.sluice.sim.SimOptions;
import dev.sluice.testing.Http;
import dev.sluice.testing.Services;
import dev.sluice.testing.TestGateway;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("GET /admin/limits: the headroom under a key's and a team's limits and budgets, from the limiter's state")
class HeadroomTest {
    private static final Map<String, String> ADMIN = Map.of("authorization", "Bearer " + TestGateway.ADMIN_KEY);

    private static Map<String, JsonNode> byType(JsonNode list, String scope) {
        Map<String, JsonNode> out = new HashMap<>();
        list.path("data").forEach(u -> {
            if (u.path("scope").asText().equals(scope)) {
                out.put(u.path("limit_type").asText(), u);
            }
        });
        return out;
    }

    private static int chat(TestGateway gw, String secret) {
        ObjectNode body = Json.object().put("model", "gpt-4o-mini").put("max_tokens", 10);
        body.putArray("messages").addObject().put("role", "user").put("content", "How much room is left?");
        return gw.http().post("/v1/chat/completions", body, Map.of("authorization", "Bearer " + secret)).status();
    }

    private static JsonNode limits(TestGateway gw, String query, Map<String, String> auth) {
        Http.Response r = gw.http().get("/admin/limits?" + query, auth);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json();
    }

    @Test
    @DisplayName("requests, tokens and spend of a key and its team show as used; a full rpm bucket has nothing left; looking takes nothing")
    void local() {
        try (TestGateway gw = TestGateway.start(SimOptions.defaults().withOutputTokens(10), "", Clock.systemUTC())) {
            gw.createTeam("room");
            Map<String, String> json = new HashMap<>(ADMIN);
            json.put("content-type", "application/json");
            Http.Response patched = gw.http().patch("/admin/teams/room",
                    "{\"limits\":{\"tpm\":100000},\"budget\":{\"monthly_usd\":50}}", json);
            assertThat(patched.status()).as(patched.body()).isEqualTo(200);
            JsonNode key = gw.createKey(Json.parse(("{\"name\":\"headroom\",\"team\":\"room\",\"limits\":{\"rpm\":3,\"tpm\":50000,"
                    + "\"concurrency\":2},\"budget\":{\"daily_usd\":5}}").getBytes()));
            String id = key.path("id").asText();
            Map<String, JsonNode> before = byType(limits(gw, "key=" + id, ADMIN), "key");
            assertThat(before.keySet()).containsExactlyInAnyOrder("rpm", "tpm", "concurrency", "daily_usd");
            assertThat(before.get("rpm").path("used").asDouble()).isZero();
            for (int i = 0; i < 3; i++) {
                assertThat(chat(gw, key.path("key").asText())).isEqualTo(200);
            }
            assertThat(chat(gw, key.path("key").asText())).as("the fourth in a minute").isEqualTo(429);
            JsonNode both = limits(gw, "key=" + id + "&team=room", ADMIN);
            Map<String, JsonNode> k = byType(both, "key");
            // 3 taken; refill gives back 3 per minute, so at most a third of one per 20 s of test time
            assertThat(k.get("rpm").path("used").asDouble()).isBetween(2.0, 3.0);
            assertThat(k.get("rpm").path("available").asDouble()).isLessThan(1.0);
            assertThat(k.get("rpm").path("resets_in_seconds").asLong()).isBetween(1L, 60L);
            // a few dozen tokens refill within a second at 50,000 a minute: only the bound is certain
            assertThat(k.get("tpm").path("used").asDouble()).isBetween(0.0, 1000.0);
            assertThat(k.get("tpm").path("limit").asDouble()).isEqualTo(50000.0);
            assertThat(k.get("concurrency").path("used").asDouble()).as("nothing in flight").isZero();
            assertThat(k.get("daily_usd").path("used").asDouble()).isPositive();
            assertThat(k.get("daily_usd").path("limit").asDouble()).isEqualTo(5.0);
            Map<String, JsonNode> team = byType(both, "team");
            assertThat(team.keySet()).containsExactlyInAnyOrder("tpm", "monthly_usd");
            assertThat(team.get("monthly_usd").path("used").asDouble())
                    .isCloseTo(k.get("daily_usd").path("used").asDouble(), org.assertj.core.data.Offset.offset(1e-9));
            assertThat(limits(gw, "key=" + id, ADMIN).path("data").get(0).path("used").asDouble())
                    .as("a look takes nothing").isLessThanOrEqualTo(k.get("rpm").path("used").asDouble());

            JsonNode second = gw.createKey(Json.parse("{\"name\":\"second\",\"limits\":{\"rpm\":7}}".getBytes()));
            JsonNode two = limits(gw, "key=" + id + "&key=" + second.path("id").asText(), ADMIN);
            assertThat(two.path("data").findValuesAsText("subject")).contains(id, second.path("id").asText());
            JsonNode teams = limits(gw, "team=room&team=nobody", ADMIN);
            assertThat(teams.path("data").findValuesAsText("subject")).contains("room").doesNotContain("nobody");
            assertThat(gw.http().get("/admin/limits", ADMIN).status()).isEqualTo(400);
            gw.createTeam("other");
            String otherTeamAdmin = gw.http().post("/admin/admin-keys", Json.object().put("name", "o").put("role", "team_admin")
                    .put("team", "other"), ADMIN).json().path("key").asText();
            Http.Response refused = gw.http().get("/admin/limits?key=" + id, Map.of("authorization", "Bearer " + otherTeamAdmin));
            assertThat(refused.status()).as(refused.body()).isEqualTo(403);
            assertThat(gw.http().get("/admin/limits?key=key_nope", ADMIN).status()).isEqualTo(404);
        }
    }

    @Test
    @DisplayName("with limits shared through Redis, another instance shows the traffic this one admitted")
    void shared() throws Exception {
        String yaml = "store:\n  url: \"" + Services.postgres() + "\"\nredis:\n  url: " + Services.redis() + "\n  timeout: 5s\n";
        try (TestGateway a = TestGateway.start(SimOptions.defaults().withOutputTokens(10), yaml, Clock.systemUTC());
             TestGateway b = TestGateway.start(SimOptions.defaults().withOutputTokens(10), yaml, Clock.systemUTC())) {
            JsonNode key = a.createKey(Json.parse("{\"name\":\"shared-room\",\"limits\":{\"rpm\":5},\"budget\":{\"daily_usd\":2}}"
                    .getBytes()));
            for (int i = 0; i < 4; i++) {
                assertThat(chat(a, key.path("key").asText())).isEqualTo(200);
            }
            Map<String, JsonNode> seenByB = byType(limits(b, "key=" + key.path("id").asText(), ADMIN), "key");
            assertThat(seenByB.get("rpm").path("used").asDouble()).isBetween(3.0, 4.0);
            assertThat(seenByB.get("daily_usd").path("used").asDouble()).isPositive();
        }
    }
}
