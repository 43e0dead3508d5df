package dev.sluice.sim;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.TokenCounter;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("OpenAI chat completions, streaming")
class OpenAiStreamingTest {
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
    @DisplayName("streams a role chunk, one chunk per token, a finish chunk and [DONE]")
    void chunkSequence() {
        SimClient.Stream stream = client.stream("/v1/chat/completions", Requests.streamingChat("Hello"),
                "x-sim-tokens", "12");

        assertThat(stream.status()).isEqualTo(200);
        assertThat(stream.failure()).isNull();
        List<SimClient.SseEvent> events = stream.events();
        assertThat(events.getLast().data()).isEqualTo("[DONE]");
        List<JsonNode> chunks = stream.jsonEvents();
        assertThat(chunks).hasSize(1 + 12 + 1);
        assertThat(chunks).allSatisfy(c -> {
            assertThat(c.path("object").asText()).isEqualTo("chat.completion.chunk");
            assertThat(c.path("id").asText()).isEqualTo(chunks.getFirst().path("id").asText()).startsWith("chatcmpl-");
            assertThat(c.path("model").asText()).isEqualTo("gpt-4o-mini");
            assertThat(c.has("usage")).isFalse();
        });
        JsonNode first = chunks.getFirst().path("choices").get(0);
        assertThat(first.path("delta").path("role").asText()).isEqualTo("assistant");
        assertThat(first.path("delta").path("content").asText()).isEmpty();
        for (JsonNode chunk : chunks.subList(1, 13)) {
            JsonNode delta = chunk.path("choices").get(0).path("delta");
            assertThat(TokenCounter.count(delta.path("content").asText())).isEqualTo(1);
            assertThat(chunk.path("choices").get(0).path("finish_reason").isNull()).isTrue();
        }
        JsonNode last = chunks.getLast().path("choices").get(0);
        assertThat(last.path("delta").isEmpty()).isTrue();
        assertThat(last.path("finish_reason").asText()).isEqualTo("stop");
    }

    @Test
    @DisplayName("streams the same text the non-streaming answer has")
    void sameTextAsNonStreaming() {
        ObjectNode request = Requests.chat("Describe a garden.");
        String whole = SimClient.json(client.post("/v1/chat/completions", request))
                .path("choices").get(0).path("message").path("content").asText();

        SimClient.Stream stream = client.stream("/v1/chat/completions", request.deepCopy().put("stream", true));

        assertThat(content(stream.jsonEvents(), 0)).isEqualTo(whole);
    }

    @Test
    @DisplayName("sends a usage chunk with no choices before [DONE] only when include_usage is true")
    void includeUsage() {
        ObjectNode request = Requests.streamingChat("Hello");
        request.putObject("stream_options").put("include_usage", true);

        SimClient.Stream stream = client.stream("/v1/chat/completions", request, "x-sim-tokens", "7");

        List<JsonNode> chunks = stream.jsonEvents();
        JsonNode usageChunk = chunks.getLast();
        assertThat(usageChunk.path("choices").isArray()).isTrue();
        assertThat(usageChunk.path("choices")).isEmpty();
        assertThat(usageChunk.path("usage").path("completion_tokens").asInt()).isEqualTo(7);
        assertThat(usageChunk.path("usage").path("prompt_tokens").asInt()).isPositive();
        assertThat(chunks.get(chunks.size() - 2).path("choices").get(0).path("finish_reason").asText()).isEqualTo("stop");
        assertThat(chunks.subList(0, chunks.size() - 1)).noneMatch(c -> c.has("usage"));
        assertThat(stream.events().getLast().data()).isEqualTo("[DONE]");

        request.putObject("stream_options").put("include_usage", false);
        assertThat(client.stream("/v1/chat/completions", request).jsonEvents()).noneMatch(c -> c.has("usage"));
    }

    @Test
    @DisplayName("ends with finish_reason length when max_tokens cuts the stream")
    void lengthFinish() {
        SimClient.Stream stream = client.stream("/v1/chat/completions", Requests.streamingChat("Hi").put("max_tokens", 4),
                "x-sim-tokens", "20");

        List<JsonNode> chunks = stream.jsonEvents();
        assertThat(chunks).hasSize(1 + 4 + 1);
        assertThat(chunks.getLast().path("choices").get(0).path("finish_reason").asText()).isEqualTo("length");
    }

    @Test
    @DisplayName("interleaves the chunks of n choices, each choice complete with its own finish chunk")
    void interleavedChoices() {
        SimClient.Stream stream = client.stream("/v1/chat/completions", Requests.streamingChat("Hi").put("n", 2),
                "x-sim-tokens", "5");

        List<JsonNode> chunks = stream.jsonEvents();
        assertThat(chunks).hasSize(2 * (1 + 5 + 1));
        assertThat(chunks.get(0).path("choices").get(0).path("index").asInt()).isZero();
        assertThat(chunks.get(1).path("choices").get(0).path("index").asInt()).isEqualTo(1);
        for (int index = 0; index < 2; index++) {
            int i = index;
            List<JsonNode> own = chunks.stream().filter(c -> c.path("choices").get(0).path("index").asInt() == i).toList();
            assertThat(own.getLast().path("choices").get(0).path("finish_reason").asText()).isEqualTo("stop");
            assertThat(TokenCounter.count(content(chunks, i))).isEqualTo(5);
        }
        assertThat(content(chunks, 0)).isNotEqualTo(content(chunks, 1));
    }

    @Test
    @DisplayName("sends every event as its own SSE frame: data lines separated by blank lines")
    void framing() {
        SimClient.Stream stream = client.stream("/v1/chat/completions", Requests.streamingChat("Hi"), "x-sim-tokens", "3");

        assertThat(stream.events()).allSatisfy(e -> assertThat(e.event()).isNull());
        assertThat(stream.events()).hasSize(1 + 3 + 1 + 1);
    }

    static String content(List<JsonNode> chunks, int index) {
        StringBuilder sb = new StringBuilder();
        for (JsonNode chunk : chunks) {
            for (JsonNode choice : chunk.path("choices")) {
                if (choice.path("index").asInt() == index) {
                    sb.append(choice.path("delta").path("content").asText(""));
                }
            }
        }
        return sb.toString();
    }
}
