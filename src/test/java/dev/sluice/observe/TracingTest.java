package dev.sluice.observe;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.sluice.api.Json;
import dev.sluice.store.Database;
import dev.sluice.store.SpanReader;
import dev.sluice.store.SpanRecord;
import dev.sluice.sim.RecordedRequest;
import dev.sluice.sim.SimOptions;
import dev.sluice.testing.Http;
import dev.sluice.testing.TestGateway;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Every request is a trace: GenAI spans, joined to the client's traceparent, stored and exported")
class TracingTest {

    record Row(String spanId, String parent, String name, String kind, String status, JsonNode attributes) {}

    static List<Row> spans(TestGateway gw, String traceId) throws Exception {
        gw.flushLog();
        assertThat(gw.gateway().awaitFlushed(java.time.Duration.ofMillis(10_000))).isTrue();
        List<Row> out = new ArrayList<>();
        // read as every reader reads them (SpanReader: a root's stage spans expanded from its row)
        try (Database db = Database.openSqlite(gw.dir().resolve("sluice.db"))) {
            for (SpanRecord s : new SpanReader(db).trace(traceId, 10_000)) {
                out.add(new Row(s.spanId(), s.parentSpanId(), s.name(), s.kind(), s.status(),
                        s.attributes() == null ? Json.object() : Json.MAPPER.readTree(s.attributes())));
            }
        }
        return out;
    }

    static String hex(int bytes) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < bytes; i++) {
            sb.append(String.format("%02x", ThreadLocalRandom.current().nextInt(1, 256)));
        }
        return sb.toString();
    }

    static Map<String, String> headers(String key, String traceId, String parent, String... extra) {
        Map<String, String> h = new HashMap<>();
        h.put("authorization", "Bearer " + key);
        h.put("traceparent", "00-" + traceId + "-" + parent + "-01");
        for (int i = 0; i < extra.length; i += 2) {
            h.put(extra[i], extra[i + 1]);
        }
        return h;
    }

    @Test
    @DisplayName("a chat call joins the client's trace: root, stage and attempt spans with GenAI attributes; the upstream gets the traceparent")
    void spansOfOneRequest() throws Exception {
        try (TestGateway gw = TestGateway.start()) {
            String key = gw.createKey("tracing");
            String traceId = hex(16);
            String clientSpan = hex(8);
            Http.Response r = gw.http().post("/v1/chat/completions",
                    "{\"model\":\"gpt-4o-mini\",\"temperature\":0.3,\"max_tokens\":30,\"user\":\"ann\","
                            + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
                    headers(key, traceId, clientSpan, "x-sluice-session", "sess-1", "x-sluice-tags", "feature=search"));
            assertThat(r.status()).isEqualTo(200);
            List<Row> spans = spans(gw, traceId);
            Row root = spans.stream().filter(s -> s.kind().equals("server")).findFirst().orElseThrow();
            assertThat(root.parent()).isEqualTo(clientSpan);
            assertThat(root.name()).isEqualTo("chat gpt-4o-mini");
            JsonNode a = root.attributes();
            assertThat(a.path("gen_ai.operation.name").asText()).isEqualTo("chat");
            assertThat(a.path("gen_ai.request.model").asText()).isEqualTo("gpt-4o-mini");
            assertThat(a.path("gen_ai.request.temperature").asDouble()).isEqualTo(0.3);
            assertThat(a.path("gen_ai.request.max_tokens").asLong()).isEqualTo(30);
            assertThat(a.path("gen_ai.provider.name").asText()).isEqualTo("sim");
            assertThat(a.path("gen_ai.response.id").asText()).startsWith("chatcmpl-");
            assertThat(a.path("gen_ai.response.finish_reasons").get(0).asText()).isIn("stop", "length");
            assertThat(a.path("gen_ai.usage.input_tokens").asLong())
                    .isEqualTo(r.json().path("usage").path("prompt_tokens").asLong());
            assertThat(a.path("gen_ai.usage.output_tokens").asLong())
                    .isEqualTo(r.json().path("usage").path("completion_tokens").asLong());
            assertThat(a.path("sluice.request_id").asText()).isEqualTo(r.header("x-request-id"));
            assertThat(a.path("sluice.key.id").asText()).startsWith("key_");
            assertThat(a.path("enduser.id").asText()).isEqualTo("ann");
            assertThat(a.path("session.id").asText()).isEqualTo("sess-1");
            assertThat(a.path("sluice.tag.feature").asText()).isEqualTo("search");
            assertThat(a.path("sluice.cost_usd").isNumber()).isTrue();

            // stages nest like interceptors: each one's span holds the rest of the pipeline
            Row auth = spans.stream().filter(s -> s.name().equals("sluice.AuthStage")).findFirst().orElseThrow();
            assertThat(auth.parent()).isEqualTo(root.spanId());
            Row prompt = spans.stream().filter(s -> s.name().equals("sluice.PromptStage")).findFirst().orElseThrow();
            assertThat(prompt.parent()).isEqualTo(auth.spanId());
            Row limits = spans.stream().filter(s -> s.name().equals("sluice.LimitStage")).findFirst().orElseThrow();
            assertThat(limits.parent()).isEqualTo(prompt.spanId());
            Row router = spans.stream().filter(s -> s.name().equals("sluice.Router")).findFirst().orElseThrow();
            assertThat(router.parent()).isEqualTo(limits.spanId());
            Row attempt = spans.stream().filter(s -> s.kind().equals("client")).findFirst().orElseThrow();
            assertThat(attempt.parent()).isEqualTo(router.spanId());
            assertThat(attempt.name()).isEqualTo("chat gpt-4o-mini");
            assertThat(attempt.attributes().path("gen_ai.provider.name").asText()).isEqualTo("sim");
            assertThat(attempt.attributes().path("gen_ai.usage.output_tokens").asLong()).isPositive();

            RecordedRequest upstream = gw.sim().recorded().getLast();
            assertThat(upstream.header("traceparent")).startsWith("00-" + traceId + "-" + attempt.spanId());
            JsonNode log = gw.logs("request_id=" + r.header("x-request-id")).get(0);
            assertThat(log.path("trace_id").asText()).isEqualTo(traceId);
            assertThat(log.path("session_id").asText()).isEqualTo("sess-1");
            assertThat(log.path("tags").path("feature").asText()).isEqualTo("search");
        }
    }

    @Test
    @DisplayName("a failing upstream marks the attempt and the root span as errors; a stream's attempt span ends with the stream")
    void errorsAndStreams() throws Exception {
        try (TestGateway gw = TestGateway.startWithoutResilience()) {
            String key = gw.createKey("tracing");
            String failing = hex(16);
            gw.http().post("/v1/chat/completions", "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}",
                    headers(key, failing, hex(8), "x-sim-error-rate", "1"));
            List<Row> spans = spans(gw, failing);
            Row root = spans.stream().filter(s -> s.kind().equals("server")).findFirst().orElseThrow();
            assertThat(root.status()).isEqualTo("error");
            assertThat(root.attributes().path("http.response.status_code").asInt()).isEqualTo(502);
            assertThat(root.attributes().path("error.type").asText()).isEqualTo("server_error");
            Row attempt = spans.stream().filter(s -> s.kind().equals("client")).findFirst().orElseThrow();
            assertThat(attempt.status()).isEqualTo("error");
            assertThat(attempt.attributes().path("http.response.status_code").asInt()).isEqualTo(500);

            String streamed = hex(16);
            Http.Response r = gw.http().postStreaming("/v1/chat/completions",
                    Json.object().put("model", "gpt-4o-mini").put("stream", true).set("messages",
                            Json.array().add(Json.object().put("role", "user").put("content", "stream please"))),
                    headers(key, streamed, hex(8), "x-sim-tokens", "12"), (l, t) -> {});
            assertThat(r.status()).isEqualTo(200);
            Row streamAttempt = spans(gw, streamed).stream().filter(s -> s.kind().equals("client")).findFirst().orElseThrow();
            assertThat(streamAttempt.attributes().path("gen_ai.usage.output_tokens").asLong()).isEqualTo(12);
            assertThat(streamAttempt.attributes().path("gen_ai.response.finish_reasons").get(0).asText()).isEqualTo("stop");
        }
    }

    @Test
    @DisplayName("each guardrail trigger is a gen_ai.guardrail event on the root span: name, verdict, score, action, no content")
    void guardrailEvents() throws Exception {
        try (TestGateway gw = TestGateway.start(SimOptions.defaults(), """
                guardrails:
                  policies:
                    default:
                      input:
                        pii: redact
                        secrets: block
                """, Clock.systemUTC())) {
            String key = gw.createKey("tracing");
            String redacted = hex(16);
            Http.Response ok = gw.http().post("/v1/chat/completions",
                    "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"mail jane.doe@example.com\"}]}",
                    headers(key, redacted, hex(8)));
            assertThat(ok.status()).isEqualTo(200);
            String blocked = hex(16);
            Http.Response refused = gw.http().post("/v1/chat/completions",
                    "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"token ghp_a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8\"}]}",
                    headers(key, blocked, hex(8)));
            assertThat(refused.status()).isEqualTo(400);

            JsonNode events = rootEvents(gw, redacted);
            assertThat(events).hasSize(1);
            JsonNode e = events.get(0);
            assertThat(e.path("name").asText()).isEqualTo("gen_ai.guardrail");
            assertThat(e.path("attributes").path("gen_ai.guardrail.name").asText()).isEqualTo("pii");
            assertThat(e.path("attributes").path("gen_ai.guardrail.direction").asText()).isEqualTo("input");
            assertThat(e.path("attributes").path("gen_ai.guardrail.action").asText()).isEqualTo("redact");
            assertThat(e.path("attributes").path("gen_ai.guardrail.verdict").asText()).isEqualTo("detected");
            assertThat(e.path("attributes").path("gen_ai.guardrail.score").asDouble()).isPositive();
            assertThat(e.toString()).doesNotContain("jane.doe");
            JsonNode block = rootEvents(gw, blocked).get(0);
            assertThat(block.path("attributes").path("gen_ai.guardrail.name").asText()).isEqualTo("secrets");
            assertThat(block.path("attributes").path("gen_ai.guardrail.action").asText()).isEqualTo("block");
            assertThat(block.toString()).doesNotContain("ghp_");
        }
    }

    static JsonNode rootEvents(TestGateway gw, String traceId) throws Exception {
        spans(gw, traceId); // flushes
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + gw.dir().resolve("sluice.db"));
             PreparedStatement ps = c.prepareStatement("SELECT events FROM spans_all WHERE trace_id = ? AND kind = 'server'")) {
            ps.setString(1, traceId);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                String events = rs.getString(1);
                return events == null ? Json.array() : Json.MAPPER.readTree(events);
            }
        }
    }

    @Test
    @DisplayName("spans are exported over OTLP/HTTP to a configured collector")
    void otlpExport() throws Exception {
        List<byte[]> received = new CopyOnWriteArrayList<>();
        List<String> contentTypes = new CopyOnWriteArrayList<>();
        HttpServer collector = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        collector.createContext("/v1/traces", exchange -> {
            contentTypes.add(exchange.getRequestHeaders().getFirst("Content-Type"));
            received.add(exchange.getRequestBody().readAllBytes());
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        collector.start();
        try {
            String traceId = hex(16);
            try (TestGateway gw = TestGateway.start(SimOptions.defaults(), """
                    tracing:
                      otlp_endpoint: "http://127.0.0.1:%d/v1/traces"
                    """.formatted(collector.getAddress().getPort()), Clock.systemUTC())) {
                String key = gw.createKey("export");
                gw.http().post("/v1/chat/completions", "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}",
                        headers(key, traceId, hex(8)));
            }
            // closing the gateway flushes the exporter
            assertThat(received).isNotEmpty();
            assertThat(contentTypes).allMatch(ct -> ct.startsWith("application/x-protobuf"));
            String all = new String(received.stream().reduce(new byte[0], TracingTest::concat), StandardCharsets.ISO_8859_1);
            assertThat(all).contains("chat gpt-4o-mini", "sluice.Router", "gen_ai.usage.output_tokens", "sluice");
            byte[] traceIdBytes = java.util.HexFormat.of().parseHex(traceId);
            assertThat(all).contains(new String(traceIdBytes, StandardCharsets.ISO_8859_1));
        } finally {
            collector.stop(0);
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
