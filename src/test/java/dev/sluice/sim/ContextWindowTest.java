package dev.sluice.sim;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Context window: x-sim-context-window and the options' contextWindow")
class ContextWindowTest {
    private static Simulator sim;
    private static SimClient client;

    @BeforeAll
    static void start() {
        sim = Simulator.start(SimOptions.defaults().withContextWindow(50));
        client = new SimClient(sim);
    }

    @AfterAll
    static void stop() {
        sim.close();
    }

    private static final String LONG = "word ".repeat(80);

    @Test
    @DisplayName("rejects a longer OpenAI prompt with code context_length_exceeded")
    void openAi() {
        HttpResponse<String> response = client.post("/v1/chat/completions", Requests.chat(LONG));

        assertThat(response.statusCode()).isEqualTo(400);
        JsonNode error = SimClient.json(response).path("error");
        assertThat(error.path("type").asText()).isEqualTo("invalid_request_error");
        assertThat(error.path("code").asText()).isEqualTo("context_length_exceeded");
        assertThat(error.path("message").asText()).contains("maximum context length is 50 tokens");
    }

    @Test
    @DisplayName("rejects a longer Anthropic prompt with 'prompt is too long: N tokens > M maximum'")
    void anthropic() {
        HttpResponse<String> response = client.post("/v1/messages", Requests.messages(LONG));

        assertThat(response.statusCode()).isEqualTo(400);
        JsonNode error = SimClient.json(response).path("error");
        assertThat(error.path("type").asText()).isEqualTo("invalid_request_error");
        assertThat(error.path("message").asText()).matches("prompt is too long: \\d+ tokens > 50 maximum");
    }

    @Test
    @DisplayName("lets the request's x-sim-context-window override the options")
    void header() {
        assertThat(client.post("/v1/chat/completions", Requests.chat(LONG), "x-sim-context-window", "1000").statusCode())
                .isEqualTo(200);
        assertThat(client.post("/v1/chat/completions", Requests.chat("short"), "x-sim-context-window", "3").statusCode())
                .isEqualTo(400);
    }

    @Test
    @DisplayName("rejects an embeddings input longer than the window")
    void embeddings() {
        HttpResponse<String> response = client.post("/v1/embeddings", "{\"model\":\"e\",\"input\":\"" + LONG + "\"}");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(SimClient.json(response).path("error").path("code").asText()).isEqualTo("context_length_exceeded");
    }
}
