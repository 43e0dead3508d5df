package dev.sluice.provider;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.openai.client.OpenAIClient;
import com.openai.core.JsonValue;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.ResponseFormatJsonObject;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionFunctionTool;
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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("OpenAI clients talking to Azure OpenAI deployments through the gateway")
class AzureThroughGatewayTest {
    private static final String CONFIG = """
            providers:
              azure:
                type: azure
                base_url: ${env:SIM_URL}
                api_key: azure-upstream-key
                api_version: 2025-01-01-preview
                timeout: 5s
                forward_headers: ["x-sim-*"]
              sim-azure:
                type: simulator
                format: azure
            models:
              gpt-4o:
                provider: azure
                model: gpt4o-prod
              text-embedding-3-small:
                provider: azure
                model: embed-small
              gpt-4o-embedded-sim:
                provider: sim-azure
                model: gpt4o-dev
            """;

    static TestGateway gw;
    static String key;
    static OpenAIClient client;

    @BeforeAll
    static void start() {
        gw = TestGateway.start(SimOptions.defaults(), CONFIG, Clock.systemUTC());
        key = gw.createKey("azure-test");
        client = gw.openAi(key);
    }

    @AfterAll
    static void stop() {
        gw.close();
    }

    @Test
    @DisplayName("a chat completion goes to the deployment's URL with api-version and api-key (never the client's key)")
    void chat() {
        ChatCompletion c = client.chat().completions().create(ChatCompletionCreateParams.builder()
                .model("gpt-4o").addUserMessage("Name a river").build());

        assertThat(c.choices().getFirst().message().content().orElseThrow()).isNotBlank();
        assertThat(c.usage().orElseThrow().totalTokens()).isPositive();
        RecordedRequest sent = gw.sim().recorded().getLast();
        assertThat(sent.path()).isEqualTo("/openai/deployments/gpt4o-prod/chat/completions");
        assertThat(sent.query()).isEqualTo("api-version=2025-01-01-preview");
        assertThat(sent.header("api-key")).isEqualTo("azure-upstream-key");
        assertThat(sent.header("authorization")).isNull();
        assertThat(sent.body().path("model").asText()).isEqualTo("gpt4o-prod");
    }

    @Test
    @DisplayName("a streamed answer passes through chunk by chunk with usage at the end")
    void streaming() {
        OpenAiStreams.Streamed streamed = OpenAiStreams.streamWithUsage(client, "gpt-4o", "Tell me a story");
        assertThat(streamed.text()).isNotBlank();
        assertThat(streamed.last().usage()).hasValueSatisfying(u -> assertThat(u.completionTokens()).isPositive());
        assertThat(gw.sim().recorded().getLast().query()).isEqualTo("api-version=2025-01-01-preview");
    }

    @Test
    @DisplayName("a tool call and its result round-trip unchanged (Azure speaks OpenAI's format)")
    void toolRoundTrip() {
        ChatCompletionCreateParams first = ChatCompletionCreateParams.builder().model("gpt-4o")
                .addUserMessage("What is the weather in Paris? Use get_weather.").addTool(ChatCompletionFunctionTool.builder()
                        .function(FunctionDefinition.builder().name("get_weather")
                                .parameters(FunctionParameters.builder()
                                        .putAdditionalProperty("type", JsonValue.from("object"))
                                        .putAdditionalProperty("properties", JsonValue.from(Map.of("city", Map.of("type", "string"))))
                                        .build())
                                .build()).build())
                .build();
        ChatCompletion.Choice choice = client.chat().completions().create(first).choices().getFirst();
        var fn = choice.message().toolCalls().orElseThrow().getFirst().asFunction();
        assertThat(fn.function().name()).isEqualTo("get_weather");

        ChatCompletion answer = client.chat().completions().create(first.toBuilder()
                .addMessage(choice.message())
                .addMessage(ChatCompletionToolMessageParam.builder().toolCallId(fn.id()).content("18C and sunny").build())
                .build());
        assertThat(answer.choices().getFirst().message().content().orElseThrow()).contains("18C and sunny");
        JsonNode sent = gw.sim().recorded().getLast().body().path("messages");
        assertThat(sent.get(2).path("tool_call_id").asText()).isEqualTo(fn.id());
    }

    @Test
    @DisplayName("json_object mode passes through and returns JSON")
    void jsonMode() throws Exception {
        ChatCompletion c = client.chat().completions().create(ChatCompletionCreateParams.builder().model("gpt-4o")
                .addUserMessage("Reply in JSON").responseFormat(ResponseFormatJsonObject.builder().build()).build());

        assertThat(Json.MAPPER.readTree(c.choices().getFirst().message().content().orElseThrow()).isObject()).isTrue();
        assertThat(gw.sim().recorded().getLast().body().path("response_format").path("type").asText()).isEqualTo("json_object");
    }

    @Test
    @DisplayName("embeddings go to the embedding deployment's URL")
    void embeddings() {
        CreateEmbeddingResponse r = client.embeddings().create(EmbeddingCreateParams.builder()
                .model("text-embedding-3-small").inputOfArrayOfStrings(List.of("first text", "second text")).build());

        assertThat(r.data()).hasSize(2);
        assertThat(r.data().get(0).embedding()).isNotEqualTo(r.data().get(1).embedding());
        RecordedRequest sent = gw.sim().recorded().getLast();
        assertThat(sent.path()).isEqualTo("/openai/deployments/embed-small/embeddings");
        assertThat(sent.query()).isEqualTo("api-version=2025-01-01-preview");
    }

    @Test
    @DisplayName("errors map like OpenAI's: 429 keeps retry-after, 5xx is 502, a too-long prompt is context_length_exceeded")
    void errors() {
        ObjectNode body = Json.object().put("model", "gpt-4o");
        body.putArray("messages").addObject().put("role", "user").put("content", "hello there, a long prompt");

        Http.Response limited = gw.http().post("/v1/chat/completions", body, Http.bearer(key,
                "x-sim-error-status", "429", "x-sim-retry-after", "4"));
        assertThat(limited.status()).isEqualTo(429);
        assertThat(limited.header("retry-after")).isEqualTo("4");

        Http.Response failed = gw.http().post("/v1/chat/completions", body, Http.bearer(key,
                "x-sim-error-status", "500"));
        assertThat(failed.status()).isEqualTo(502);
        assertThat(failed.json().path("error").path("code").asText()).isEqualTo("server_error");

        Http.Response tooLong = gw.http().post("/v1/chat/completions", body, Http.bearer(key,
                "x-sim-context-window", "5"));
        assertThat(tooLong.status()).isEqualTo(400);
        assertThat(tooLong.json().path("error").path("code").asText()).isEqualTo("context_length_exceeded");
    }

    @Test
    @DisplayName("a simulator provider with format: azure is served through Azure's deployment paths too")
    void simulatorFormat() {
        ChatCompletion c = client.chat().completions().create(ChatCompletionCreateParams.builder()
                .model("gpt-4o-embedded-sim").addUserMessage("Name a river").build());

        assertThat(c.choices().getFirst().message().content().orElseThrow()).isNotBlank();
        assertThat(c.model()).isEqualTo("gpt4o-dev");
    }
}
