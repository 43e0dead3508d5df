package dev.sluice.provider;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.openai.client.OpenAIClient;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.sluice.api.Json;
import dev.sluice.sim.RecordedRequest;
import dev.sluice.testing.Http;
import dev.sluice.testing.OpenAiStreams;
import dev.sluice.testing.TestGateway;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("OpenAI clients talking to an Anthropic-backed model through the gateway")
class AnthropicThroughGatewayTest {
    static TestGateway gw;
    static String key;
    static OpenAIClient client;

    @BeforeAll
    static void start() {
        gw = TestGateway.startWithoutResilience();
        key = gw.createKey("anthropic-test");
        client = gw.openAi(key);
    }

    @AfterAll
    static void stop() {
        gw.close();
    }

    @Test
    @DisplayName("the request is translated to the Messages API: system on top, max_tokens defaulted, Anthropic headers")
    void requestTranslation() {
        gw.sim().clearRecorded();
        ChatCompletion c = client.chat().completions().create(ChatCompletionCreateParams.builder()
                .model("claude-3-5-haiku").addSystemMessage("Be brief.").addUserMessage("Name a river").build());
        assertThat(c.choices().getFirst().message().content().orElseThrow()).isNotBlank();
        assertThat(c.usage().orElseThrow().promptTokens()).isPositive();
        RecordedRequest sent = gw.sim().recorded().getLast();
        assertThat(sent.path()).isEqualTo("/v1/messages");
        assertThat(sent.header("x-api-key")).isEqualTo("sk-ant-upstream-test");
        assertThat(sent.header("anthropic-version")).isNotBlank();
        assertThat(sent.body().path("model").asText()).isEqualTo("claude-3-5-haiku-latest");
        assertThat(sent.body().path("system").toString()).contains("Be brief.");
        assertThat(sent.body().path("max_tokens").asInt()).isPositive();
        for (JsonNode m : sent.body().path("messages")) {
            assertThat(m.path("role").asText()).isIn("user", "assistant");
        }
    }

    @Test
    @DisplayName("a streamed Anthropic answer arrives as OpenAI chunks, with usage at the end")
    void streaming() {
        OpenAiStreams.Streamed streamed = OpenAiStreams.streamWithUsage(client, "claude-3-5-haiku", "Tell me a story");
        assertThat(streamed.text()).isNotBlank();
        assertThat(streamed.last().usage()).hasValueSatisfying(u -> {
            assertThat(u.promptTokens()).isPositive();
            assertThat(u.completionTokens()).isPositive();
        });
        ChatCompletion whole = client.chat().completions().create(ChatCompletionCreateParams.builder()
                .model("claude-3-5-haiku").addUserMessage("Tell me a story").build());
        assertThat(streamed.text()).isEqualTo(whole.choices().getFirst().message().content().orElseThrow());
    }

    @Test
    @DisplayName("Anthropic errors map to OpenAI errors: 429 keeps retry-after, 5xx is 502, too-long prompts are context_length_exceeded")
    void errors() {
        ObjectNode body = Json.object().put("model", "claude-3-5-haiku");
        body.putArray("messages").addObject().put("role", "user").put("content", "hello there, a long prompt");
        Map<String, String> auth = Map.of("authorization", "Bearer " + key);

        Http.Response limited = gw.http().post("/v1/chat/completions", body, merge(auth,
                Map.of("x-sim-error-rate", "1", "x-sim-error-status", "429", "x-sim-retry-after", "3")));
        assertThat(limited.status()).isEqualTo(429);
        assertThat(limited.header("retry-after")).isEqualTo("3");

        Http.Response overloaded = gw.http().post("/v1/chat/completions", body, merge(auth,
                Map.of("x-sim-error-rate", "1", "x-sim-error-status", "529")));
        assertThat(overloaded.status()).isEqualTo(502);
        assertThat(overloaded.json().path("error").path("code").asText()).isEqualTo("server_error");

        Http.Response tooLong = gw.http().post("/v1/chat/completions", body, merge(auth, Map.of("x-sim-context-window", "5")));
        assertThat(tooLong.status()).isEqualTo(400);
        assertThat(tooLong.json().path("error").path("code").asText()).isEqualTo("context_length_exceeded");
        assertThat(tooLong.json().path("error").path("message").asText()).contains("prompt is too long");
    }

    private static Map<String, String> merge(Map<String, String> a, Map<String, String> b) {
        var m = new java.util.HashMap<>(a);
        m.putAll(b);
        return m;
    }
}
