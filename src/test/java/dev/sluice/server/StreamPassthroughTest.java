package dev.sluice.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.Json;
import dev.sluice.sim.SimOptions;
import dev.sluice.testing.FakeUpstream;
import dev.sluice.testing.Http;
import dev.sluice.testing.TestGateway;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("An OpenAI-format upstream's stream chunks reach the client as the upstream sent them")
class StreamPassthroughTest {
    /** Events as an OpenAI upstream writes them, with fields Sluice does not model and its own key order. */
    private static final List<String> EVENTS = List.of(
            "{\"id\":\"c9\",\"object\":\"chat.completion.chunk\",\"created\":5,\"model\":\"up-1\",\"service_tier\":\"default\","
                    + "\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"logprobs\":null,\"finish_reason\":null}],\"obfuscation\":\"a1\"}",
            "{\"id\":\"c9\",\"object\":\"chat.completion.chunk\",\"created\":5,\"model\":\"up-1\",\"service_tier\":\"default\","
                    + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Caf\\u00e9 \"},\"logprobs\":null,\"finish_reason\":null}],\"obfuscation\":\"b2\"}",
            "{\"id\":\"c9\",\"object\":\"chat.completion.chunk\",\"created\":5,\"model\":\"up-1\",\"service_tier\":\"default\","
                    + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"au lait \u65e5\u672c \\\"ok\\\"\"},\"logprobs\":null,\"finish_reason\":null}],\"obfuscation\":\"c3\"}",
            "{\"id\":\"c9\",\"object\":\"chat.completion.chunk\",\"created\":5,\"model\":\"up-1\",\"service_tier\":\"default\","
                    + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"!\"},\"logprobs\":null,\"finish_reason\":null}],\"obfuscation\":\"d4\"}",
            "{\"id\":\"c9\",\"object\":\"chat.completion.chunk\",\"created\":5,\"model\":\"up-1\",\"service_tier\":\"default\","
                    + "\"choices\":[{\"index\":0,\"delta\":{},\"logprobs\":null,\"finish_reason\":\"stop\"}],\"obfuscation\":\"e5\"}",
            "{\"id\":\"c9\",\"object\":\"chat.completion.chunk\",\"created\":5,\"model\":\"up-1\",\"service_tier\":\"default\","
                    + "\"choices\":[],\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":4,\"total_tokens\":13}}");
    /** The same content as one event whose JSON spans two data lines: legal SSE that cannot be forwarded as one line. */
    private static final String TWO_LINE_EVENT = "data: {\"id\":\"c9\",\"object\":\"chat.completion.chunk\",\"created\":5,\n"
            + "data: \"model\":\"up-1\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"two lines\"},\"finish_reason\":null}]}";

    /**
     * Tool-call deltas (read by Jackson, not the scanner) between plain content events (read by the scanner), an
     * event longer than the SSE reader's first data buffer (it grows mid-stream), usage in the last chunk.
     */
    private static final List<String> TOOL_EVENTS = List.of(
            "{\"id\":\"t1\",\"object\":\"chat.completion.chunk\",\"created\":6,\"model\":\"up-1\","
                    + "\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"Let me check.\"},\"finish_reason\":null}]}",
            "{\"id\":\"t1\",\"object\":\"chat.completion.chunk\",\"created\":6,\"model\":\"up-1\","
                    + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\" \u00e9t\u00e9 " + "日本語 ".repeat(60) + "\"},\"finish_reason\":null}]}",
            "{\"id\":\"t1\",\"object\":\"chat.completion.chunk\",\"created\":6,\"model\":\"up-1\","
                    + "\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\"call_1\",\"type\":\"function\","
                    + "\"function\":{\"name\":\"get_weather\",\"arguments\":\"\"}}]},\"finish_reason\":null}]}",
            "{\"id\":\"t1\",\"object\":\"chat.completion.chunk\",\"created\":6,\"model\":\"up-1\","
                    + "\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"{\\\"city\\\":\"}}]},\"finish_reason\":null}]}",
            "{\"id\":\"t1\",\"object\":\"chat.completion.chunk\",\"created\":6,\"model\":\"up-1\","
                    + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Café\"},\"finish_reason\":null}]}",
            "{\"id\":\"t1\",\"object\":\"chat.completion.chunk\",\"created\":6,\"model\":\"up-1\","
                    + "\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"\\\"Paris\\\"}\"}}]},\"finish_reason\":null}]}",
            "{\"id\":\"t1\",\"object\":\"chat.completion.chunk\",\"created\":6,\"model\":\"up-1\","
                    + "\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"tool_calls\"}],"
                    + "\"usage\":{\"prompt_tokens\":11,\"completion_tokens\":7,\"total_tokens\":18}}");

    static FakeUpstream upstream;
    static FakeUpstream toolUpstream;
    static TestGateway gw;
    static String key;

    /**
     * Writes the SSE body in pieces of 7 bytes, each flushed on its own, so the gateway receives events
     * split mid-line, mid-event and mid-character; the third event is the two-line one.
     */
    private static void replyInPieces(com.sun.net.httpserver.HttpExchange exchange) throws Exception {
        StringBuilder body = new StringBuilder();
        for (int i = 0; i < EVENTS.size(); i++) {
            if (i == 3) {
                body.append(TWO_LINE_EVENT).append("\r\n\r\n");
            }
            body.append("data: ").append(EVENTS.get(i)).append(i % 2 == 0 ? "\n\n" : "\r\n\r\n");
        }
        body.append("data: [DONE]\n\n");
        byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
        try (OutputStream out = FakeUpstream.startSse(exchange)) {
            for (int at = 0; at < bytes.length; at += 7) {
                out.write(bytes, at, Math.min(7, bytes.length - at));
                out.flush();
            }
        }
    }

    /** {@link #TOOL_EVENTS} in pieces of 5 bytes (events, lines and characters split), each flushed on its own. */
    private static void toolReplyInPieces(com.sun.net.httpserver.HttpExchange exchange) throws Exception {
        StringBuilder body = new StringBuilder();
        for (String e : TOOL_EVENTS) {
            body.append("data: ").append(e).append("\n\n");
        }
        body.append("data: [DONE]\n\n");
        byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
        try (OutputStream out = FakeUpstream.startSse(exchange)) {
            for (int at = 0; at < bytes.length; at += 5) {
                out.write(bytes, at, Math.min(5, bytes.length - at));
                out.flush();
            }
        }
    }

    @BeforeAll
    static void start() {
        upstream = FakeUpstream.start(StreamPassthroughTest::replyInPieces);
        toolUpstream = FakeUpstream.start(StreamPassthroughTest::toolReplyInPieces);
        gw = TestGateway.start(SimOptions.defaults(), """
                providers:
                  up: {type: openai, base_url: "%s/v1", api_key: k}
                  tools: {type: openai, base_url: "%s/v1", api_key: k}
                models:
                  m: {provider: up, model: up-1}
                  t: {provider: tools, model: up-1}
                """.formatted(upstream.baseUrl(), toolUpstream.baseUrl()), Clock.systemUTC());
        key = gw.createKey("passthrough");
    }

    @AfterAll
    static void stop() {
        gw.close();
        upstream.close();
        toolUpstream.close();
    }

    private static List<String> stream(boolean includeUsage, String requestId) {
        return stream("m", includeUsage, requestId);
    }

    private static List<String> stream(String model, boolean includeUsage, String requestId) {
        ObjectNode body = Json.object().put("model", model).put("stream", true);
        body.putArray("messages").addObject().put("role", "user").put("content", "Coffee?");
        if (includeUsage) {
            body.putObject("stream_options").put("include_usage", true);
        }
        Http.Response r = gw.http().postStreaming("/v1/chat/completions", body, Http.bearer(key, "x-request-id", requestId),
                (line, at) -> { });
        assertThat(r.status()).isEqualTo(200);
        return r.events();
    }

    private static String text(List<String> events) throws Exception {
        StringBuilder text = new StringBuilder();
        for (String e : events) {
            if (!e.equals("[DONE]")) {
                for (JsonNode c : Json.MAPPER.readTree(e).path("choices")) {
                    text.append(c.path("delta").path("content").asText(""));
                }
            }
        }
        return text.toString();
    }

    @Test
    @DisplayName("after the first content, each event is byte for byte the upstream's, however the bytes were split")
    void bytesAsSent() throws Exception {
        List<String> events = stream(true, "pass-usage");

        assertThat(text(events)).isEqualTo("Café au lait 日本 \"ok\"two lines!");
        assertThat(events.getLast()).isEqualTo("[DONE]");
        // the role and first content chunks were read while the attempt was being decided: written anew, same content
        JsonNode first = Json.MAPPER.readTree(events.getFirst());
        assertThat(first.path("id").asText()).isEqualTo("c9");
        assertThat(first.path("model").asText()).isEqualTo("up-1");
        // the rest: the upstream's bytes, its extra fields and key order included
        assertThat(events).containsSubsequence(EVENTS.get(2), EVENTS.get(3), EVENTS.get(4), EVENTS.get(5), "[DONE]");
        // the two-line event is valid SSE but not one line: it arrives re-serialised, on one line
        String twoLines = events.get(events.indexOf(EVENTS.get(2)) + 1);
        assertThat(Json.MAPPER.readTree(twoLines).path("choices").get(0).path("delta").path("content").asText())
                .isEqualTo("two lines");
        assertThat(upstream.failures()).isEmpty();
    }

    @Test
    @DisplayName("a client that did not ask for usage gets no usage chunk; the gateway still counts the upstream's usage")
    void usageOnlyWhenAsked() throws Exception {
        List<String> events = stream(false, "pass-no-usage");

        assertThat(text(events)).isEqualTo("Café au lait 日本 \"ok\"two lines!");
        assertThat(events).doesNotContain(EVENTS.get(5));
        List<String> withUsage = new ArrayList<>();
        for (String e : events) {
            if (!e.equals("[DONE]") && Json.MAPPER.readTree(e).has("usage")) {
                withUsage.add(e);
            }
        }
        assertThat(withUsage).isEmpty();
        JsonNode row = gw.logs("request_id=pass-no-usage").get(0);
        assertThat(row.path("tokens_out").asInt()).isEqualTo(4);
        assertThat(row.path("tokens_in").asInt()).isEqualTo(9);
    }

    @Test
    @DisplayName("tool-call deltas between content events, a long multi-byte event split across reads and usage in the last chunk pass byte for byte")
    void toolCallsAndLongEventsAsSent() throws Exception {
        List<String> events = stream("t", true, "pass-tools");

        assertThat(events.getLast()).isEqualTo("[DONE]");
        // the first content chunk is read while the attempt is decided (written anew); every later one is the upstream's
        assertThat(events.subList(1, events.size())).containsExactlyElementsOf(
                java.util.stream.Stream.concat(TOOL_EVENTS.subList(1, TOOL_EVENTS.size()).stream(), java.util.stream.Stream.of("[DONE]")).toList());
        JsonNode row = gw.logs("request_id=pass-tools").get(0);
        assertThat(row.path("tokens_out").asInt()).isEqualTo(7);
        assertThat(row.path("tokens_in").asInt()).isEqualTo(11);
        assertThat(toolUpstream.failures()).isEmpty();
    }
}
