package dev.sluice.provider.gemini;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.api.ChatRequest;
import dev.sluice.api.ChatRequestCodec;
import dev.sluice.api.Json;
import dev.sluice.testing.ProviderChecks;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("Canonical (OpenAI) chat requests translate to Gemini generateContent requests")
class GeminiRequestTranslationTest {

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"system_prompt", "multi_turn", "tools", "tool_results", "images", "json_object",
            "json_schema", "extras"})
    @DisplayName("each fixture's OpenAI request becomes exactly its Gemini request")
    void fixture(String name) {
        JsonNode fixture = Fixtures.json("requests/" + name + ".json");
        ChatRequest request = ChatRequestCodec.read(fixture.get("openai"));

        JsonNode wire = GeminiChat.toWire(request);

        assertThat(wire).as(fixture.path("description").asText()).isEqualTo(fixture.get("gemini"));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"function_role", "file_id", "malformed_tool_arguments", "unknown_tool_call_id", "ftp_image",
            "audio_format"})
    @DisplayName("requests Gemini cannot serve fail with a 400 naming the parameter, before anything is sent")
    void rejected(String name) {
        ProviderChecks.assertRejected(name, Fixtures.json("requests/errors/" + name + ".json"), GeminiChat::toWire);
    }

    @ParameterizedTest(name = "tool_choice {0} → {1}")
    @CsvSource(delimiter = '|', value = {
            "\"auto\"                                                 | {\"mode\":\"AUTO\"}",
            "\"required\"                                             | {\"mode\":\"ANY\"}",
            "\"none\"                                                 | {\"mode\":\"NONE\"}",
            "{\"type\":\"function\",\"function\":{\"name\":\"lookup\"}} | {\"mode\":\"ANY\",\"allowedFunctionNames\":[\"lookup\"]}"})
    @DisplayName("tool_choice maps auto→AUTO, required→ANY, none→NONE, a named function→ANY with that name allowed")
    void toolChoice(String openAiChoice, String functionCallingConfig) {
        JsonNode wire = translate("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],"
                + "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"lookup\"}}],\"tool_choice\":" + openAiChoice + "}");

        assertThat(wire.path("toolConfig").get("functionCallingConfig")).isEqualTo(Fixtures.parse(functionCallingConfig));
    }

    @Test
    @DisplayName("a plain request sends only its contents: no empty systemInstruction, tools or generationConfig")
    void minimal() {
        JsonNode wire = translate("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],"
                + "\"tool_choice\":\"none\",\"n\":1,\"user\":\"u1\"}");

        assertThat(wire).isEqualTo(Fixtures.parse("{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"hi\"}]}]}"));
    }

    @ParameterizedTest(name = "{0} → {1}")
    @CsvSource(delimiter = '|', value = {
            "{\"ok\":true}      | {\"ok\":true}",
            "sunny, 21C         | {\"content\":\"sunny, 21C\"}",
            "12:30              | {\"content\":\"12:30\"}",
            "42                 | {\"content\":42}",
            "\"quoted\"         | {\"content\":\"quoted\"}",
            "''                 | {\"content\":\"\"}"})
    @DisplayName("a tool result is sent as Gemini's response object: JSON objects as they are, anything else wrapped")
    void functionResponse(String result, String response) {
        assertThat((JsonNode) GeminiChat.functionResponse(result)).isEqualTo(Fixtures.parse(response));
    }

    @Test
    @DisplayName("the written request body is the translated JSON")
    void writtenBody() throws Exception {
        ChatRequest request = ChatRequestCodec.read(Fixtures.json("requests/tool_results.json").get("openai"));

        JsonNode written = Json.MAPPER.readTree(GeminiChat.writeRequest(request));

        assertThat(written).isEqualTo(Fixtures.json("requests/tool_results.json").get("gemini"));
    }

    private static JsonNode translate(String openAiRequest) {
        return GeminiChat.toWire(ChatRequestCodec.read(Fixtures.parse(openAiRequest)));
    }
}
