package dev.sluice.analytics;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.api.Json;
import dev.sluice.store.RequestRecord;
import dev.sluice.testing.Http;
import dev.sluice.testing.TestGateway;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("GET /admin/analytics/requests: filters, pages, a tail cursor, team-limited readers")
class RequestSearchTest {
    static final Map<String, String> ADMIN = Map.of("authorization", "Bearer " + TestGateway.ADMIN_KEY);
    static final long T0 = Instant.parse("2026-03-01T10:00:00Z").toEpochMilli();

    static List<String> ids(JsonNode list) {
        List<String> out = new ArrayList<>();
        list.path("data").forEach(r -> out.add(r.path("request_id").asText()));
        return out;
    }

    static JsonNode get(TestGateway gw, String query) {
        Http.Response r = gw.http().get("/admin/analytics/requests?" + query, ADMIN);
        assertThat(r.status()).as(query + ": " + r.body()).isEqualTo(200);
        return r.json();
    }

    @ParameterizedTest(name = "on {0}")
    @ValueSource(strings = {"sqlite", "postgresql"})
    @DisplayName("every filter narrows the rows to exactly the matching ones")
    void filters(String store) {
        try (TestGateway gw = StatsTest.start(store)) {
            Seed.write(gw, List.of(
                    Seed.row(T0, "a", "key_1", "search", "ann", "gpt-4o-mini", "sim", 200, null, 100, 20, 10, 5, 0.001, "miss",
                            "{\"feature\":\"answers\",\"prompt_version\":\"v2\"}", "s1", "11111111111111111111111111111111"),
                    Seed.row(T0 + 1000, "b", "key_1", "search", "bob", "gpt-4o", "sim", 429, "rate_limited", 5, -1, 0, 0, 0,
                            null, null, "s1", null),
                    Seed.row(T0 + 2000, "c", "key_2", "ads", "ann", "gpt-4o", "other", 502, "server_error", 3000, -1, 0, 0, 0,
                            null, "{\"feature\":\"Answers\"}", null, null),
                    Seed.row(T0 + 3000, "d", "key_2", "ads", "cy", "gpt-4o-mini", "sim", 200, null, 800, 90, 30, 40, 0.02, "hit",
                            "{\"feature\":\"answers\"}", null, null)));
            assertThat(ids(get(gw, "from=2026-03-01T10:00:00Z"))).containsExactly("d", "c", "b", "a");
            assertThat(ids(get(gw, "key=key_1"))).containsExactly("b", "a");
            assertThat(ids(get(gw, "team=ads"))).containsExactly("d", "c");
            assertThat(ids(get(gw, "user=ann"))).containsExactly("c", "a");
            assertThat(ids(get(gw, "model=gpt-4o"))).containsExactly("c", "b");
            assertThat(ids(get(gw, "provider=other"))).containsExactly("c");
            assertThat(ids(get(gw, "status=429"))).containsExactly("b");
            assertThat(ids(get(gw, "status=5xx"))).containsExactly("c");
            assertThat(ids(get(gw, "status=error"))).containsExactly("c", "b");
            assertThat(ids(get(gw, "status=ok"))).containsExactly("d", "a");
            assertThat(ids(get(gw, "error_type=rate_limited"))).containsExactly("b");
            assertThat(ids(get(gw, "tag=feature:answers"))).as("tags match case-sensitively").containsExactly("d", "a");
            assertThat(ids(get(gw, "tag=feature:answers&tag=prompt_version:v2"))).containsExactly("a");
            assertThat(ids(get(gw, "min_latency_ms=800"))).containsExactly("d", "c");
            assertThat(ids(get(gw, "min_cost=0.01"))).containsExactly("d");
            assertThat(ids(get(gw, "session=s1"))).containsExactly("b", "a");
            assertThat(ids(get(gw, "trace_id=11111111111111111111111111111111"))).containsExactly("a");
            assertThat(ids(get(gw, "request_id=c"))).containsExactly("c");
            assertThat(ids(get(gw, "cache_status=hit"))).containsExactly("d");
            assertThat(ids(get(gw, "operation=embeddings"))).isEmpty();
            assertThat(ids(get(gw, "from=" + (T0 + 1000) + "&to=" + (T0 + 3000)))).containsExactly("c", "b");
            assertThat(ids(get(gw, "to=2026-03-01"))).isEmpty();
            JsonNode a = get(gw, "request_id=a").path("data").get(0);
            assertThat(a.path("tags").path("prompt_version").asText()).isEqualTo("v2");
            assertThat(a.path("ttft_ms").asInt()).isEqualTo(20);

            for (String bad : List.of("status=2xxx", "min_latency_ms=-1", "min_cost=cheap", "tag=nocolon", "limit=x",
                    "cursor=abc", "from=someday", "after=1&cursor=2")) {
                Http.Response r = gw.http().get("/admin/analytics/requests?" + bad, ADMIN);
                assertThat(r.status()).as(bad).isEqualTo(400);
                assertThat(r.json().path("error").path("message").asText()).isNotBlank();
            }
        }
    }

    @ParameterizedTest(name = "on {0}")
    @ValueSource(strings = {"sqlite", "postgresql"})
    @DisplayName("pages follow next_cursor without gaps or repeats; a tail query with after= returns only newer rows")
    void pagesAndTail(String store) {
        try (TestGateway gw = StatsTest.start(store)) {
            List<RequestRecord> rows = new ArrayList<>();
            for (int i = 0; i < 25; i++) {
                rows.add(Seed.row(T0 + i, "r" + i, "k", null, null, "gpt-4o-mini", "sim", 200, null, i, i, 1, 1, 0, null,
                        null, null, null));
            }
            Seed.write(gw, rows);
            List<String> seen = new ArrayList<>();
            String cursor = null;
            int pages = 0;
            do {
                JsonNode page = get(gw, "limit=10" + (cursor == null ? "" : "&cursor=" + cursor));
                seen.addAll(ids(page));
                cursor = page.path("next_cursor").isNull() ? null : page.path("next_cursor").asText();
                pages++;
            } while (cursor != null);
            assertThat(pages).isEqualTo(3);
            assertThat(seen).hasSize(25).doesNotHaveDuplicates().startsWith("r24", "r23").endsWith("r0");

            String tail = get(gw, "limit=5").path("tail_cursor").asText();
            JsonNode nothing = get(gw, "after=" + tail);
            assertThat(ids(nothing)).isEmpty();
            assertThat(nothing.path("tail_cursor").asText()).isEqualTo(tail);
            Seed.write(gw, List.of(Seed.row(T0 + 100, "new1", "k", null, null, "m", "sim", 200, null, 1, 1, 1, 1, 0, null,
                    null, null, null), Seed.row(T0 + 101, "new2", "k", null, null, "m", "sim", 200, null, 1, 1, 1, 1, 0,
                    null, null, null, null)));
            JsonNode newer = get(gw, "after=" + tail);
            assertThat(ids(newer)).as("oldest first").containsExactly("new1", "new2");
            assertThat(ids(get(gw, "after=" + newer.path("tail_cursor").asText()))).isEmpty();
            JsonNode firstOnly = get(gw, "after=" + tail + "&limit=1");
            assertThat(ids(firstOnly)).containsExactly("new1");
            assertThat(ids(get(gw, "after=" + firstOnly.path("tail_cursor").asText()))).containsExactly("new2");
        }
    }

    @Test
    @DisplayName("a team-limited admin key sees only its team's requests and gets a 403 for another team")
    void teamLimited() {
        try (TestGateway gw = TestGateway.start()) {
            gw.createTeam("search");
            gw.createTeam("ads");
            Seed.write(gw, List.of(
                    Seed.row(T0, "s", "k1", "search", null, "m", "sim", 200, null, 1, 1, 1, 1, 0, null, null, null, null),
                    Seed.row(T0, "x", "k2", "ads", null, "m", "sim", 200, null, 1, 1, 1, 1, 0, null, null, null, null)));
            String viewer = gw.http().post("/admin/admin-keys", Json.object().put("name", "v").put("role", "viewer")
                    .put("team", "search"), ADMIN).json().path("key").asText();
            Map<String, String> auth = Map.of("authorization", "Bearer " + viewer);
            Http.Response mine = gw.http().get("/admin/analytics/requests", auth);
            assertThat(mine.status()).isEqualTo(200);
            assertThat(ids(mine.json())).containsExactly("s");
            assertThat(gw.http().get("/admin/analytics/requests?team=ads", auth).status()).isEqualTo(403);
            assertThat(gw.http().get("/admin/analytics/stats?team=ads", auth).status()).isEqualTo(403);
            assertThat(gw.http().get("/admin/analytics/stats", auth).json().path("requests").asLong()).isEqualTo(1);
        }
    }
}
