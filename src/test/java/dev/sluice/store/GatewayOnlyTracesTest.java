package dev.sluice.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.Json;
import dev.sluice.sim.SimOptions;
import dev.sluice.testing.Http;
import dev.sluice.testing.OtlpJson;
import dev.sluice.testing.MutableClock;
import dev.sluice.testing.TestGateway;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A gateway-only trace (its only spans one request-log row's root and the stages folded into it) has no
 * {@code trace_summary} row since session 15: the trace list, its filters and pages, sessions, team-limited readers, the
 * ownership check of span ingest and retention read it from the log row. Every answer is checked against the same
 * store with the summary rows the writer kept before (made by {@link TraceSummaries#add}, the writer's own code, from
 * the same spans in the order they were stored): they must be identical. A second contribution to such a trace (OTLP
 * spans, a second gateway request with its traceparent) creates the row from the log row's root first, so the row is
 * then the one the writer always kept. SQLite and PostgreSQL, through HTTP.
 */
@DisplayName("Gateway-only traces without a summary row: listed, filtered, paged, owned and expired as with one")
class GatewayOnlyTracesTest {
    static final Map<String, String> ADMIN = RootSpanColumnsTest.ADMIN;

    static String hex(int bytes) {
        return RootSpanColumnsTest.hex(bytes);
    }

    /** A chat; joins {@code trace} (a traceparent) when given, else the gateway starts a trace. Returns the trace id. */
    static String chat(TestGateway gw, RootSpanColumnsTest.Store store, String key, String trace, String session,
            String model) throws Exception {
        Map<String, String> headers = new HashMap<>(Map.of("authorization", "Bearer " + key));
        if (trace != null) {
            headers.put("traceparent", "00-" + trace + "-" + hex(8) + "-01");
        }
        if (session != null) {
            headers.put("x-sluice-session", session);
        }
        Http.Response r = gw.http().post("/v1/chat/completions", "{\"model\":\"" + model + "\",\"max_tokens\":20,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", headers);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        flush(gw);
        try (Connection c = store.connect(gw);
             PreparedStatement ps = c.prepareStatement("SELECT trace_id FROM request_log WHERE request_id = ?")) {
            ps.setString(1, r.header("x-request-id"));
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                return rs.getString(1);
            }
        }
    }

    static void flush(TestGateway gw) {
        gw.flushLog();
        assertThat(gw.gateway().awaitFlushed(Duration.ofSeconds(10))).isTrue();
    }

    /** OTLP/JSON spans of one service sent to /v1/traces with this key; returns the response's status. */
    static int otlp(TestGateway gw, String key, String service, List<ObjectNode> spans) {
        Http.Response r = OtlpJson.send(gw, key, service, spans);
        flush(gw);
        return r.status();
    }

    static ObjectNode span(String trace, String parent, String name, long startNanos, long durationMs, boolean error) {
        ObjectNode s = Json.object().put("traceId", trace).put("spanId", hex(8)).put("name", name)
                .put("startTimeUnixNano", Long.toString(startNanos))
                .put("endTimeUnixNano", Long.toString(startNanos + durationMs * 1_000_000));
        if (parent != null) {
            s.put("parentSpanId", parent);
        }
        if (error) {
            s.putObject("status").put("code", 2);
        }
        return s;
    }

    static long count(RootSpanColumnsTest.Store store, TestGateway gw, String sql, String arg) throws Exception {
        return RootSpanColumnsTest.count(store, gw, sql, arg);
    }

    /** Every page of a walk through the list with this page size, as the API answered them. */
    static List<JsonNode> walk(TestGateway gw, String query, int limit, Map<String, String> auth) {
        List<JsonNode> pages = new ArrayList<>();
        String cursor = null;
        do {
            JsonNode page = gw.http().get("/admin/analytics/traces?limit=" + limit + query
                    + (cursor == null ? "" : "&cursor=" + cursor), auth).json();
            pages.add(page);
            cursor = page.path("next_cursor").isNull() ? null : page.path("next_cursor").asText();
            assertThat(pages.size()).isLessThan(100);
        } while (cursor != null);
        return pages;
    }

    /** The answers compared: trace lists with each filter, walks of several page sizes, sessions; per reader. */
    static Map<String, Object> answers(TestGateway gw, Map<String, Map<String, String>> readers, List<String> sessions,
            long from, long to) {
        Map<String, Object> out = new LinkedHashMap<>();
        List<String> queries = List.of("", "&name=sluice.AuthStage", "&name=chat*", "&name=chat", "&name=client-work",
                "&service=sluice", "&service=client-app", "&service=nope", "&errors=true", "&min_duration_ms=0",
                "&min_duration_ms=1000000", "&from=" + from + "&to=" + to, "&from=" + to,
                // filters SQL narrows on the log rows before the summary's own test (SpanReader.narrow): prefixes of
                // stage names, ASCII case (SQLite's LIKE ignores it), spaces, LIKE's own characters
                "&name=sluice.*", "&name=SLUICE.AUTHSTAGE", "&name=chat%20gpt-4o-mini", "&name=chat%20gpt_4o%25mini",
                "&service=SLUICE", "&min_duration_ms=1");
        for (Map.Entry<String, Map<String, String>> reader : readers.entrySet()) {
            for (String q : queries) {
                out.put(reader.getKey() + " list" + q, gw.http().get("/admin/analytics/traces?limit=100" + q,
                        reader.getValue()).json());
            }
            for (String s : sessions) {
                out.put(reader.getKey() + " list session " + s,
                        gw.http().get("/admin/analytics/traces?session=" + s, reader.getValue()).json());
                Http.Response view = gw.http().get("/admin/sessions/" + s, reader.getValue());
                out.put(reader.getKey() + " session " + s, view.status() + " " + view.body());
            }
            for (int limit : List.of(1, 2, 3)) {
                out.put(reader.getKey() + " walk " + limit, walk(gw, "", limit, reader.getValue()));
                out.put(reader.getKey() + " walk " + limit + " service", walk(gw, "&service=sluice", limit, reader.getValue()));
            }
        }
        return out;
    }

    /**
     * The summary rows the writer kept before session 15, for these traces: each trace's row rebuilt by the writer's
     * code ({@link TraceSummaries#add}), the log rows' roots first, then the span rows (the order they were stored in).
     */
    static void summariseAsBefore(RootSpanColumnsTest.Store store, TestGateway gw, boolean postgres, Set<String> traces)
            throws Exception {
        try (Connection c = store.connect(gw); Statements statements = new Statements(TraceSummaries::sqliteFunctions)) {
            for (String t : traces) {
                try (PreparedStatement ps = c.prepareStatement("DELETE FROM trace_summary WHERE trace_id = ?")) {
                    ps.setString(1, t);
                    ps.executeUpdate();
                }
                TraceSummaries.add(c, postgres, TraceSummaries.logRoots(c, t), statements);
                try (PreparedStatement ps = c.prepareStatement("SELECT " + SpanReader.COLUMNS + " FROM spans"
                        + " WHERE trace_id = ? ORDER BY start_ns, span_id")) {
                    ps.setString(1, t);
                    TraceSummaries.add(c, postgres, SpanReader.records(ps), statements);
                }
            }
        }
    }

    /** {@link SpanReader#traceIdsOfSession} for each session and reader (any team, each team, no team), read beside the gateway. */
    static Map<String, List<String>> sessionTraces(RootSpanColumnsTest.Store store, TestGateway gw, List<String> sessions) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        try (Database db = store.url() == null ? Database.openSqlite(gw.dir().resolve("sluice.db"))
                : Database.openPostgres(store.url())) {
            SpanReader reader = new SpanReader(db);
            for (String s : sessions) {
                for (String team : java.util.Arrays.asList(null, "research", "ops", "")) {
                    out.put(team + " " + s, reader.traceIdsOfSession(s, team, 100));
                }
            }
        }
        return out;
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"sqlite", "postgres"})
    @DisplayName("gateway-only traces beside traces with rows: every list, filter, page, session and team view as with rows")
    void listedFilteredAndPaged(String kind) throws Exception {
        RootSpanColumnsTest.Store store = RootSpanColumnsTest.Store.of(kind);
        try (TestGateway gw = TestGateway.start(SimOptions.defaults(), store.yaml(), Clock.systemUTC())) {
            String research = gw.createKey(Json.object().put("name", "r").put("team", "research")).path("key").asText();
            String ops = gw.createKey(Json.object().put("name", "o").put("team", "ops")).path("key").asText();
            String plain = gw.createKey("plain");
            Map<String, Map<String, String>> readers = new LinkedHashMap<>();
            readers.put("admin", ADMIN);
            for (String team : List.of("research", "ops")) {
                String viewer = gw.http().post("/admin/admin-keys", Json.object().put("name", team + "-viewer")
                        .put("role", "viewer").put("team", team), ADMIN).json().path("key").asText();
                readers.put(team, Map.of("authorization", "Bearer " + viewer));
            }
            long from = System.currentTimeMillis();
            String s1 = "s1-" + hex(4);
            String s2 = "s2-" + hex(4);
            Set<String> traces = new LinkedHashSet<>();
            Set<String> gatewayOnly = new LinkedHashSet<>();
            // gateway-only: started by the gateway (root without parent) and joining a client's trace (with one)
            gatewayOnly.add(chat(gw, store, research, null, s1, "gpt-4o-mini"));
            gatewayOnly.add(chat(gw, store, research, hex(16), s1, "gpt-4o"));
            gatewayOnly.add(chat(gw, store, ops, null, s2, "gpt-4o-mini"));
            gatewayOnly.add(chat(gw, store, plain, hex(16), null, "gpt-4o-mini"));
            gatewayOnly.add(chat(gw, store, plain, null, s2, "gpt-4o-mini"));
            traces.addAll(gatewayOnly);
            // a client's own traces (rows), between and after them in time
            long now = System.currentTimeMillis() * 1_000_000;
            String client = hex(16);
            String clientRoot = hex(8);
            ObjectNode root = span(client, null, "client-work", now - 2_000_000_000L, 40, false);
            root.put("spanId", clientRoot);
            assertThat(otlp(gw, research, "client-app", List.of(root,
                    span(client, clientRoot, "client-step", now - 1_990_000_000L, 5, true)))).isEqualTo(200);
            traces.add(client);
            String noTeamClient = hex(16);
            assertThat(otlp(gw, plain, "client-app", List.of(span(noTeamClient, null, "client-work", now, 3, false))))
                    .isEqualTo(200);
            traces.add(noTeamClient);
            // more gateway-only traces after them
            gatewayOnly.add(chat(gw, store, research, null, s2, "gpt-4o-mini"));
            gatewayOnly.add(chat(gw, store, ops, hex(16), s1, "gpt-4o-mini"));
            traces.addAll(gatewayOnly);
            long to = System.currentTimeMillis() + 1;

            for (String t : gatewayOnly) {
                assertThat(count(store, gw, "SELECT COUNT(*) FROM trace_summary WHERE trace_id = ?", t))
                        .as("no summary row for a gateway-only trace").isZero();
                assertThat(count(store, gw, "SELECT COUNT(*) FROM request_log WHERE trace_id = ? AND span_id IS NOT NULL",
                        t)).isEqualTo(1);
            }
            assertThat(count(store, gw, "SELECT COUNT(*) FROM trace_summary WHERE trace_id = ?", client)).isEqualTo(2);
            Map<String, Object> now1 = answers(gw, readers, List.of(s1, s2), from, to);
            JsonNode all = (JsonNode) now1.get("admin list");
            assertThat(all.path("data")).hasSize(traces.size());
            assertThat(((JsonNode) now1.get("research list")).path("data")).hasSize(4);
            assertThat(((JsonNode) now1.get("ops list")).path("data")).hasSize(2);
            assertThat(((JsonNode) now1.get("admin list&name=sluice.AuthStage")).path("data")).hasSize(gatewayOnly.size());
            assertThat(((JsonNode) now1.get("admin list&errors=true")).path("data")).hasSize(1);
            assertThat(now1.get("research session " + s1).toString()).startsWith("200");
            assertThat(now1.get("ops session " + s1).toString()).startsWith("200");
            for (JsonNode t : all.path("data")) {
                if (gatewayOnly.contains(t.path("trace_id").asText())) {
                    assertThat(t.path("spans").asInt()).as(t.toString()).isEqualTo(6);
                    assertThat(t.path("model").asText()).startsWith("gpt-4o");
                }
            }

            Map<String, List<String>> sessions = sessionTraces(store, gw, List.of(s1, s2));
            assertThat(sessions.get("null " + s1)).hasSize(3);
            assertThat(sessions.get("research " + s1)).hasSize(2);
            assertThat(sessions.get("ops " + s2)).hasSize(1);
            summariseAsBefore(store, gw, kind.equals("postgres"), gatewayOnly);
            for (String t : gatewayOnly) {
                assertThat(count(store, gw, "SELECT COUNT(*) FROM trace_summary WHERE trace_id = ?", t)).isPositive();
            }
            Map<String, Object> before = answers(gw, readers, List.of(s1, s2), from, to);
            assertThat(before.keySet()).isEqualTo(now1.keySet());
            assertThat(sessionTraces(store, gw, List.of(s1, s2))).as("the session traces, as from the rows")
                    .isEqualTo(sessions);
            for (String k : now1.keySet()) {
                assertThat(now1.get(k)).as(k).isEqualTo(before.get(k));
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"sqlite", "postgres"})
    @DisplayName("a second contribution (OTLP spans, a second gateway request, in either order) makes the row the writer"
            + " always kept")
    void secondContribution(String kind) throws Exception {
        RootSpanColumnsTest.Store store = RootSpanColumnsTest.Store.of(kind);
        try (TestGateway gw = TestGateway.start(SimOptions.defaults(), store.yaml(), Clock.systemUTC())) {
            String key = gw.createKey(Json.object().put("name", "r").put("team", "research")).path("key").asText();
            String plain = gw.createKey("plain");
            long from = System.currentTimeMillis();
            String session = "s-" + hex(4);
            Set<String> traces = new LinkedHashSet<>();

            // OTLP spans after the gateway's request (the gateway's root first: its trace is gateway-only until then)
            String a = chat(gw, store, key, hex(16), session, "gpt-4o-mini");
            assertThat(count(store, gw, "SELECT COUNT(*) FROM trace_summary WHERE trace_id = ?", a)).isZero();
            long now = System.currentTimeMillis() * 1_000_000;
            assertThat(otlp(gw, key, "client-app", List.of(span(a, null, "client-work", now - 50_000_000L, 80, false),
                    span(a, null, "client-late", now, 2, true)))).isEqualTo(200);
            assertThat(count(store, gw, "SELECT COUNT(*) FROM trace_summary WHERE trace_id = ? AND owner = '*'", a))
                    .isEqualTo(1);
            traces.add(a);

            // a second gateway request with the same traceparent
            String b = chat(gw, store, key, hex(16), session, "gpt-4o");
            assertThat(chat(gw, store, key, b, null, "gpt-4o-mini")).isEqualTo(b);
            assertThat(count(store, gw, "SELECT COUNT(*) FROM trace_summary WHERE trace_id = ? AND owner = '*'", b))
                    .isEqualTo(1);
            traces.add(b);

            // the same, the second request of no team (the row counts its spans as unowned)
            String c = chat(gw, store, key, hex(16), null, "gpt-4o-mini");
            assertThat(chat(gw, store, plain, c, session, "gpt-4o-mini")).isEqualTo(c);
            traces.add(c);

            // OTLP spans first, the gateway's request after (a row from the start: the root is added to it)
            String d = hex(16);
            assertThat(otlp(gw, key, "client-app", List.of(span(d, null, "client-work",
                    System.currentTimeMillis() * 1_000_000, 5, false)))).isEqualTo(200);
            assertThat(chat(gw, store, key, d, null, "gpt-4o-mini")).isEqualTo(d);
            traces.add(d);
            String alone = chat(gw, store, key, null, session, "gpt-4o-mini");
            long to = System.currentTimeMillis() + 1;

            JsonNode list = gw.http().get("/admin/analytics/traces?limit=100", ADMIN).json();
            Map<String, JsonNode> byId = new HashMap<>();
            list.path("data").forEach(t -> byId.put(t.path("trace_id").asText(), t));
            assertThat(byId.keySet()).containsExactlyInAnyOrder(a, b, c, d, alone);
            assertThat(byId.get(a).path("spans").asInt()).isEqualTo(8);
            assertThat(byId.get(a).path("errors").asInt()).isEqualTo(1);
            assertThat(byId.get(a).path("root_name").asText()).isEqualTo("client-work");
            assertThat(byId.get(b).path("spans").asInt()).isEqualTo(12);
            assertThat(byId.get(c).path("spans").asInt()).isEqualTo(12);
            assertThat(byId.get(d).path("spans").asInt()).isEqualTo(7);
            assertThat(count(store, gw, "SELECT COUNT(*) FROM trace_summary WHERE trace_id = ?", alone)).isZero();
            for (String t : traces) {
                assertThat(gw.http().get("/admin/traces/" + t, ADMIN).json().path("span_count").asInt())
                        .isEqualTo(byId.get(t).path("spans").asInt());
            }

            Map<String, Map<String, String>> readers = new LinkedHashMap<>();
            readers.put("admin", ADMIN);
            String viewer = gw.http().post("/admin/admin-keys", Json.object().put("name", "rv").put("role", "viewer")
                    .put("team", "research"), ADMIN).json().path("key").asText();
            readers.put("research", Map.of("authorization", "Bearer " + viewer));
            Map<String, Object> now1 = answers(gw, readers, List.of(session), from, to);
            // the rows rebuilt as the writer kept them before: nothing differs
            Set<String> rebuilt = new LinkedHashSet<>(traces);
            rebuilt.add(alone);
            summariseAsBefore(store, gw, kind.equals("postgres"), rebuilt);
            Map<String, Object> before = answers(gw, readers, List.of(session), from, to);
            for (String k : now1.keySet()) {
                assertThat(now1.get(k)).as(k).isEqualTo(before.get(k));
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"sqlite", "postgres"})
    @DisplayName("span ingest into a gateway-only trace: its team (or, for a trace of no team, a key of none) may add, others not")
    void ownership(String kind) throws Exception {
        RootSpanColumnsTest.Store store = RootSpanColumnsTest.Store.of(kind);
        try (TestGateway gw = TestGateway.start(SimOptions.defaults(), store.yaml(), Clock.systemUTC())) {
            String research = gw.createKey(Json.object().put("name", "r").put("team", "research")).path("key").asText();
            String ops = gw.createKey(Json.object().put("name", "o").put("team", "ops")).path("key").asText();
            String plain = gw.createKey("plain");
            long now = System.currentTimeMillis() * 1_000_000;

            String teamTrace = chat(gw, store, research, hex(16), null, "gpt-4o-mini");
            assertThat(otlp(gw, ops, "x", List.of(span(teamTrace, null, "intruder", now, 1, false)))).isEqualTo(403);
            assertThat(otlp(gw, plain, "x", List.of(span(teamTrace, null, "intruder", now, 1, false)))).isEqualTo(403);
            assertThat(count(store, gw, "SELECT COUNT(*) FROM trace_summary WHERE trace_id = ?", teamTrace))
                    .as("nothing stored, still gateway-only").isZero();
            assertThat(otlp(gw, research, "x", List.of(span(teamTrace, null, "own", now, 1, false)))).isEqualTo(200);
            assertThat(count(store, gw, "SELECT COUNT(*) FROM trace_summary WHERE trace_id = ?", teamTrace)).isEqualTo(2);

            String noTeamTrace = chat(gw, store, plain, hex(16), null, "gpt-4o-mini");
            assertThat(otlp(gw, ops, "x", List.of(span(noTeamTrace, null, "intruder", now, 1, false)))).isEqualTo(403);
            assertThat(otlp(gw, plain, "x", List.of(span(noTeamTrace, null, "own", now, 1, false)))).isEqualTo(200);
            assertThat(gw.http().get("/admin/traces/" + noTeamTrace, ADMIN).json().path("span_count").asInt()).isEqualTo(7);
            assertThat(gw.http().get("/admin/traces/" + teamTrace, ADMIN).json().path("span_count").asInt()).isEqualTo(7);
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"sqlite", "postgres"})
    @DisplayName("retention: a gateway-only trace leaves the lists with retention.spans as its row would have; a log kept"
            + " for less time than the spans gets rows for its gateway-only traces before its rows go")
    void retention(String kind) throws Exception {
        RootSpanColumnsTest.Store store = RootSpanColumnsTest.Store.of(kind);
        MutableClock clock = new MutableClock(Instant.now());
        try (TestGateway gw = TestGateway.start(SimOptions.defaults(), store.yaml() + """
                retention:
                  request_log: 30d
                  spans: 7d
                """, clock)) {
            String key = gw.createKey("retention");
            String trace = chat(gw, store, key, null, "s-" + hex(4), "gpt-4o-mini");
            clock.advance(Duration.ofDays(6));
            gw.gateway().runRetention();
            assertThat(RootSpanColumnsTest.get(gw, "/admin/analytics/traces").json().path("data")).hasSize(1);
            clock.advance(Duration.ofDays(2));
            gw.gateway().runRetention();
            assertThat(RootSpanColumnsTest.get(gw, "/admin/analytics/traces").json().path("data")).isEmpty();
            assertThat(count(store, gw, "SELECT COUNT(*) FROM request_log WHERE trace_id = ?", trace)).isEqualTo(1);
        }
        store = RootSpanColumnsTest.Store.of(kind);
        clock = new MutableClock(Instant.now());
        try (TestGateway gw = TestGateway.start(SimOptions.defaults(), store.yaml() + """
                retention:
                  request_log: 2d
                  spans: 7d
                """, clock)) {
            String key = gw.createKey(Json.object().put("name", "r").put("team", "research")).path("key").asText();
            String session = "s-" + hex(4);
            String trace = chat(gw, store, key, hex(16), session, "gpt-4o-mini");
            JsonNode listed = RootSpanColumnsTest.get(gw, "/admin/analytics/traces").json();
            JsonNode bySession = RootSpanColumnsTest.get(gw, "/admin/analytics/traces?session=" + session).json();
            assertThat(listed.path("data")).hasSize(1);
            assertThat(count(store, gw, "SELECT COUNT(*) FROM trace_summary WHERE trace_id = ?", trace)).isZero();
            clock.advance(Duration.ofDays(3));
            gw.gateway().runRetention();
            assertThat(count(store, gw, "SELECT COUNT(*) FROM request_log WHERE trace_id = ?", trace)).isZero();
            assertThat(RootSpanColumnsTest.get(gw, "/admin/analytics/traces").json()).isEqualTo(listed);
            assertThat(RootSpanColumnsTest.get(gw, "/admin/analytics/traces?session=" + session).json())
                    .isEqualTo(bySession);
            clock.advance(Duration.ofDays(5));
            gw.gateway().runRetention();
            assertThat(RootSpanColumnsTest.get(gw, "/admin/analytics/traces").json().path("data")).isEmpty();
        }
    }
}
