package dev.sluice.provider.anthropic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static dev.sluice.testing.ProviderChecks.drain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.sluice.api.ChatChunk;
import dev.sluice.api.ChatRequest;
import dev.sluice.api.ChatResponse;
import dev.sluice.api.ChatResponseCodec;
import dev.sluice.api.ChunkStream;
import dev.sluice.api.EmbeddingRequest;
import dev.sluice.api.Json;
import dev.sluice.api.SluiceException;
import dev.sluice.api.ToolCall;
import dev.sluice.api.ToolCallDelta;
import dev.sluice.api.Usage;
import dev.sluice.provider.Call;
import dev.sluice.provider.ErrorClass;
import dev.sluice.provider.UpstreamException;
import dev.sluice.testing.FakeUpstream;
import dev.sluice.testing.ProviderChecks;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("AnthropicProvider speaks the Messages API over real HTTP")
class AnthropicProviderTest {
    private static final Clock CLOCK = Clock.fixed(Instant.ofEpochSecond(1_700_000_000L), ZoneOffset.UTC);
    private static final String KEY = "sk-ant-test-key";
    private static final Call CALL = new Call("claude-sonnet-4-5", "req-123",
            Map.of("anthropic-beta", "prompt-caching-2024-07-31"), Duration.ofSeconds(30));

    private static final String HELLO = """
            {"model":"gpt-4o","messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"Hello"}],
             "max_tokens":64,"temperature":0.2}""";
    private static final String MESSAGE = """
            {"id":"msg_01Abc","type":"message","role":"assistant","model":"claude-sonnet-4-5-20250929",
             "content":[{"type":"text","text":"Hi! "},{"type":"tool_use","id":"toolu_9","name":"wave","input":{"hand":"left"}}],
             "stop_reason":"tool_use","stop_sequence":null,
             "usage":{"input_tokens":11,"cache_read_input_tokens":5,"cache_creation_input_tokens":0,"output_tokens":6}}""";

    @Test
    @DisplayName("chat sends the translated request with Anthropic's headers and returns the canonical response")
    void chat() {
        try (FakeUpstream upstream = FakeUpstream.start(FakeUpstream.json(200, MESSAGE))) {
            ChatResponse response = provider(upstream.baseUrl()).chat(request(HELLO), CALL);

            assertThat(upstream.received()).hasSize(1);
            FakeUpstream.Received sent = upstream.received().getFirst();
            assertThat(sent.method()).isEqualTo("POST");
            assertThat(sent.path()).isEqualTo("/v1/messages");
            assertThat(sent.header("x-api-key")).isEqualTo(KEY);
            assertThat(sent.header("anthropic-version")).isEqualTo("2023-06-01");
            assertThat(sent.header("content-type")).startsWith("application/json");
            assertThat(sent.header("anthropic-beta")).isEqualTo("prompt-caching-2024-07-31");
            assertThat(sent.header("x-request-id")).isEqualTo("req-123");
            assertThat(sent.header("authorization")).isNull();
            assertThat(sent.body()).isEqualTo(Fixtures.parse("""
                    {"model":"claude-sonnet-4-5","max_tokens":64,"system":"Be brief.",
                     "messages":[{"role":"user","content":[{"type":"text","text":"Hello"}]}],"temperature":0.2}"""));

            assertThat(response.id()).isEqualTo("msg_01Abc");
            assertThat(response.model()).isEqualTo("claude-sonnet-4-5-20250929");
            assertThat(response.created()).isEqualTo(1_700_000_000L);
            assertThat(response.choices()).hasSize(1);
            assertThat(response.text()).isEqualTo("Hi! ");
            assertThat(response.choices().getFirst().message().toolCalls())
                    .containsExactly(new ToolCall("toolu_9", "wave", "{\"hand\":\"left\"}"));
            assertThat(response.choices().getFirst().finishReason()).isEqualTo("tool_calls");
            assertThat(response.usage()).isEqualTo(new Usage(16, 6, 22, 5, 0));
        }
    }

    @ParameterizedTest(name = "base URL ''{0}''")
    @ValueSource(strings = {"", "/", "/v1", "/v1/"})
    @DisplayName("requests go to {base}/v1/messages whether or not the base URL already ends in /v1")
    void baseUrl(String suffix) {
        try (FakeUpstream upstream = FakeUpstream.start(FakeUpstream.json(200, MESSAGE))) {
            provider(upstream.baseUrl() + suffix).chat(request(HELLO), CALL);

            assertThat(upstream.received()).extracting(FakeUpstream.Received::path).containsExactly("/v1/messages");
        }
    }

    @Test
    @DisplayName("forwarded headers cannot replace the gateway's API key or API version, whatever their case")
    void gatewayHeadersWin() {
        Call call = new Call("claude-x", "req-9", Map.of("X-Api-Key", "someone-elses-key", "Anthropic-Version", "1999-01-01"),
                Duration.ofSeconds(30));
        try (FakeUpstream upstream = FakeUpstream.start(FakeUpstream.json(200, MESSAGE))) {
            provider(upstream.baseUrl()).chat(request(HELLO), call);

            FakeUpstream.Received sent = upstream.received().getFirst();
            assertThat(sent.headers().get("x-api-key")).containsExactly(KEY);
            assertThat(sent.headers().get("anthropic-version")).containsExactly("2023-06-01");
        }
    }

    @Test
    @DisplayName("a streamed text answer arrives as the expected canonical chunks, usage last")
    void streamText() throws Exception {
        String sse = new String(Fixtures.bytes("streams/text.sse"), StandardCharsets.UTF_8);
        try (FakeUpstream upstream = FakeUpstream.start(FakeUpstream.sse(sse));
             ChunkStream stream = provider(upstream.baseUrl()).stream(request(HELLO), CALL)) {
            ArrayNode written = Json.array();
            for (ChatChunk chunk : drain(stream)) {
                written.add(Json.MAPPER.readTree(ChatResponseCodec.writeChunk(chunk)));
            }

            assertThat((JsonNode) written).isEqualTo(Fixtures.json("streams/text.chunks.json"));
            JsonNode sent = upstream.received().getFirst().body();
            assertThat(sent.get("stream").asBoolean()).isTrue();
            assertThat(sent.get("model").asText()).isEqualTo("claude-sonnet-4-5");
            assertThat(upstream.failures()).isEmpty();
        }
    }

    @Test
    @DisplayName("a streamed tool call's input_json_delta fragments reassemble into its arguments")
    void streamToolUse() {
        String sse = new String(Fixtures.bytes("streams/tool_use.sse"), StandardCharsets.UTF_8);
        try (FakeUpstream upstream = FakeUpstream.start(FakeUpstream.sse(sse));
             ChunkStream stream = provider(upstream.baseUrl()).stream(request(HELLO), CALL)) {
            Map<Integer, String> ids = new TreeMap<>();
            Map<Integer, StringBuilder> arguments = new TreeMap<>();
            String finish = null;
            for (ChatChunk chunk : drain(stream)) {
                for (var choice : chunk.choices()) {
                    finish = choice.finishReason() != null ? choice.finishReason() : finish;
                    for (ToolCallDelta call : choice.delta().toolCalls()) {
                        if (call.id() != null) {
                            ids.put(call.index(), call.id());
                        }
                        arguments.computeIfAbsent(call.index(), i -> new StringBuilder()).append(call.arguments());
                    }
                }
            }

            assertThat(ids).containsExactly(Map.entry(0, "toolu_a"), Map.entry(1, "toolu_b"));
            assertThat(Fixtures.parse(arguments.get(0).toString())).isEqualTo(Fixtures.parse("{\"city\":\"Paris\"}"));
            assertThat(Fixtures.parse(arguments.get(1).toString())).isEqualTo(Json.object());
            assertThat(finish).isEqualTo("tool_calls");
        }
    }

    @Test
    @DisplayName("chunks reach the caller while the upstream is still writing: the stream is never buffered whole")
    void streamNotBuffered() {
        List<String> events = FakeUpstream.events(new String(Fixtures.bytes("streams/text.sse"), StandardCharsets.UTF_8));
        // message_start, block start, ping, "Hello"
        ProviderChecks.assertStreamNotBuffered(events, 4, baseUrl -> provider(baseUrl).stream(request(HELLO), CALL));
    }

    @ParameterizedTest(name = "{0}: HTTP {1} {2} → {4}")
    @CsvSource(delimiter = '|', value = {
            "chat   | 429 | rate_limit_error      | 7  | RATE_LIMITED   | 429",
            "stream | 429 | rate_limit_error      | 7  | RATE_LIMITED   | 429",
            "chat   | 529 | overloaded_error      |    | SERVER_ERROR   | 502",
            "stream | 529 | overloaded_error      |    | SERVER_ERROR   | 502",
            "chat   | 401 | authentication_error  |    | AUTH           | 401",
            "stream | 401 | authentication_error  |    | AUTH           | 401",
            "chat   | 400 | invalid_request_error |    | CONTEXT_LENGTH | 400",
            "stream | 400 | invalid_request_error |    | CONTEXT_LENGTH | 400"})
    @DisplayName("error statuses become classified errors, Retry-After included")
    void errorStatus(String operation, int status, String type, Integer retryAfterSeconds, ErrorClass expected,
                     int clientStatus) {
        String message = type.equals("invalid_request_error") ? "prompt is too long: 210000 tokens > 200000 maximum"
                : "upstream says no";
        String body = "{\"type\":\"error\",\"error\":{\"type\":\"" + type + "\",\"message\":\"" + message + "\"}}";
        String[] headers = retryAfterSeconds == null ? new String[0]
                : new String[] {"retry-after", String.valueOf(retryAfterSeconds)};
        try (FakeUpstream upstream = FakeUpstream.start(FakeUpstream.json(status, body, headers))) {
            AnthropicProvider provider = provider(upstream.baseUrl());

            UpstreamException e = catchThrowableOfType(UpstreamException.class,
                    () -> ProviderChecks.call(provider, operation, request(HELLO), CALL));

            assertThat(e).as("the call should fail").isNotNull();
            assertThat(e.errorClass()).isEqualTo(expected);
            assertThat(e.status()).isEqualTo(clientStatus);
            assertThat(e.upstreamStatus()).isEqualTo(status);
            assertThat(e.getMessage()).contains(message);
            assertThat(e.retryAfter()).isEqualTo(retryAfterSeconds == null ? null : Duration.ofSeconds(retryAfterSeconds));
        }
    }

    @Test
    @DisplayName("an error event mid-stream fails the stream after the content that came before it")
    void errorEventMidStream() {
        String sse = """
                event: message_start
                data: {"type":"message_start","message":{"id":"msg_e","model":"claude-x","content":[],"usage":{"input_tokens":3,"output_tokens":1}}}

                event: content_block_start
                data: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}

                event: content_block_delta
                data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Partial"}}

                event: error
                data: {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}
                """;
        try (FakeUpstream upstream = FakeUpstream.start(FakeUpstream.sse(sse));
             ChunkStream stream = provider(upstream.baseUrl()).stream(request(HELLO), CALL)) {
            assertThat(stream.next().choices().getFirst().delta().role()).isEqualTo("assistant");
            assertThat(stream.next().choices().getFirst().delta().content()).isEqualTo("Partial");

            UpstreamException e = catchThrowableOfType(UpstreamException.class, stream::next);

            assertThat(e).isNotNull();
            assertThat(e.errorClass()).isEqualTo(ErrorClass.SERVER_ERROR);
            assertThat(e.status()).isEqualTo(502);
            assertThat(e.getMessage()).contains("Overloaded");
        }
    }

    @Test
    @DisplayName("a stream the upstream ends before message_stop fails as incomplete")
    void truncatedStream() {
        List<String> events = FakeUpstream.events(new String(Fixtures.bytes("streams/text.sse"), StandardCharsets.UTF_8));
        String cut = String.join("\n\n", events.subList(0, 4)); // message_start, block start, ping, "Hello"
        try (FakeUpstream upstream = FakeUpstream.start(FakeUpstream.sse(cut));
             ChunkStream stream = provider(upstream.baseUrl()).stream(request(HELLO), CALL)) {
            assertThat(stream.next()).isNotNull();
            assertThat(stream.next().choices().getFirst().delta().content()).isEqualTo("Hello");

            UpstreamException e = catchThrowableOfType(UpstreamException.class, stream::next);

            assertThat(e).isNotNull();
            assertThat(e.errorClass()).isEqualTo(ErrorClass.CONNECTION);
            assertThat(e.errorClass().retryable()).isTrue();
            assertThat(e.getMessage()).contains("ended the stream before it was complete");
        }
    }

    @Test
    @DisplayName("a 200 answer that is not JSON is a malformed response")
    void notJson() {
        ProviderChecks.assertNotJsonIsMalformed(baseUrl -> provider(baseUrl).chat(request(HELLO), CALL));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"chat", "stream"})
    @DisplayName("a request Anthropic cannot serve (n > 1) fails with a 400 and never reaches the upstream")
    void untranslatable(String operation) {
        try (FakeUpstream upstream = FakeUpstream.start(FakeUpstream.json(200, MESSAGE))) {
            AnthropicProvider provider = provider(upstream.baseUrl());
            ChatRequest twoAnswers = request("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"n\":2}");
            SluiceException e = catchThrowableOfType(SluiceException.class,
                    () -> ProviderChecks.call(provider, operation, twoAnswers, CALL));

            assertThat(e).isNotNull();
            assertThat(e.status()).isEqualTo(400);
            assertThat(e.param()).isEqualTo("n");
            assertThat(upstream.received()).isEmpty();
        }
    }

    @Test
    @DisplayName("embeddings are not offered")
    void noEmbeddings() {
        AnthropicProvider provider = new AnthropicProvider("claude", "http://127.0.0.1:9", KEY, Duration.ofSeconds(1));
        EmbeddingRequest request = new EmbeddingRequest("text-embedding-3-small", com.fasterxml.jackson.databind.node.TextNode.valueOf("hi"), null, null,
                null, null);

        SluiceException e = catchThrowableOfType(SluiceException.class, () -> provider.embed(request, CALL));

        assertThat(e).isNotNull();
        assertThat(e.status()).isEqualTo(400);
        assertThat(e.code()).isEqualTo("unsupported_operation");
        assertThat(provider.name()).isEqualTo("claude");
    }

    private static AnthropicProvider provider(String baseUrl) {
        return new AnthropicProvider("claude", baseUrl, KEY, Duration.ofSeconds(5), CLOCK);
    }

    private static ChatRequest request(String json) {
        return ProviderChecks.chatRequest(json);
    }
}
