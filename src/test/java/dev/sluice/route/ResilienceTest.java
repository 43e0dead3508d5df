package dev.sluice.route;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.Json;
import dev.sluice.sim.RecordedRequest;
import dev.sluice.sim.SimOptions;
import dev.sluice.sim.Simulator;
import dev.sluice.testing.Http;
import dev.sluice.testing.MutableClock;
import dev.sluice.testing.TestGateway;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Resilient routing: retries, fallbacks, breakers, timeouts")
class ResilienceTest {

    static ObjectNode chat(String model, boolean stream) {
        ObjectNode body = Json.object().put("model", model).put("stream", stream);
        body.putArray("messages").addObject().put("role", "user").put("content", "tell me something");
        return body;
    }

    static Map<String, String> auth(String key, String... extra) {
        return Http.bearer(key, extra);
    }

    @Test
    @DisplayName("with 30% of upstream calls failing (503 and 429) and one fallback, at least 99.9% of 2,000 requests succeed")
    void survivesThirtyPercentFaults() throws Exception {
        try (Simulator flaky429 = Simulator.start(SimOptions.defaults().withErrorRate(0.3).withErrorStatus(429)
                .withRetryAfterSeconds(0).withSeed(7));
             TestGateway gw = TestGateway.start(SimOptions.defaults().withErrorRate(0.3).withErrorStatus(503).withSeed(11), """
                     routing:
                       retries: 3
                       backoff_base: 1ms
                       backoff_max: 5ms
                     providers:
                       a: {type: openai, base_url: "${SIM}/v1"}
                       b: {type: openai, base_url: "%s/v1"}
                     models:
                       main:
                         deployments:
                           - {provider: a, model: m-a}
                           - {provider: b, model: m-b}
                         fallbacks:
                           - model: backup
                       backup:
                         provider: a
                         model: m-backup
                     """.formatted(flaky429.baseUrl()), Clock.systemUTC())) {
            String key = gw.createKey("faults");
            byte[] body = Json.bytes(chat("main", false));
            int total = 2000;
            int ok = 0;
            try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
                List<Future<Integer>> results = new ArrayList<>();
                for (int i = 0; i < total; i++) {
                    results.add(pool.submit(() -> gw.http().post("/v1/chat/completions", body, auth(key)).status()));
                }
                Map<Integer, Integer> statuses = new java.util.TreeMap<>();
                for (Future<Integer> f : results) {
                    int status = f.get();
                    statuses.merge(status, 1, Integer::sum);
                    ok += status == 200 ? 1 : 0;
                }
                System.out.println("statuses: " + statuses);
            }
            long upstreamFailures = gw.sim().recorded().size() + flaky429.recorded().size() - total;
            System.out.printf("30%% faults: %d/%d succeeded (%.2f%%), %d extra upstream calls%n", ok, total,
                    100.0 * ok / total, upstreamFailures);
            assertThat(ok).isGreaterThanOrEqualTo((int) Math.ceil(total * 0.999));
            assertThat(upstreamFailures).as("faults really happened").isGreaterThan(total / 5);
        }
    }

    @Test
    @DisplayName("a dead deployment trips its breaker and is skipped; after the breaker half-opens it is tried, and used once healthy")
    void breakerTripsAndRecovers() throws Exception {
        int deadPort;
        try (ServerSocket s = new ServerSocket(0)) {
            deadPort = s.getLocalPort();
        }
        MutableClock clock = new MutableClock(Instant.parse("2026-11-23T12:00:00Z"));
        try (TestGateway gw = TestGateway.start(SimOptions.defaults(), """
                routing:
                  retries: 1
                  circuit_breaker: {window: 4, min_calls: 4, failure_rate: 50, open_for: 30s, half_open_calls: 1}
                providers:
                  primary: {type: openai, base_url: "http://127.0.0.1:%d/v1", connect_timeout: 1s}
                  backup: {type: openai, base_url: "${SIM}/v1"}
                models:
                  m:
                    strategy: priority
                    deployments:
                      - {provider: primary, model: m}
                      - {provider: backup, model: m}
                """.formatted(deadPort), clock)) {
            String key = gw.createKey("breaker");
            for (int i = 0; i < 4; i++) {
                Http.Response r = gw.http().post("/v1/chat/completions", chat("m", false), auth(key));
                assertThat(r.status()).isEqualTo(200);
                assertThat(r.header("x-sluice-attempts")).isEqualTo("2");
                assertThat(r.header("x-sluice-provider")).isEqualTo("backup");
            }
            Http.Response skipped = gw.http().post("/v1/chat/completions", chat("m", false), auth(key));
            assertThat(skipped.header("x-sluice-attempts")).as("open breaker: primary not even tried").isEqualTo("1");
            assertThat(skipped.header("x-sluice-provider")).isEqualTo("backup");

            try (Simulator revived = Simulator.start(SimOptions.defaults().withPort(deadPort))) {
                clock.advance(Duration.ofSeconds(31));
                Http.Response probe = gw.http().post("/v1/chat/completions", chat("m", false), auth(key));
                assertThat(probe.header("x-sluice-provider")).as("half-open probe goes to primary").isEqualTo("primary");
                assertThat(revived.recorded()).hasSize(1);
                Http.Response again = gw.http().post("/v1/chat/completions", chat("m", false), auth(key));
                assertThat(again.header("x-sluice-provider")).as("breaker closed again").isEqualTo("primary");
                assertThat(again.header("x-sluice-attempts")).isEqualTo("1");
            }
        }
    }

    @Test
    @DisplayName("Retry-After is honoured: the upstream sees the retries that far apart; a Retry-After over the cap is not waited")
    void retryAfterHonoured() {
        try (TestGateway gw = TestGateway.start(SimOptions.defaults(), """
                routing:
                  retries: 2
                  max_retry_after: 5s
                  circuit_breaker: {enabled: false}
                """, Clock.systemUTC())) {
            String key = gw.createKey("retry-after");
            Http.Response r = gw.http().post("/v1/chat/completions", chat("gpt-4o-mini", false), auth(key,
                    "x-sim-error-rate", "1", "x-sim-error-status", "429", "x-sim-retry-after", "1", "x-request-id", "ra"));
            assertThat(r.status()).isEqualTo(429);
            assertThat(r.header("x-sluice-attempts")).isEqualTo("3");
            List<RecordedRequest> arrivals = gw.sim().recorded();
            assertThat(arrivals).hasSize(3);
            for (int i = 1; i < 3; i++) {
                long gapMillis = (arrivals.get(i).receivedAtNanos() - arrivals.get(i - 1).receivedAtNanos()) / 1_000_000;
                assertThat(gapMillis).as("gap before retry %d", i).isGreaterThanOrEqualTo(950);
            }
            JsonNode attempts = gw.logs("request_id=ra").get(0).path("attempt_log");
            assertThat(attempts).hasSize(3);
            assertThat(attempts.get(0).path("error").asText()).isEqualTo("rate_limited");

            gw.sim().clearRecorded();
            Http.Response tooLong = gw.http().post("/v1/chat/completions", chat("gpt-4o-mini", false), auth(key,
                    "x-sim-error-rate", "1", "x-sim-error-status", "429", "x-sim-retry-after", "60"));
            assertThat(tooLong.status()).isEqualTo(429);
            assertThat(tooLong.header("retry-after")).isEqualTo("60");
            assertThat(gw.sim().recorded()).as("not retried: a 60 s wait is over the 5 s cap").hasSize(1);
        }
    }

    /** A gateway whose primary forwards x-sim-* (so faults hit it) and whose fallback does not. */
    private static TestGateway primaryAndCleanFallback(Simulator fallbackSim, String timeouts) {
        return TestGateway.start(SimOptions.defaults(), """
                routing:
                  retries: 0
                  circuit_breaker: {enabled: false}
                providers:
                  primary: {type: openai, base_url: "${SIM}/v1", forward_headers: ["x-sim-*"]}
                  clean: {type: openai, base_url: "%s/v1"}
                models:
                  m:
                    provider: primary
                    fallbacks:
                      - model: other
                        on: [connection_error, timeout, server_error]
                    %s
                  other:
                    provider: clean
                """.formatted(fallbackSim.baseUrl(), timeouts), Clock.systemUTC());
    }

    @Test
    @DisplayName("a stream that fails before its first token falls back; one that fails after it ends with an error event")
    void streamFailureBeforeAndAfterFirstToken() {
        try (Simulator clean = Simulator.start(SimOptions.defaults());
             TestGateway gw = primaryAndCleanFallback(clean, "")) {
            String key = gw.createKey("streams");
            Http.Response before = gw.http().postStreaming("/v1/chat/completions", chat("m", true),
                    auth(key, "x-sim-reset-after", "0"), (l, t) -> {});
            assertThat(before.status()).isEqualTo(200);
            assertThat(before.header("x-sluice-fallback")).isEqualTo("other");
            assertThat(before.header("x-sluice-attempts")).isEqualTo("2");
            assertThat(before.events()).last().isEqualTo("[DONE]");
            assertThat(String.join("", before.events())).doesNotContain("\"error\"");

            Http.Response after = gw.http().postStreaming("/v1/chat/completions", chat("m", true),
                    auth(key, "x-sim-reset-after", "3", "x-sim-tokens", "10"), (l, t) -> {});
            assertThat(after.header("x-sluice-fallback")).isNull();
            assertThat(after.header("x-sluice-attempts")).isEqualTo("1");
            assertThat(after.events()).doesNotContain("[DONE]");
            assertThat(after.events().getLast()).contains("\"error\"");
            assertThat(clean.recorded()).as("the fallback served only the first stream").hasSize(1);
        }
    }

    @Test
    @DisplayName("a time-to-first-token timeout falls back before the client sees anything; an idle gap mid-stream ends it")
    void ttftAndIdleTimeouts() {
        try (Simulator clean = Simulator.start(SimOptions.defaults());
             TestGateway gw = primaryAndCleanFallback(clean, "timeouts: {ttft: 300ms, idle: 400ms}")) {
            String key = gw.createKey("timeouts");
            Http.Response slowStart = gw.http().postStreaming("/v1/chat/completions", chat("m", true),
                    auth(key, "x-sim-ttft-ms", "3000", "x-request-id", "slow-start"), (l, t) -> {});
            assertThat(slowStart.status()).isEqualTo(200);
            assertThat(slowStart.header("x-sluice-fallback")).isEqualTo("other");
            assertThat(slowStart.events()).last().isEqualTo("[DONE]");
            JsonNode attempts = gw.logs("request_id=slow-start").get(0).path("attempt_log");
            assertThat(attempts.get(0).path("error").asText()).isEqualTo("timeout");

            // chunks 150 ms apart for ~2 s: many idle periods long, never one idle gap; the stream's one timer re-arms
            Http.Response steady = gw.http().postStreaming("/v1/chat/completions", chat("m", true),
                    auth(key, "x-sim-itl-ms", "150", "x-sim-tokens", "14", "x-request-id", "steady"), (l, t) -> {});
            assertThat(steady.header("x-sluice-fallback")).isNull();
            assertThat(steady.events()).last().isEqualTo("[DONE]");
            assertThat(gw.logs("request_id=steady").get(0).path("status").asInt()).isEqualTo(200);

            Http.Response stalls = gw.http().postStreaming("/v1/chat/completions", chat("m", true),
                    auth(key, "x-sim-itl-ms", "1500", "x-sim-tokens", "5", "x-request-id", "stalls"), (l, t) -> {});
            assertThat(stalls.events()).doesNotContain("[DONE]");
            assertThat(stalls.events().getLast()).contains("\"code\":\"timeout\"");
            assertThat(gw.logs("request_id=stalls").get(0).path("status").asInt()).isEqualTo(504);

            Http.Response slowWhole = gw.http().post("/v1/chat/completions", chat("m", false),
                    auth(key, "x-sim-hang-ms", "3000"));
            assertThat(slowWhole.status()).as("non-streaming: the idle timeout caps the wait, then the fallback answers")
                    .isEqualTo(200);
            assertThat(slowWhole.header("x-sluice-fallback")).isEqualTo("other");
        }
    }

    @Test
    @DisplayName("weighted balancing splits traffic by weight, within statistical bounds")
    void weighted() {
        try (TestGateway gw = TestGateway.start(SimOptions.defaults(), """
                providers:
                  a: {type: openai, base_url: "${SIM}/v1"}
                  b: {type: openai, base_url: "${SIM}/v1"}
                models:
                  m:
                    strategy: weighted
                    deployments:
                      - {provider: a, model: m, weight: 3}
                      - {provider: b, model: m, weight: 1}
                """, Clock.systemUTC())) {
            String key = gw.createKey("weighted");
            int n = 400;
            int toA = 0;
            for (int i = 0; i < n; i++) {
                if ("a".equals(gw.http().post("/v1/chat/completions", chat("m", false), auth(key)).header("x-sluice-provider"))) {
                    toA++;
                }
            }
            // expected 300, sd ≈ 8.7: ±3.5 sd
            assertThat(toA).isBetween(270, 330);
        }
    }

    @Test
    @DisplayName("least-busy prefers the idle deployment; pinning a deployment needs the route:override scope")
    void leastBusyAndPinning() throws Exception {
        try (TestGateway gw = TestGateway.start(SimOptions.defaults(), """
                providers:
                  a: {type: openai, base_url: "${SIM}/v1", forward_headers: ["x-sim-*"]}
                  b: {type: openai, base_url: "${SIM}/v1", forward_headers: ["x-sim-*"]}
                models:
                  m:
                    strategy: least_busy
                    deployments:
                      - {provider: a, model: m}
                      - {provider: b, model: m}
                """, Clock.systemUTC())) {
            String plain = gw.createKey("plain");
            Http.Response refused = gw.http().post("/v1/chat/completions", chat("m", false),
                    auth(plain, "x-sluice-deployment", "a"));
            assertThat(refused.status()).isEqualTo(403);
            assertThat(refused.json().path("error").path("code").asText()).isEqualTo("override_not_allowed");

            ObjectNode spec = Json.object().put("name", "operator");
            spec.putArray("scopes").add("route:override");
            String operator = gw.createKey(spec).path("key").asText();
            Http.Response pinned = gw.http().post("/v1/chat/completions", chat("m", false),
                    auth(operator, "x-sluice-deployment", "b"));
            assertThat(pinned.header("x-sluice-provider")).isEqualTo("b");

            // keep three slow streams open on "a", then every plain request must go to "b"
            try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                List<Future<Http.Response>> busy = new ArrayList<>();
                CountDownLatch streaming = new CountDownLatch(3);
                for (int i = 0; i < 3; i++) {
                    AtomicBoolean first = new AtomicBoolean(true);
                    busy.add(pool.submit(() -> gw.http().postStreaming("/v1/chat/completions", chat("m", true),
                            auth(operator, "x-sluice-deployment", "a", "x-sim-itl-ms", "300", "x-sim-tokens", "8"),
                            (l, t) -> {
                                if (first.getAndSet(false)) {
                                    streaming.countDown();
                                }
                            })));
                }
                assertThat(streaming.await(5, TimeUnit.SECONDS)).as("three streams running on 'a'").isTrue();
                for (int i = 0; i < 10; i++) {
                    assertThat(gw.http().post("/v1/chat/completions", chat("m", false), auth(plain))
                            .header("x-sluice-provider")).isEqualTo("b");
                }
                for (Future<Http.Response> f : busy) {
                    assertThat(f.get().events()).last().isEqualTo("[DONE]");
                }
            }
        }
    }
}
