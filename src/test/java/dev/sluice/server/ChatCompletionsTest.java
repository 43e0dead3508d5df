package dev.sluice.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.core.JsonValue;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.sluice.api.Json;
import dev.sluice.sim.RecordedRequest;
import dev.sluice.testing.Http;
import dev.sluice.testing.TestGateway;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("POST /v1/chat/completions (non-streaming)")
class ChatCompletionsTest {
    static TestGateway gw;
    static String key;
    static OpenAIClient client;

    @BeforeAll
    static void start() {
        gw = TestGateway.start();
        key = gw.createKey("chat-test");
        client = gw.openAi(key);
    }

    @AfterAll
    static void stop() {
        gw.close();
    }

    @Test
    @DisplayName("the official OpenAI client gets a completion with usage through the gateway")
    void plainChat() {
        ChatCompletion c = client.chat().completions().create(ChatCompletionCreateParams.builder()
                .model("gpt-4o-mini").addSystemMessage("You are terse.").addUserMessage("Say hello").build());
        assertThat(c.choices()).hasSize(1);
        assertThat(c.choices().getFirst().message().content()).hasValueSatisfying(t -> assertThat(t).isNotBlank());
        assertThat(c.choices().getFirst().finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
        assertThat(c.usage()).hasValueSatisfying(u -> {
            assertThat(u.promptTokens()).isPositive();
            assertThat(u.completionTokens()).isPositive();
            assertThat(u.totalTokens()).isEqualTo(u.promptTokens() + u.completionTokens());
        });
    }

    @Test
    @DisplayName("n, stop, seed, temperature, max_tokens, user and metadata reach the upstream; unknown fields pass through")
    void parametersPassThrough() {
        gw.sim().clearRecorded();
        var body = Json.object().put("model", "gpt-4o-mini").put("n", 2).put("seed", 7).put("temperature", 0.2)
                .put("max_tokens", 40).put("user", "alice").put("logit_bias_custom", "kept").put("top_k", 5);
        body.putArray("messages").addObject().put("role", "user").put("content", "hi");
        body.putArray("stop").add("END");
        body.putObject("metadata").put("app", "test");
        Http.Response r = gw.http().post("/v1/chat/completions", body, Map.of("authorization", "Bearer " + key));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().path("choices")).hasSize(2);
        JsonNode sent = gw.sim().recorded().getLast().body();
        assertThat(sent.path("model").asText()).isEqualTo("gpt-4o-mini");
        assertThat(sent.path("n").asInt()).isEqualTo(2);
        assertThat(sent.path("seed").asLong()).isEqualTo(7);
        assertThat(sent.path("temperature").asDouble()).isEqualTo(0.2);
        assertThat(sent.path("max_tokens").asInt()).isEqualTo(40);
        assertThat(sent.path("user").asText()).isEqualTo("alice");
        assertThat(sent.path("stop").get(0).asText()).isEqualTo("END");
        assertThat(sent.path("metadata").path("app").asText()).isEqualTo("test");
        assertThat(sent.path("logit_bias_custom").asText()).isEqualTo("kept");
        assertThat(sent.path("top_k").asInt()).isEqualTo(5);
    }

    @Test
    @DisplayName("log probabilities reach the official client, whole and streamed, a token each with its alternatives")
    void logprobs() {
        ChatCompletionCreateParams params = ChatCompletionCreateParams.builder().model("gpt-4o-mini")
                .addUserMessage("Say hello").logprobs(true).topLogprobs(3).build();
        ChatCompletion c = client.chat().completions().create(params);
        var tokens = c.choices().getFirst().logprobs().orElseThrow().content().orElseThrow();
        assertThat(tokens).isNotEmpty();
        assertThat(String.join("", tokens.stream().map(t -> t.token()).toList()))
                .isEqualTo(c.choices().getFirst().message().content().orElseThrow());
        assertThat(tokens.getFirst().topLogprobs()).hasSize(3);
        assertThat(tokens.getFirst().logprob()).isNegative();

        StringBuilder text = new StringBuilder();
        StringBuilder tokenText = new StringBuilder();
        try (var stream = client.chat().completions().createStreaming(params)) {
            stream.stream().forEach(chunk -> chunk.choices().forEach(choice -> {
                choice.delta().content().ifPresent(text::append);
                choice.logprobs().flatMap(lp -> lp.content()).ifPresent(ts -> ts.forEach(t -> {
                    tokenText.append(t.token());
                    assertThat(t.topLogprobs()).hasSize(3);
                }));
            }));
        }
        assertThat(text).isNotEmpty();
        assertThat(tokenText.toString()).isEqualTo(text.toString());
    }

    @Test
    @DisplayName("the same seed and prompt give the same answer (deterministic upstream, nothing lost in translation)")
    void deterministic() {
        ChatCompletionCreateParams params = ChatCompletionCreateParams.builder().model("gpt-4o-mini")
                .addUserMessage("Tell me about rivers").seed(11).temperature(0).build();
        String a = client.chat().completions().create(params).choices().getFirst().message().content().orElseThrow();
        String b = client.chat().completions().create(params).choices().getFirst().message().content().orElseThrow();
        assertThat(a).isEqualTo(b);
    }

    @Test
    @DisplayName("every response carries x-request-id, x-sluice-provider and x-sluice-model; a client request id is honoured")
    void headers() {
        var body = Json.object().put("model", "claude-3-5-haiku");
        body.putArray("messages").addObject().put("role", "user").put("content", "hi");
        Http.Response r = gw.http().post("/v1/chat/completions", body,
                Map.of("authorization", "Bearer " + key, "x-request-id", "my-trace-123"));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("x-request-id")).isEqualTo("my-trace-123");
        assertThat(r.header("x-sluice-provider")).isEqualTo("sim-anthropic");
        assertThat(r.header("x-sluice-model")).isEqualTo("claude-3-5-haiku-latest");

        long before = System.currentTimeMillis();
        Http.Response generated = gw.http().post("/v1/chat/completions", body, Map.of("authorization", "Bearer " + key));
        // req_ and 24 hex digits led by the time (48 bits of epoch ms: the request log's index grows at one end)
        assertThat(generated.header("x-request-id")).matches("req_[0-9a-f]{24}");
        assertThat(Long.parseLong(generated.header("x-request-id").substring(4, 16), 16))
                .isBetween(before, System.currentTimeMillis());
    }

    @Test
    @DisplayName("the gateway sends its own upstream credentials, never the client's virtual key")
    void upstreamCredentials() {
        gw.sim().clearRecorded();
        client.chat().completions().create(ChatCompletionCreateParams.builder().model("gpt-4o-mini")
                .addUserMessage("hi").build());
        RecordedRequest sent = gw.sim().recorded().getLast();
        assertThat(sent.headers().get("authorization")).isEqualTo("Bearer sk-upstream-test");
        assertThat(sent.headers().values()).noneMatch(v -> v.contains(key));
    }

    @Test
    @DisplayName("additional body properties set through the SDK arrive at the upstream")
    void sdkAdditionalProperties() {
        gw.sim().clearRecorded();
        client.chat().completions().create(ChatCompletionCreateParams.builder().model("gpt-4o-mini")
                .addUserMessage("hi").putAdditionalBodyProperty("repetition_penalty", JsonValue.from(1.1)).build());
        assertThat(gw.sim().recorded().getLast().body().path("repetition_penalty").asDouble()).isEqualTo(1.1);
    }
}
