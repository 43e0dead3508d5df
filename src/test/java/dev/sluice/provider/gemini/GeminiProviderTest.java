package dev.sluice.provider.gemini;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static dev.sluice.testing.ProviderChecks.drain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.sluice.api.ChatChunk;
import dev.sluice.api.ChatRequest;
import dev.sluice.api.ChatResponse;
import dev.sluice.api.ChatResponseCodec;
import dev.sluice.api.ChunkStream;
import dev.sluice.api.EmbeddingCodec;
import dev.sluice.api.EmbeddingRequest;
import dev.sluice.api.EmbeddingResponse;
import dev.sluice.api.Json;
import dev.sluice.api.SluiceException;
import dev.sluice.api.ToolCall;
import dev.sluice.api.Usage;
import dev.sluice.provider.Call;
import dev.sluice.provider.ErrorClass;
import dev.sluice.provider.UpstreamException;
import dev.sluice.testing.FakeUpstream;
import dev.sluice.testing.ProviderChecks;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("GeminiProvider speaks the Gemini API over real HTTP")
class GeminiProviderTest {
    private static final Clock CLOCK = Clock.fixed(Instant.ofEpochSecond(1_700_000_000L), ZoneOffset.UTC);
    private static final String KEY = "AIza-test-key";
    private static final Call CALL = new Call("gemini-2.5-flash", "req-123", Map.of("x-goog-user-project", "p1"),
            Duration.ofSeconds(30));

    private static final String HELLO = """
            {"model":"gpt-4o","messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"Hello"}],
             "max_tokens":64,"temperature":0.2}""";
    private static final String ANSWER = """
            {"candidates":[{"content":{"role":"model","parts":[{"text":"Hi! "},
              {"functionCall":{"name":"wave","args":{"hand":"left"}}}]},"finishReason":"STOP","index":0}],
             "usageMetadata":{"promptTokenCount":11,"candidatesTokenCount":6,"totalTokenCount":17},
             "modelVersion":"gemini-2.5-flash-001","responseId":"resp-1"}""";

    @Test
    @DisplayName("chat posts the translated request to models/{model}:generateContent with x-goog-api-key, and returns the canonical response")
    void chat() {
        try (FakeUpstream upstream = FakeUpstream.start(FakeUpstream.json(200, ANSWER))) {
            ChatResponse response = provider(upstream.baseUrl()).chat(request(HELLO), CALL);

            assertThat(upstream.received()).hasSize(1);
            FakeUpstream.Received sent = upstream.received().getFirst();
            assertThat(sent.method()).isEqualTo("POST");
            assertThat(sent.path()).isEqualTo("/v1beta/models/gemini-2.5-flash:generateContent");
            assertThat(sent.query()).isNull();
            assertThat(sent.header("x-goog-api-key")).isEqualTo(KEY);
            assertThat(sent.header("content-type")).startsWith("application/json");
            assertThat(sent.header("x-goog-user-project")).isEqualTo("p1");
            assertThat(sent.header("authorization")).isNull();
            assertThat(sent.body()).isEqualTo(Fixtures.parse("""
                    {"systemInstruction":{"parts":[{"text":"Be brief."}]},
                     "contents":[{"role":"user","parts":[{"text":"Hello"}]}],
                     "generationConfig":{"maxOutputTokens":64,"temperature":0.2}}"""));

            assertThat(response.id()).isEqualTo("resp-1");
            assertThat(response.model()).isEqualTo("gemini-2.5-flash-001");
            assertThat(response.created()).isEqualTo(1_700_000_000L);
            assertThat(response.text()).isEqualTo("Hi! ");
            assertThat(response.choices().getFirst().message().toolCalls())
                    .containsExactly(new ToolCall("call_test1", "wave", "{\"hand\":\"left\"}"));
            assertThat(response.choices().getFirst().finishReason()).isEqualTo("tool_calls");
            assertThat(response.usage()).isEqualTo(new Usage(11, 6, 17, 0, 0));
        }
    }

    @ParameterizedTest(name = "base URL ''{0}'', model ''{1}''")
    @CsvSource(delimiter = '|', value = {
            "''         | gemini-2.5-flash          | /v1beta/models/gemini-2.5-flash:generateContent",
            "/          | gemini-2.5-flash          | /v1beta/models/gemini-2.5-flash:generateContent",
            "/v1beta    | gemini-2.5-flash          | /v1beta/models/gemini-2.5-flash:generateContent",
            "/v1beta/   | models/gemini-2.0-flash   | /v1beta/models/gemini-2.0-flash:generateContent",
            "''         | tunedModels/my-model-7    | /v1beta/tunedModels/my-model-7:generateContent",
            "''         | gemini flash              | /v1beta/models/gemini%20flash:generateContent"})
    @DisplayName("requests go to {base}/v1beta/{model resource}:generateContent, whatever the base URL ends in")
    void paths(String suffix, String model, String path) {
        try (FakeUpstream upstream = FakeUpstream.start(FakeUpstream.json(200, ANSWER))) {
            provider(upstream.baseUrl() + suffix).chat(request(HELLO), new Call(model, "r", Map.of(), Duration.ofSeconds(5)));

            assertThat(upstream.received().getFirst().path()).isEqualTo(java.net.URI.create(path).getPath());
        }
    }

    @Test
    @DisplayName("a forwarded header cannot replace the gateway's API key, whatever its case")
    void gatewayKeyWins() {
        Call call = new Call("gemini-x", "req-9", Map.of("X-Goog-Api-Key", "someone-elses-key"), Duration.ofSeconds(30));
        try (FakeUpstream upstream = FakeUpstream.start(FakeUpstream.json(200, ANSWER))) {
            provider(upstream.baseUrl()).chat(request(HELLO), call);

            assertThat(upstream.received().getFirst().headers().get("x-goog-api-key")).containsExactly(KEY);
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"text", "function_call"})
    @DisplayName("a streamed answer from streamGenerateContent?alt=sse arrives as exactly the expected canonical chunks")
    void stream(String name) throws Exception {
        try (FakeUpstream upstream = FakeUpstream.start(FakeUpstream.sse(Fixtures.text("streams/" + name + ".sse")));
             ChunkStream stream = provider(upstream.baseUrl()).stream(request(HELLO), CALL)) {
            ArrayNode written = Json.array();
            for (ChatChunk chunk : drain(stream)) {
                written.add(Json.MAPPER.readTree(ChatResponseCodec.writeChunk(chunk)));
            }

            CallChecks.assertChunks(written, Fixtures.json("streams/" + name + ".chunks.json"));
            FakeUpstream.Received sent = upstream.received().getFirst();
            assertThat(sent.path()).isEqualTo("/v1beta/models/gemini-2.5-flash:streamGenerateContent");
            assertThat(sent.query()).isEqualTo("alt=sse");
            assertThat(sent.body().has("stream")).as("Gemini streams by endpoint, not by a body field").isFalse();
            assertThat(stream.next()).as("after the end").isNull();
        }
    }

    @Test
    @DisplayName("chunks reach the caller while the upstream is still writing: the stream is never buffered whole")
    void streamNotBuffered() {
        List<String> events = FakeUpstream.events(Fixtures.text("streams/text.sse"));
        ProviderChecks.assertStreamNotBuffered(events, 1, baseUrl -> provider(baseUrl).stream(request(HELLO), CALL));
    }

    @Test
    @DisplayName("n > 1 streams each candidate as its own choice index, each with its role, text and finish")
    void streamCandidates() {
        String sse = """
                data: {"candidates":[{"content":{"parts":[{"text":"A"}],"role":"model"},"index":0},{"content":{"parts":[{"text":"B"}],"role":"model"},"index":1}]}

                data: {"candidates":[{"content":{"parts":[{"text":"!"}],"role":"model"},"finishReason":"STOP","index":1}]}

                data: {"candidates":[{"content":{"parts":[{"text":"?"}],"role":"model"},"finishReason":"MAX_TOKENS","index":0}],"usageMetadata":{"promptTokenCount":3,"candidatesTokenCount":4,"totalTokenCount":7}}
                """;
        try (FakeUpstream upstream = FakeUpstream.start(FakeUpstream.sse(sse));
             ChunkStream stream = provider(upstream.baseUrl()).stream(request(HELLO), CALL)) {
            Map<Integer, StringBuilder> texts = new java.util.TreeMap<>();
            Map<Integer, String> finishes = new java.util.TreeMap<>();
            Usage usage = null;
            for (ChatChunk chunk : drain(stream)) {
                for (var choice : chunk.choices()) {
                    if (choice.delta().content() != null) {
                        texts.computeIfAbsent(choice.index(), i -> new StringBuilder()).append(choice.delta().content());
                    }
                    if (choice.finishReason() != null) {
                        finishes.put(choice.index(), choice.finishReason());
                    }
                }
                usage = chunk.usage() != null ? chunk.usage() : usage;
            }

            assertThat(texts).hasSize(2);
            assertThat(texts.get(0)).hasToString("A?");
            assertThat(texts.get(1)).hasToString("B!");
            assertThat(finishes).containsExactly(Map.entry(0, "length"), Map.entry(1, "stop"));
            assertThat(usage).isEqualTo(new Usage(3, 4, 7, 0, 0));
        }
    }

    @Test
    @DisplayName("a stream whose body ends before a finishReason fails as incomplete, after what did arrive")
    void truncatedStream() {
        List<String> events = FakeUpstream.events(Fixtures.text("streams/text.sse"));
        String cut = String.join("\n\n", events.subList(0, 3));
        try (FakeUpstream upstream = FakeUpstream.start(FakeUpstream.sse(cut));
             ChunkStream stream = provider(upstream.baseUrl()).stream(request(HELLO), CALL)) {
            assertThat(stream.next()).isNotNull();
            assertThat(stream.next().choices().getFirst().delta().content()).isEqualTo("Hello");
            assertThat(stream.next().choices().getFirst().delta().content()).isEqualTo(" there, friend.");

            UpstreamException e = catchThrowableOfType(UpstreamException.class, stream::next);

            assertThat(e).isNotNull();
            assertThat(e.errorClass()).isEqualTo(ErrorClass.CONNECTION);
            assertThat(e.getMessage()).contains("ended the stream before it was complete");
        }
    }

    @Test
    @DisplayName("an error object mid-stream fails the stream, classified, after the content before it")
    void errorMidStream() {
        String sse = """
                data: {"candidates":[{"content":{"parts":[{"text":"Partial"}],"role":"model"},"index":0}]}

                data: {"error":{"code":503,"message":"The model is overloaded. Please try again later.","status":"UNAVAILABLE"}}
                """;
        try (FakeUpstream upstream = FakeUpstream.start(FakeUpstream.sse(sse));
             ChunkStream stream = provider(upstream.baseUrl()).stream(request(HELLO), CALL)) {
            assertThat(stream.next().choices().getFirst().delta().role()).isEqualTo("assistant");
            assertThat(stream.next().choices().getFirst().delta().content()).isEqualTo("Partial");

            UpstreamException e = catchThrowableOfType(UpstreamException.class, stream::next);

            assertThat(e).isNotNull();
            assertThat(e.errorClass()).isEqualTo(ErrorClass.SERVER_ERROR);
            assertThat(e.upstreamStatus()).isEqualTo(503);
            assertThat(e.getMessage()).contains("overloaded");
            assertThat(stream.next()).isNull();
        }
    }

    @Test
    @DisplayName("an event that is not JSON is a malformed response")
    void streamNotJson() {
        try (FakeUpstream upstream = FakeUpstream.start(FakeUpstream.sse("data: {\"candidates\":[{\"content\":")) ;
             ChunkStream stream = provider(upstream.baseUrl()).stream(request(HELLO), CALL)) {
            UpstreamException e = catchThrowableOfType(UpstreamException.class, stream::next);

            assertThat(e).isNotNull();
            assertThat(e.errorClass()).isEqualTo(ErrorClass.MALFORMED_RESPONSE);
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"chat", "stream"})
    @DisplayName("a prompt Gemini blocks (promptFeedback.blockReason, no candidates) is a content_filter failure")
    void blockedPrompt(String operation) {
        String blocked = "{\"promptFeedback\":{\"blockReason\":\"SAFETY\",\"safetyRatings\":[]},"
                + "\"usageMetadata\":{\"promptTokenCount\":9,\"totalTokenCount\":9}}";
        FakeUpstream.Reply reply = operation.equals("chat") ? FakeUpstream.json(200, blocked)
                : FakeUpstream.sse("data: " + blocked + "\n\n");
        try (FakeUpstream upstream = FakeUpstream.start(reply)) {
            GeminiProvider provider = provider(upstream.baseUrl());

            UpstreamException e = catchThrowableOfType(UpstreamException.class, () -> {
                if (operation.equals("chat")) {
                    provider.chat(request(HELLO), CALL);
                } else {
                    try (ChunkStream s = provider.stream(request(HELLO), CALL)) {
                        s.next();
                    }
                }
            });

            assertThat(e).isNotNull();
            assertThat(e.errorClass()).isEqualTo(ErrorClass.CONTENT_FILTER);
            assertThat(e.status()).isEqualTo(400);
            assertThat(e.code()).isEqualTo("content_filter");
            assertThat(e.getMessage()).contains("SAFETY");
        }
    }

    @ParameterizedTest(name = "{0}: HTTP {1} {2} → {3}")
    @CsvSource(delimiter = '|', value = {
            "chat   | 429 | RESOURCE_EXHAUSTED | RATE_LIMITED   | 429",
            "stream | 429 | RESOURCE_EXHAUSTED | RATE_LIMITED   | 429",
            "chat   | 503 | UNAVAILABLE        | SERVER_ERROR   | 502",
            "stream | 500 | INTERNAL           | SERVER_ERROR   | 502",
            "chat   | 504 | DEADLINE_EXCEEDED  | TIMEOUT        | 504",
            "chat   | 403 | PERMISSION_DENIED  | AUTH           | 403",
            "stream | 400 | INVALID_ARGUMENT   | CONTEXT_LENGTH | 400"})
    @DisplayName("error responses become classified errors; a 429's RetryInfo becomes the Retry-After")
    void errorStatus(String operation, int status, String grpcStatus, ErrorClass expected, int clientStatus) {
        String message = grpcStatus.equals("INVALID_ARGUMENT")
                ? "The input token count (1200000) exceeds the maximum number of tokens allowed (1048576)."
                : "upstream says no";
        String details = status == 429 ? ",\"details\":[{\"@type\":\"type.googleapis.com/google.rpc.RetryInfo\",\"retryDelay\":\"7s\"}]" : "";
        String body = "{\"error\":{\"code\":" + status + ",\"message\":\"" + message + "\",\"status\":\"" + grpcStatus + "\""
                + details + "}}";
        try (FakeUpstream upstream = FakeUpstream.start(FakeUpstream.json(status, body))) {
            GeminiProvider provider = provider(upstream.baseUrl());

            UpstreamException e = catchThrowableOfType(UpstreamException.class,
                    () -> ProviderChecks.call(provider, operation, request(HELLO), CALL));

            assertThat(e).as("the call should fail").isNotNull();
            assertThat(e.errorClass()).isEqualTo(expected);
            assertThat(e.status()).isEqualTo(clientStatus);
            assertThat(e.upstreamStatus()).isEqualTo(status);
            assertThat(e.getMessage()).contains(message);
            assertThat(e.retryAfter()).isEqualTo(status == 429 ? Duration.ofSeconds(7) : null);
        }
    }

    @Test
    @DisplayName("a 200 answer that is not JSON is a malformed response")
    void notJson() {
        ProviderChecks.assertNotJsonIsMalformed(baseUrl -> provider(baseUrl).chat(request(HELLO), CALL));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"chat", "stream"})
    @DisplayName("a request Gemini cannot be sent (a tool result for an unknown call) fails with a 400 and never reaches the upstream")
    void untranslatable(String operation) {
        try (FakeUpstream upstream = FakeUpstream.start(FakeUpstream.json(200, ANSWER))) {
            GeminiProvider provider = provider(upstream.baseUrl());
            ChatRequest orphan = request("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"},"
                    + "{\"role\":\"tool\",\"tool_call_id\":\"nope\",\"content\":\"1\"}]}");

            SluiceException e = catchThrowableOfType(SluiceException.class,
                    () -> ProviderChecks.call(provider, operation, orphan, CALL));

            assertThat(e).isNotNull();
            assertThat(e.status()).isEqualTo(400);
            assertThat(e.param()).isEqualTo("messages[1].tool_call_id");
            assertThat(upstream.received()).isEmpty();
        }
    }

    @Test
    @DisplayName("embeddings go to :batchEmbedContents, one request per input with outputDimensionality, values back in order")
    void embeddings() {
        String answer = "{\"embeddings\":[{\"values\":[0.5,-0.25]},{\"values\":[1.0,0.0]}]}";
        try (FakeUpstream upstream = FakeUpstream.start(FakeUpstream.json(200, answer))) {
            EmbeddingRequest request = EmbeddingCodec.readRequest(
                    "{\"model\":\"emb\",\"input\":[\"first text\",\"second\"],\"dimensions\":2}".getBytes(StandardCharsets.UTF_8));

            EmbeddingResponse response = provider(upstream.baseUrl()).embed(request,
                    new Call("text-embedding-004", "r1", Map.of(), Duration.ofSeconds(5)));

            FakeUpstream.Received sent = upstream.received().getFirst();
            assertThat(sent.path()).isEqualTo("/v1beta/models/text-embedding-004:batchEmbedContents");
            assertThat(sent.header("x-goog-api-key")).isEqualTo(KEY);
            assertThat(sent.body()).isEqualTo(Fixtures.parse("""
                    {"requests":[
                      {"model":"models/text-embedding-004","content":{"parts":[{"text":"first text"}]},"outputDimensionality":2},
                      {"model":"models/text-embedding-004","content":{"parts":[{"text":"second"}]},"outputDimensionality":2}]}"""));
            assertThat(response.data()).hasSize(2);
            assertThat(response.data().get(0).index()).isZero();
            assertThat(response.data().get(0).embedding()).isEqualTo(Fixtures.parse("[0.5,-0.25]"));
            assertThat(response.data().get(1).index()).isEqualTo(1);
            assertThat(response.model()).isEqualTo("text-embedding-004");
            assertThat(response.usage().promptTokens()).as("counted by Sluice: Gemini reports none").isPositive();
        }
    }

    @Test
    @DisplayName("embeddings asked for as base64 are little-endian float32s, encoded by Sluice")
    void embeddingsBase64() {
        try (FakeUpstream upstream = FakeUpstream.start(FakeUpstream.json(200, "{\"embeddings\":[{\"values\":[0.5,-2.0]}]}"))) {
            EmbeddingRequest request = new EmbeddingRequest("emb", TextNode.valueOf("hi"), "base64", null, null, null);

            EmbeddingResponse response = provider(upstream.baseUrl()).embed(request, CALL);

            ByteBuffer bytes = ByteBuffer.wrap(Base64.getDecoder().decode(response.data().getFirst().embedding().asText()))
                    .order(ByteOrder.LITTLE_ENDIAN);
            assertThat(bytes.getFloat()).isEqualTo(0.5f);
            assertThat(bytes.getFloat()).isEqualTo(-2.0f);
        }
    }

    @Test
    @DisplayName("token-id embedding inputs get a 400 saying to send text, and never reach the upstream")
    void embeddingsTokenIds() {
        try (FakeUpstream upstream = FakeUpstream.start(FakeUpstream.json(200, "{}"))) {
            EmbeddingRequest request = EmbeddingCodec.readRequest(
                    "{\"model\":\"emb\",\"input\":[[1,2,3]]}".getBytes(StandardCharsets.UTF_8));

            SluiceException e = catchThrowableOfType(SluiceException.class,
                    () -> provider(upstream.baseUrl()).embed(request, CALL));

            assertThat(e).isNotNull();
            assertThat(e.status()).isEqualTo(400);
            assertThat(e.param()).isEqualTo("input");
            assertThat(e.getMessage()).contains("text only");
            assertThat(upstream.received()).isEmpty();
        }
    }

    @Test
    @DisplayName("an embeddings answer with the wrong number of vectors is a malformed response, not a silent mismatch")
    void embeddingsCountMismatch() {
        try (FakeUpstream upstream = FakeUpstream.start(FakeUpstream.json(200, "{\"embeddings\":[{\"values\":[1]}]}"))) {
            EmbeddingRequest request = EmbeddingCodec.readRequest(
                    "{\"model\":\"emb\",\"input\":[\"a\",\"b\"]}".getBytes(StandardCharsets.UTF_8));

            UpstreamException e = catchThrowableOfType(UpstreamException.class,
                    () -> provider(upstream.baseUrl()).embed(request, CALL));

            assertThat(e).isNotNull();
            assertThat(e.errorClass()).isEqualTo(ErrorClass.MALFORMED_RESPONSE);
        }
    }

    private static GeminiProvider provider(String baseUrl) {
        return new GeminiProvider("gemini", baseUrl, KEY, Duration.ofSeconds(5), CLOCK, Fixtures.sequentialIds());
    }

    private static ChatRequest request(String json) {
        return ProviderChecks.chatRequest(json);
    }

    /** Chunk comparison that names the first differing chunk. */
    private static final class CallChecks {
        static void assertChunks(JsonNode actual, JsonNode expected) {
            assertThat(actual.size()).as("number of chunks in %s", actual).isEqualTo(expected.size());
            for (int i = 0; i < expected.size(); i++) {
                assertThat(actual.get(i)).as("chunk %d", i).isEqualTo(expected.get(i));
            }
        }
    }
}
