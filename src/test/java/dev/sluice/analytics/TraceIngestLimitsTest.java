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
}
