package dev.sluice.sim;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@DisplayName("Error injection: x-sim-error-rate, x-sim-error-status, x-sim-retry-after and the options' error rate")
class ErrorInjectionTest {
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

    @Test
    @DisplayName("a 429 carries retry-after from the options, or from x-sim-retry-after")
    void rateLimited() {
        HttpResponse<String> response = client.post("/v1/chat/completions", Requests.chat("hi"), "x-sim-error-status", "429");

        assertThat(response.statusCode()).isEqualTo(429);
        assertThat(response.headers().firstValue("retry-after")).hasValue("1");
        JsonNode error = SimClient.json(response).path("error");
        assertThat(error.path("code").asText()).isEqualTo("rate_limit_exceeded");
        assertThat(error.path("message").asText()).isNotBlank();
        assertThat(error.has("param")).isTrue();

        HttpResponse<String> later = client.post("/v1/chat/completions", Requests.chat("hi"),
                "x-sim-error-status", "429", "x-sim-retry-after", "7");
        assertThat(later.headers().firstValue("retry-after")).hasValue("7");
    }

    @ParameterizedTest(name = "OpenAI {0} has type {1}")
    @CsvSource({"400, invalid_request_error", "401, invalid_request_error", "500, server_error", "503, server_error"})
    @DisplayName("OpenAI failures have OpenAI's error types")
    void openAiStatuses(int status, String type) {
        HttpResponse<String> response = client.post("/v1/chat/completions", Requests.chat("hi"),
                "x-sim-error-status", Integer.toString(status));

        assertThat(response.statusCode()).isEqualTo(status);
        assertThat(SimClient.json(response).path("error").path("type").asText()).isEqualTo(type);
        assertThat(response.headers().firstValue("retry-after")).isEmpty();
    }

    @ParameterizedTest(name = "Anthropic {0} has type {1}")
    @CsvSource({"400, invalid_request_error", "429, rate_limit_error", "500, api_error", "529, overloaded_error"})
    @DisplayName("Anthropic failures have Anthropic's error types")
    void anthropicStatuses(int status, String type) {
        HttpResponse<String> response = client.post("/v1/messages", Requests.messages("hi"),
                "x-sim-error-status", Integer.toString(status));

        assertThat(response.statusCode()).isEqualTo(status);
        JsonNode body = SimClient.json(response);
        assertThat(body.path("type").asText()).isEqualTo("error");
        assertThat(body.path("error").path("type").asText()).isEqualTo(type);
        assertThat(response.headers().firstValue("retry-after").isPresent()).isEqualTo(status == 429);
    }

    @Test
    @DisplayName("a failing streaming request gets a whole JSON error, not a partial stream")
    void streamingFailure() {
        SimClient.Stream stream = client.stream("/v1/chat/completions", Requests.streamingChat("hi"),
                "x-sim-error-rate", "1");

        assertThat(stream.status()).isEqualTo(500);
        assertThat(stream.events()).isEmpty();
        assertThat(stream.failure()).isNull();
    }

    @Test
    @DisplayName("fails about the given share of requests, in the same order for the same seed")
    void rateIsSeeded() {
        List<Integer> first = statuses(SimOptions.defaults().withSeed(7));
        List<Integer> again = statuses(SimOptions.defaults().withSeed(7));
        List<Integer> other = statuses(SimOptions.defaults().withSeed(8));

        assertThat(first).contains(200, 503);
        assertThat(first.stream().filter(s -> s == 503).count()).isBetween(8L, 32L);
        assertThat(again).isEqualTo(first);
        assertThat(other).isNotEqualTo(first);
    }

    private static List<Integer> statuses(SimOptions options) {
        try (Simulator seeded = Simulator.start(options.withErrorStatus(503))) {
            SimClient c = new SimClient(seeded);
            List<Integer> statuses = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                statuses.add(c.post("/v1/chat/completions", Requests.chat("hi"), "x-sim-error-rate", "0.5").statusCode());
            }
            return statuses;
        }
    }

    @Test
    @DisplayName("the options' error rate applies unless the request overrides it")
    void optionsRate() {
        try (Simulator failing = Simulator.start(SimOptions.defaults().withErrorRate(1).withErrorStatus(503))) {
            SimClient c = new SimClient(failing);

            assertThat(c.post("/v1/messages", Requests.messages("hi")).statusCode()).isEqualTo(503);
            assertThat(c.post("/v1/messages", Requests.messages("hi"), "x-sim-error-rate", "0").statusCode()).isEqualTo(200);
        }
    }

    @Test
    @DisplayName("rejects a simulator header with a bad value, naming the header")
    void badHeader() {
        HttpResponse<String> response = client.post("/v1/chat/completions", Requests.chat("hi"), "x-sim-error-rate", "often");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(SimClient.json(response).path("error").path("message").asText()).contains("x-sim-error-rate");
    }
}
