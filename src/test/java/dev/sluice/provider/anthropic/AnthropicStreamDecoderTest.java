package dev.sluice.provider.anthropic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.sluice.api.ChatChunk;
import dev.sluice.api.ChatResponseCodec;
import dev.sluice.api.Json;
import dev.sluice.api.ToolCallDelta;
import dev.sluice.provider.ErrorClass;
import dev.sluice.provider.UpstreamException;
import dev.sluice.provider.UpstreamHttp;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("Anthropic SSE streams decode to canonical chunks, one event at a time")
class AnthropicStreamDecoderTest {
    private static final Clock CLOCK = Clock.fixed(Instant.ofEpochSecond(1_700_000_000L), ZoneOffset.UTC);
    private static final UpstreamHttp HTTP = new UpstreamHttp("anthropic", "http://127.0.0.1:9", Duration.ofSeconds(1));

    private static final String START = "{\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"model\":\"claude-x\","
            + "\"content\":[],\"usage\":{\"input_tokens\":7,\"output_tokens\":1}}}";
    private static final String TEXT_START = "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}";
    private static final String HI = "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Hi\"}}";
    private static final String STOP_BLOCK = "{\"type\":\"content_block_stop\",\"index\":0}";
    private static final String END_TURN = "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\"},\"usage\":{\"output_tokens\":3}}";
    private static final String MESSAGE_STOP = "{\"type\":\"message_stop\"}";

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"text", "tool_use"})
    @DisplayName("each fixture stream decodes to exactly its expected chunks on the wire, then ends")
    void fixture(String name) throws Exception {
        try (AnthropicStreamDecoder decoder = decoder(new FakeResponse(Fixtures.bytes("streams/" + name + ".sse")))) {
            ArrayNode written = Json.array();
            for (ChatChunk chunk : drain(decoder)) {
                written.add(Json.MAPPER.readTree(ChatResponseCodec.writeChunk(chunk)));
            }

            assertThat((JsonNode) written).isEqualTo(Fixtures.json("streams/" + name + ".chunks.json"));
            assertThat(decoder.next()).as("after the end").isNull();
        }
    }

    @Test
    @DisplayName("input_json_delta fragments reassemble into each tool call's arguments, tools numbered from 0")
    void toolArgumentsReassemble() {
        try (AnthropicStreamDecoder decoder = decoder(new FakeResponse(Fixtures.bytes("streams/tool_use.sse")))) {
            Map<Integer, StringBuilder> arguments = new TreeMap<>();
            Map<Integer, String> names = new TreeMap<>();
            Map<Integer, String> ids = new TreeMap<>();
            for (ChatChunk chunk : drain(decoder)) {
                for (var choice : chunk.choices()) {
                    for (ToolCallDelta call : choice.delta().toolCalls()) {
                        if (call.id() != null) {
                            ids.put(call.index(), call.id());
                            names.put(call.index(), call.name());
                        }
                        arguments.computeIfAbsent(call.index(), i -> new StringBuilder()).append(call.arguments());
                    }
                }
            }

            assertThat(ids).containsExactly(Map.entry(0, "toolu_a"), Map.entry(1, "toolu_b"));
            assertThat(names).containsExactly(Map.entry(0, "get_weather"), Map.entry(1, "now"));
            assertThat(Fixtures.parse(arguments.get(0).toString())).isEqualTo(Fixtures.parse("{\"city\":\"Paris\"}"));
            assertThat(arguments.get(1).toString()).isEqualTo("{}");
        }
    }

    @Test
    @DisplayName("message_delta's usage counts win over message_start's when it carries them")
    void cumulativeUsage() {
        String delta = "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"max_tokens\"},\"usage\":{\"input_tokens\":9,"
                + "\"cache_read_input_tokens\":4,\"output_tokens\":20}}";
        try (AnthropicStreamDecoder decoder = decoder(sse(START, delta, MESSAGE_STOP))) {
            List<ChatChunk> chunks = drain(decoder);

            assertThat(chunks).hasSize(3);
            assertThat(chunks.get(1).choices().getFirst().finishReason()).isEqualTo("length");
            ChatChunk usage = chunks.get(2);
            assertThat(usage.choices()).isEmpty();
            assertThat(usage.usage().promptTokens()).isEqualTo(13);
            assertThat(usage.usage().cachedTokens()).isEqualTo(4);
            assertThat(usage.usage().completionTokens()).isEqualTo(20);
            assertThat(usage.usage().totalTokens()).isEqualTo(33);
        }
    }

    @ParameterizedTest(name = "{0} → {1}")
    @CsvSource({"overloaded_error, SERVER_ERROR, 529, 502", "api_error, SERVER_ERROR, 500, 502",
            "rate_limit_error, RATE_LIMITED, 429, 429", "invalid_request_error, BAD_REQUEST, 400, 400",
            "a_new_error, SERVER_ERROR, 500, 502"})
    @DisplayName("an error event after some content throws a classified error once the content is delivered")
    void errorEvent(String type, ErrorClass expected, int upstreamStatus, int clientStatus) {
        String error = "{\"type\":\"error\",\"error\":{\"type\":\"" + type + "\",\"message\":\"Something broke\"}}";
        try (AnthropicStreamDecoder decoder = decoder(sse(START, TEXT_START, HI, error, STOP_BLOCK))) {
            assertThat(decoder.next().choices().getFirst().delta().role()).isEqualTo("assistant");
            assertThat(decoder.next().choices().getFirst().delta().content()).isEqualTo("Hi");

            UpstreamException e = catchThrowableOfType(UpstreamException.class, decoder::next);

            assertThat(e).isNotNull();
            assertThat(e.errorClass()).isEqualTo(expected);
            assertThat(e.upstreamStatus()).isEqualTo(upstreamStatus);
            assertThat(e.status()).isEqualTo(clientStatus);
            assertThat(e.getMessage()).contains("Something broke");
            assertThat(decoder.next()).as("after the error").isNull();
        }
    }

    @Test
    @DisplayName("a body that ends before message_stop is a connection error, after what did arrive")
    void truncated() {
        try (AnthropicStreamDecoder decoder = decoder(sse(START, TEXT_START, HI))) {
            assertThat(decoder.next()).isNotNull();
            assertThat(decoder.next().choices().getFirst().delta().content()).isEqualTo("Hi");

            UpstreamException e = catchThrowableOfType(UpstreamException.class, decoder::next);

            assertThat(e).isNotNull();
            assertThat(e.errorClass()).isEqualTo(ErrorClass.CONNECTION);
            assertThat(e.getMessage()).contains("ended the stream before it was complete");
        }
    }

    @Test
    @DisplayName("a body cut after the finish reason but before message_stop is still incomplete")
    void truncatedAfterFinish() {
        try (AnthropicStreamDecoder decoder = decoder(sse(START, TEXT_START, HI, STOP_BLOCK, END_TURN))) {
            assertThat(drainUntilFailure(decoder)).hasSize(4);
        }
    }

    @Test
    @DisplayName("a read failure mid-stream is a classified connection error")
    void readFailure() {
        InputStream broken = new SequenceInputStream(sse(START).body(), new InputStream() {
            @Override
            public int read() throws IOException {
                throw new IOException("Connection reset");
            }
        });
        try (AnthropicStreamDecoder decoder = decoder(new FakeResponse(broken))) {
            assertThat(decoder.next()).isNotNull();

            UpstreamException e = catchThrowableOfType(UpstreamException.class, decoder::next);

            assertThat(e).isNotNull();
            assertThat(e.errorClass()).isEqualTo(ErrorClass.CONNECTION);
            assertThat(e.getMessage()).contains("Connection reset");
        }
    }

    @Test
    @DisplayName("an event that is not JSON is a malformed response")
    void notJson() {
        try (AnthropicStreamDecoder decoder = decoder(sse(START, "{\"type\":\"content_block_delta\","))) {
            decoder.next();

            UpstreamException e = catchThrowableOfType(UpstreamException.class, decoder::next);

            assertThat(e).isNotNull();
            assertThat(e.errorClass()).isEqualTo(ErrorClass.MALFORMED_RESPONSE);
        }
    }

    @Test
    @DisplayName("tool input for a block that never started as tool_use is a malformed response, not silently dropped")
    void orphanToolInput() {
        String orphan = "{\"type\":\"content_block_delta\",\"index\":4,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"{}\"}}";
        try (AnthropicStreamDecoder decoder = decoder(sse(START, orphan))) {
            decoder.next();

            UpstreamException e = catchThrowableOfType(UpstreamException.class, decoder::next);

            assertThat(e).isNotNull();
            assertThat(e.errorClass()).isEqualTo(ErrorClass.MALFORMED_RESPONSE);
            assertThat(e.getMessage()).contains("content block 4");
        }
    }

    @Test
    @DisplayName("pings and event types this code does not know yield nothing")
    void ignoredEvents() {
        String ping = "{\"type\":\"ping\"}";
        String future = "{\"type\":\"message_annotation\",\"note\":\"new in some later API\"}";
        try (AnthropicStreamDecoder decoder = decoder(sse(START, ping, future, TEXT_START, HI, STOP_BLOCK, ping,
                END_TURN, MESSAGE_STOP))) {
            List<ChatChunk> chunks = drain(decoder);

            assertThat(chunks).hasSize(4);
            assertThat(chunks.get(1).choices().getFirst().delta().content()).isEqualTo("Hi");
        }
    }

    @Test
    @DisplayName("close() releases the upstream response and is safe to repeat")
    void close() {
        FakeResponse response = sse(START, TEXT_START, HI);
        AnthropicStreamDecoder decoder = decoder(response);
        decoder.next();

        decoder.close();
        decoder.close();

        assertThat(response.closed).isTrue();
        assertThat(decoder.next()).isNull();
    }

    @Test
    @DisplayName("multi-byte text decodes as sent, and a malformed UTF-8 byte in an event reads as U+FFFD, as it always did")
    void utf8AsSentAndMalformedReplaced() {
        String cafe = "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"caf\u00e9 \u65e5\u672c \ud83d\ude00\"}}";
        byte[] head = ("data: " + START + "\n\ndata: " + TEXT_START + "\n\ndata: " + cafe + "\n\n"
                + "data: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"a").getBytes(StandardCharsets.UTF_8);
        byte[] tail = ("b\"}}\n\ndata: " + STOP_BLOCK + "\n\ndata: " + END_TURN + "\n\ndata: " + MESSAGE_STOP + "\n\n")
                .getBytes(StandardCharsets.UTF_8);
        byte[] body = new byte[head.length + 1 + tail.length];
        System.arraycopy(head, 0, body, 0, head.length);
        body[head.length] = (byte) 0xff; // never valid in UTF-8
        System.arraycopy(tail, 0, body, head.length + 1, tail.length);
        try (AnthropicStreamDecoder decoder = decoder(new FakeResponse(body))) {
            StringBuilder text = new StringBuilder();
            for (ChatChunk chunk : drain(decoder)) {
                for (var choice : chunk.choices()) {
                    if (choice.delta().content() != null) {
                        text.append(choice.delta().content());
                    }
                }
            }
            assertThat(text.toString()).isEqualTo("caf\u00e9 \u65e5\u672c \ud83d\ude00a\ufffdb");
        }
    }

    private static AnthropicStreamDecoder decoder(FakeResponse response) {
        return new AnthropicStreamDecoder("anthropic", "claude-asked-for", HTTP, response, CLOCK);
    }

    private static List<ChatChunk> drain(AnthropicStreamDecoder decoder) {
        List<ChatChunk> chunks = new ArrayList<>();
        for (ChatChunk chunk = decoder.next(); chunk != null; chunk = decoder.next()) {
            chunks.add(chunk);
        }
        return chunks;
    }

    /** The chunks delivered before the stream failed with an incomplete-stream error. */
    private static List<ChatChunk> drainUntilFailure(AnthropicStreamDecoder decoder) {
        List<ChatChunk> chunks = new ArrayList<>();
        UpstreamException e = catchThrowableOfType(UpstreamException.class, () -> {
            for (ChatChunk chunk = decoder.next(); chunk != null; chunk = decoder.next()) {
                chunks.add(chunk);
            }
        });
        assertThat(e).as("the stream should fail as incomplete").isNotNull();
        assertThat(e.errorClass()).isEqualTo(ErrorClass.CONNECTION);
        return chunks;
    }

    /** An SSE body of data-only events (the decoder reads the type from the data). */
    static FakeResponse sse(String... events) {
        StringBuilder sb = new StringBuilder();
        for (String event : events) {
            sb.append("data: ").append(event).append("\n\n");
        }
        return new FakeResponse(sb.toString().getBytes(StandardCharsets.UTF_8));
    }

    static final class FakeResponse implements UpstreamHttp.Response {
        private final InputStream body;
        boolean closed;

        FakeResponse(byte[] body) {
            this(new ByteArrayInputStream(body));
        }

        FakeResponse(InputStream body) {
            this.body = body;
        }

        @Override
        public int status() {
            return 200;
        }

        @Override
        public String header(String name) {
            return null;
        }

        @Override
        public InputStream body() {
            return body;
        }

        @Override
        public com.fasterxml.jackson.databind.JsonNode readJsonObject() {
            throw new UnsupportedOperationException("the stream decoder never reads a whole body");
        }

        @Override
        public byte[] readAll() {
            try {
                return body.readAllBytes();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public void close() {
            closed = true;
        }
    }
}
