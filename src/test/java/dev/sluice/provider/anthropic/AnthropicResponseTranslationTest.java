package dev.sluice.provider.anthropic;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.api.ChatResponse;
import dev.sluice.api.ChatResponseCodec;
import dev.sluice.api.Json;
import dev.sluice.api.Usage;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("Anthropic messages translate to canonical (OpenAI) chat completions")
class AnthropicResponseTranslationTest {
    private static final long CREATED = 1_700_000_000L;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"text", "tool_use", "tool_only", "max_tokens"})
    @DisplayName("each fixture's Anthropic message becomes exactly its OpenAI chat completion on the wire")
    void fixture(String name) throws Exception {
        JsonNode fixture = Fixtures.json("responses/" + name + ".json");

        ChatResponse response = AnthropicChat.readResponse(fixture.get("anthropic"), CREATED, "claude-test");

        JsonNode written = Json.MAPPER.readTree(ChatResponseCodec.writeResponse(response));
        assertThat(written).as(fixture.path("description").asText()).isEqualTo(fixture.get("openai"));
    }

    @ParameterizedTest(name = "{0} → {1}")
    @CsvSource({"end_turn, stop", "stop_sequence, stop", "max_tokens, length", "tool_use, tool_calls",
            "refusal, content_filter", "pause_turn, stop", "model_context_window_exceeded, length",
            "a_reason_added_later, stop"})
    @DisplayName("every stop_reason maps to an OpenAI finish_reason")
    void stopReason(String stopReason, String finishReason) {
        JsonNode message = Fixtures.parse("{\"id\":\"msg_1\",\"model\":\"claude\",\"content\":[{\"type\":\"text\",\"text\":\"x\"}],"
                + "\"stop_reason\":\"" + stopReason + "\",\"usage\":{\"input_tokens\":1,\"output_tokens\":1}}");

        ChatResponse response = AnthropicChat.readResponse(message, CREATED, "claude");

        assertThat(response.choices().getFirst().finishReason()).isEqualTo(finishReason);
    }

    @Test
    @DisplayName("a missing stop_reason stays null rather than inventing one")
    void noStopReason() {
        JsonNode message = Fixtures.parse("{\"id\":\"msg_1\",\"content\":[],\"stop_reason\":null}");

        ChatResponse response = AnthropicChat.readResponse(message, CREATED, "claude");

        assertThat(response.choices().getFirst().finishReason()).isNull();
        assertThat(response.text()).isEmpty();
        assertThat(response.usage()).isEqualTo(new Usage(0, 0, 0, 0, 0));
    }

    @Test
    @DisplayName("usage: input + cache read + cache creation is the prompt, cache read is cached, output is the completion")
    void usage() {
        JsonNode message = Fixtures.parse("{\"id\":\"msg_1\",\"content\":[],\"stop_reason\":\"end_turn\",\"usage\":"
                + "{\"input_tokens\":3,\"cache_read_input_tokens\":2000,\"cache_creation_input_tokens\":500,\"output_tokens\":42}}");

        Usage usage = AnthropicChat.readResponse(message, CREATED, "claude").usage();

        assertThat(usage).isEqualTo(new Usage(2503, 42, 2545, 2000, 0));
    }
}
