package dev.sluice.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Only lower bounds on time: a delay that is the feature under test must at least happen. */
@DisplayName("Latency injection: x-sim-ttft-ms, x-sim-itl-ms, x-sim-hang-ms and the options' delays")
class LatencyInjectionTest {
    private static Simulator sim;
    private static SimClient client;

    @BeforeAll
    static void start() {
        sim = Simulator.start();
        client = new SimClient(sim);
    }

    @AfterAll
    static void stop() {
        sim.close();
    }

    private static long millisSince(long nanos) {
        return (System.nanoTime() - nanos) / 1_000_000;
    }

    @Test
    @DisplayName("holds the first streamed event back for x-sim-ttft-ms")
    void ttftStreaming() {
        SimClient.Stream stream = client.stream("/v1/chat/completions", Requests.streamingChat("hi"),
                "x-sim-ttft-ms", "200", "x-sim-tokens", "3");

        long firstEventMillis = (stream.events().getFirst().arrivedNanos() - stream.sentNanos()) / 1_000_000;
        assertThat(firstEventMillis).isGreaterThanOrEqualTo(180);
    }

    @Test
    @DisplayName("spaces streamed tokens by x-sim-itl-ms")
    void itlStreaming() {
        SimClient.Stream stream = client.stream("/v1/messages", Requests.messages("hi").put("stream", true),
                "x-sim-itl-ms", "50", "x-sim-tokens", "5");

        List<SimClient.SseEvent> deltas = stream.events().stream()
                .filter(e -> "content_block_delta".equals(e.event())).toList();
        assertThat(deltas).hasSize(5);
        // four gaps between five tokens; measured from the request, as the first arrival may be late
        long lastDeltaMillis = (deltas.getLast().arrivedNanos() - stream.sentNanos()) / 1_000_000;
        assertThat(lastDeltaMillis).isGreaterThanOrEqualTo(4 * 45);
    }

    @Test
    @DisplayName("with x-sim-itl-scheduled, the k-th streamed token is still due k times x-sim-itl-ms after the first")
    void itlScheduled() {
        SimClient.Stream stream = client.stream("/v1/chat/completions", Requests.streamingChat("hi"),
                "x-sim-itl-ms", "50", "x-sim-tokens", "5", "x-sim-itl-scheduled", "true");

        List<SimClient.SseEvent> content = stream.events().stream()
                .filter(e -> e.data().contains("\"content\":\"") && !e.data().contains("\"content\":\"\"")).toList();
        assertThat(content).hasSize(5);
        long spanMillis = (content.getLast().arrivedNanos() - content.getFirst().arrivedNanos()) / 1_000_000;
        assertThat(spanMillis).isGreaterThanOrEqualTo(4 * 45);
    }

    @Test
    @DisplayName("makes a non-streaming answer take ttft plus tokens times itl")
    void nonStreamingTotal() {
        long start = System.nanoTime();

        var response = client.post("/v1/chat/completions", Requests.chat("hi"),
                "x-sim-ttft-ms", "100", "x-sim-itl-ms", "40", "x-sim-tokens", "5");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(millisSince(start)).isGreaterThanOrEqualTo(280);
    }

    @Test
    @DisplayName("uses the options' ttft when the request does not set one")
    void ttftFromOptions() {
        try (Simulator slow = Simulator.start(SimOptions.defaults().withTtft(Duration.ofMillis(150)))) {
            long start = System.nanoTime();

            var response = new SimClient(slow).post("/v1/messages", Requests.messages("hi"));

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(millisSince(start)).isGreaterThanOrEqualTo(130);
        }
    }

    @Test
    @DisplayName("hangs for x-sim-hang-ms, long enough for a client timeout to fire")
    void hangTimesOutClient() {
        HttpRequest request = client.request("/v1/chat/completions", "x-sim-hang-ms", "5000")
                .timeout(Duration.ofMillis(300))
                .POST(HttpRequest.BodyPublishers.ofString(Requests.chat("hi").toString()))
                .build();

        assertThatThrownBy(() -> client.send(request))
                .isInstanceOf(UncheckedIOException.class)
                .hasCauseInstanceOf(HttpTimeoutException.class);
    }

    @Test
    @DisplayName("answers normally after a short hang")
    void hangThenAnswer() {
        long start = System.nanoTime();

        var response = client.post("/v1/embeddings", "{\"model\":\"e\",\"input\":\"x\"}", "x-sim-hang-ms", "150");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(millisSince(start)).isGreaterThanOrEqualTo(140);
    }
}
