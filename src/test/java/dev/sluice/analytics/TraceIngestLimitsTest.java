package dev.sluice.analytics;

import static dev.sluice.analytics.TraceIngestTest.ADMIN;
import static dev.sluice.analytics.TraceIngestTest.flush;
import static dev.sluice.analytics.TraceIngestTest.hex;
import static dev.sluice.analytics.TraceIngestTest.raw;
import static dev.sluice.analytics.TraceIngestTest.request;
import static dev.sluice.analytics.TraceIngestTest.span;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.testing.TestGateway;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("POST /v1/traces under hostile input: bounded span times, span counts, rates and decoding")
class TraceIngestLimitsTest {
    static final Map<String, String> PROTOBUF = Map.of("content-type", "application/x-protobuf");

    static Map<String, String> as(String key) {
        return Map.of("authorization", "Bearer " + key, "content-type", "application/x-protobuf");
    }

    @Test
    @DisplayName("a span starting or ending more than 5 minutes after the gateway's clock is rejected in partial_success;"
            + " one a minute ahead (clock skew) is stored")
    void futureSpansAreRejected() throws Exception {
        try (TestGateway gw = TestGateway.start()) {
            String key = gw.createKey("future");
            String traceId = hex(16);
            long now = System.currentTimeMillis() * 1_000_000L;
            String skewed = hex(8);
            var r = raw(gw, request(traceId, List.of(
                    span(skewed, "skewed", now + TimeUnit.MINUTES.toNanos(1), now + TimeUnit.MINUTES.toNanos(1) + 10),
                    span(hex(8), "next year", now + TimeUnit.DAYS.toNanos(365), now + TimeUnit.DAYS.toNanos(365) + 10),
                    span(hex(8), "ends later", now, now + TimeUnit.HOURS.toNanos(2)))).toByteArray(), as(key));
            assertThat(r.status()).isEqualTo(200);
            ExportTraceServiceResponse answer = ExportTraceServiceResponse.parseFrom(r.body());
            assertThat(answer.getPartialSuccess().getRejectedSpans()).isEqualTo(2);
            assertThat(answer.getPartialSuccess().getErrorMessage()).contains("next year", "ends later", "future");
            flush(gw);
            JsonNode trace = gw.http().get("/admin/traces/" + traceId, ADMIN).json();
            assertThat(trace.path("span_count").asInt()).isEqualTo(1);
            assertThat(trace.path("roots").get(0).path("span_id").asText()).isEqualTo(skewed);
        }
    }

    static final String LIMITS = """
            tracing:
              ingest_max_spans: 50
              ingest_spans_per_minute: 100
            """;

    static List<io.opentelemetry.proto.trace.v1.Span> spans(int n) {
        List<io.opentelemetry.proto.trace.v1.Span> out = new java.util.ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(span(hex(8), "s" + i, 10, 20));
        }
        return out;
    }

    @Test
    @DisplayName("more spans in one request than tracing.ingest_max_spans is a 413 naming the option, in protobuf"
            + " and JSON, and nothing is stored; a 1 MB protobuf of ~60,000 tiny spans is refused the same way")
    void tooManySpansPerRequest() throws Exception {
        try (TestGateway gw = TestGateway.start(dev.sluice.sim.SimOptions.defaults(), LIMITS, java.time.Clock.systemUTC())) {
            String key = gw.createKey("many");
            String traceId = hex(16);
            var r = raw(gw, request(traceId, spans(51)).toByteArray(), as(key));
            assertThat(r.status()).isEqualTo(413);
            TraceIngestTest.RpcStatus status = TraceIngestTest.RpcStatus.parse(r.body());
            assertThat(status.code()).isEqualTo(8);
            assertThat(status.message()).contains("more than 50 spans", "tracing.ingest_max_spans");

            StringBuilder json = new StringBuilder("{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[");
            for (int i = 0; i < 51; i++) {
                json.append(i == 0 ? "" : ",").append("{\"traceId\":\"").append(traceId).append("\",\"spanId\":\"")
                        .append(hex(8)).append("\",\"name\":\"j\",\"startTimeUnixNano\":\"10\",\"endTimeUnixNano\":\"20\"}");
            }
            json.append("]}]}]}");
            var j = gw.http().post("/v1/traces", json.toString(), Map.of("authorization", "Bearer " + key,
                    "content-type", "application/json"));
            assertThat(j.status()).isEqualTo(413);
            assertThat(j.json().path("message").asText()).contains("tracing.ingest_max_spans");

            // the shape of the reported attack: as many empty spans as the body limit allows
            io.opentelemetry.proto.trace.v1.ScopeSpans.Builder scope = io.opentelemetry.proto.trace.v1.ScopeSpans.newBuilder();
            io.opentelemetry.proto.trace.v1.Span tiny = io.opentelemetry.proto.trace.v1.Span.newBuilder().setStartTimeUnixNano(1).build();
            while (scope.getSpansCount() < 60_000) {
                scope.addSpans(tiny);
            }
            byte[] bomb = io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest.newBuilder()
                    .addResourceSpans(io.opentelemetry.proto.trace.v1.ResourceSpans.newBuilder().addScopeSpans(scope))
                    .build().toByteArray();
            assertThat(bomb.length).isLessThan(1_000_000);
            assertThat(raw(gw, bomb, as(key)).status()).isEqualTo(413);
            flush(gw);
            assertThat(gw.http().get("/admin/traces/" + traceId, ADMIN).status()).isEqualTo(404);
        }
    }

    @Test
    @DisplayName("a key over tracing.ingest_spans_per_minute gets 429 with Retry-After and nothing stored; another key"
            + " has its own allowance")
    void spansPerMinutePerKey() throws Exception {
        try (TestGateway gw = TestGateway.start(dev.sluice.sim.SimOptions.defaults(), LIMITS, java.time.Clock.systemUTC())) {
            String key = gw.createKey("busy");
            String traceId = hex(16);
            assertThat(raw(gw, request(traceId, spans(50)).toByteArray(), as(key)).status()).isEqualTo(200);
            assertThat(raw(gw, request(traceId, spans(45)).toByteArray(), as(key)).status()).isEqualTo(200);
            String late = hex(16);
            var over = raw(gw, request(late, spans(20)).toByteArray(), as(key));
            assertThat(over.status()).isEqualTo(429);
            assertThat(Long.parseLong(over.retryAfter())).isBetween(1L, 60L);
            TraceIngestTest.RpcStatus status = TraceIngestTest.RpcStatus.parse(over.body());
            assertThat(status.message()).contains("tracing.ingest_spans_per_minute");

            String other = gw.createKey("quiet");
            String otherTrace = hex(16);
            assertThat(raw(gw, request(otherTrace, spans(20)).toByteArray(), as(other)).status()).isEqualTo(200);
            flush(gw);
            assertThat(gw.http().get("/admin/traces/" + late, ADMIN).status()).isEqualTo(404);
            assertThat(gw.http().get("/admin/traces/" + traceId, ADMIN).json().path("span_count").asInt()).isEqualTo(95);
            assertThat(gw.http().get("/admin/traces/" + otherTrace, ADMIN).json().path("span_count").asInt()).isEqualTo(20);
        }
    }

    @Test
    @DisplayName("ingest_spans_per_minute below ingest_max_spans is refused at start-up with the fix")
    void inconsistentLimits() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> dev.sluice.app.Registries.configLoader(Map.of()).parse("""
                providers:
                  p:
                    type: openai
                    api_key: x
                models:
                  m:
                    provider: p
                tracing:
                  ingest_max_spans: 500
                  ingest_spans_per_minute: 100
                """, "t.yaml")).hasMessageContaining("ingest_spans_per_minute").hasMessageContaining("raise");
    }
}
