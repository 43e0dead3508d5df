package dev.sluice.provider.anthropic;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.ChatRequest;
import dev.sluice.api.ChatRequestCodec;
import dev.sluice.api.Json;
import dev.sluice.testing.ProviderChecks;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("Canonical (OpenAI) chat requests translate to Anthropic Messages requests")
class AnthropicRequestTranslationTest {
    private static final String MODEL = "claude-test";

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"system_prompt", "multi_turn", "tools", "tool_results", "images", "json_object",
            "json_schema", "cache_control"})
    @DisplayName("each fixture's OpenAI request becomes exactly its Anthropic request")
    void fixture(String name) {
        JsonNode fixture = Fixtures.json("requests/" + name + ".json");
        ChatRequest request = ChatRequestCodec.read(fixture.get("openai"));

        JsonNode wire = AnthropicChat.toWire(request, MODEL, fixture.path("stream").asBoolean(false));

        assertThat(wire).as(fixture.path("description").asText()).isEqualTo(fixture.get("anthropic"));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"n_greater_than_one", "malformed_tool_arguments", "array_tool_arguments", "audio_input",
            "ftp_image", "data_url_without_base64", "file_id", "unsupported_file_type", "function_role"})
    @DisplayName("requests Anthropic cannot serve fail with a 400 naming the parameter, before anything is sent")
    void rejected(String name) {
        ProviderChecks.assertRejected(name, Fixtures.json("requests/errors/" + name + ".json"),
                request -> AnthropicChat.toWire(request, MODEL, false));
    }

    @ParameterizedTest(name = "tool_choice {0} → {1}")
    @CsvSource(delimiter = '|', value = {
            "\"auto\"                                                 | {\"type\":\"auto\"}",
            "\"required\"                                             | {\"type\":\"any\"}",
            "\"none\"                                                 | {\"type\":\"none\"}",
            "{\"type\":\"function\",\"function\":{\"name\":\"lookup\"}} | {\"type\":\"tool\",\"name\":\"lookup\"}"})
    @DisplayName("tool_choice maps auto→auto, required→any, none→none, a named function→tool")
    void toolChoice(String openAiChoice, String anthropicChoice) {
        JsonNode wire = translate("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],"
                + "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"lookup\"}}],\"tool_choice\":" + openAiChoice + "}");

        assertThat(wire.get("tool_choice")).isEqualTo(Fixtures.parse(anthropicChoice));
    }

    @Test
    @DisplayName("parallel_tool_calls=false without a tool_choice sends auto with parallel tool use disabled")
    void parallelToolCallsOff() {
        JsonNode wire = translate("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],"
                + "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"lookup\"}}],\"parallel_tool_calls\":false}");

        assertThat(wire.get("tool_choice")).isEqualTo(Fixtures.parse("{\"type\":\"auto\",\"disable_parallel_tool_use\":true}"));
    }

    @Test
    @DisplayName("without tools no tool_choice is sent, and a plain request sends no optional fields")
    void minimal() {
        JsonNode wire = translate("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],"
                + "\"tool_choice\":\"none\"}");

        assertThat(wire).isEqualTo(Fixtures.parse("{\"model\":\"claude-test\",\"max_tokens\":4096,"
                + "\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"hi\"}]}]}"));
    }

    @Test
    @DisplayName("in a merged user turn tool results go ahead of the user's text, as Anthropic requires")
    void toolResultsFirst() {
        JsonNode wire = translate("{\"model\":\"m\",\"messages\":["
                + "{\"role\":\"user\",\"content\":\"hi\"},"
                + "{\"role\":\"assistant\",\"tool_calls\":[{\"id\":\"c1\",\"type\":\"function\",\"function\":{\"name\":\"f\",\"arguments\":\"{}\"}}]},"
                + "{\"role\":\"user\",\"content\":\"here is a screenshot\"},"
                + "{\"role\":\"tool\",\"tool_call_id\":\"c1\",\"content\":\"done\"}]}");

        assertThat(wire.get("messages").get(2)).isEqualTo(Fixtures.parse("{\"role\":\"user\",\"content\":["
                + "{\"type\":\"tool_result\",\"tool_use_id\":\"c1\",\"content\":\"done\"},"
                + "{\"type\":\"text\",\"text\":\"here is a screenshot\"}]}"));
        assertThat(wire.get("messages")).hasSize(3);
    }

    @Test
    @DisplayName("a final assistant message is sent as a prefill without trailing whitespace, which Anthropic rejects")
    void prefill() {
        JsonNode wire = translate("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"List three fruits as JSON\"},"
                + "{\"role\":\"assistant\",\"content\":\"Sure:\\n{\\n  \"}]}");

        assertThat(wire.get("messages").get(1)).isEqualTo(Fixtures.parse(
                "{\"role\":\"assistant\",\"content\":[{\"type\":\"text\",\"text\":\"Sure:\\n{\"}]}"));
    }

    @Test
    @DisplayName("whitespace-only text is not sent, and a message left empty disappears (its neighbours merge)")
    void blankText() {
        JsonNode wire = translate("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"},"
                + "{\"role\":\"assistant\",\"content\":\"  \\n\"},"
                + "{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\" \"},{\"type\":\"text\",\"text\":\"Still there?\"}]}]}");

        assertThat(wire.get("messages")).isEqualTo(Fixtures.parse("[{\"role\":\"user\",\"content\":["
                + "{\"type\":\"text\",\"text\":\"Hi\"},{\"type\":\"text\",\"text\":\"Still there?\"}]}]"));
    }

    @ParameterizedTest(name = "temperature {0} → {1}")
    @CsvSource({"0, 0.0", "0.7, 0.7", "1, 1.0", "1.3, 1.0", "2, 1.0"})
    @DisplayName("temperature is clamped to Anthropic's range 0..1")
    void temperature(double in, double out) {
        JsonNode wire = translate("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"temperature\":"
                + in + "}");

        assertThat(wire.get("temperature").asDouble()).isEqualTo(out);
    }

    @Test
    @DisplayName("top_k, which OpenAI-compatible clients send as an extra field, reaches Anthropic")
    void topK() {
        JsonNode wire = translate("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"top_k\":40}");

        assertThat(wire.get("top_k").asInt()).isEqualTo(40);
    }

    @Test
    @DisplayName("the written request body is the translated JSON")
    void writtenBody() throws Exception {
        ChatRequest request = ChatRequestCodec.read(Fixtures.json("requests/tool_results.json").get("openai"));

        ObjectNode written = (ObjectNode) Json.MAPPER.readTree(AnthropicChat.writeRequest(request, MODEL, true));

        assertThat(written.remove("stream")).isEqualTo(BooleanNode.TRUE);
        assertThat((JsonNode) written).isEqualTo(Fixtures.json("requests/tool_results.json").get("anthropic"));
    }

    private static JsonNode translate(String openAiRequest) {
        return AnthropicChat.toWire(ChatRequestCodec.read(Fixtures.parse(openAiRequest)), MODEL, false);
    }
}
