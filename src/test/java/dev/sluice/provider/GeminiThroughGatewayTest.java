package dev.sluice.provider;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.openai.client.OpenAIClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.ResponseFormatJsonObject;
import com.openai.models.ResponseFormatJsonSchema;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionFunctionTool;
import com.openai.models.chat.completions.ChatCompletionMessageToolCall;
import com.openai.models.chat.completions.ChatCompletionToolMessageParam;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;
import dev.sluice.api.Json;
import dev.sluice.sim.RecordedRequest;
import dev.sluice.sim.SimOptions;
import dev.sluice.testing.Http;
import dev.sluice.testing.OpenAiStreams;
import dev.sluice.testing.TestGateway;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("OpenAI clients talking to Gemini-backed models through the gateway")
class GeminiThroughGatewayTest {
    private static final String CONFIG = """
            providers:
              gemini:
                type: gemini
                base_url: ${env:SIM_URL}
                api_key: AIza-upstream-test
                timeout: 5s
                forward_headers: ["x-sim-*"]
              sim-gemini:
                type: simulator
                format: gemini
            models:
              gemini-flash:
                provider: gemini
                model: gemini-2.5-flash
              gemini-embedding:
                provider: gemini
                model: text-embedding-004
              gemini-embedded-sim:
                provider: sim-gemini
                model: gemini-2.0-flash
            """;

    static TestGateway gw;
    static String key;
    static OpenAIClient client;

    @BeforeAll
    static void start() {
        gw = TestGateway.start(SimOptions.defaults(), CONFIG, Clock.systemUTC());
        key = gw.createKey("gemini-test");
        client = gw.openAi(key);
    }

    @AfterAll
    static void stop() {
        gw.close();
    }

    @Test
    @DisplayName("a chat completion is sent as generateContent (systemInstruction, contents, x-goog-api-key) and answered in OpenAI's format")
    void chat() {
        gw.sim().clearRecorded();
        ChatCompletion c = client.chat().completions().create(ChatCompletionCreateParams.builder()
                .model("gemini-flash").addSystemMessage("Be brief.").addUserMessage("Name a river").maxCompletionTokens(40)
                .build());

        assertThat(c.choices().getFirst().message().content().orElseThrow()).isNotBlank();
        assertThat(c.choices().getFirst().finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
        assertThat(c.model()).isEqualTo("gemini-2.5-flash");
        assertThat(c.usage().orElseThrow().promptTokens()).isPositive();
        assertThat(c.usage().orElseThrow().completionTokens()).isPositive();
        RecordedRequest sent = gw.sim().recorded().getLast();
        assertThat(sent.path()).isEqualTo("/v1beta/models/gemini-2.5-flash:generateContent");
        assertThat(sent.header("x-goog-api-key")).isEqualTo("AIza-upstream-test");
        assertThat(sent.header("authorization")).isNull();
        assertThat(sent.body().path("systemInstruction").toString()).contains("Be brief.");
        assertThat(sent.body().path("contents").get(0).path("role").asText()).isEqualTo("user");
        assertThat(sent.body().path("generationConfig").path("maxOutputTokens").asInt()).isEqualTo(40);
    }

    @Test
    @DisplayName("a streamed answer arrives as OpenAI chunks with usage at the end, the same text as the whole answer")
    void streaming() {
        OpenAiStreams.Streamed streamed = OpenAiStreams.streamWithUsage(client, "gemini-flash", "Tell me a story");
        assertThat(streamed.text()).isNotBlank();
        assertThat(streamed.finish()).isEqualTo("stop");
        assertThat(streamed.last().usage()).hasValueSatisfying(u -> {
            assertThat(u.promptTokens()).isPositive();
            assertThat(u.completionTokens()).isPositive();
        });
        assertThat(gw.sim().recorded().getLast().path()).isEqualTo("/v1beta/models/gemini-2.5-flash:streamGenerateContent");
        assertThat(gw.sim().recorded().getLast().query()).isEqualTo("alt=sse");

        ChatCompletion whole = client.chat().completions().create(ChatCompletionCreateParams.builder()
                .model("gemini-flash").addUserMessage("Tell me a story").build());
        assertThat(streamed.text()).isEqualTo(whole.choices().getFirst().message().content().orElseThrow());
    }

    @Test
    @DisplayName("a tool call comes back with an id and arguments, and the tool result round-trips as a functionResponse")
    void toolRoundTrip() throws Exception {
        ChatCompletionCreateParams first = ChatCompletionCreateParams.builder().model("gemini-flash")
                .addUserMessage("What is the weather in Paris? Use get_weather.").addTool(weatherTool()).build();
        ChatCompletion c = client.chat().completions().create(first);
        ChatCompletion.Choice choice = c.choices().getFirst();
        assertThat(choice.finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.TOOL_CALLS);
        List<ChatCompletionMessageToolCall> calls = choice.message().toolCalls().orElseThrow();
        assertThat(calls).hasSize(1);
        var fn = calls.getFirst().asFunction();
        assertThat(fn.id()).startsWith("call_");
        assertThat(fn.function().name()).isEqualTo("get_weather");
        assertThat(Json.MAPPER.readTree(fn.function().arguments()).path("city").asText()).isEqualTo("Paris");
        JsonNode declared = gw.sim().recorded().getLast().body().path("tools").get(0).path("functionDeclarations").get(0);
        assertThat(declared.path("parameters").has("additionalProperties"))
                .as("Gemini rejects additionalProperties; the gateway must drop it").isFalse();

        ChatCompletion answer = client.chat().completions().create(first.toBuilder()
                .addMessage(choice.message())
                .addMessage(ChatCompletionToolMessageParam.builder().toolCallId(fn.id()).content("18C and sunny").build())
                .build());
        assertThat(answer.choices().getFirst().finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
        assertThat(answer.choices().getFirst().message().content().orElseThrow())
                .contains("The get_weather tool returned: 18C and sunny");
        JsonNode contents = gw.sim().recorded().getLast().body().path("contents");
        assertThat(contents.get(1).path("parts").get(0).path("functionCall").path("name").asText()).isEqualTo("get_weather");
        assertThat(contents.get(2).path("parts").get(0).path("functionResponse")).isEqualTo(Json.parse(
                "{\"name\":\"get_weather\",\"response\":{\"content\":\"18C and sunny\"}}".getBytes()));
    }

    @Test
    @DisplayName("a streamed tool call arrives as one complete tool call delta and finishes as tool_calls")
    void streamedToolCall() throws Exception {
        Map<Long, StringBuilder> arguments = new TreeMap<>();
        Map<Long, String> names = new TreeMap<>();
        String[] finish = new String[1];
        try (StreamResponse<ChatCompletionChunk> s = client.chat().completions().createStreaming(
                ChatCompletionCreateParams.builder().model("gemini-flash")
                        .addUserMessage("Weather in Rome? Use get_weather.").addTool(weatherTool()).build())) {
            s.stream().forEach(c -> c.choices().forEach(ch -> {
                ch.finishReason().ifPresent(f -> finish[0] = f.asString());
                ch.delta().toolCalls().ifPresent(tcs -> tcs.forEach(tc -> {
                    tc.function().flatMap(f -> f.name()).ifPresent(n -> names.put(tc.index(), n));
                    tc.function().flatMap(f -> f.arguments()).ifPresent(a ->
                            arguments.computeIfAbsent(tc.index(), i -> new StringBuilder()).append(a));
                }));
            }));
        }
        assertThat(names).containsExactly(Map.entry(0L, "get_weather"));
        assertThat(Json.MAPPER.readTree(arguments.get(0L).toString()).path("city").asText()).isEqualTo("Rome");
        assertThat(finish[0]).isEqualTo("tool_calls");
    }

    @Test
    @DisplayName("json_object asks Gemini for application/json; json_schema (strict, with additionalProperties) is sent as a responseSchema Gemini accepts")
    void jsonModes() throws Exception {
        ChatCompletion object = client.chat().completions().create(ChatCompletionCreateParams.builder().model("gemini-flash")
                .addUserMessage("Reply in JSON").responseFormat(ResponseFormatJsonObject.builder().build()).build());
        assertThat(Json.MAPPER.readTree(object.choices().getFirst().message().content().orElseThrow()).isObject()).isTrue();
        assertThat(gw.sim().recorded().getLast().body().path("generationConfig").path("responseMimeType").asText())
                .isEqualTo("application/json");

        var schema = ResponseFormatJsonSchema.JsonSchema.builder().name("person").strict(true)
                .schema(ResponseFormatJsonSchema.JsonSchema.Schema.builder()
                        .putAdditionalProperty("type", JsonValue.from("object"))
                        .putAdditionalProperty("additionalProperties", JsonValue.from(false))
                        .putAdditionalProperty("properties", JsonValue.from(Map.of(
                                "name", Map.of("type", "string"), "age", Map.of("type", "integer"))))
                        .putAdditionalProperty("required", JsonValue.from(List.of("name", "age")))
                        .build())
                .build();
        ChatCompletion c = client.chat().completions().create(ChatCompletionCreateParams.builder().model("gemini-flash")
                .addUserMessage("Invent a person").responseFormat(ResponseFormatJsonSchema.builder().jsonSchema(schema).build())
                .build());
        JsonNode parsed = Json.MAPPER.readTree(c.choices().getFirst().message().content().orElseThrow());
        assertThat(parsed.path("name").isTextual()).isTrue();
        assertThat(parsed.path("age").isIntegralNumber()).isTrue();
        assertThat(gw.sim().recorded().getLast().body().path("generationConfig").path("responseSchema")
                .path("required")).hasSize(2);
    }

    @Test
    @DisplayName("embeddings are served by batchEmbedContents, one vector per input, in order")
    void embeddings() {
        CreateEmbeddingResponse r = client.embeddings().create(EmbeddingCreateParams.builder()
                .model("gemini-embedding").inputOfArrayOfStrings(List.of("first text", "second text")).dimensions(16).build());

        assertThat(r.data()).hasSize(2);
        assertThat(r.data().get(1).index()).isEqualTo(1);
        assertThat(r.data().get(0).embedding()).hasSize(16);
        assertThat(r.data().get(0).embedding()).isNotEqualTo(r.data().get(1).embedding());
        assertThat(r.usage().promptTokens()).isPositive();
        RecordedRequest sent = gw.sim().recorded().getLast();
        assertThat(sent.path()).isEqualTo("/v1beta/models/text-embedding-004:batchEmbedContents");
        assertThat(sent.body().path("requests")).hasSize(2);
    }

    @Test
    @DisplayName("token-id embedding inputs are refused with a 400 that says to send text")
    void embeddingTokenIds() {
        ObjectNode body = Json.object().put("model", "gemini-embedding");
        body.putArray("input").addArray().add(1).add(2).add(3);

        Http.Response r = gw.http().post("/v1/embeddings", body, Http.bearer(key));

        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().path("error").path("param").asText()).isEqualTo("input");
        assertThat(r.json().path("error").path("message").asText()).contains("text only");
    }

    @Test
    @DisplayName("Gemini errors map to OpenAI errors: 429 keeps the RetryInfo wait as retry-after, 5xx is 502, too many tokens is context_length_exceeded")
    void errors() {
        ObjectNode body = Json.object().put("model", "gemini-flash");
        body.putArray("messages").addObject().put("role", "user").put("content", "hello there, a long prompt");

        Http.Response limited = gw.http().post("/v1/chat/completions", body, Http.bearer(key,
                "x-sim-error-status", "429", "x-sim-retry-after", "3"));
        assertThat(limited.status()).isEqualTo(429);
        assertThat(limited.header("retry-after")).isEqualTo("3");
        assertThat(limited.json().path("error").path("code").asText()).isEqualTo("rate_limited");

        Http.Response overloaded = gw.http().post("/v1/chat/completions", body, Http.bearer(key,
                "x-sim-error-status", "503"));
        assertThat(overloaded.status()).isEqualTo(502);
        assertThat(overloaded.json().path("error").path("code").asText()).isEqualTo("server_error");

        Http.Response tooLong = gw.http().post("/v1/chat/completions", body, Http.bearer(key,
                "x-sim-context-window", "5"));
        assertThat(tooLong.status()).isEqualTo(400);
        assertThat(tooLong.json().path("error").path("code").asText()).isEqualTo("context_length_exceeded");
        assertThat(tooLong.json().path("error").path("message").asText()).contains("input token count");
    }

    @Test
    @DisplayName("a stream the upstream drops mid-answer ends with an error event after the text that arrived")
    void streamReset() {
        ObjectNode body = Json.object().put("model", "gemini-flash").put("stream", true);
        body.putArray("messages").addObject().put("role", "user").put("content", "Tell me about rivers.");

        Http.Response r = gw.http().postStreaming("/v1/chat/completions", body, Http.bearer(key,
                "x-sim-tokens", "10", "x-sim-reset-after", "3"), (line, nanos) -> { });

        List<String> events = r.events();
        assertThat(r.status()).isEqualTo(200);
        assertThat(events).noneMatch(e -> e.equals("[DONE]"));
        assertThat(Json.parse(events.getLast().getBytes()).path("error").path("code").asText()).isEqualTo("connection_error");
        assertThat(events.stream().filter(e -> e.contains("\"content\":\"") && !e.contains("\"content\":\"\"")).count())
                .isEqualTo(3);
    }

    @Test
    @DisplayName("a simulator provider with format: gemini is served through the Gemini translation too")
    void simulatorFormat() {
        ChatCompletion c = client.chat().completions().create(ChatCompletionCreateParams.builder()
                .model("gemini-embedded-sim").addUserMessage("Name a river").build());

        assertThat(c.choices().getFirst().message().content().orElseThrow()).isNotBlank();
        assertThat(c.model()).isEqualTo("gemini-2.0-flash");
    }

    private static ChatCompletionFunctionTool weatherTool() {
        return ChatCompletionFunctionTool.builder().function(FunctionDefinition.builder()
                .name("get_weather").description("Current weather for a city")
                .parameters(FunctionParameters.builder()
                        .putAdditionalProperty("type", JsonValue.from("object"))
                        .putAdditionalProperty("additionalProperties", JsonValue.from(false))
                        .putAdditionalProperty("properties", JsonValue.from(Map.of("city", Map.of("type", "string"))))
                        .putAdditionalProperty("required", JsonValue.from(List.of("city")))
                        .build())
                .strict(true)
                .build()).build();
    }
}
