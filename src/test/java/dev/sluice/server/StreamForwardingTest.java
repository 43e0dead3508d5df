package dev.sluice.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.sluice.sim.SimOptions;
import dev.sluice.testing.FakeUpstream;
import dev.sluice.testing.TestGateway;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A stream from an OpenAI-format upstream with nothing that rewrites its chunks is forwarded from the
 * event loop as it arrives (no thread parked per chunk): what a client must still get from that path —
 * a slow reader holding its upstream back, a client that leaves cancelling its upstream, many streams at
 * once each whole and in order.
 */
@DisplayName("Streams forwarded from the event loop: back-pressure, cancellation, many at once")
class StreamForwardingTest {
    /** The flood: this many events of ~1 KiB, written as fast as the connection takes them (~64 MiB). */
    private static final int FLOOD_EVENTS = 64 * 1024;
    private static final String PAD = "x".repeat(900);

    static FakeUpstream flood;
    static final AtomicLong floodWritten = new AtomicLong();
    static final CompletableFuture<Void> floodDone = new CompletableFuture<>();

    static FakeUpstream endless;
    static final CountDownLatch endlessStarted = new CountDownLatch(1);
    static final CompletableFuture<Throwable> endlessCut = new CompletableFuture<>();

    static FakeUpstream anthropic;

    static TestGateway gw;
    static String key;

    private static String chunk(int i, String content) {
        return "{\"id\":\"f1\",\"object\":\"chat.completion.chunk\",\"created\":5,\"model\":\"up-1\",\"choices\":[{\"index\":0,"
                + "\"delta\":{\"content\":\"" + content + "\"},\"finish_reason\":null}],\"n\":" + i + "}";
    }

    private static final String FINISH = "{\"id\":\"f1\",\"object\":\"chat.completion.chunk\",\"created\":5,\"model\":\"up-1\","
            + "\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}";

    @BeforeAll
    static void start() {
        flood = FakeUpstream.start(exchange -> {
            try (OutputStream out = FakeUpstream.startSse(exchange)) {
                for (int i = 0; i < FLOOD_EVENTS; i++) {
                    byte[] event = ("data: " + chunk(i, PAD) + "\n\n").getBytes(StandardCharsets.UTF_8);
                    out.write(event);
                    out.flush();
                    floodWritten.addAndGet(event.length);
                }
                out.write(("data: " + FINISH + "\n\ndata: [DONE]\n\n").getBytes(StandardCharsets.UTF_8));
            }
            floodDone.complete(null);
        });
        endless = FakeUpstream.start(exchange -> {
            try (OutputStream out = FakeUpstream.startSse(exchange)) {
                endlessStarted.countDown();
                for (int i = 0; i < 6000; i++) {
                    out.write(("data: " + chunk(i, "tick ") + "\n\n").getBytes(StandardCharsets.UTF_8));
                    out.flush();
                    Thread.sleep(20);
                }
            } catch (IOException e) {
                endlessCut.complete(e); // the gateway closed the connection: the upstream stops producing
                return;
            }
            endlessCut.complete(null);
        });
        anthropic = FakeUpstream.start(exchange -> {
            // a recorded Anthropic stream (thinking, text, two tool calls, usage), 5 bytes per flush
            byte[] sse = resource("/anthropic/streams/tool_use.sse");
            try (OutputStream out = FakeUpstream.startSse(exchange)) {
                for (int at = 0; at < sse.length; at += 5) {
                    out.write(sse, at, Math.min(5, sse.length - at));
                    out.flush();
                }
            }
        });
        gw = TestGateway.start(SimOptions.defaults(), """
                providers:
                  flood: {type: openai, base_url: "%s/v1", api_key: k}
                  endless: {type: openai, base_url: "%s/v1", api_key: k}
                  claude: {type: anthropic, base_url: "%s", api_key: k}
                  sim: {type: openai, base_url: "${SIM}/v1", forward_headers: ["x-sim-*"]}
                models:
                  flood: {provider: flood, model: up-1}
                  endless: {provider: endless, model: up-1}
                  claude: {provider: claude, model: claude-opus-4-1}
                  gpt-4o-mini: {provider: sim}
                """.formatted(flood.baseUrl(), endless.baseUrl(), anthropic.baseUrl()), Clock.systemUTC());
        key = gw.createKey("forwarding");
    }

    @AfterAll
    static void stop() {
        gw.close();
        flood.close();
        endless.close();
        anthropic.close();
    }

    private static byte[] resource(String path) throws IOException {
        try (var in = StreamForwardingTest.class.getResourceAsStream(path)) {
            return in.readAllBytes();
        }
    }

    /** Opens a raw connection with a small receive buffer and sends a streaming request for {@code model}. */
    private static Socket request(String model, String requestId, int receiveBuffer) throws IOException {
        Socket socket = new Socket();
        socket.setReceiveBufferSize(receiveBuffer); // before connecting, so the window stays small
        socket.connect(new InetSocketAddress("127.0.0.1", gw.gateway().port()));
        socket.setSoTimeout(60_000);
        byte[] body = ("{\"model\":\"" + model + "\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"go\"}]}")
                .getBytes(StandardCharsets.UTF_8);
        String head = "POST /v1/chat/completions HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                + "Authorization: Bearer " + key + "\r\nx-request-id: " + requestId + "\r\nConnection: close\r\n"
                + "Content-Length: " + body.length + "\r\n\r\n";
        socket.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().write(body);
        return socket;
    }

    /** Reads up to and including the first {@code data:} line. */
    private static String firstEvent(BufferedReader in) throws IOException {
        String line;
        while ((line = in.readLine()) != null && !line.startsWith("data: ")) {
            // the status line, headers and chunk sizes
        }
        return line;
    }

    @Test
    @DisplayName("a client that stops reading holds its upstream back (the gateway buffers a bounded amount), then gets every event")
    void slowReaderHoldsUpstreamBack() throws Exception {
        try (Socket socket = request("flood", "slow-reader", 16 * 1024)) {
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            assertThat(firstEvent(in)).startsWith("data: ");
            // the client reads nothing more: wait until the upstream cannot write any further
            long before = -1;
            for (int i = 0; i < 100 && floodWritten.get() != before; i++) {
                before = floodWritten.get();
                Thread.sleep(300);
            }
            long total = (long) FLOOD_EVENTS * (PAD.length() + 150);
            assertThat(floodDone).as("the upstream could not write its whole answer while the client read nothing").isNotDone();
            assertThat(floodWritten.get()).as("what the upstream got rid of while the client read nothing")
                    .isLessThan(total / 4);

            // reading again, the client gets all of it, in order
            int content = 1; // the first event read above
            String last = null;
            String line;
            while ((line = in.readLine()) != null) {
                if (line.startsWith("data: ")) {
                    last = line;
                    if (line.contains("\"n\":")) {
                        assertThat(line).contains("\"n\":" + content);
                        content++;
                    }
                }
            }
            assertThat(content).isEqualTo(FLOOD_EVENTS);
            assertThat(last).isEqualTo("data: [DONE]");
        }
        assertThat(flood.failures()).isEmpty();
        JsonNode row = gw.awaitLogs("request_id=slow-reader", 1).get(0);
        assertThat(row.path("status").asInt()).isEqualTo(200);
    }

    @Test
    @DisplayName("a client that goes away mid-stream closes the upstream connection, and is logged as 499")
    void clientGoneCancelsUpstream() throws Exception {
        try (Socket socket = request("endless", "gone-endless", 64 * 1024)) {
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            assertThat(firstEvent(in)).startsWith("data: ");
            assertThat(endlessStarted.await(10, TimeUnit.SECONDS)).isTrue();
        }
        // the upstream's next writes fail once the gateway has closed its connection
        assertThat(endlessCut.get(30, TimeUnit.SECONDS)).as("the upstream's write failed").isInstanceOf(IOException.class);
        JsonNode row = gw.awaitLogs("request_id=gone-endless", 1).get(0);
        assertThat(row.path("status").asInt()).isEqualTo(499);
        assertThat(row.path("error_type").asText()).isEqualTo("client_disconnected");
    }

    @Test
    @DisplayName("200 concurrent streams through the official client each arrive whole: every token, in order, then the finish")
    void manyConcurrentStreams() throws Exception {
        OpenAIClient client = gw.openAi(key);
        var answer = client.chat().completions().create(ChatCompletionCreateParams.builder().model("gpt-4o-mini")
                .addUserMessage("Describe a lock gate").seed(11).maxCompletionTokens(40).build()).choices().getFirst();
        String whole = answer.finishReason().asString() + "|" + answer.message().content().orElseThrow();
        int streams = 200;
        List<Future<String>> results = new ArrayList<>();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < streams; i++) {
                results.add(threads.submit(() -> {
                    StringBuilder text = new StringBuilder();
                    String finish = null;
                    try (StreamResponse<ChatCompletionChunk> s = client.chat().completions().createStreaming(
                            ChatCompletionCreateParams.builder().model("gpt-4o-mini").addUserMessage("Describe a lock gate")
                                    .seed(11).maxCompletionTokens(40).build())) {
                        for (ChatCompletionChunk c : (Iterable<ChatCompletionChunk>) s.stream()::iterator) {
                            for (ChatCompletionChunk.Choice ch : c.choices()) {
                                ch.delta().content().ifPresent(text::append);
                                if (ch.finishReason().isPresent()) {
                                    finish = ch.finishReason().get().asString();
                                }
                            }
                        }
                    }
                    return finish + "|" + text;
                }));
            }
        }
        for (Future<String> r : results) {
            assertThat(r.get()).isEqualTo(whole);
        }
    }

    @Test
    @DisplayName("an Anthropic stream arriving 5 bytes at a time is translated as it comes into exactly the recorded chunks")
    void anthropicInPieces() throws Exception {
        com.fasterxml.jackson.databind.node.ObjectNode body = dev.sluice.api.Json.object().put("model", "claude")
                .put("stream", true);
        body.putArray("messages").addObject().put("role", "user").put("content", "Weather in Paris and Rome?");
        body.putObject("stream_options").put("include_usage", true);
        dev.sluice.testing.Http.Response r = gw.http().postStreaming("/v1/chat/completions", body,
                dev.sluice.testing.Http.bearer(key, "x-request-id", "anthropic-pieces"), (line, at) -> { });
        assertThat(r.status()).isEqualTo(200);
        List<String> events = r.events();
        assertThat(events.getLast()).isEqualTo("[DONE]");
        JsonNode expected = dev.sluice.api.Json.MAPPER.readTree(resource("/anthropic/streams/tool_use.chunks.json"));
        List<JsonNode> got = new ArrayList<>();
        for (String e : events.subList(0, events.size() - 1)) {
            com.fasterxml.jackson.databind.node.ObjectNode chunk =
                    (com.fasterxml.jackson.databind.node.ObjectNode) dev.sluice.api.Json.MAPPER.readTree(e);
            chunk.remove("created"); // the decoder's clock: the recording's is fixed
            got.add(chunk);
        }
        List<JsonNode> want = new ArrayList<>();
        for (JsonNode c : expected) {
            com.fasterxml.jackson.databind.node.ObjectNode chunk = c.deepCopy();
            chunk.remove("created");
            want.add(chunk);
        }
        assertThat(want).hasSizeGreaterThan(5);
        assertThat(got).isEqualTo(want);
        assertThat(anthropic.failures()).isEmpty();
    }
}
