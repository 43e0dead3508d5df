package dev.sluice.provider.compatible;

import static org.assertj.core.api.Assertions.assertThat;

import com.openai.client.OpenAIClient;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.sluice.app.Registries;
import dev.sluice.config.SluiceConfig;
import dev.sluice.sim.RecordedRequest;
import dev.sluice.sim.SimOptions;
import dev.sluice.testing.OpenAiStreams;
import dev.sluice.testing.TestGateway;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("OpenAI-compatible provider types (ollama, vllm, groq): their default addresses, and real traffic")
class OpenAiCompatibleTest {
    private static final String CONFIG = """
            providers:
              local:
                type: ollama
                base_url: ${env:SIM_URL}/v1
              hosted:
                type: groq
                base_url: ${env:SIM_URL}/v1
                api_key: gsk-upstream-key
            models:
              llama3:
                provider: local
                model: llama3.2
              llama-hosted:
                provider: hosted
                model: llama-3.3-70b-versatile
            """;

    static TestGateway gw;
    static OpenAIClient client;

    @BeforeAll
    static void start() {
        gw = TestGateway.start(SimOptions.defaults(), CONFIG, Clock.systemUTC());
        client = gw.openAi(gw.createKey("compatible-test"));
    }

    @AfterAll
    static void stop() {
        gw.close();
    }

    @Test
    @DisplayName("without base_url each type points at its server's usual address")
    void defaults() {
        SluiceConfig c = Registries.configLoader(Map.of()).parse("""
                providers:
                  o: {type: ollama}
                  v: {type: vllm}
                  g: {type: groq, api_key: k}
                models:
                  m: {provider: o}
                """, "s.yaml");
        assertThat(c.providers().get("o").baseUrl()).isEqualTo("http://127.0.0.1:11434/v1");
        assertThat(c.providers().get("v").baseUrl()).isEqualTo("http://127.0.0.1:8000/v1");
        assertThat(c.providers().get("g").baseUrl()).isEqualTo("https://api.groq.com/openai/v1");
    }

    @Test
    @DisplayName("a chat completion goes out in OpenAI's format with the upstream's model name and key")
    void chat() {
        ChatCompletion c = client.chat().completions().create(ChatCompletionCreateParams.builder()
                .model("llama-hosted").addUserMessage("Name a river").build());

        assertThat(c.choices().getFirst().message().content().orElseThrow()).isNotBlank();
        RecordedRequest sent = gw.sim().recorded().getLast();
        assertThat(sent.path()).isEqualTo("/v1/chat/completions");
        assertThat(sent.header("authorization")).isEqualTo("Bearer gsk-upstream-key");
        assertThat(sent.body().path("model").asText()).isEqualTo("llama-3.3-70b-versatile");
    }

    @Test
    @DisplayName("a stream from a keyless local server passes through with usage at the end")
    void streaming() {
        OpenAiStreams.Streamed streamed = OpenAiStreams.streamWithUsage(client, "llama3", "Tell me a story");

        assertThat(streamed.text()).isNotBlank();
        assertThat(streamed.last().usage()).hasValueSatisfying(u -> assertThat(u.completionTokens()).isPositive());
        RecordedRequest sent = gw.sim().recorded().getLast();
        assertThat(sent.body().path("model").asText()).isEqualTo("llama3.2");
        assertThat(sent.header("authorization")).isNull();
    }
}
