package dev.sluice.analytics;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import dev.sluice.api.Json;
import dev.sluice.sim.SimOptions;
import dev.sluice.testing.Http;
import dev.sluice.testing.TestGateway;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("POST /v1/traces: applications' spans join the gateway's, so a RAG request reads back as one tree")
class TraceIngestTest {
    static final Map<String, String> ADMIN = Map.of("authorization", "Bearer " + TestGateway.ADMIN_KEY);

    @Test
    @DisplayName("RAG flow: the app's root, retrieve, rerank and generate spans (OTLP protobuf from the real exporter) and the"
            + " gateway's spans for the chat call made inside generate come back as one tree, with the request-log row")
    void ragFlowIsOneTree() throws Exception {
        try (TestGateway gw = TestGateway.start()) {
            String key = gw.createKey(Json.object().put("name", "rag").put("team", "search")).path("key").asText();
            SdkTracerProvider provider = SdkTracerProvider.builder()
                    .setResource(io.opentelemetry.sdk.resources.Resource.create(Attributes.of(
                            AttributeKey.stringKey("service.name"), "rag-app")))
                    .addSpanProcessor(SimpleSpanProcessor.create(OtlpHttpSpanExporter.builder()
                            .setEndpoint(gw.baseUrl() + "/traces")
                            .addHeader("authorization", "Bearer " + key).build()))
                    .build();
            Tracer tracer = provider.get("rag-test", "1.2.3");
            Span root = tracer.spanBuilder("answer question").setAttribute("session.id", "chat-42")
                    .setAttribute("sluice.team", "someone-else").startSpan();
            String traceId = root.getSpanContext().getTraceId();
            String requestId;
            String generateId;
            try (Scope ignored = root.makeCurrent()) {
                tracer.spanBuilder("retrieve").setAttribute("retrieval.documents", 5L).startSpan().end();
                tracer.spanBuilder("rerank").startSpan().end();
                Span generate = tracer.spanBuilder("generate").startSpan();
                generateId = generate.getSpanContext().getSpanId();
                SpanContext sc = generate.getSpanContext();
                Http.Response r = gw.http().post("/v1/chat/completions",
                        "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"what is a sluice?\"}]}",
                        Map.of("authorization", "Bearer " + key, "x-sluice-session", "chat-42",
                                "traceparent", "00-" + sc.getTraceId() + "-" + sc.getSpanId() + "-01"));
                assertThat(r.status()).isEqualTo(200);
                requestId = r.header("x-request-id");
                generate.end();
            }
            root.end();
            assertThat(provider.forceFlush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
            provider.close();
            flush(gw);

            JsonNode trace = gw.http().get("/admin/traces/" + traceId, ADMIN).json();
            assertThat(trace.path("trace_id").asText()).isEqualTo(traceId);
            assertThat(trace.path("roots")).hasSize(1);
            JsonNode app = trace.path("roots").get(0);
            assertThat(app.path("name").asText()).isEqualTo("answer question");
            assertThat(app.path("service").asText()).isEqualTo("rag-app");
            assertThat(app.path("session_id").asText()).isEqualTo("chat-42");
            // stamped with the sending key's team, whatever the client claimed
            assertThat(app.path("attributes").path("sluice.team").asText()).isEqualTo("search");
            assertThat(app.path("attributes").path("sluice.key.id").asText()).startsWith("key_");
            assertThat(app.path("attributes").path("otel.scope.name").asText()).isEqualTo("rag-test");
            assertThat(app.path("attributes").path("otel.scope.version").asText()).isEqualTo("1.2.3");
            assertThat(names(app.path("children"))).containsExactly("retrieve", "rerank", "generate");
            assertThat(app.path("children").get(0).path("attributes").path("retrieval.documents").asLong()).isEqualTo(5);
            JsonNode generate = app.path("children").get(2);
            assertThat(generate.path("span_id").asText()).isEqualTo(generateId);
            assertThat(generate.path("children")).hasSize(1);
            JsonNode gatewayRoot = generate.path("children").get(0);
            assertThat(gatewayRoot.path("name").asText()).isEqualTo("chat gpt-4o-mini");
            assertThat(gatewayRoot.path("kind").asText()).isEqualTo("server");
            assertThat(gatewayRoot.path("service").asText()).isEqualTo("sluice");
            assertThat(gatewayRoot.path("parent_span_id").asText()).isEqualTo(generateId);
            assertThat(gatewayRoot.path("request_id").asText()).isEqualTo(requestId);
            JsonNode auth = only(gatewayRoot.path("children"), "sluice.AuthStage");
            JsonNode prompt = only(auth.path("children"), "sluice.PromptStage");
            JsonNode limits = only(prompt.path("children"), "sluice.LimitStage");
            JsonNode router = only(limits.path("children"), "sluice.Router");
            JsonNode attempt = router.path("children").get(0);
            assertThat(attempt.path("kind").asText()).isEqualTo("client");
            assertThat(attempt.path("attributes").path("gen_ai.provider.name").asText()).isEqualTo("sim");
            assertThat(trace.path("span_count").asInt()).isEqualTo(4 + 1 + 4 + 1);
            assertThat(trace.path("services").toString()).contains("rag-app", "sluice");
            assertThat(trace.path("requests")).hasSize(1);
            assertThat(trace.path("requests").get(0).path("request_id").asText()).isEqualTo(requestId);
            assertThat(trace.path("requests").get(0).path("trace_id").asText()).isEqualTo(traceId);
        }
    }

    @Test
    @DisplayName("OTLP/JSON: hex ids, integer enums, 64-bit integers as strings or numbers, every attribute type, events")
    void jsonWithAllAttributeTypes() throws Exception {
        try (TestGateway gw = TestGateway.start()) {
            String key = gw.createKey("json");
            String traceId = hex(16);
            String spanId = hex(8);
            String body = """
                    {"resourceSpans":[{"resource":{"attributes":[
                        {"key":"service.name","value":{"stringValue":"agent"}},
                        {"key":"session.id","value":{"stringValue":"res-session"}}]},
                      "scopeSpans":[{"scope":{"name":"my.lib","version":"0.1"},"spans":[
                        {"traceId":"%s","spanId":"%s","name":"tool call","kind":3,
                         "startTimeUnixNano":"1700000000000000000","endTimeUnixNano":1700000000250000000,
                         "attributes":[
                           {"key":"s","value":{"stringValue":"text"}},
                           {"key":"b","value":{"boolValue":true}},
                           {"key":"i","value":{"intValue":"9007199254740993"}},
                           {"key":"n","value":{"intValue":42}},
                           {"key":"d","value":{"doubleValue":0.25}},
                           {"key":"arr","value":{"arrayValue":{"values":[{"stringValue":"x"},{"intValue":"2"}]}}},
                           {"key":"kv","value":{"kvlistValue":{"values":[{"key":"inner","value":{"boolValue":false}}]}}},
                           {"key":"raw","value":{"bytesValue":"AQID"}},
                           {"key":"enduser.id","value":{"stringValue":"u-7"}}],
                         "events":[{"timeUnixNano":"1700000000100000000","name":"retry",
                                    "attributes":[{"key":"attempt","value":{"intValue":"2"}}]}],
                         "status":{"code":2,"message":"tool failed"}}]}]}]}
                    """.formatted(traceId, spanId);
            Http.Response r = gw.http().post("/v1/traces", body, Map.of("authorization", "Bearer " + key,
                    "content-type", "application/json"));
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.header("content-type")).startsWith("application/json");
            assertThat(r.json()).isEqualTo(Json.object());
            flush(gw);
            JsonNode span = gw.http().get("/admin/traces/" + traceId, ADMIN).json().path("roots").get(0);
            assertThat(span.path("name").asText()).isEqualTo("tool call");
            assertThat(span.path("kind").asText()).isEqualTo("client");
            assertThat(span.path("service").asText()).isEqualTo("agent");
            assertThat(span.path("session_id").asText()).isEqualTo("res-session");
            assertThat(span.path("user").asText()).isEqualTo("u-7");
            assertThat(span.path("status").asText()).isEqualTo("error");
            assertThat(span.path("status_message").asText()).isEqualTo("tool failed");
            assertThat(span.path("start_ns").asLong()).isEqualTo(1_700_000_000_000_000_000L);
            assertThat(span.path("duration_ms").asDouble()).isEqualTo(250.0);
            JsonNode a = span.path("attributes");
            assertThat(a.path("s").asText()).isEqualTo("text");
            assertThat(a.path("b").asBoolean()).isTrue();
            assertThat(a.path("i").asLong()).isEqualTo(9007199254740993L);
            assertThat(a.path("n").asLong()).isEqualTo(42);
            assertThat(a.path("d").asDouble()).isEqualTo(0.25);
            assertThat(a.path("arr").toString()).isEqualTo("[\"x\",2]");
            assertThat(a.path("kv").toString()).isEqualTo("{\"inner\":false}");
            assertThat(a.path("raw").asText()).isEqualTo("AQID");
            assertThat(span.path("events").get(0).path("name").asText()).isEqualTo("retry");
            assertThat(span.path("events").get(0).path("attributes").path("attempt").asLong()).isEqualTo(2);
        }
    }

    @Test
    @DisplayName("unusable spans are rejected one by one in partial_success (JSON and protobuf); the rest are stored")
    void partialSuccess() throws Exception {
        try (TestGateway gw = TestGateway.start()) {
            String key = gw.createKey("partial");
            String traceId = hex(16);
            String good = hex(8);
            String body = """
                    {"resourceSpans":[{"scopeSpans":[{"spans":[
                      {"traceId":"%1$s","spanId":"%2$s","name":"good","startTimeUnixNano":"1000","endTimeUnixNano":"2000"},
                      {"traceId":"00000000000000000000000000000000","spanId":"%3$s","name":"zero trace","startTimeUnixNano":"1000","endTimeUnixNano":"2000"},
                      {"traceId":"%1$s","spanId":"%3$s","name":"backwards","startTimeUnixNano":"5000","endTimeUnixNano":"2000"},
                      {"traceId":"%1$s","spanId":"%4$s","name":"no start","endTimeUnixNano":"2000"}
                    ]}]}]}
                    """.formatted(traceId, good, hex(8), hex(8));
            Http.Response r = gw.http().post("/v1/traces", body, Map.of("authorization", "Bearer " + key,
                    "content-type", "application/json"));
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.json().path("partialSuccess").path("rejectedSpans").asText()).isEqualTo("3");
            assertThat(r.json().path("partialSuccess").path("errorMessage").asText())
                    .contains("zero trace", "ends before it starts", "no start time");
            flush(gw);
            JsonNode trace = gw.http().get("/admin/traces/" + traceId, ADMIN).json();
            assertThat(trace.path("span_count").asInt()).isEqualTo(1);
            assertThat(trace.path("roots").get(0).path("service").asText()).isEqualTo("unknown_service");

            // the same over protobuf: the answer is an ExportTraceServiceResponse
            ExportTraceServiceRequest proto = request(traceId, List.of(
                    span(hex(8), "ok", 10, 20), span(hex(8), "bad", 0, 20)));
            Raw p = raw(gw, proto.toByteArray(), Map.of("authorization", "Bearer " + key,
                    "content-type", "application/x-protobuf"));
            assertThat(p.status()).isEqualTo(200);
            assertThat(p.contentType()).startsWith("application/x-protobuf");
            ExportTraceServiceResponse answer = ExportTraceServiceResponse.parseFrom(p.body());
            assertThat(answer.getPartialSuccess().getRejectedSpans()).isEqualTo(1);
            flush(gw);
            assertThat(gw.http().get("/admin/traces/" + traceId, ADMIN).json().path("span_count").asInt()).isEqualTo(2);
        }
    }

    @Test
    @DisplayName("malformed bodies are a 400 google.rpc.Status in the request's encoding; base64 ids are named as the mistake")
    void malformed() throws Exception {
        try (TestGateway gw = TestGateway.start()) {
            String key = gw.createKey("bad");
            Raw garbage = raw(gw, new byte[] {0x0a, (byte) 0xff, 0x01, 0x02},
                    Map.of("authorization", "Bearer " + key, "content-type", "application/x-protobuf"));
            assertThat(garbage.status()).isEqualTo(400);
            assertThat(garbage.contentType()).startsWith("application/x-protobuf");
            RpcStatus status = RpcStatus.parse(garbage.body());
            assertThat(status.code()).isEqualTo(3);
            assertThat(status.message()).contains("Malformed OTLP protobuf");

            Http.Response json = gw.http().post("/v1/traces", "{\"resourceSpans\": [", Map.of("authorization",
                    "Bearer " + key, "content-type", "application/json"));
            assertThat(json.status()).isEqualTo(400);
            assertThat(json.json().path("code").asInt()).isEqualTo(3);
            assertThat(json.json().path("message").asText()).contains("not valid JSON");

            String base64Trace = java.util.Base64.getEncoder().encodeToString(HexFormat.of().parseHex(hex(16)));
            Http.Response b64 = gw.http().post("/v1/traces", """
                    {"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"%s","spanId":"%s","name":"x",
                      "startTimeUnixNano":"1","endTimeUnixNano":"2"}]}]}]}""".formatted(base64Trace, hex(8)),
                    Map.of("authorization", "Bearer " + key, "content-type", "application/json"));
            assertThat(b64.status()).isEqualTo(400);
            assertThat(b64.json().path("message").asText()).contains("base64", "hex");

            Http.Response wrongShape = gw.http().post("/v1/traces", "{\"resourceSpans\": {}}", Map.of("authorization",
                    "Bearer " + key, "content-type", "application/json"));
            assertThat(wrongShape.status()).isEqualTo(400);
            assertThat(wrongShape.json().path("message").asText()).contains("resourceSpans must be an array");

            Http.Response text = gw.http().post("/v1/traces", "hello", Map.of("authorization", "Bearer " + key,
                    "content-type", "text/plain"));
            assertThat(text.status()).isEqualTo(415);
            assertThat(text.json().path("message").asText()).contains("application/x-protobuf", "application/json");
        }
    }

    @Test
    @DisplayName("no key or a wrong key is a 401 in the request's encoding, and nothing is stored")
    void unauthenticated() throws Exception {
        try (TestGateway gw = TestGateway.start()) {
            String traceId = hex(16);
            byte[] body = request(traceId, List.of(span(hex(8), "x", 10, 20))).toByteArray();
            Raw none = raw(gw, body, Map.of("content-type", "application/x-protobuf"));
            assertThat(none.status()).isEqualTo(401);
            RpcStatus status = RpcStatus.parse(none.body());
            assertThat(status.code()).isEqualTo(16);
            assertThat(status.message()).contains("No API key");
            Http.Response wrong = gw.http().post("/v1/traces", "{}", Map.of("content-type", "application/json",
                    "authorization", "Bearer sk-sluice-nope"));
            assertThat(wrong.status()).isEqualTo(401);
            assertThat(wrong.json().path("message").asText()).contains("Incorrect API key");
            flush(gw);
            assertThat(gw.http().get("/admin/traces/" + traceId, ADMIN).status()).isEqualTo(404);
        }
    }

    @Test
    @DisplayName("gzip bodies are inflated; one that does not inflate is a 400; over the size limit (sent or inflated) is a 413")
    void gzipAndSizeLimit() throws Exception {
        try (TestGateway gw = TestGateway.start()) {
            String key = gw.createKey("gz");
            String traceId = hex(16);
            byte[] body = request(traceId, List.of(span(hex(8), "zipped", 10, 20))).toByteArray();
            Raw ok = raw(gw, gzip(body), Map.of("authorization", "Bearer " + key,
                    "content-type", "application/x-protobuf", "content-encoding", "gzip"));
            assertThat(ok.status()).as(new String(ok.body(), StandardCharsets.UTF_8)).isEqualTo(200);
            flush(gw);
            assertThat(gw.http().get("/admin/traces/" + traceId, ADMIN).json().path("roots").get(0).path("name").asText())
                    .isEqualTo("zipped");

            Http.Response broken = gw.http().post("/v1/traces", "not gzip at all".getBytes(StandardCharsets.UTF_8),
                    Map.of("authorization", "Bearer " + key, "content-type", "application/json", "content-encoding", "gzip"));
            assertThat(broken.status()).isEqualTo(400);
            assertThat(broken.json().path("message").asText()).contains("does not inflate");

            byte[] big = new byte[1_200_000]; // the test gateway's limit is 1 MB
            Raw tooBig = raw(gw, big, Map.of("authorization", "Bearer " + key, "content-type", "application/x-protobuf"));
            assertThat(tooBig.status()).isEqualTo(413);
            assertThat(RpcStatus.parse(tooBig.body()).message()).contains("larger than this gateway accepts");
            Http.Response bomb = gw.http().post("/v1/traces", gzip(big), Map.of("authorization", "Bearer " + key,
                    "content-type", "application/json", "content-encoding", "gzip"));
            assertThat(bomb.status()).isEqualTo(413);
            assertThat(bomb.json().path("code").asInt()).isEqualTo(8);
        }
    }

    @Test
    @DisplayName("with auth off no key is needed, and client-sent sluice.key.id / sluice.team stamps are removed")
    void authOff() throws Exception {
        try (TestGateway gw = TestGateway.start(SimOptions.defaults(), """
                auth:
                  enabled: false
                  admin_key: %s
                """.formatted(TestGateway.ADMIN_KEY), Clock.systemUTC())) {
            String traceId = hex(16);
            io.opentelemetry.proto.trace.v1.Span s = span(hex(8), "anon", 10, 20).toBuilder()
                    .addAttributes(KeyValue.newBuilder().setKey("sluice.team")
                            .setValue(AnyValue.newBuilder().setStringValue("admins")))
                    .build();
            Http.Response r = gw.http().post("/v1/traces", request(traceId, List.of(s)).toByteArray(),
                    Map.of("content-type", "application/x-protobuf"));
            assertThat(r.status()).isEqualTo(200);
            flush(gw);
            JsonNode span = gw.http().get("/admin/traces/" + traceId, ADMIN).json().path("roots").get(0);
            assertThat(span.path("name").asText()).isEqualTo("anon");
            assertThat(span.path("attributes").has("sluice.team")).isFalse();
        }
    }

    @Test
    @DisplayName("a batch the span queue cannot take is a 503 with Retry-After, and none of it is stored")
    void queueFull() throws Exception {
        try (TestGateway gw = TestGateway.start(SimOptions.defaults(), """
                store:
                  path: ${DIR}/sluice.db
                  spill_dir: ${DIR}/spill
                  queue_capacity: 100
                """.replace("${DIR}", java.nio.file.Files.createTempDirectory("sluice-q").toString()), Clock.systemUTC())) {
            String key = gw.createKey("q");
            String traceId = hex(16);
            List<io.opentelemetry.proto.trace.v1.Span> spans = new ArrayList<>();
            for (int i = 0; i < 101; i++) {
                spans.add(span(hex(8), "s" + i, 10, 20));
            }
            Raw r = raw(gw, request(traceId, spans).toByteArray(), Map.of("authorization", "Bearer " + key,
                    "content-type", "application/x-protobuf"));
            assertThat(r.status()).isEqualTo(503);
            assertThat(r.retryAfter()).isEqualTo("1");
            RpcStatus status = RpcStatus.parse(r.body());
            assertThat(status.code()).isEqualTo(14);
            assertThat(status.message()).contains("queue is full");
            flush(gw);
            assertThat(gw.http().get("/admin/traces/" + traceId, ADMIN).status()).isEqualTo(404);
            Raw small = raw(gw, request(traceId, spans.subList(0, 50)).toByteArray(), Map.of("authorization",
                    "Bearer " + key, "content-type", "application/x-protobuf"));
            assertThat(small.status()).isEqualTo(200);
        }
    }

    // ---- helpers ----

    record Raw(int status, String contentType, byte[] body, String retryAfter) {}

    /** POST /v1/traces keeping the answer's bytes (protobuf answers are binary). */
    static Raw raw(TestGateway gw, byte[] body, Map<String, String> headers) throws Exception {
        java.net.http.HttpRequest.Builder b = java.net.http.HttpRequest.newBuilder(
                java.net.URI.create(gw.baseUrl() + "/traces")).POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach(b::header);
        try (java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient()) {
            java.net.http.HttpResponse<byte[]> r = client.send(b.build(), java.net.http.HttpResponse.BodyHandlers.ofByteArray());
            return new Raw(r.statusCode(), r.headers().firstValue("content-type").orElse(""), r.body(),
                    r.headers().firstValue("retry-after").orElse(null));
        }
    }

    static void flush(TestGateway gw) {
        gw.flushLog();
        assertThat(gw.gateway().awaitFlushed(java.time.Duration.ofMillis(10_000))).isTrue();
    }

    static List<String> names(JsonNode spans) {
        List<String> out = new ArrayList<>();
        spans.forEach(s -> out.add(s.path("name").asText()));
        return out;
    }

    static JsonNode only(JsonNode spans, String name) {
        for (JsonNode s : spans) {
            if (s.path("name").asText().equals(name)) {
                return s;
            }
        }
        throw new AssertionError("no span " + name + " among " + names(spans));
    }

    static String hex(int bytes) {
        byte[] b = new byte[bytes];
        ThreadLocalRandom.current().nextBytes(b);
        b[0] = (byte) (b[0] | 1);
        return HexFormat.of().formatHex(b);
    }

    static io.opentelemetry.proto.trace.v1.Span span(String spanId, String name, long start, long end) {
        return io.opentelemetry.proto.trace.v1.Span.newBuilder()
                .setSpanId(ByteString.copyFrom(HexFormat.of().parseHex(spanId)))
                .setName(name).setStartTimeUnixNano(start).setEndTimeUnixNano(end).build();
    }

    static ExportTraceServiceRequest request(String traceId, List<io.opentelemetry.proto.trace.v1.Span> spans) {
        ScopeSpans.Builder scope = ScopeSpans.newBuilder();
        for (io.opentelemetry.proto.trace.v1.Span s : spans) {
            scope.addSpans(s.toBuilder().setTraceId(ByteString.copyFrom(HexFormat.of().parseHex(traceId))));
        }
        return ExportTraceServiceRequest.newBuilder().addResourceSpans(ResourceSpans.newBuilder()
                .setResource(Resource.newBuilder().addAttributes(KeyValue.newBuilder().setKey("service.name")
                        .setValue(AnyValue.newBuilder().setStringValue("proto-app"))))
                .addScopeSpans(scope)).build();
    }

    static byte[] gzip(byte[] data) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(out)) {
            z.write(data);
        }
        return out.toByteArray();
    }

    /** google.rpc.Status, decoded by hand (code = 1, message = 2). */
    record RpcStatus(int code, String message) {
        static RpcStatus parse(byte[] bytes) throws Exception {
            CodedInputStream in = CodedInputStream.newInstance(bytes);
            int code = 0;
            String message = null;
            int tag;
            while ((tag = in.readTag()) != 0) {
                switch (tag >>> 3) {
                    case 1 -> code = in.readInt32();
                    case 2 -> message = in.readString();
                    default -> in.skipField(tag);
                }
            }
            return new RpcStatus(code, message);
        }
    }
}
