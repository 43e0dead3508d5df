package dev.sluice.provider.azure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.sluice.api.ChatChunk;
import dev.sluice.api.ChatRequest;
import dev.sluice.api.ChatRequestCodec;
import dev.sluice.api.ChatResponse;
import dev.sluice.api.ChunkStream;
import dev.sluice.api.EmbeddingCodec;
import dev.sluice.api.EmbeddingResponse;
import dev.sluice.provider.Call;
import dev.sluice.provider.ErrorClass;
import dev.sluice.provider.Provider;
import dev.sluice.provider.UpstreamException;
import dev.sluice.testing.FakeUpstream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("Azure OpenAI is the OpenAI provider with Azure's URLs and api-key header, over real HTTP")
class AzureOpenAiTest {
    private static final String KEY = "azure-key-0123";
    private static final Call CALL = new Call("gpt4o-prod", "req-7", Map.of(), Duration.ofSeconds(10));
    private static final ChatRequest HELLO = ChatRequestCodec.read(
            "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}],\"max_tokens\":5}"
                    .getBytes(StandardCharsets.UTF_8));
    private static final String COMPLETION = """
            {"id":"chatcmpl-1","object":"chat.completion","created":1700000000,"model":"gpt-4o-2024-08-06",
             "choices":[{"index":0,"message":{"role":"assistant","content":"Hi"},"finish_reason":"stop",
               "content_filter_results":{"hate":{"filtered":false,"severity":"safe"}}}],
             "usage":{"prompt_tokens":8,"completion_tokens":1,"total_tokens":9},
             "prompt_filter_results":[{"prompt_index":0,"content_filter_results":{}}]}""";

    @ParameterizedTest(name = "base URL suffix ''{0}''")
    @ValueSource(strings = {"", "/", "/openai", "/openai/"})
    @DisplayName("chat goes to /openai/deployments/{deployment}/chat/completions?api-version=..., with api-key and no Authorization")
    void chat(String suffix) {
        try (FakeUpstream upstream = FakeUpstream.start(FakeUpstream.json(200, COMPLETION))) {
            ChatResponse response = provider(upstream.baseUrl() + suffix).chat(HELLO, CALL);

            FakeUpstream.Received sent = upstream.received().getFirst();
            assertThat(sent.path()).isEqualTo("/openai/deployments/gpt4o-prod/chat/completions");
            assertThat(sent.query()).isEqualTo("api-version=2024-10-21");
            assertThat(sent.header("api-key")).isEqualTo(KEY);
            assertThat(sent.header("authorization")).isNull();
            assertThat(sent.header("x-request-id")).isEqualTo("req-7");
            assertThat(sent.body().path("model").asText()).isEqualTo("gpt4o-prod");
            assertThat(sent.body().path("max_tokens").asInt()).isEqualTo(5);
            assertThat(response.text()).isEqualTo("Hi");
            assertThat(response.usage().totalTokens()).isEqualTo(9);
        }
    }

    @Test
    @DisplayName("a forwarded Authorization or Api-Key header never replaces the configured key")
    void keyWins() {
        Call call = new Call("d1", "r", Map.of("Authorization", "Bearer sk-sluice-client", "Api-Key", "someone-else"),
                Duration.ofSeconds(10));
        try (FakeUpstream upstream = FakeUpstream.start(FakeUpstream.json(200, COMPLETION))) {
            provider(upstream.baseUrl()).chat(HELLO, call);

            FakeUpstream.Received sent = upstream.received().getFirst();
            assertThat(sent.headers().get("api-key")).containsExactly(KEY);
            assertThat(sent.header("authorization")).isNull();
        }
    }

    @Test
    @DisplayName("a stream skips Azure's leading prompt_filter_results chunk and passes the rest through")
    void stream() {
        String sse = """
                data: {"choices":[],"created":0,"id":"","model":"","object":"","prompt_filter_results":[{"prompt_index":0,"content_filter_results":{}}]}

                data: {"choices":[{"content_filter_results":{},"delta":{"role":"assistant","content":""},"finish_reason":null,"index":0}],"created":1,"id":"c1","model":"gpt-4o","object":"chat.completion.chunk"}

                data: {"choices":[{"content_filter_results":{"hate":{"filtered":false}},"delta":{"content":"Hi"},"finish_reason":null,"index":0}],"created":1,"id":"c1","model":"gpt-4o","object":"chat.completion.chunk"}

                data: {"choices":[{"content_filter_results":{},"delta":{},"finish_reason":"stop","index":0}],"created":1,"id":"c1","model":"gpt-4o","object":"chat.completion.chunk"}

                data: {"choices":[],"created":1,"id":"c1","model":"gpt-4o","object":"chat.completion.chunk","usage":{"prompt_tokens":8,"completion_tokens":1,"total_tokens":9}}

                data: [DONE]
                """;
        try (FakeUpstream upstream = FakeUpstream.start(FakeUpstream.sse(sse));
             ChunkStream stream = provider(upstream.baseUrl()).stream(ChatRequestCodec.read(
                     "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}],\"stream\":true}"
                             .getBytes(StandardCharsets.UTF_8)), CALL)) {
            List<ChatChunk> chunks = new ArrayList<>();
            for (ChatChunk c = stream.next(); c != null; c = stream.next()) {
                chunks.add(c);
            }

            assertThat(chunks).hasSize(4);
            assertThat(chunks.getFirst().id()).isEqualTo("c1");
            assertThat(chunks.get(1).choices().getFirst().delta().content()).isEqualTo("Hi");
            assertThat(chunks.getLast().usage().totalTokens()).isEqualTo(9);
            FakeUpstream.Received sent = upstream.received().getFirst();
            assertThat(sent.query()).isEqualTo("api-version=2024-10-21");
            assertThat(sent.body().path("stream_options").path("include_usage").asBoolean()).isTrue();
        }
    }

    @Test
    @DisplayName("embeddings go to /openai/deployments/{deployment}/embeddings?api-version=...")
    void embeddings() {
        String answer = "{\"object\":\"list\",\"data\":[{\"object\":\"embedding\",\"index\":0,\"embedding\":[0.1,0.2]}],"
                + "\"model\":\"text-embedding-3-small\",\"usage\":{\"prompt_tokens\":2,\"total_tokens\":2}}";
        try (FakeUpstream upstream = FakeUpstream.start(FakeUpstream.json(200, answer))) {
            EmbeddingResponse response = provider(upstream.baseUrl()).embed(EmbeddingCodec.readRequest(
                    "{\"model\":\"emb\",\"input\":\"hi\"}".getBytes(StandardCharsets.UTF_8)),
                    new Call("embed-small", "r", Map.of(), Duration.ofSeconds(5)));

            FakeUpstream.Received sent = upstream.received().getFirst();
            assertThat(sent.path()).isEqualTo("/openai/deployments/embed-small/embeddings");
            assertThat(sent.query()).isEqualTo("api-version=2024-10-21");
            assertThat(response.data()).hasSize(1);
        }
    }

    @Test
    @DisplayName("Azure's content-filter refusal (400, code content_filter) is a content_filter error, not a bad request")
    void contentFilter() {
        String body = """
                {"error":{"message":"The response was filtered due to the prompt triggering Azure OpenAI's content management policy. Please modify your prompt and retry.",
                 "type":null,"param":"prompt","code":"content_filter","status":400,
                 "innererror":{"code":"ResponsibleAIPolicyViolation","content_filter_result":{"hate":{"filtered":true,"severity":"high"}}}}}""";
        try (FakeUpstream upstream = FakeUpstream.start(FakeUpstream.json(400, body))) {
            UpstreamException e = catchThrowableOfType(UpstreamException.class,
                    () -> provider(upstream.baseUrl()).chat(HELLO, CALL));

            assertThat(e).isNotNull();
            assertThat(e.errorClass()).isEqualTo(ErrorClass.CONTENT_FILTER);
            assertThat(e.status()).isEqualTo(400);
            assertThat(e.code()).isEqualTo("content_filter");
        }
    }

    @Test
    @DisplayName("a content_filter code decides even when the message says nothing about policies")
    void contentFilterByCode() {
        String body = "{\"error\":{\"message\":\"Filtered.\",\"code\":\"content_filter\",\"status\":400}}";
        try (FakeUpstream upstream = FakeUpstream.start(FakeUpstream.json(400, body))) {
            UpstreamException e = catchThrowableOfType(UpstreamException.class,
                    () -> provider(upstream.baseUrl()).chat(HELLO, CALL));

            assertThat(e.errorClass()).isEqualTo(ErrorClass.CONTENT_FILTER);
        }
    }

    @Test
    @DisplayName("Azure's 429 keeps its retry-after-ms")
    void rateLimit() {
        String body = "{\"error\":{\"code\":\"429\",\"message\":\"Requests to the ChatCompletions_Create Operation under"
                + " Azure OpenAI API version 2024-10-21 have exceeded token rate limit of your current tier.\"}}";
        try (FakeUpstream upstream = FakeUpstream.start(FakeUpstream.json(429, body, "retry-after", "4",
                "retry-after-ms", "3500"))) {
            UpstreamException e = catchThrowableOfType(UpstreamException.class,
                    () -> provider(upstream.baseUrl()).chat(HELLO, CALL));

            assertThat(e.errorClass()).isEqualTo(ErrorClass.RATE_LIMITED);
            assertThat(e.retryAfter()).isEqualTo(Duration.ofMillis(3500));
        }
    }

    private static Provider provider(String baseUrl) {
        return AzureOpenAi.provider("azure", baseUrl, KEY, AzureOpenAi.DEFAULT_API_VERSION, Duration.ofSeconds(5));
    }
}
