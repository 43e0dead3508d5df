package dev.sluice.provider.gemini;

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

@DisplayName("Gemini generateContent responses translate to canonical (OpenAI) chat completions")
class GeminiResponseTranslationTest {
    private static final long CREATED = 1_700_000_000L;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"text", "function_call", "tool_only", "candidates"})
    @DisplayName("each fixture's Gemini response becomes exactly its OpenAI chat completion on the wire")
    void fixture(String name) throws Exception {
        JsonNode fixture = Fixtures.json("responses/" + name + ".json");

        ChatResponse response = GeminiChat.readResponse(fixture.get("gemini"), CREATED, "gemini-test",
                Fixtures.sequentialIds());

        JsonNode written = Json.MAPPER.readTree(ChatResponseCodec.writeResponse(response));
        assertThat(written).as(fixture.path("description").asText()).isEqualTo(fixture.get("openai"));
    }

    @ParameterizedTest(name = "{0} (function call: {1}) → {2}")
    @CsvSource({"STOP, false, stop", "STOP, true, tool_calls", "MAX_TOKENS, false, length", "MAX_TOKENS, true, length",
            "SAFETY, false, content_filter", "RECITATION, false, content_filter", "BLOCKLIST, false, content_filter",
            "PROHIBITED_CONTENT, false, content_filter", "SPII, false, content_filter", "SAFETY, true, content_filter",
            "MALFORMED_FUNCTION_CALL, false, stop", "OTHER, false, stop", "A_REASON_ADDED_LATER, false, stop"})
    @DisplayName("every finishReason maps to an OpenAI finish_reason, tool_calls when the turn called functions")
    void finishReason(String reason, boolean calls, String expected) {
        assertThat(GeminiWire.finishReason(reason, calls)).isEqualTo(expected);
    }

    @Test
    @DisplayName("a candidate without a finishReason (still streaming) has none rather than an invented one")
    void noFinishReason() {
        assertThat(GeminiWire.finishReason(null, true)).isNull();
        assertThat(GeminiWire.finishReason("", false)).isNull();
    }

    @Test
    @DisplayName("usage: tool-use prompt tokens join the prompt, thinking tokens the completion, totals computed when absent")
    void usage() {
        JsonNode root = Fixtures.parse("{\"candidates\":[],\"usageMetadata\":{\"promptTokenCount\":100,"
                + "\"toolUsePromptTokenCount\":10,\"cachedContentTokenCount\":60,\"candidatesTokenCount\":5,"
                + "\"thoughtsTokenCount\":20}}");

        Usage usage = GeminiChat.readResponse(root, CREATED, "g", Fixtures.sequentialIds()).usage();

        assertThat(usage).isEqualTo(new Usage(110, 25, 135, 60, 20));
    }

    @Test
    @DisplayName("made-up ids look like OpenAI's (prefix + 24 base62 characters) and do not repeat")
    void randomIds() {
        GeminiWire.Ids ids = GeminiWire.Ids.random();
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            String id = ids.next("call_");
            assertThat(id).matches("call_[0-9A-Za-z]{24}");
            seen.add(id);
        }
        assertThat(seen).hasSize(10_000);
    }
}
