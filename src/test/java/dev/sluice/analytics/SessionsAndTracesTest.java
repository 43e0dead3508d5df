package dev.sluice.analytics;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.Json;
import dev.sluice.testing.Http;
import dev.sluice.testing.OtlpJson;
import dev.sluice.testing.TestGateway;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("Trace search, one trace as a tree (orphans, cycles, deep nesting), sessions, and team limits on traces")
class SessionsAndTracesTest {
    static final Map<String, String> ADMIN = Map.of("authorization", "Bearer " + TestGateway.ADMIN_KEY);
    static final long BASE = 1_767_000_000_000_000_000L; // 2025-12-29, in nanoseconds

    /** An OTLP/JSON span. */
    static ObjectNode span(String traceId, String spanId, String parent, String name, long startMs, long durationMs,
                           boolean error, String session) {
        ObjectNode s = Json.object().put("traceId", traceId).put("spanId", spanId).put("name", name)
                .put("startTimeUnixNano", Long.toString(BASE + startMs * 1_000_000))
                .put("endTimeUnixNano", Long.toString(BASE + (startMs + durationMs) * 1_000_000));
        if (parent != null) {
            s.put("parentSpanId", parent);
        }
        if (error) {
            s.putObject("status").put("code", 2);
        }
        if (session != null) {
            s.putArray("attributes").addObject().put("key", "session.id").putObject("value").put("stringValue", session);
        }
        return s;
    }

    static void send(TestGateway gw, String key, String service, List<ObjectNode> spans) {
        Http.Response r = OtlpJson.send(gw, key, service, spans);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().has("partialSuccess")).as(r.body()).isFalse();
    }

    static List<String> traceIds(JsonNode list) {
        List<String> out = new ArrayList<>();
        list.path("data").forEach(t -> out.add(t.path("trace_id").asText()));
        return out;
    }

    static JsonNode get(TestGateway gw, String path) {
        Http.Response r = gw.http().get(path, ADMIN);
        assertThat(r.status()).as(path + ": " + r.body()).isEqualTo(200);
        return r.json();
    }

    @ParameterizedTest(name = "on {0}")
    @ValueSource(strings = {"sqlite", "postgresql"})
    @DisplayName("trace search filters by time, service, span name (exact or prefix*), session, duration and errors, and pages")
    void traceSearch(String store) {
        try (TestGateway gw = StatsTest.start(store)) {
            String key = gw.createKey("apps");
            String t1 = TraceIngestTest.hex(16);
            String t2 = TraceIngestTest.hex(16);
            String t3 = TraceIngestTest.hex(16);
            String r1 = TraceIngestTest.hex(8);
            send(gw, key, "rag-app", List.of(span(t1, r1, null, "answer question", 0, 900, false, "sess-a"),
                    span(t1, TraceIngestTest.hex(8), r1, "retrieve docs", 10, 100, false, null)));
            send(gw, key, "agent", List.of(span(t2, TraceIngestTest.hex(8), null, "plan step", 1000, 50, true, null)));
            send(gw, key, "rag-app", List.of(span(t3, TraceIngestTest.hex(8), null, "answer question", 2000, 20, false,
                    "sess-b")));
            TraceIngestTest.flush(gw);

            JsonNode all = get(gw, "/admin/analytics/traces");
            assertThat(traceIds(all)).containsExactly(t3, t2, t1);
            JsonNode first = all.path("data").get(2);
            assertThat(first.path("root_name").asText()).isEqualTo("answer question");
            assertThat(first.path("root_service").asText()).isEqualTo("rag-app");
            assertThat(first.path("spans").asInt()).isEqualTo(2);
            assertThat(first.path("duration_ms").asDouble()).isEqualTo(900.0);
            assertThat(first.path("session_id").asText()).isEqualTo("sess-a");
            assertThat(traceIds(get(gw, "/admin/analytics/traces?service=agent"))).containsExactly(t2);
            assertThat(traceIds(get(gw, "/admin/analytics/traces?name=retrieve%20docs"))).containsExactly(t1);
            assertThat(traceIds(get(gw, "/admin/analytics/traces?name=answer*"))).containsExactly(t3, t1);
            assertThat(traceIds(get(gw, "/admin/analytics/traces?name=answer"))).isEmpty();
            assertThat(traceIds(get(gw, "/admin/analytics/traces?session=sess-b"))).containsExactly(t3);
            assertThat(traceIds(get(gw, "/admin/analytics/traces?min_duration_ms=50"))).containsExactly(t2, t1);
            assertThat(traceIds(get(gw, "/admin/analytics/traces?errors=true"))).containsExactly(t2);
            long t2Ms = (BASE + 1_000_000_000L) / 1_000_000;
            assertThat(traceIds(get(gw, "/admin/analytics/traces?from=" + t2Ms + "&to=" + (t2Ms + 1)))).containsExactly(t2);

            JsonNode page1 = get(gw, "/admin/analytics/traces?limit=2");
            assertThat(traceIds(page1)).containsExactly(t3, t2);
            JsonNode page2 = get(gw, "/admin/analytics/traces?limit=2&cursor=" + page1.path("next_cursor").asText());
            assertThat(traceIds(page2)).containsExactly(t1);
            assertThat(page2.path("next_cursor").isNull()).isTrue();

            assertThat(gw.http().get("/admin/analytics/traces?cursor=nope", ADMIN).status()).isEqualTo(400);
            assertThat(gw.http().get("/admin/analytics/traces?errors=maybe", ADMIN).status()).isEqualTo(400);
            assertThat(gw.http().get("/admin/analytics/traces?min_duration_ms=x", ADMIN).status()).isEqualTo(400);
        }
    }

    @Test
    @DisplayName("a trace tree survives orphans, parent cycles and 1,000-deep nesting; unknown or malformed ids are 404 and 400")
    void treeShapes() {
        try (TestGateway gw = TestGateway.start()) {
            String key = gw.createKey("shapes");
            String t = TraceIngestTest.hex(16);
            String a = TraceIngestTest.hex(8);
            String b = TraceIngestTest.hex(8);
            String orphan = TraceIngestTest.hex(8);
            // a and b are each other's parent; orphan's parent was never sent
            send(gw, key, "odd", List.of(span(t, a, b, "cycle a", 0, 10, false, null),
                    span(t, b, a, "cycle b", 1, 5, false, null),
                    span(t, orphan, TraceIngestTest.hex(8), "orphan", 2, 5, false, null)));
            String deep = TraceIngestTest.hex(16);
            List<ObjectNode> chain = new ArrayList<>();
            String parent = null;
            for (int i = 0; i < 1000; i++) {
                String id = String.format("%016x", i + 1);
                chain.add(span(deep, id, parent, "level " + i, i, 2000 - i, false, null));
                parent = id;
            }
            send(gw, key, "deep", chain);
            TraceIngestTest.flush(gw);

            JsonNode tree = get(gw, "/admin/traces/" + t);
            assertThat(tree.path("span_count").asInt()).isEqualTo(3);
            List<String> roots = new ArrayList<>();
            tree.path("roots").forEach(r -> roots.add(r.path("name").asText()));
            assertThat(roots).containsExactly("orphan", "cycle a");
            assertThat(tree.path("roots").get(1).path("children").get(0).path("name").asText()).isEqualTo("cycle b");

            JsonNode deepTree = get(gw, "/admin/traces/" + deep);
            assertThat(deepTree.path("span_count").asInt()).isEqualTo(1000);
            int depth = 0;
            int count = 0;
            JsonNode level = deepTree.path("roots");
            while (level.size() > 0) {
                count += level.size();
                depth++;
                level = level.get(level.size() - 1).path("children");
            }
            assertThat(depth).isEqualTo(TraceTree.MAX_DEPTH);
            assertThat(count).as("every span is in the answer").isEqualTo(1000);

            assertThat(gw.http().get("/admin/traces/" + TraceIngestTest.hex(16), ADMIN).status()).isEqualTo(404);
            Http.Response bad = gw.http().get("/admin/traces/xyz", ADMIN);
            assertThat(bad.status()).isEqualTo(400);
            assertThat(bad.json().path("error").path("param").asText()).isEqualTo("trace_id");
        }
    }

    @ParameterizedTest(name = "on {0}")
    @ValueSource(strings = {"sqlite", "postgresql"})
    @DisplayName("a session lists its traces in order, its requests and totals")
    void session(String store) {
        try (TestGateway gw = StatsTest.start(store)) {
            String key = gw.createKey("sessions");
            List<String> requestIds = new ArrayList<>();
            List<String> traceIdsSent = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                String traceId = TraceIngestTest.hex(16);
                traceIdsSent.add(traceId);
                Http.Response r = gw.http().post("/v1/chat/completions", "{\"model\":\"gpt-4o-mini\",\"messages\":"
                        + "[{\"role\":\"user\",\"content\":\"turn " + i + "\"}]}", Map.of("authorization", "Bearer " + key,
                        "x-sluice-session", "conv-9", "traceparent", "00-" + traceId + "-" + TraceIngestTest.hex(8) + "-01"));
                assertThat(r.status()).isEqualTo(200);
                requestIds.add(r.header("x-request-id"));
            }
            TraceIngestTest.flush(gw);
            JsonNode s = get(gw, "/admin/sessions/conv-9");
            assertThat(s.path("id").asText()).isEqualTo("conv-9");
            assertThat(traceIds(Json.object().set("data", s.path("traces")))).containsExactlyElementsOf(traceIdsSent);
            List<String> rows = new ArrayList<>();
            s.path("requests").forEach(r -> rows.add(r.path("request_id").asText()));
            assertThat(rows).containsExactlyElementsOf(requestIds);
            JsonNode totals = s.path("totals");
            assertThat(totals.path("requests").asInt()).isEqualTo(2);
            assertThat(totals.path("traces").asInt()).isEqualTo(2);
            assertThat(totals.path("errors").asInt()).isZero();
            long out = 0;
            for (JsonNode r : s.path("requests")) {
                out += r.path("tokens_out").asLong();
            }
            assertThat(totals.path("tokens_out").asLong()).isEqualTo(out).isPositive();
            assertThat(totals.path("cost_usd").asDouble()).isPositive();
            assertThat(gw.http().get("/admin/sessions/none-such", ADMIN).status()).isEqualTo(404);
        }
    }

    @Test
    @DisplayName("team-limited readers see their team's traces: spans belong to their sluice.team stamp, gateway stage spans"
            + " inherit their root's team; another team's trace is a 403")
    void teamsOnTraces() {
        try (TestGateway gw = TestGateway.start()) {
            String searchKey = gw.createKey(Json.object().put("name", "s").put("team", "search")).path("key").asText();
            String adsKey = gw.createKey(Json.object().put("name", "a").put("team", "ads")).path("key").asText();
            String viewer = gw.http().post("/admin/admin-keys", Json.object().put("name", "v").put("role", "viewer")
                    .put("team", "search"), ADMIN).json().path("key").asText();
            Map<String, String> asViewer = Map.of("authorization", "Bearer " + viewer);
            // an ads app span, under which a search key makes a gateway call
            String t = TraceIngestTest.hex(16);
            String app = TraceIngestTest.hex(8);
            send(gw, adsKey, "ads-app", List.of(span(t, app, null, "ads root", 0, 10, false, null)));
            assertThat(gw.http().post("/v1/chat/completions", "{\"model\":\"gpt-4o-mini\",\"messages\":"
                    + "[{\"role\":\"user\",\"content\":\"hi\"}]}", Map.of("authorization", "Bearer " + searchKey,
                    "traceparent", "00-" + t + "-" + app + "-01")).status()).isEqualTo(200);
            String adsOnly = TraceIngestTest.hex(16);
            send(gw, adsKey, "ads-app", List.of(span(adsOnly, TraceIngestTest.hex(8), null, "ads only", 0, 10, false, null)));
            TraceIngestTest.flush(gw);

            int all = get(gw, "/admin/traces/" + t).path("span_count").asInt();
            Http.Response mine = gw.http().get("/admin/traces/" + t, asViewer);
            assertThat(mine.status()).isEqualTo(200);
            JsonNode tree = mine.json();
            assertThat(tree.path("span_count").asInt()).as("all but the ads span").isEqualTo(all - 1);
            JsonNode root = tree.path("roots").get(0);
            assertThat(root.path("name").asText()).isEqualTo("chat gpt-4o-mini");
            assertThat(root.path("children").get(0).path("name").asText()).as("stage spans inherit the root's team")
                    .isEqualTo("sluice.AuthStage");
            Http.Response other = gw.http().get("/admin/traces/" + adsOnly, asViewer);
            assertThat(other.status()).isEqualTo(403);
            assertThat(other.json().path("error").path("message").asText()).contains("another team");
            assertThat(traceIds(gw.http().get("/admin/analytics/traces", asViewer).json())).containsExactly(t);
            assertThat(gw.http().get("/admin/analytics/traces?team=ads", asViewer).status()).isEqualTo(403);
        }
    }
}
