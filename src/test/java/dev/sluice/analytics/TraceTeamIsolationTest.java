package dev.sluice.analytics;

import static dev.sluice.analytics.SessionsAndTracesTest.ADMIN;
import static dev.sluice.analytics.SessionsAndTracesTest.send;
import static dev.sluice.analytics.SessionsAndTracesTest.span;
import static dev.sluice.analytics.SessionsAndTracesTest.traceIds;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.Json;
import dev.sluice.testing.Http;
import dev.sluice.testing.TestGateway;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;

@DisplayName("Traces never cross teams: team membership is a column compared exactly, summaries show only the"
        + " reader's spans, and a key cannot add spans to another team's trace")
class TraceTeamIsolationTest {
    record Team(String key, Map<String, String> viewer) {}

    static Team team(TestGateway gw, String name) {
        String key = gw.createKey(Json.object().put("name", name + "-app").put("team", name)).path("key").asText();
        String viewer = gw.http().post("/admin/admin-keys", Json.object().put("name", name + "-viewer")
                .put("role", "viewer").put("team", name), ADMIN).json().path("key").asText();
        return new Team(key, Map.of("authorization", "Bearer " + viewer));
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "on {0}")
    @org.junit.jupiter.params.provider.ValueSource(strings = {"sqlite", "postgresql"})
    @DisplayName("a team-A span whose attributes spell {\"sluice.team\":\"teamb\"} (a nested kvlist, a string) does not show"
            + " up in team B's trace search or sessions")
    void attributeTextCannotClaimATeam(String store) {
        try (TestGateway gw = StatsTest.start(store)) {
            Team a = team(gw, "teama");
            Team b = team(gw, "teamb");
            String t = TraceIngestTest.hex(16);
            ObjectNode s = span(t, TraceIngestTest.hex(8), null, "sneaky", 0, 10, false, "sess-a");
            s.withArray("attributes").addObject().put("key", "meta").putObject("value").putObject("kvlistValue")
                    .putArray("values").addObject().put("key", "sluice.team").putObject("value").put("stringValue", "teamb");
            s.withArray("attributes").addObject().put("key", "note").putObject("value")
                    .put("stringValue", "{\"sluice.team\":\"teamb\"}");
            send(gw, a.key(), "app-a", List.of(s));
            TraceIngestTest.flush(gw);
            // the attack's bytes are really stored
            assertThat(gw.http().get("/admin/traces/" + t, ADMIN).body()).contains("{\"sluice.team\":\"teamb\"}");

            assertThat(traceIds(gw.http().get("/admin/analytics/traces", b.viewer()).json())).doesNotContain(t);
            assertThat(traceIds(gw.http().get("/admin/analytics/traces?session=sess-a", b.viewer()).json())).isEmpty();
            assertThat(gw.http().get("/admin/sessions/sess-a", b.viewer()).status()).isEqualTo(404);
            assertThat(gw.http().get("/admin/traces/" + t, b.viewer()).status()).isEqualTo(403);
            // its own team still sees it
            assertThat(traceIds(gw.http().get("/admin/analytics/traces", a.viewer()).json())).containsExactly(t);
            assertThat(gw.http().get("/admin/sessions/sess-a", a.viewer()).status()).isEqualTo(200);
        }
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "on {0}")
    @org.junit.jupiter.params.provider.ValueSource(strings = {"sqlite", "postgresql"})
    @DisplayName("a key may not add spans to another team's trace (403, nothing stored); joining it through a gateway call"
            + " shows the joiner only its own spans: not the owner's root, session, span count or timing")
    void anotherTeamsTraceStaysClosed(String store) {
        try (TestGateway gw = StatsTest.start(store)) {
            Team a = team(gw, "teama");
            Team b = team(gw, "teamb");
            String t = TraceIngestTest.hex(16);
            String root = TraceIngestTest.hex(8);
            send(gw, b.key(), "app-b", List.of(span(t, root, null, "b secret root", 0, 5_000, false, "secret-b"),
                    span(t, TraceIngestTest.hex(8), root, "b child", 1, 10, true, "secret-b")));
            TraceIngestTest.flush(gw);

            // A sends a span into B's trace: refused
            ObjectNode body = Json.object();
            body.putArray("resourceSpans").addObject().putArray("scopeSpans").addObject().putArray("spans")
                    .add(span(t, TraceIngestTest.hex(8), root, "a intruder", 2, 1, false, null));
            Http.Response refused = gw.http().post("/v1/traces", body, Map.of("authorization", "Bearer " + a.key(),
                    "content-type", "application/json"));
            assertThat(refused.status()).isEqualTo(403);
            assertThat(refused.json().path("code").asInt()).isEqualTo(7);
            assertThat(refused.json().path("message").asText()).contains(t, "another team");
            // B itself may keep adding to its trace
            send(gw, b.key(), "app-b", List.of(span(t, TraceIngestTest.hex(8), root, "b later", 3, 1, false, null)));

            // A joins B's trace through a gateway call with B's traceparent
            assertThat(gw.http().post("/v1/chat/completions", "{\"model\":\"gpt-4o-mini\",\"messages\":"
                    + "[{\"role\":\"user\",\"content\":\"hi\"}]}", Map.of("authorization", "Bearer " + a.key(),
                    "traceparent", "00-" + t + "-" + root + "-01")).status()).isEqualTo(200);
            TraceIngestTest.flush(gw);

            JsonNode full = gw.http().get("/admin/traces/" + t, ADMIN).json();
            assertThat(full.toString()).doesNotContain("a intruder");
            int aSpans = full.path("span_count").asInt() - 3;
            assertThat(aSpans).isPositive();

            JsonNode list = gw.http().get("/admin/analytics/traces", a.viewer()).json();
            assertThat(traceIds(list)).containsExactly(t);
            JsonNode summary = list.path("data").get(0);
            assertThat(summary.path("spans").asInt()).isEqualTo(aSpans);
            assertThat(summary.path("errors").asInt()).isZero();
            assertThat(summary.path("session_id").isNull()).isTrue();
            assertThat(summary.path("root_name").asText()).isNotEqualTo("b secret root");
            assertThat(summary.path("duration_ms").asDouble()).isLessThan(5_000);
            assertThat(list.toString()).doesNotContain("secret-b", "b secret root", "app-b");
            assertThat(gw.http().get("/admin/sessions/secret-b", a.viewer()).status()).isEqualTo(404);
            Http.Response tree = gw.http().get("/admin/traces/" + t, a.viewer());
            assertThat(tree.status()).isEqualTo(200);
            assertThat(tree.body()).doesNotContain("secret-b", "b secret root", "b child");

            // and B's view of its trace is B's spans only
            JsonNode bList = gw.http().get("/admin/analytics/traces", b.viewer()).json();
            assertThat(bList.path("data").get(0).path("spans").asInt()).isEqualTo(3);
            assertThat(bList.path("data").get(0).path("session_id").asText()).isEqualTo("secret-b");
            assertThat(bList.path("data").get(0).path("root_name").asText()).isEqualTo("b secret root");
        }
    }
}
