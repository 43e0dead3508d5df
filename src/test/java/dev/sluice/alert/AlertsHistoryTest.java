package dev.sluice.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.Json;
import dev.sluice.sim.SimOptions;
import dev.sluice.testing.Http;
import dev.sluice.testing.MutableClock;
import dev.sluice.testing.TestGateway;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Alert history: GET /admin/alerts lists the rules with their state and the alerts this node sent")
class AlertsHistoryTest {
    private static final Map<String, String> ADMIN = Map.of("authorization", "Bearer " + TestGateway.ADMIN_KEY);

    private static ObjectNode chat(String text) {
        ObjectNode body = Json.object().put("model", "gpt-4o-mini").put("max_tokens", 10);
        body.putArray("messages").addObject().put("role", "user").put("content", text);
        return body;
    }

    private static JsonNode alerts(TestGateway gw, String query, Map<String, String> auth) {
        Http.Response r = gw.http().get("/admin/alerts" + query, auth);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json();
    }

    private static List<String> statuses(JsonNode page) {
        List<String> out = new ArrayList<>();
        page.path("data").forEach(a -> out.add(a.path("details").path("rule").asText(a.path("title").asText()) + ":"
                + a.path("status").asText()));
        return out;
    }

    @Test
    @DisplayName("a rule fires and resolves: both are in the history, newest first, and the rule's state follows")
    void firingAndResolved() {
        MutableClock clock = new MutableClock(Instant.parse("2026-12-06T08:00:00Z"));
        try (TestGateway gw = TestGateway.start(SimOptions.defaults(), TestGateway.NO_RESILIENCE + """
                alerts:
                  evaluation_interval: 50ms
                  rules:
                    - name: upstream-errors
                      metric: error_rate
                      window: 5m
                      threshold: 20%
                      min_samples: 3
                      priority: P1
                      message: "upstream failing"
                    - name: search-unhappy
                      metric: negative_feedback_rate
                      team: search
                      threshold: 50%
                      message: "team search dislikes the answers"
                """, clock)) {
            JsonNode before = alerts(gw, "", ADMIN);
            assertThat(before.path("object").asText()).isEqualTo("alerts");
            assertThat(before.path("scope").asText()).isEqualTo("node");
            assertThat(before.path("data")).isEmpty();
            assertThat(before.path("rules")).hasSize(2);
            JsonNode rule = before.path("rules").get(0);
            assertThat(rule.path("name").asText()).isEqualTo("upstream-errors");
            assertThat(rule.path("metric").asText()).isEqualTo("error_rate");
            assertThat(rule.path("window").asText()).isEqualTo("5m");
            assertThat(rule.path("threshold_text").asText()).isEqualTo("20.00%");
            assertThat(rule.path("state").asText()).isEqualTo("ok");

            String key = gw.createKey("app");
            Map<String, String> failing = Http.bearer(key, "x-sim-error-rate", "1", "x-sim-error-status", "500");
            for (int i = 0; i < 3; i++) {
                assertThat(gw.http().post("/v1/chat/completions", chat("bad " + i), failing).status()).isEqualTo(502);
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> statuses(alerts(gw, "", ADMIN)).contains("upstream-errors:firing"));
            JsonNode firing = alerts(gw, "", ADMIN);
            JsonNode entry = firing.path("data").get(0);
            assertThat(entry.path("object").asText()).isEqualTo("alert");
            assertThat(entry.path("priority").asText()).isEqualTo("P1");
            assertThat(entry.path("title").asText()).startsWith("FIRING upstream-errors");
            assertThat(entry.path("message").asText()).isEqualTo("upstream failing");
            assertThat(entry.path("details").path("value").asDouble()).isEqualTo(1.0);
            assertThat(entry.path("details").path("samples").asInt()).isEqualTo(3);
            assertThat(entry.path("time").asText()).isEqualTo("2026-12-06T08:00:00Z");
            JsonNode firingRule = firing.path("rules").get(0);
            assertThat(firingRule.path("state").asText()).isEqualTo("firing");
            assertThat(firingRule.path("value").asDouble()).isEqualTo(1.0);
            assertThat(firingRule.path("last_fired_at").asText()).isEqualTo("2026-12-06T08:00:00Z");

            clock.advance(Duration.ofMinutes(6));   // the window empties
            await().atMost(Duration.ofSeconds(10)).until(() -> statuses(alerts(gw, "", ADMIN)).contains("upstream-errors:resolved"));
            JsonNode after = alerts(gw, "", ADMIN);
            assertThat(statuses(after)).containsExactly("upstream-errors:resolved", "upstream-errors:firing");
            assertThat(after.path("rules").get(0).path("state").asText()).isEqualTo("ok");
            assertThat(after.path("history_total").asInt()).isEqualTo(2);

            // filters: status, since, limit
            assertThat(statuses(alerts(gw, "?status=firing", ADMIN))).containsExactly("upstream-errors:firing");
            assertThat(statuses(alerts(gw, "?limit=1", ADMIN))).containsExactly("upstream-errors:resolved");
            assertThat(statuses(alerts(gw, "?since=2026-12-06T08:03:00Z", ADMIN))).containsExactly("upstream-errors:resolved");
        }
    }

    @Test
    @DisplayName("admin keys only; a team-limited key sees its team's rules and alerts; bad filters get a 400 naming them")
    void rolesAndErrors() {
        try (TestGateway gw = TestGateway.start(SimOptions.defaults(), """
                alerts:
                  rules:
                    - {name: org-errors, metric: error_rate, threshold: 5%, message: "org"}
                    - {name: search-unhappy, metric: negative_feedback_rate, team: search, threshold: 50%, message: "s"}
                """, java.time.Clock.systemUTC())) {
            assertThat(gw.http().get("/admin/alerts", Map.of()).status()).isEqualTo(401);
            String virtualKey = gw.createKey("app");
            assertThat(gw.http().get("/admin/alerts", Http.bearer(virtualKey)).status()).isEqualTo(401);

            gw.createTeam("search");
            gw.createTeam("ads");
            Http.Response created = gw.http().post("/admin/admin-keys", Json.object().put("name", "v").put("role", "viewer")
                    .put("team", "search"), ADMIN);
            assertThat(created.status()).as(created.body()).isIn(200, 201);
            Map<String, String> viewer = Map.of("authorization", "Bearer " + created.json().path("key").asText());
            JsonNode seen = alerts(gw, "", viewer);
            assertThat(seen.path("rules")).hasSize(1);
            assertThat(seen.path("rules").get(0).path("name").asText()).isEqualTo("search-unhappy");
            assertThat(gw.http().get("/admin/alerts?team=ads", viewer).status()).isEqualTo(403);
            assertThat(alerts(gw, "?team=search", ADMIN).path("rules")).hasSize(1);
            assertThat(alerts(gw, "", ADMIN).path("rules")).hasSize(2);

            Http.Response bad = gw.http().get("/admin/alerts?status=burning", ADMIN);
            assertThat(bad.status()).isEqualTo(400);
            assertThat(bad.json().path("error").path("param").asText()).isEqualTo("status");
            Http.Response badSince = gw.http().get("/admin/alerts?since=yesterday-ish", ADMIN);
            assertThat(badSince.status()).isEqualTo(400);
            assertThat(badSince.json().path("error").path("param").asText()).isEqualTo("since");
        }
    }

    @Test
    @DisplayName("the history is a ring: the oldest alerts go first, the count of all alerts ever sent stays")
    void ring() {
        MutableClock clock = new MutableClock(Instant.parse("2026-12-06T08:00:00Z"));
        AlertHistory history = new AlertHistory(3, clock);
        for (int i = 1; i <= 5; i++) {
            history.add(new Alert("P3", "alert " + i, "m", i == 5 ? Map.of("status", "firing", "team", "a") : Map.of()));
            clock.advance(Duration.ofSeconds(1));
        }
        assertThat(history.recent(null, null, 0, 10)).extracting(AlertHistory.Entry::title)
                .containsExactly("alert 5", "alert 4", "alert 3");
        assertThat(history.total()).isEqualTo(5);
        assertThat(history.recent(null, null, 0, 10).getFirst().status()).isEqualTo("firing");
        assertThat(history.recent(null, null, 0, 10).get(1).status()).isEqualTo("notice");
        assertThat(history.recent("a", null, 0, 10)).extracting(AlertHistory.Entry::title).containsExactly("alert 5");
        assertThat(history.recent(null, "notice", 0, 10)).extracting(AlertHistory.Entry::id).containsExactly(4L, 3L);
    }
}
