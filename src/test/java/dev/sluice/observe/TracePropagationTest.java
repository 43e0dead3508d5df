package dev.sluice.observe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.sim.RecordedRequest;
import dev.sluice.sim.SimOptions;
import dev.sluice.testing.Http;
import dev.sluice.testing.TestGateway;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * What the upstream receives and what is stored for the client's {@code traceparent}/{@code tracestate}:
 * joined, not sampled, invalid, absent, and with tracing off. Behaviour as with OpenTelemetry's
 * propagator and parent-based sampler (commit 1553d2e passes these too).
 */
@DisplayName("Trace propagation: the client's traceparent and tracestate, to the upstream and into the store")
class TracePropagationTest {
    static final String CHAT = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    static Map<String, String> headers(String key, String... more) {
        Map<String, String> h = new HashMap<>();
        h.put("authorization", "Bearer " + key);
        for (int i = 0; i < more.length; i += 2) {
            h.put(more[i], more[i + 1]);
        }
        return h;
    }

    static RecordedRequest upstream(TestGateway gw, String key, String... more) {
        gw.sim().clearRecorded();
        Http.Response r = gw.http().post("/v1/chat/completions", CHAT, headers(key, more));
        assertThat(r.status()).isEqualTo(200);
        return gw.sim().recorded().getLast();
    }

    @Test
    @DisplayName("tracing on: the trace and its tracestate go upstream with the attempt's span id; an unsampled trace"
            + " goes on unsampled and stores nothing; a broken traceparent starts a new trace")
    void tracingOn() throws Exception {
        try (TestGateway gw = TestGateway.start()) {
            String key = gw.createKey("propagation");
            String trace = TracingTest.hex(16);
            RecordedRequest joined = upstream(gw, key, "traceparent", "00-" + trace + "-b7ad6b7169203331-01",
                    "tracestate", "congo=t61rcWkgMzE, rojo=00f067aa0ba902b7");
            String attempt = TracingTest.spans(gw, trace).stream().filter(s -> s.kind().equals("client"))
                    .findFirst().orElseThrow().spanId();
            assertThat(joined.header("traceparent")).isEqualTo("00-" + trace + "-" + attempt + "-01");
            assertThat(joined.header("tracestate")).isEqualTo("congo=t61rcWkgMzE,rojo=00f067aa0ba902b7");

            String unsampled = TracingTest.hex(16);
            RecordedRequest quiet = upstream(gw, key, "traceparent", "00-" + unsampled + "-b7ad6b7169203331-00");
            assertThat(quiet.header("traceparent")).matches("00-" + unsampled + "-[0-9a-f]{16}-00")
                    .isNotEqualTo("00-" + unsampled + "-b7ad6b7169203331-00");
            assertThat(TracingTest.spans(gw, unsampled)).isEmpty();
            Http.Response r = gw.http().post("/v1/chat/completions", CHAT, headers(key, "traceparent",
                    "00-" + unsampled + "-b7ad6b7169203331-00"));
            assertThat(gw.logs("request_id=" + r.header("x-request-id")).get(0).path("trace_id").asText())
                    .isEqualTo(unsampled);

            for (String bad : new String[] {"00-" + "0".repeat(32) + "-b7ad6b7169203331-01",
                    "00-" + trace.toUpperCase() + "-b7ad6b7169203331-01", "ff-" + trace + "-b7ad6b7169203331-01",
                    "00-" + trace + "-0000000000000000-01", "00-" + trace + "-b7ad6b7169203331-01-extra",
                    "00-" + trace + "-b7ad6b716920333-01", "garbage"}) {
                RecordedRequest fresh = upstream(gw, key, "traceparent", bad, "tracestate", "congo=t61rcWkgMzE");
                // a new trace: sampled, and its trace id random (W3C level 2's flag 02), as OpenTelemetry's SDK says
                assertThat(fresh.header("traceparent")).as(bad).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-03")
                        .doesNotContain(trace).doesNotContain(trace.toUpperCase());
                assertThat(fresh.header("tracestate")).as(bad).isNull();
            }
            // a later version may carry more fields after a dash
            RecordedRequest future = upstream(gw, key, "traceparent", "01-" + trace + "-b7ad6b7169203331-01-what-ever");
            assertThat(future.header("traceparent")).startsWith("00-" + trace + "-").endsWith("-01");
        }
    }

    @Test
    @DisplayName("a trace the gateway starts has an id led by the time (48 bits of epoch ms), the rest random, and"
            + " keeps W3C level 2's random flag; its spans are stored under that id")
    void newTraceIdsLedByTime() throws Exception {
        try (TestGateway gw = TestGateway.start()) {
            String key = gw.createKey("time-led");
            long before = System.currentTimeMillis();
            RecordedRequest first = upstream(gw, key);
            RecordedRequest second = upstream(gw, key);
            long after = System.currentTimeMillis();
            java.util.List<String> ids = new java.util.ArrayList<>();
            for (RecordedRequest r : java.util.List.of(first, second)) {
                assertThat(r.header("traceparent")).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-03");
                String trace = r.header("traceparent").substring(3, 35);
                assertThat(Long.parseLong(trace.substring(0, 12), 16)).isBetween(before, after);
                assertThat(TracingTest.spans(gw, trace)).hasSize(6);
                ids.add(trace);
            }
            assertThat(ids.get(0).substring(12)).isNotEqualTo(ids.get(1).substring(12));
        }
    }

    @Test
    @DisplayName("tracing off: the client's traceparent and tracestate go upstream as they came, and the request log keeps the trace id")
    void tracingOff() throws Exception {
        try (TestGateway gw = TestGateway.start(SimOptions.defaults(), """
                tracing:
                  enabled: false
                """, Clock.systemUTC())) {
            String key = gw.createKey("propagation");
            String trace = TracingTest.hex(16);
            RecordedRequest passed = upstream(gw, key, "traceparent", "00-" + trace + "-b7ad6b7169203331-01",
                    "tracestate", "congo=t61rcWkgMzE");
            assertThat(passed.header("traceparent")).isEqualTo("00-" + trace + "-b7ad6b7169203331-01");
            assertThat(passed.header("tracestate")).isEqualTo("congo=t61rcWkgMzE");
            assertThat(TracingTest.spans(gw, trace)).isEmpty();
            Http.Response r = gw.http().post("/v1/chat/completions", CHAT,
                    headers(key, "traceparent", "00-" + trace + "-b7ad6b7169203331-01"));
            assertThat(gw.logs("request_id=" + r.header("x-request-id")).get(0).path("trace_id").asText())
                    .isEqualTo(trace);
            RecordedRequest none = upstream(gw, key);
            assertThat(none.header("traceparent")).isNull();
        }
    }
}
