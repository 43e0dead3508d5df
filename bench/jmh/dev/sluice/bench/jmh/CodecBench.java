package dev.sluice.bench.jmh;

import dev.sluice.api.ChatChunk;
import dev.sluice.api.ChatRequest;
import dev.sluice.api.ChatRequestCodec;
import dev.sluice.api.ChatResponse;
import dev.sluice.api.ChatResponseCodec;
import dev.sluice.api.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The JSON work on every request: parse + canonicalise the client's chat request (and write it
 * upstream), parse + serialise the upstream's answer, and write one SSE chunk the way the server
 * does ({@code data: <json>\n\n}). Inputs are a realistic request (system + user message, one tool)
 * and the simulator's recorded answer and stream.
 *
 * <p>Run: {@code bench/run jmh CodecBench}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class CodecBench {
    private static final byte[] DATA = "data: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] END = "\n\n".getBytes(StandardCharsets.US_ASCII);

    private byte[] request;
    private ChatRequest parsedRequest;
    private byte[] response;
    private ChatResponse parsedResponse;
    private ChatChunk chunk;
    private final ByteArrayOutputStream sink = new ByteArrayOutputStream(4096);

    @Setup
    public void setUp() throws Exception {
        request = Recorded.CHAT_REQUEST.getBytes(StandardCharsets.UTF_8);
        parsedRequest = ChatRequestCodec.read(request);
        response = Recorded.record("/v1/chat/completions", Recorded.CHAT_REQUEST, 48);
        parsedResponse = ChatResponseCodec.readResponse(Json.parse(response));
        byte[] sse = Recorded.record("/v1/chat/completions",
                Recorded.CHAT_REQUEST.replace("\"temperature\":0", "\"temperature\":0,\"stream\":true"), 16);
        String[] events = new String(sse, StandardCharsets.UTF_8).split("\n\n");
        chunk = ChatResponseCodec.readChunk(Json.parse(events[2].substring("data: ".length()).getBytes(StandardCharsets.UTF_8)));
    }

    /** Client request bytes → canonical ChatRequest (validation included). */
    @Benchmark
    public ChatRequest requestParse() {
        return ChatRequestCodec.read(request);
    }

    /** Canonical ChatRequest → the upstream's request bytes. */
    @Benchmark
    public byte[] requestWrite() {
        return ChatRequestCodec.write(parsedRequest);
    }

    /** Upstream answer bytes → canonical ChatResponse. */
    @Benchmark
    public ChatResponse responseParse() {
        return ChatResponseCodec.readResponse(Json.parse(response));
    }

    /**
     * Upstream answer bytes → canonical ChatResponse streamed from the parser, no tree (what
     * {@code OpenAiProvider.chat} reads since session 8; {@link #responseParse} is the tree read it replaced).
     */
    @Benchmark
    public ChatResponse responseParseStreamed() throws IOException {
        try (com.fasterxml.jackson.core.JsonParser p = Json.parser(new java.io.ByteArrayInputStream(response))) {
            return ChatResponseCodec.readResponse(p);
        }
    }

    /** Canonical ChatResponse → the client's answer bytes. */
    @Benchmark
    public byte[] responseWrite() {
        return ChatResponseCodec.writeResponse(parsedResponse);
    }

    /** One content chunk serialised and framed as an SSE event. */
    @Benchmark
    public int chunkWrite() throws IOException {
        sink.reset();
        sink.write(DATA);
        sink.write(ChatResponseCodec.writeChunk(chunk));
        sink.write(END);
        return sink.size();
    }

    /**
     * The four codec steps of one chat request (parse the client's request, write the upstream's,
     * parse the upstream's answer, write the client's) on a new virtual thread, as the server runs
     * each request: what per-thread buffer pools cannot reuse (Jackson's default pool is per thread).
     */
    @Benchmark
    public int requestOnVirtualThread() throws InterruptedException {
        int[] size = new int[1];
        Thread.ofVirtual().start(() -> {
            ChatRequest r = ChatRequestCodec.read(request);
            size[0] = ChatRequestCodec.write(r).length;
            ChatResponse answer = ChatResponseCodec.readResponse(Json.parse(response));
            size[0] += ChatResponseCodec.writeResponse(answer).length;
        }).join();
        return size[0];
    }
}
