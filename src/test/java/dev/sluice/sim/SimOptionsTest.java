package dev.sluice.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Simulator options and lifecycle")
class SimOptionsTest {

    @Test
    @DisplayName("defaults to loopback, a random port, no latency, no faults and seed 42")
    void defaults() {
        SimOptions o = SimOptions.defaults();

        assertThat(o.host()).isEqualTo("127.0.0.1");
        assertThat(o.port()).isZero();
        assertThat(o.ttft()).isZero();
        assertThat(o.interTokenDelay()).isZero();
        assertThat(o.outputTokens()).isNull();
        assertThat(o.errorRate()).isZero();
        assertThat(o.errorStatus()).isEqualTo(500);
        assertThat(o.retryAfterSeconds()).isEqualTo(1);
        assertThat(o.contextWindow()).isEqualTo(128_000);
        assertThat(o.seed()).isEqualTo(42);
        assertThat(o.recordLimit()).isEqualTo(10_000);
    }

    @Test
    @DisplayName("changes one field per with-method")
    void withers() {
        SimOptions o = SimOptions.defaults().withTtft(Duration.ofMillis(5)).withOutputTokens(9).withSeed(1);

        assertThat(o.ttft()).isEqualTo(Duration.ofMillis(5));
        assertThat(o.outputTokens()).isEqualTo(9);
        assertThat(o.seed()).isEqualTo(1);
        assertThat(o.withOutputTokens(null).outputTokens()).isNull();
        assertThat(o.withHost("0.0.0.0").ttft()).isEqualTo(Duration.ofMillis(5));
    }

    @Test
    @DisplayName("rejects values out of range with a message naming the field")
    void validation() {
        assertThatThrownBy(() -> SimOptions.defaults().withErrorRate(1.5)).hasMessageContaining("errorRate");
        assertThatThrownBy(() -> SimOptions.defaults().withErrorStatus(200)).hasMessageContaining("errorStatus");
        assertThatThrownBy(() -> SimOptions.defaults().withTtft(Duration.ofMillis(-1))).hasMessageContaining("ttft");
        assertThatThrownBy(() -> SimOptions.defaults().withContextWindow(0)).hasMessageContaining("contextWindow");
    }

    @Test
    @DisplayName("applies the options' fixed output length")
    void fixedLength() {
        try (Simulator sim = Simulator.start(SimOptions.defaults().withOutputTokens(11))) {
            var body = SimClient.json(new SimClient(sim).post("/v1/chat/completions", Requests.chat("hello")));

            assertThat(body.path("usage").path("completion_tokens").asInt()).isEqualTo(11);
        }
    }

    @Test
    @DisplayName("reports a base URL with the bound port, and stops accepting connections on close")
    void lifecycle() {
        Simulator sim = Simulator.start();
        assertThat(sim.port()).isPositive();
        assertThat(sim.baseUrl()).isEqualTo("http://127.0.0.1:" + sim.port());
        SimClient client = new SimClient(sim);
        assertThat(client.get("/v1/models").statusCode()).isEqualTo(200);

        sim.close();

        assertThatThrownBy(() -> client.get("/v1/models")).isInstanceOf(java.io.UncheckedIOException.class);
    }
}
