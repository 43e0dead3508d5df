package dev.sluice.route;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.Json;
import dev.sluice.sim.SimOptions;
import dev.sluice.sim.Simulator;
import dev.sluice.testing.Http;
import dev.sluice.testing.TestGateway;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Routing strategies lowest_latency and lowest_cost, and the total timeout")
class StrategiesAndTotalTimeoutTest {

    static ObjectNode chat(boolean stream) {
        ObjectNode body = Json.object().put("model", "m").put("stream", stream).put("max_tokens", 20);
        body.putArray("messages").addObject().put("role", "user").put("content", "tell me something");
        return body;
    }

    @Test
    @DisplayName("lowest_latency measures each deployment once, then sends everything to the faster one")
    void lowestLatency() {
        try (Simulator slow = Simulator.start(SimOptions.defaults().withTtft(Duration.ofMillis(1000)));
             TestGateway gw = TestGateway.start(SimOptions.defaults(), """
                     routing:
                       retries: 0
                     providers:
                       fast: {type: openai, base_url: "${SIM}/v1"}
                       slow: {type: openai, base_url: "%s/v1"}
                     models:
                       m:
                         strategy: lowest_latency
                         deployments:
                           - {provider: slow, model: m}
                           - {provider: fast, model: m}
                     """.formatted(slow.baseUrl()), Clock.systemUTC())) {
            String key = gw.createKey("latency");
            List<String> providers = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                Http.Response r = gw.http().post("/v1/chat/completions", chat(false), Http.bearer(key));
                assertThat(r.status()).as(r.body()).isEqualTo(200);
                providers.add(r.header("x-sluice-provider"));
            }
            // never-measured deployments go first, so the first two requests measure one each
            assertThat(providers.subList(0, 2)).containsExactlyInAnyOrder("fast", "slow");
            assertThat(providers.subList(2, providers.size())).containsOnly("fast");
        }
    }

    @Test
    @DisplayName("lowest_cost sends every request to the deployment the price catalog says is cheapest, whatever the config order")
    void lowestCost() {
        try (TestGateway gw = TestGateway.start(SimOptions.defaults(), """
                routing:
                  retries: 0
                providers:
                  a: {type: openai, base_url: "${SIM}/v1"}
                  b: {type: openai, base_url: "${SIM}/v1"}
                  c: {type: openai, base_url: "${SIM}/v1"}
                prices:
                  premium-model: {input: 10, output: 30}
                  budget-model: {input: 0.1, output: 0.4}
                  middle-model: {input: 2, output: 8}
                models:
                  m:
                    strategy: lowest_cost
                    deployments:
                      - {provider: a, model: premium-model}
                      - {provider: b, model: budget-model}
                      - {provider: c, model: middle-model}
                """, Clock.systemUTC())) {
            String key = gw.createKey("cost");
            for (int i = 0; i < 10; i++) {
                Http.Response r = gw.http().post("/v1/chat/completions", chat(false), Http.bearer(key));
                assertThat(r.status()).as(r.body()).isEqualTo(200);
                assertThat(r.header("x-sluice-provider")).isEqualTo("b");
            }
        }
    }

    @Test
    @DisplayName("timeouts.total: a whole answer slower than it falls back; a stream past it ends with a timeout error (504 in the log)")
    void totalTimeout() {
        try (Simulator clean = Simulator.start(SimOptions.defaults());
             TestGateway gw = TestGateway.start(SimOptions.defaults(), """
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
                         timeouts: {total: 1s}
                       other:
                         provider: clean
                     """.formatted(clean.baseUrl()), Clock.systemUTC())) {
            String key = gw.createKey("total");
            // tokens arrive every 200 ms, so no idle timeout fires, but the whole answer takes 4 s
            Http.Response whole = gw.http().post("/v1/chat/completions", chat(false),
                    Http.bearer(key, "x-sim-itl-ms", "200", "x-sim-tokens", "20", "x-request-id", "total-whole"));
            assertThat(whole.status()).as(whole.body()).isEqualTo(200);
            assertThat(whole.header("x-sluice-fallback")).isEqualTo("other");
            assertThat(gw.logs("request_id=total-whole").get(0).path("attempt_log").get(0).path("error").asText())
                    .isEqualTo("timeout");

            Http.Response stream = gw.http().postStreaming("/v1/chat/completions", chat(true),
                    Http.bearer(key, "x-sim-itl-ms", "200", "x-sim-tokens", "20", "x-request-id", "total-stream"),
                    (l, t) -> {});
            assertThat(stream.status()).isEqualTo(200);
            assertThat(stream.events()).doesNotContain("[DONE]");
            assertThat(stream.events().getLast()).contains("\"code\":\"timeout\"");
            assertThat(gw.logs("request_id=total-stream").get(0).path("status").asInt()).isEqualTo(504);

            Http.Response quick = gw.http().post("/v1/chat/completions", chat(false), Http.bearer(key));
            assertThat(quick.status()).isEqualTo(200);
            assertThat(quick.header("x-sluice-fallback")).as("an answer within the total is not touched").isNull();
        }
    }
}
