package dev.sluice.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.errors.RateLimitException;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionMessageFunctionToolCall;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The official OpenAI Java SDK as a black-box client: if it parses our answers, so will real apps. */
@DisplayName("Compatibility with the official OpenAI Java SDK")
class OpenAiSdkCompatibilityTest {
    private static Simulator sim;
    private static OpenAIClient openai;

    @BeforeAll
    static void start() {
        sim = Simulator.start();
        openai = OpenAIOkHttpClient.builder().baseUrl(sim.baseUrl() + "/v1").apiKey("sk-test").maxRetries(0).build();
    }

    @AfterAll
    static void stop() {
        openai.close();
        sim.close();
    }

    private static ChatCompletionCreateParams.Builder params(String text) {
        return ChatCompletionCreateParams.builder().model("gpt-4o-mini").addUserMessage(text);
    }

    @Test
    @DisplayName("parses a whole completion and its usage")
    void completion() {
        ChatCompletion completion = openai.chat().completions().create(params("Hello").build());

        assertThat(completion.id()).startsWith("chatcmpl-");
        assertThat(completion.choices().getFirst().message().content()).hasValueSatisfying(c -> assertThat(c).isNotBlank());
        assertThat(completion.choices().getFirst().finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
        assertThat(completion.usage()).hasValueSatisfying(u -> assertThat(u.completionTokens()).isPositive());
    }

    @Test
    @DisplayName("reads a stream with its usage chunk to the same text as the whole completion")
    void streaming() {
        String whole = openai.chat().completions().create(params("Stream this").build())
                .choices().getFirst().message().content().orElseThrow();
        StringBuilder text = new StringBuilder();
        List<ChatCompletionChunk> chunks = new ArrayList<>();

        try (StreamResponse<ChatCompletionChunk> stream = openai.chat().completions().createStreaming(params("Stream this")
                .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build())) {
            stream.stream().forEach(chunk -> {
                chunks.add(chunk);
                chunk.choices().forEach(c -> c.delta().content().ifPresent(text::append));
            });
        }

        assertThat(text.toString()).isEqualTo(whole);
        assertThat(chunks.getLast().choices()).isEmpty();
        assertThat(chunks.getLast().usage()).hasValueSatisfying(u -> assertThat(u.completionTokens()).isPositive());
    }

    @Test
    @DisplayName("parses a function tool call")
    void toolCall() {
        FunctionParameters parameters = FunctionParameters.builder()
                .putAdditionalProperty("type", JsonValue.from("object"))
                .putAdditionalProperty("properties", JsonValue.from(Map.of("city", Map.of("type", "string"))))
                .putAdditionalProperty("required", JsonValue.from(List.of("city")))
                .build();

        ChatCompletion completion = openai.chat().completions().create(params("Call get_weather for Paris.")
                .addFunctionTool(FunctionDefinition.builder().name("get_weather").parameters(parameters).build())
                .build());

        ChatCompletionMessageFunctionToolCall call = completion.choices().getFirst().message().toolCalls().orElseThrow()
                .getFirst().asFunction();
        assertThat(call.function().name()).isEqualTo("get_weather");
        assertThat(call.function().arguments()).isEqualTo("{\"city\":\"Paris\"}");
        assertThat(completion.choices().getFirst().finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.TOOL_CALLS);
    }

    @Test
    @DisplayName("parses embeddings, which the SDK may request as base64")
    void embeddings() {
        CreateEmbeddingResponse response = openai.embeddings().create(EmbeddingCreateParams.builder()
                .model("text-embedding-3-small").input("hello world").build());

        assertThat(response.data().getFirst().embedding()).hasSize(SimOptions.DEFAULT_EMBEDDING_DIMENSIONS);
    }

    @Test
    @DisplayName("maps an injected 429 to the SDK's RateLimitException")
    void rateLimit() {
        OpenAIClient limited = OpenAIOkHttpClient.builder().baseUrl(sim.baseUrl() + "/v1").apiKey("sk-test")
                .maxRetries(0).putHeader("x-sim-error-status", "429").build();
        try {
            assertThatThrownBy(() -> limited.chat().completions().create(params("hi").build()))
                    .isInstanceOf(RateLimitException.class);
        } finally {
            limited.close();
        }
    }
}
