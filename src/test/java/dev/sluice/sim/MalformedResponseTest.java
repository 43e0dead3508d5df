package dev.sluice.sim;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.api.Json;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Malformed answers: x-sim-malformed")
class MalformedResponseTest {
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

    private static boolean isJson(String text) {
        try {
            JsonNode node = Json.parseUpstream(text.getBytes(StandardCharsets.UTF_8));
            return node != null && !node.isMissingNode();
        } catch (IOException e) {
            return false;
        }
    }

    @Test
    @DisplayName("sends a 200 whose body is not valid JSON, for OpenAI and Anthropic")
    void nonStreaming() {
        HttpResponse<String> openAi = client.post("/v1/chat/completions", Requests.chat("hi"), "x-sim-malformed", "true");
        HttpResponse<String> anthropic = client.post("/v1/messages", Requests.messages("hi"), "x-sim-malformed", "1");

        for (HttpResponse<String> response : List.of(openAi, anthropic)) {
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).startsWith("{");
            assertThat(isJson(response.body())).isFalse();
        }
    }

    @Test
    @DisplayName("streams exactly one OpenAI event whose data is not JSON, and otherwise a complete stream")
    void openAiStream() {
        SimClient.Stream stream = client.stream("/v1/chat/completions", Requests.streamingChat("hi"),
                "x-sim-malformed", "true", "x-sim-tokens", "5");

        assertThat(stream.failure()).isNull();
        List<SimClient.SseEvent> dataEvents = stream.events().stream().filter(e -> !e.data().equals("[DONE]")).toList();
        assertThat(dataEvents.stream().filter(e -> !isJson(e.data()))).hasSize(1);
        assertThat(dataEvents).hasSize(1 + 1 + 5 + 1);
        assertThat(stream.events().getLast().data()).isEqualTo("[DONE]");
    }

    @Test
    @DisplayName("streams exactly one Anthropic event whose data is not JSON")
    void anthropicStream() {
        SimClient.Stream stream = client.stream("/v1/messages", Requests.messages("hi").put("stream", true),
                "x-sim-malformed", "true");

        assertThat(stream.events().stream().filter(e -> !isJson(e.data()))).hasSize(1);
        assertThat(stream.events().getLast().event()).isEqualTo("message_stop");
    }

    @Test
    @DisplayName("sends valid JSON when x-sim-malformed is false")
    void off() {
        assertThat(isJson(client.post("/v1/chat/completions", Requests.chat("hi"), "x-sim-malformed", "false").body())).isTrue();
    }
}
