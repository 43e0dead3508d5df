package dev.sluice.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.api.Json;
import dev.sluice.sim.SimOptions;
import dev.sluice.testing.Http;
import dev.sluice.testing.MutableClock;
import dev.sluice.testing.Services;
import dev.sluice.testing.TestGateway;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A gateway request's root span is stored in its request-log row (migration V67), not in a span row: the trace API,
 * the session view and the trace search read it as they read a root stored as a span row (the layout before V67,
 * which stores that migrated keep), an erasure removes it with the user's rows, and {@code retention.spans} clears it
 * from the row on schedule while the row stays for {@code retention.request_log}. On SQLite and on PostgreSQL.
 */
@DisplayName("The root span in the request-log row: read, erased and expired as a span row was")
class RootSpanColumnsTest {
    static final Map<String, String> ADMIN = Map.of("authorization", "Bearer " + TestGateway.ADMIN_KEY);

    /** The store's YAML and, for PostgreSQL, its JDBC URL (SQLite: null, the gateway's own file). */
    record Store(String yaml, String url) {
        static Store of(String kind) {
            if (kind.equals("sqlite")) {
                return new Store("", null);
            }
            String url = Services.postgres();
            return new Store("store: {url: \"" + url + "\"}\n", url);
        }

        Connection connect(TestGateway gw) throws Exception {
            return DriverManager.getConnection(url != null ? url : "jdbc:sqlite:" + gw.dir().resolve("sluice.db"));
        }
    }

    static String hex(int bytes) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < bytes; i++) {
            sb.append(String.format("%02x", ThreadLocalRandom.current().nextInt(256)));
        }
        return sb.toString();
    }

    /** A chat of this user in this session, joining the client's trace; returns the trace id. */
    static String chat(TestGateway gw, String key, String user, String session) {
        String trace = hex(16);
        Http.Response r = gw.http().post("/v1/chat/completions",
                "{\"model\":\"gpt-4o-mini\",\"user\":\"" + user + "\",\"temperature\":0.2,\"max_tokens\":40,"
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
                Map.of("authorization", "Bearer " + key, "x-sluice-session", session,
                        "x-sluice-tags", "feature:search", "traceparent", "00-" + trace + "-" + hex(8) + "-01"));
        assertThat(r.status()).isEqualTo(200);
        gw.flushLog();
        assertThat(gw.gateway().awaitFlushed(Duration.ofSeconds(10))).isTrue();
        return trace;
    }

    static long count(Store store, TestGateway gw, String sql, String arg) throws Exception {
        try (Connection c = store.connect(gw); PreparedStatement ps = c.prepareStatement(sql)) {
            if (arg != null) {
                ps.setString(1, arg);
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    static Http.Response get(TestGateway gw, String path) {
        return gw.http().get(path, ADMIN);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"sqlite", "postgres"})
    @DisplayName("a request's trace, session and trace search read the same from its log row as from a span row")
    void readsAsBefore(String kind) throws Exception {
        Store store = Store.of(kind);
        try (TestGateway gw = TestGateway.start(SimOptions.defaults(), store.yaml(), Clock.systemUTC())) {
            String key = gw.createKey(Json.object().put("name", "roots").put("team", "research")).path("key").asText();
            String session = "sess-" + hex(4);
            String trace = chat(gw, key, "ana", session);

            // stored as one request-log row carrying the root (its stages and attempt folded in), no span row
            assertThat(count(store, gw, "SELECT COUNT(*) FROM spans WHERE trace_id = ?", trace)).isZero();
            assertThat(count(store, gw, "SELECT COUNT(*) FROM request_log WHERE trace_id = ? AND span_id IS NOT NULL",
                    trace)).isEqualTo(1);

            JsonNode traceView = get(gw, "/admin/traces/" + trace).json();
            JsonNode sessionView = get(gw, "/admin/sessions/" + session).json();
            JsonNode search = get(gw, "/admin/analytics/traces?session=" + session).json();
            // the root, four stage spans and the upstream attempt
            assertThat(traceView.path("span_count").asInt()).as(traceView.toString()).isEqualTo(6);
            assertThat(traceView.toString()).contains("\"chat gpt-4o-mini\"", "sluice.AuthStage", "gen_ai.request.temperature",
                    "\"ana\"", session);
            assertThat(search.path("data")).hasSize(1);
            assertThat(search.path("data").get(0).path("trace_id").asText()).isEqualTo(trace);

            // the layout before V67 (and a store migrated from it): the same root as a span row of its own
            try (Connection c = store.connect(gw)) {
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO spans (" + SpanReader.COLUMNS + ") SELECT "
                        + SpanReader.ROOT_AS_SPAN + " FROM request_log WHERE trace_id = ? AND span_id IS NOT NULL")) {
                    ps.setString(1, trace);
                    assertThat(ps.executeUpdate()).isEqualTo(1);
                }
                try (PreparedStatement ps = c.prepareStatement("UPDATE request_log SET span_id = NULL, span_parent = NULL,"
                        + " span_name = NULL, span_kind = NULL, span_start_ns = NULL, span_end_ns = NULL, span_status = NULL,"
                        + " span_status_message = NULL, span_service = NULL, span_attributes = NULL, span_events = NULL,"
                        + " span_stages = NULL WHERE trace_id = ?")) {
                    ps.setString(1, trace);
                    assertThat(ps.executeUpdate()).isEqualTo(1);
                }
                // and the summary row the span writer kept for it then (since session 15 a gateway-only trace has none)
                TraceSummaries.recompute(c, kind.equals("postgres"), List.of(trace));
            }
            assertThat(get(gw, "/admin/traces/" + trace).json()).isEqualTo(traceView);
            assertThat(get(gw, "/admin/sessions/" + session).json()).isEqualTo(sessionView);
            assertThat(get(gw, "/admin/analytics/traces?session=" + session).json()).isEqualTo(search);
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"sqlite", "postgresql"})
    @DisplayName("a store migrated from V66 reads its span rows as before, beside the roots its new log rows carry")
    void migrated(String kind) throws Exception {
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("sluice-root-migration");
        String url = kind.equals("sqlite") ? "jdbc:sqlite:" + dir.resolve("m.db") : Services.emptyPostgres();
        org.flywaydb.core.Flyway.configure().dataSource(url, null, null).locations("classpath:db/migration/" + kind)
                .outOfOrder(true).target("66").load().migrate();
        long ts = System.currentTimeMillis() - 3_600_000;
        String oldTrace = hex(16);
        try (Connection c = DriverManager.getConnection(url); java.sql.Statement st = c.createStatement()) {
            // a request as V66 stored it: its log row, and its root (stages folded) as a span row
            st.executeUpdate("INSERT INTO request_log (ts, request_id, end_user, operation, stream, status, latency_ms,"
                    + " attempts, trace_id, uid) VALUES (" + ts + ", 'req_old', 'mia', 'chat', 0, 200, 5, 1, '" + oldTrace
                    + "', 'uid-old')");
            st.executeUpdate("INSERT INTO spans (trace_id, span_id, name, kind, start_ns, end_ns, status, service,"
                    + " request_id, end_user, attributes, stages) VALUES ('" + oldTrace + "', 'aaaaaaaaaaaaaaaa',"
                    + " 'chat gpt-4o-mini', 'server', " + ts * 1_000_000 + ", " + (ts * 1_000_000 + 5_000_000) + ", 'unset',"
                    + " 'sluice', 'req_old', 'mia', '{\"gen_ai.request.model\":\"gpt-4o-mini\"}',"
                    + " '[[\"bbbbbbbbbbbbbbbb\",\"aaaaaaaaaaaaaaaa\",\"sluice.AuthStage\",1000,4000000,0]]')");
        }
        try (Database db = kind.equals("sqlite") ? Database.openSqlite(dir.resolve("m.db")) : Database.openPostgres(url)) {
            long mark = db.read(c -> {
                try (PreparedStatement ps = c.prepareStatement("SELECT upto FROM expiry_marks WHERE name = 'request_log.spans'");
                     ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            });
            assertThat(mark).as("the first retention run reads from a day before the newest row").isEqualTo(ts - 86_400_000L);
            assertThat(new SpanReader(db).trace(oldTrace, 100)).extracting(SpanRecord::name)
                    .containsExactly("chat gpt-4o-mini", "sluice.AuthStage");

            // a new request of the same user: its log row carries its root
            String newTrace = hex(16);
            SpanRecord root = new SpanRecord(newTrace, "cccccccccccccccc", null, "chat gpt-4o-mini", "server",
                    (ts + 1000) * 1_000_000, (ts + 1005) * 1_000_000, "unset", null, "sluice", null, "req_new", "mia",
                    "{\"gen_ai.request.model\":\"gpt-4o-mini\"}", null, null, null);
            RequestRecord row = new RequestRecord(ts + 1000, "req_new", null, null, "mia", "chat", "gpt-4o-mini", "sim",
                    "gpt-4o-mini", false, 200, null, 3, 4, 2, 5, 1, null, null, null, null, null, null, null, null, newTrace,
                    null, null, null, null, null, null, null, null, null, root);
            db.withConnection(c -> {
                c.setAutoCommit(false);
                new RequestLogSink().insert(c, List.of(row));
                c.commit();
                c.setAutoCommit(true);
                return null;
            });
            assertThat(new SpanReader(db).trace(newTrace, 100)).containsExactly(root);
            assertThat(new SpanReader(db).search(new SpanReader.TraceQuery(null, null, null, null, null, null, false, null,
                    null), 10).traces()).extracting(SpanReader.TraceSummary::traceId).contains(newTrace);

            Map<String, Long> erased = new Erasure(db).erase("mia");
            assertThat(erased).containsEntry("request_log", 2L).containsEntry("spans", 2L);
            assertThat(new SpanReader(db).trace(oldTrace, 100)).isEmpty();
            assertThat(new SpanReader(db).trace(newTrace, 100)).isEmpty();
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"sqlite", "postgres"})
    @DisplayName("erasing the end user removes the root span with the log row, and the trace with it")
    void erasure(String kind) throws Exception {
        Store store = Store.of(kind);
        try (TestGateway gw = TestGateway.start(SimOptions.defaults(), store.yaml(), Clock.systemUTC())) {
            String key = gw.createKey("erase");
            String zoe = "zoe-" + hex(4);
            String gone = chat(gw, key, zoe, "s-" + hex(4));
            String kept = chat(gw, key, "yan", "s-" + hex(4));
            assertThat(get(gw, "/admin/traces/" + gone).status()).isEqualTo(200);

            Http.Response erased = gw.http().delete("/admin/users/" + zoe, ADMIN);
            assertThat(erased.status()).isEqualTo(200);
            assertThat(erased.json().path("deleted").path("request_log").asInt()).isEqualTo(1);
            assertThat(erased.json().path("deleted").path("spans").asInt()).as("the root the log row carried").isEqualTo(1);

            assertThat(get(gw, "/admin/traces/" + gone).status()).isEqualTo(404);
            assertThat(count(store, gw, "SELECT COUNT(*) FROM trace_summary WHERE trace_id = ?", gone)).isZero();
            assertThat(get(gw, "/admin/traces/" + kept).status()).isEqualTo(200);
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"sqlite", "postgres"})
    @DisplayName("retention.spans clears the root span from the log row on schedule; the row stays for retention.request_log")
    void retention(String kind) throws Exception {
        Store store = Store.of(kind);
        MutableClock clock = new MutableClock(Instant.now());
        try (TestGateway gw = TestGateway.start(SimOptions.defaults(), store.yaml() + """
                retention:
                  request_log: 30d
                  spans: 7d
                """, clock)) {
            String key = gw.createKey("retention");
            String trace = chat(gw, key, "old", "s-" + hex(4));
            assertThat(get(gw, "/admin/traces/" + trace).status()).isEqualTo(200);

            clock.advance(Duration.ofDays(6));
            assertThat(gw.gateway().runRetention().get("request_log.spans")).isZero();
            assertThat(get(gw, "/admin/traces/" + trace).status()).as("inside retention.spans").isEqualTo(200);

            clock.advance(Duration.ofDays(2));
            assertThat(gw.gateway().runRetention().get("request_log.spans")).isEqualTo(1);
            assertThat(get(gw, "/admin/traces/" + trace).status()).isEqualTo(404);
            assertThat(count(store, gw, "SELECT COUNT(*) FROM request_log WHERE trace_id = ?", trace))
                    .as("the log row stays").isEqualTo(1);
            assertThat(count(store, gw, "SELECT COUNT(*) FROM request_log WHERE span_id IS NOT NULL OR span_attributes"
                    + " IS NOT NULL OR span_stages IS NOT NULL", null)).as("nothing of the span left in it").isZero();
            assertThat(gw.gateway().runRetention().get("request_log.spans")).as("the next run reads on from its mark").isZero();

            clock.advance(Duration.ofDays(23));
            gw.gateway().runRetention(); // PostgreSQL drops the row's whole day partition, SQLite deletes the row
            assertThat(count(store, gw, "SELECT COUNT(*) FROM request_log WHERE trace_id = ?", trace)).isZero();
        }
    }
}
