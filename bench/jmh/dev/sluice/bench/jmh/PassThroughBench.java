package dev.sluice.bench.jmh;

import com.fasterxml.jackson.core.JsonParser;
import dev.sluice.api.CanonicalAnswer;
import dev.sluice.api.ChatRequest;
import dev.sluice.api.ChatRequestCodec;
import dev.sluice.api.ChatResponse;
import dev.sluice.api.ChatResponseCodec;
import dev.sluice.api.Json;
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
 * The codec work of one plain chat request (the bench's wrk request, the simulator's 48-token answer), as the
 * gateway did it before session 10 ({@link #rewrite}: parse the client's request, write the upstream's, parse the
 * answer from a stream, write the client's) and with the pass-through ({@link #passThrough}: parse the client's
 * request and keep its bytes, parse the answer from its bytes and check they are the gateway's own writing).
 * {@link #rewrite} also runs against the base jar (before {@code Json.writeNode}) for the before/after.
 *
 * <p>Run: {@code bench/run jmh PassThroughBench -prof gc}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class PassThroughBench {
    static final String PLAIN_REQUEST = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":"
            + "\"Summarise the benefits of an LLM gateway in two sentences.\"}],\"temperature\":0}";

    private byte[] request;
    private byte[] response;

    @Setup
    public void setUp() throws Exception {
        request = PLAIN_REQUEST.getBytes(StandardCharsets.UTF_8);
        response = Recorded.record("/v1/chat/completions", PLAIN_REQUEST, 48);
    }

    @Benchmark
    public int rewrite() throws IOException {
        ChatRequest r = ChatRequestCodec.read(request);
        int size = ChatRequestCodec.write(r).length;
        ChatResponse answer;
        try (JsonParser p = Json.parser(new java.io.ByteArrayInputStream(response))) {
            answer = ChatResponseCodec.readResponse(p);
        }
        return size + ChatResponseCodec.writeResponse(answer).length;
    }

    @Benchmark
    public int passThrough() throws IOException {
        ChatRequestCodec.Read read = ChatRequestCodec.readForwarding(request);
        if (!read.forwardable()) {
            throw new IllegalStateException("the bench's request is forwardable");
        }
        ChatResponse answer;
        try (JsonParser p = Json.FACTORY.createParser(response)) {
            answer = ChatResponseCodec.readResponse(p);
        }
        int length = CanonicalAnswer.length(response, answer);
        if (length != response.length) {
            throw new IllegalStateException("the simulator's answer is the gateway's own writing");
        }
        return request.length + length;
    }
}
