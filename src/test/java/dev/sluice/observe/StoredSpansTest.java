package dev.sluice.observe;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.api.Json;
import dev.sluice.sim.SimOptions;
import dev.sluice.store.Database;
import dev.sluice.store.SpanReader;
import dev.sluice.store.SpanRecord;
import dev.sluice.testing.Http;
import dev.sluice.testing.TestGateway;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The whole stored trace of a chat, a stream, a fallback and a cache hit, as a tree of names, kinds,
 * status, the indexed columns and every attribute in stored order (values that change between
 * runs shown as {@code *}). The expected trees are what the gateway stored when its spans were
 * OpenTelemetry SDK spans (commit 1553d2e): the in-house tracer must store the same.
 */
@DisplayName("Stored spans: a chat, a stream, a fallback and a cache hit store the same tree as before")
class StoredSpansTest {
    static final Set<String> CHANGING = Set.of("gen_ai.response.id", "sluice.request_id", "sluice.key.id",
            "sluice.cost_usd", "sluice.ttft_ms", "sluice.cache.similarity");
    static TestGateway gw;
    static String key;

    @BeforeAll
    static void start() {
        gw = TestGateway.start(SimOptions.defaults(), TestGateway.NO_RESILIENCE + """
                cache:
                  scope: team
                  ttl: 1h
                providers:
                  sim:
                    type: openai
                    base_url: ${SIM}/v1
                    api_key: sk-upstream-test
                    timeout: 5s
                    forward_headers: ["x-sim-*"]
                  dead:
                    type: openai
                    base_url: http://127.0.0.1:1/v1
                    timeout: 5s
                models:
                  gpt-4o-mini:
                    provider: sim
                  flaky:
                    provider: dead
                    model: gpt-4o-mini
                    fallbacks:
                      - model: gpt-4o-mini
                        on: [connection_error]
                """, Clock.systemUTC());
        key = gw.createKey(Json.object().put("name", "spans").put("team", "research")).path("key").asText();
    }

    @AfterAll
    static void stop() {
        gw.close();
    }

    @Test
    @DisplayName("a chat: root, four stage spans, one attempt; the root joins the client's span")
    void chat() throws Exception {
        String trace = TracingTest.hex(16);
        Http.Response r = gw.http().post("/v1/chat/completions", "{\"model\":\"gpt-4o-mini\",\"temperature\":0.5,"
                        + "\"max_tokens\":40,\"stop\":[\"END\"],\"user\":\"ann\",\"messages\":[{\"role\":\"user\",\"content\":\"a chat\"}]}",
                TracingTest.headers(key, trace, "00f067aa0ba902b7", "x-sluice-session", "s-1", "x-sluice-tags", "app=bench"));
        assertThat(r.status()).isEqualTo(200);
        assertThat(tree(trace)).isEqualTo("""
                parent 00f067aa0ba902b7
                  chat gpt-4o-mini [server] unset session=s-1 request=* user=ann team=research
                    . sluice.key.id=*
                    . sluice.team="research"
                    . gen_ai.operation.name="chat"
                    . gen_ai.request.model="gpt-4o-mini"
                    . sluice.stream=false
                    . gen_ai.request.max_tokens=40
                    . gen_ai.request.temperature=0.5
                    . gen_ai.request.stop_sequences=["END"]
                    . gen_ai.output.type="text"
                    . sluice.request_id=*
                    . http.response.status_code=200
                    . gen_ai.provider.name="sim"
                    . gen_ai.response.model="gpt-4o-mini"
                    . gen_ai.response.id=*
                    . gen_ai.response.finish_reasons=["stop"]
                    . gen_ai.usage.input_tokens=9
                    . gen_ai.usage.output_tokens=29
                    . enduser.id="ann"
                    . session.id="s-1"
                    . sluice.cost_usd=*
                    . sluice.cache.status="bypass"
                    . sluice.attempts=1
                    . sluice.ttft_ms=*
                    . sluice.tag.app="bench"
                    sluice.AuthStage [internal] unset session=null request=null user=null team=research
                      . sluice.team="research"
                      sluice.PromptStage [internal] unset session=null request=null user=null team=research
                        . sluice.team="research"
                        sluice.LimitStage [internal] unset session=null request=null user=null team=research
                          . sluice.team="research"
                          sluice.CacheStage [internal] unset session=null request=null user=null team=research
                            . sluice.team="research"
                            sluice.Router [internal] unset session=null request=null user=null team=research
                              . sluice.team="research"
                              chat gpt-4o-mini [client] unset session=null request=null user=null team=research
                                . gen_ai.operation.name="chat"
                                . gen_ai.provider.name="sim"
                                . gen_ai.request.model="gpt-4o-mini"
                                . sluice.team="research"
                                . gen_ai.response.id=*
                                . gen_ai.response.model="gpt-4o-mini"
                                . gen_ai.response.finish_reasons=["stop"]
                                . gen_ai.usage.input_tokens=9
                                . gen_ai.usage.output_tokens=29
                """);
        // the five stage spans and the attempt, whose attributes are all the root's, are stored in the root's row
        // (StageSpans): one row
        assertThat(storedRows(trace)).isEqualTo(1);
    }

    @Test
    @DisplayName("a stream: the attempt span ends with the stream, with its usage and finish reason")
    void stream() throws Exception {
        String trace = TracingTest.hex(16);
        Http.Response r = gw.http().postStreaming("/v1/chat/completions",
                Json.object().put("model", "gpt-4o-mini").put("stream", true).set("messages",
                        Json.array().add(Json.object().put("role", "user").put("content", "a stream"))),
                TracingTest.headers(key, trace, "00f067aa0ba902b7", "x-sim-tokens", "7"), (l, t) -> {});
        assertThat(r.status()).isEqualTo(200);
        assertThat(tree(trace)).isEqualTo("""
                parent 00f067aa0ba902b7
                  chat gpt-4o-mini [server] unset session=null request=* user=null team=research
                    . sluice.key.id=*
                    . sluice.team="research"
                    . gen_ai.operation.name="chat"
                    . gen_ai.request.model="gpt-4o-mini"
                    . sluice.stream=true
                    . gen_ai.output.type="text"
                    . sluice.request_id=*
                    . http.response.status_code=200
                    . gen_ai.provider.name="sim"
                    . gen_ai.response.model="gpt-4o-mini"
                    . gen_ai.response.id=*
                    . gen_ai.response.finish_reasons=["stop"]
                    . gen_ai.usage.input_tokens=9
                    . gen_ai.usage.output_tokens=7
                    . sluice.cost_usd=*
                    . sluice.cache.status="bypass"
                    . sluice.attempts=1
                    . sluice.ttft_ms=*
                    sluice.AuthStage [internal] unset session=null request=null user=null team=research
                      . sluice.team="research"
                      sluice.PromptStage [internal] unset session=null request=null user=null team=research
                        . sluice.team="research"
                        sluice.LimitStage [internal] unset session=null request=null user=null team=research
                          . sluice.team="research"
                          sluice.CacheStage [internal] unset session=null request=null user=null team=research
                            . sluice.team="research"
                            sluice.Router [internal] unset session=null request=null user=null team=research
                              . sluice.team="research"
                              chat gpt-4o-mini [client] unset session=null request=null user=null team=research
                                . gen_ai.operation.name="chat"
                                . gen_ai.provider.name="sim"
                                . gen_ai.request.model="gpt-4o-mini"
                                . sluice.team="research"
                                . gen_ai.response.id=*
                                . gen_ai.response.model="gpt-4o-mini"
                                . gen_ai.response.finish_reasons=["stop"]
                                . gen_ai.usage.input_tokens=9
                                . gen_ai.usage.output_tokens=7
                """);
    }

    @Test
    @DisplayName("a fallback: the failed attempt (an error span) and the fallback's attempt under the router")
    void fallback() throws Exception {
        String trace = TracingTest.hex(16);
        Http.Response r = gw.http().post("/v1/chat/completions",
                "{\"model\":\"flaky\",\"messages\":[{\"role\":\"user\",\"content\":\"a fallback\"}]}",
                TracingTest.headers(key, trace, "00f067aa0ba902b7"));
        assertThat(r.status()).isEqualTo(200);
        assertThat(tree(trace)).isEqualTo("""
                parent 00f067aa0ba902b7
                  chat flaky [server] unset session=null request=* user=null team=research
                    . sluice.key.id=*
                    . sluice.team="research"
                    . gen_ai.operation.name="chat"
                    . gen_ai.request.model="flaky"
                    . sluice.stream=false
                    . gen_ai.output.type="text"
                    . sluice.request_id=*
                    . http.response.status_code=200
                    . gen_ai.provider.name="sim"
                    . gen_ai.response.model="gpt-4o-mini"
                    . gen_ai.response.id=*
                    . gen_ai.response.finish_reasons=["stop"]
                    . gen_ai.usage.input_tokens=9
                    . gen_ai.usage.output_tokens=27
                    . sluice.cost_usd=*
                    . sluice.cache.status="bypass"
                    . sluice.fallback.model="gpt-4o-mini"
                    . sluice.attempts=2
                    . sluice.ttft_ms=*
                    sluice.AuthStage [internal] unset session=null request=null user=null team=research
                      . sluice.team="research"
                      sluice.PromptStage [internal] unset session=null request=null user=null team=research
                        . sluice.team="research"
                        sluice.LimitStage [internal] unset session=null request=null user=null team=research
                          . sluice.team="research"
                          sluice.CacheStage [internal] unset session=null request=null user=null team=research
                            . sluice.team="research"
                            sluice.Router [internal] unset session=null request=null user=null team=research
                              . sluice.team="research"
                              chat gpt-4o-mini [client] error (connection_error) session=null request=null user=null team=research
                                . gen_ai.operation.name="chat"
                                . gen_ai.provider.name="dead"
                                . gen_ai.request.model="gpt-4o-mini"
                                . sluice.team="research"
                                . error.type="connection_error"
                              chat gpt-4o-mini [client] unset session=null request=null user=null team=research
                                . gen_ai.operation.name="chat"
                                . gen_ai.provider.name="sim"
                                . gen_ai.request.model="gpt-4o-mini"
                                . sluice.team="research"
                                . gen_ai.response.id=*
                                . gen_ai.response.model="gpt-4o-mini"
                                . gen_ai.response.finish_reasons=["stop"]
                                . gen_ai.usage.input_tokens=9
                                . gen_ai.usage.output_tokens=27
                """);
    }

    @Test
    @DisplayName("a cache hit: the root says hit and no attempt is made")
    void cacheHit() throws Exception {
        String body = "{\"model\":\"gpt-4o-mini\",\"temperature\":0,\"messages\":[{\"role\":\"user\",\"content\":\"cache me\"}]}";
        Http.Response miss = gw.http().post("/v1/chat/completions", body,
                TracingTest.headers(key, TracingTest.hex(16), "00f067aa0ba902b7"));
        assertThat(miss.status()).isEqualTo(200);
        gw.flushLog();
        String trace = TracingTest.hex(16);
        Http.Response hit = gw.http().post("/v1/chat/completions", body,
                TracingTest.headers(key, trace, "00f067aa0ba902b7"));
        assertThat(hit.header("x-sluice-cache")).isEqualTo("hit");
        assertThat(tree(trace)).isEqualTo("""
                parent 00f067aa0ba902b7
                  chat gpt-4o-mini [server] unset session=null request=* user=null team=research
                    . sluice.key.id=*
                    . sluice.team="research"
                    . gen_ai.operation.name="chat"
                    . gen_ai.request.model="gpt-4o-mini"
                    . sluice.stream=false
                    . gen_ai.request.temperature=0.0
                    . gen_ai.output.type="text"
                    . sluice.request_id=*
                    . http.response.status_code=200
                    . gen_ai.response.model="gpt-4o-mini"
                    . gen_ai.usage.input_tokens=0
                    . gen_ai.usage.output_tokens=0
                    . sluice.cost_usd=*
                    . sluice.cache.status="hit"
                    . sluice.cache.similarity=*
                    . sluice.attempts=0
                    . sluice.ttft_ms=*
                    sluice.AuthStage [internal] unset session=null request=null user=null team=research
                      . sluice.team="research"
                      sluice.PromptStage [internal] unset session=null request=null user=null team=research
                        . sluice.team="research"
                        sluice.LimitStage [internal] unset session=null request=null user=null team=research
                          . sluice.team="research"
                          sluice.CacheStage [internal] unset session=null request=null user=null team=research
                            . sluice.team="research"
                """);
    }

    /** How many rows the trace's spans take in the store (a root's stage spans share its row). */
    static int storedRows(String traceId) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + gw.dir().resolve("sluice.db"));
             PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM spans_all WHERE trace_id = ?")) {
            ps.setString(1, traceId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    /** The trace as an indented tree, children by start time. */
    static String tree(String traceId) throws Exception {
        gw.flushLog();
        assertThat(gw.gateway().awaitFlushed(java.time.Duration.ofMillis(10_000))).isTrue();
        List<String[]> rows = new ArrayList<>();
        Map<String, List<String[]>> children = new HashMap<>();
        // read as every reader reads them (SpanReader: a root's stage spans expanded from its row)
        try (Database db = Database.openSqlite(gw.dir().resolve("sluice.db"))) {
            for (SpanRecord s : new SpanReader(db).trace(traceId, 10_000)) {
                String[] row = {s.spanId(), s.parentSpanId(), s.name(), s.kind(), s.status(), s.statusMessage(),
                        s.sessionId(), s.requestId(), s.endUser(), s.team(), s.attributes(), s.events()};
                rows.add(row);
                children.computeIfAbsent(row[1] == null ? "" : row[1], k -> new ArrayList<>()).add(row);
            }
        }
        StringBuilder out = new StringBuilder();
        for (String[] row : rows) {
            if (rows.stream().noneMatch(p -> p[0].equals(row[1]))) {
                out.append("parent ").append(row[1]).append('\n');
                print(row, children, 1, out);
            }
        }
        return out.toString();
    }

    private static void print(String[] row, Map<String, List<String[]>> children, int depth, StringBuilder out)
            throws Exception {
        String indent = "  ".repeat(depth);
        out.append(indent).append(row[2]).append(" [").append(row[3]).append("] ").append(row[4]);
        if (row[5] != null) {
            out.append(" (").append(row[5]).append(')');
        }
        out.append(" session=").append(row[6]).append(" request=").append(row[7] == null ? "null" : "*")
                .append(" user=").append(row[8]).append(" team=").append(row[9]).append('\n');
        if (row[10] != null) {
            Iterator<Map.Entry<String, JsonNode>> fields = Json.MAPPER.readTree(row[10]).fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> f = fields.next();
                out.append(indent).append("  . ").append(f.getKey()).append('=')
                        .append(CHANGING.contains(f.getKey()) ? "*" : f.getValue().toString()).append('\n');
            }
        }
        if (row[11] != null) {
            for (JsonNode e : Json.MAPPER.readTree(row[11])) {
                out.append(indent).append("  ! ").append(e.path("name").asText()).append(' ')
                        .append(e.path("attributes")).append('\n');
            }
        }
        for (String[] child : children.getOrDefault(row[0], List.of())) {
            print(child, children, depth + 1, out);
        }
    }
}
