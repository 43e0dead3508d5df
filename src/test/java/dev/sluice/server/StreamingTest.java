package dev.sluice.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import dev.sluice.api.Json;
import dev.sluice.testing.Http;
import dev.sluice.testing.TestGateway;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Streaming chat completions (SSE)")
class StreamingTest {
    static TestGateway gw;
    static String key;
    static OpenAIClient client;

    @BeforeAll
    static void start() {
        gw = TestGateway.start();
        key = gw.createKey("stream-test");
        client = gw.openAi(key);
    }

    @AfterAll
    static void stop() {
        gw.close();
    }

    private static ChatCompletionCreateParams.Builder params(String prompt) {
        return ChatCompletionCreateParams.builder().model("gpt-4o-mini").addUserMessage(prompt).seed(3);
    }

    @Test
    @DisplayName("the streamed text equals the non-streamed text, and usage arrives last when asked for")
    void streamMatchesCompletion() {
        String whole = client.chat().completions().create(params("Describe a canal").build())
                .choices().getFirst().message().content().orElseThrow();
        StringBuilder streamed = new StringBuilder();
        List<ChatCompletionChunk> chunks = new ArrayList<>();
        try (StreamResponse<ChatCompletionChunk> s = client.chat().completions().createStreaming(params("Describe a canal")
                .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build())) {
            s.stream().forEach(c -> {
                chunks.add(c);
                c.choices().forEach(ch -> ch.delta().content().ifPresent(streamed::append));
            });
        }
        assertThat(streamed.toString()).isEqualTo(whole);
        assertThat(chunks.size()).isGreaterThan(3);
        ChatCompletionChunk last = chunks.getLast();
        assertThat(last.choices()).isEmpty();
        assertThat(last.usage()).hasValueSatisfying(u -> assertThat(u.completionTokens()).isPositive());
        assertThat(chunks.stream().flatMap(c -> c.choices().stream())
                .anyMatch(ch -> ch.finishReason().isPresent())).isTrue();
    }

    @Test
    @DisplayName("without include_usage the client gets no usage chunk, though the gateway still accounts tokens")
    void usageStrippedWhenNotAsked() throws Exception {
        var body = Json.object().put("model", "gpt-4o-mini").put("stream", true);
        body.putArray("messages").addObject().put("role", "user").put("content", "count tokens for me");
        Http.Response r = gw.http().postStreaming("/v1/chat/completions", body,
                Map.of("authorization", "Bearer " + key, "x-request-id", "stream-no-usage"), (line, t) -> {});
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("content-type")).startsWith("text/event-stream");
        List<String> events = r.events();
        assertThat(events.getLast()).isEqualTo("[DONE]");
        assertThat(events.subList(0, events.size() - 1)).allSatisfy(e -> assertThat(Json.MAPPER.readTree(e).has("usage")).isFalse());
        // the upstream was asked for usage anyway
        assertThat(gw.sim().recorded().getLast().body().path("stream_options").path("include_usage").asBoolean()).isTrue();
        JsonNode row = gw.logs("request_id=stream-no-usage").get(0);
        assertThat(row.path("tokens_out").asInt()).isPositive();
        assertThat(row.path("stream").asBoolean()).isTrue();
    }

    @Test
    @DisplayName("chunks are passed through as they arrive: the first token reaches the client long before the last")
    void chunkByChunk() {
        var body = Json.object().put("model", "gpt-4o-mini").put("stream", true);
        body.putArray("messages").addObject().put("role", "user").put("content", "slowly please");
        List<Long> arrivals = new ArrayList<>();
        Http.Response r = gw.http().postStreaming("/v1/chat/completions", body, Map.of("authorization", "Bearer " + key,
                "x-sim-itl-ms", "150", "x-sim-tokens", "6"), (line, t) -> {
            if (line.startsWith("data: {") && line.contains("\"content\":\"") && !line.contains("\"content\":\"\"")) {
                arrivals.add(t);
            }
        });
        assertThat(r.status()).isEqualTo(200);
        assertThat(arrivals).hasSizeGreaterThanOrEqualTo(5);
        // 6 tokens 150 ms apart: a buffering proxy would deliver them all at once
        long spreadMillis = (arrivals.getLast() - arrivals.getFirst()) / 1_000_000;
        assertThat(spreadMillis).isGreaterThanOrEqualTo(500);
    }

    @Test
    @DisplayName("streamed tool calls arrive as deltas the SDK can reassemble")
    void streamedToolCalls() throws Exception {
        var body = Json.object().put("model", "gpt-4o-mini").put("stream", true);
        body.putArray("messages").addObject().put("role", "user").put("content", "What is the weather in Lisbon? Use get_weather.");
        var fn = body.putArray("tools").addObject().put("type", "function").putObject("function").put("name", "get_weather");
        var params = fn.putObject("parameters").put("type", "object");
        params.putObject("properties").putObject("city").put("type", "string");
        params.putArray("required").add("city");
        Http.Response r = gw.http().postStreaming("/v1/chat/completions", body, Map.of("authorization", "Bearer " + key), (l, t) -> {});
        StringBuilder args = new StringBuilder();
        String name = null;
        String finish = null;
        for (String e : r.events()) {
            if (e.equals("[DONE]")) {
                continue;
            }
            JsonNode chunk = Json.MAPPER.readTree(e);
            for (JsonNode choice : chunk.path("choices")) {
                for (JsonNode tc : choice.path("delta").path("tool_calls")) {
                    if (tc.path("function").has("name")) {
                        name = tc.path("function").path("name").asText();
                    }
                    args.append(tc.path("function").path("arguments").asText(""));
                }
                if (!choice.path("finish_reason").isNull()) {
                    finish = choice.path("finish_reason").asText();
                }
            }
        }
        assertThat(name).isEqualTo("get_weather");
        assertThat(finish).isEqualTo("tool_calls");
        assertThat(Json.MAPPER.readTree(args.toString()).path("city").asText()).isNotBlank();
    }

    @Test
    @DisplayName("a client that goes away mid-stream is logged as 499 client_disconnected, not as an internal error")
    void clientGoneMidStream() throws Exception {
        byte[] body = "{\"model\":\"gpt-4o-mini\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"go\"}]}"
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", gw.gateway().port())) {
            socket.setSoTimeout(10_000);
            String head = "POST /v1/chat/completions HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                    + "Authorization: Bearer " + key + "\r\nx-request-id: gone-mid-stream\r\nx-sim-itl-ms: 50\r\n"
                    + "x-sim-tokens: 400\r\nContent-Length: " + body.length + "\r\n\r\n";
            socket.getOutputStream().write(head.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            socket.getOutputStream().write(body);
            java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream(),
                    java.nio.charset.StandardCharsets.UTF_8));
            String line;
            while ((line = in.readLine()) != null && !line.startsWith("data: ")) {
                // headers and chunk sizes, up to the first event
            }
            assertThat(line).as("a first event arrived").startsWith("data: ");
        }
        JsonNode row = gw.logs("request_id=gone-mid-stream").get(0);
        assertThat(row.path("status").asInt()).isEqualTo(499);
        assertThat(row.path("error_type").asText()).isEqualTo("client_disconnected");
    }
}
