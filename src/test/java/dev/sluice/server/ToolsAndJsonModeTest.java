package dev.sluice.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.core.JsonValue;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.ResponseFormatJsonObject;
import com.openai.models.ResponseFormatJsonSchema;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionFunctionTool;
import com.openai.models.chat.completions.ChatCompletionMessageToolCall;
import com.openai.models.chat.completions.ChatCompletionToolMessageParam;
import dev.sluice.api.Json;
import dev.sluice.testing.TestGateway;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("Tools and JSON mode, on OpenAI- and Anthropic-backed models")
class ToolsAndJsonModeTest {
    static TestGateway gw;
    static OpenAIClient client;

    @BeforeAll
    static void start() {
        gw = TestGateway.start();
        client = gw.openAi(gw.createKey("tools-test"));
    }

    @AfterAll
    static void stop() {
        gw.close();
    }

    private static ChatCompletionFunctionTool weatherTool() {
        return ChatCompletionFunctionTool.builder().function(FunctionDefinition.builder()
                .name("get_weather").description("Current weather for a city")
                .parameters(FunctionParameters.builder()
                        .putAdditionalProperty("type", JsonValue.from("object"))
                        .putAdditionalProperty("properties", JsonValue.from(Map.of("city", Map.of("type", "string"))))
                        .putAdditionalProperty("required", JsonValue.from(List.of("city")))
                        .build())
                .build()).build();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"gpt-4o-mini", "claude-3-5-haiku"})
    @DisplayName("a tool call comes back with parsed-able arguments, and the tool result round-trips to an answer")
    void toolRoundTrip(String model) throws Exception {
        ChatCompletionCreateParams first = ChatCompletionCreateParams.builder().model(model)
                .addUserMessage("What is the weather in Paris? Use get_weather.").addTool(weatherTool()).build();
        ChatCompletion c = client.chat().completions().create(first);
        ChatCompletion.Choice choice = c.choices().getFirst();
        assertThat(choice.finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.TOOL_CALLS);
        List<ChatCompletionMessageToolCall> calls = choice.message().toolCalls().orElseThrow();
        assertThat(calls).hasSize(1);
        var fn = calls.getFirst().asFunction();
        assertThat(fn.function().name()).isEqualTo("get_weather");
        JsonNode args = Json.MAPPER.readTree(fn.function().arguments());
        assertThat(args.path("city").asText()).isNotBlank();

        ChatCompletion answer = client.chat().completions().create(first.toBuilder()
                .addMessage(choice.message())
                .addMessage(ChatCompletionToolMessageParam.builder().toolCallId(fn.id()).content("18C and sunny").build())
                .build());
        assertThat(answer.choices().getFirst().finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
        assertThat(answer.choices().getFirst().message().content().orElseThrow()).contains("18C and sunny");
    }

    @Test
    @DisplayName("json_object mode returns a JSON object")
    void jsonObject() throws Exception {
        ChatCompletion c = client.chat().completions().create(ChatCompletionCreateParams.builder().model("gpt-4o-mini")
                .addUserMessage("Reply in JSON").responseFormat(ResponseFormatJsonObject.builder().build()).build());
        JsonNode parsed = Json.MAPPER.readTree(c.choices().getFirst().message().content().orElseThrow());
        assertThat(parsed.isObject()).isTrue();
    }

    @Test
    @DisplayName("json_object mode on an Anthropic model (which has no JSON mode) becomes a JSON-only system instruction")
    void jsonObjectOnAnthropic() {
        client.chat().completions().create(ChatCompletionCreateParams.builder().model("claude-3-5-haiku")
                .addUserMessage("Reply in JSON").responseFormat(ResponseFormatJsonObject.builder().build()).build());
        JsonNode sent = gw.sim().recorded().getLast().body();
        assertThat(sent.has("response_format")).isFalse();
        assertThat(sent.path("system").toString()).containsIgnoringCase("JSON");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"gpt-4o-mini"})
    @DisplayName("json_schema mode returns an instance with the schema's required fields")
    void jsonSchema(String model) throws Exception {
        var schema = ResponseFormatJsonSchema.JsonSchema.builder().name("person")
                .schema(ResponseFormatJsonSchema.JsonSchema.Schema.builder()
                        .putAdditionalProperty("type", JsonValue.from("object"))
                        .putAdditionalProperty("properties", JsonValue.from(Map.of(
                                "name", Map.of("type", "string"), "age", Map.of("type", "integer"))))
                        .putAdditionalProperty("required", JsonValue.from(List.of("name", "age")))
                        .build())
                .build();
        ChatCompletion c = client.chat().completions().create(ChatCompletionCreateParams.builder().model(model)
                .addUserMessage("Invent a person").responseFormat(ResponseFormatJsonSchema.builder().jsonSchema(schema).build())
                .build());
        JsonNode parsed = Json.MAPPER.readTree(c.choices().getFirst().message().content().orElseThrow());
        assertThat(parsed.path("name").isTextual()).isTrue();
        assertThat(parsed.path("age").isIntegralNumber()).isTrue();
        assertThat(gw.sim().recorded().getLast().body().path("response_format").path("type").asText()).isEqualTo("json_schema");
    }
}
