package dev.sluice.bench.jmh;

import dev.sluice.api.ChatChunk;
import dev.sluice.api.ChatResponseCodec;
import dev.sluice.api.ChunkStream;
import dev.sluice.provider.UpstreamHttp;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * SSE translation, per chunk: a 100-token answer recorded from the simulator in OpenAI's and in
 * Anthropic's wire format, replayed from memory through the real decoders (SseReader, JSON parse,
 * translation to canonical chunks), each canonical chunk then serialised for the client as the
 * server does. Reported per chunk (about 100 per stream).
 *
 * <p>Run: {@code bench/run jmh StreamDecodeBench}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class StreamDecodeBench {
    static final int TOKENS = 100;

    private byte[] openAi;
    private byte[] anthropic;
    private UpstreamHttp http;
    private final Clock clock = Clock.systemUTC();

    @Setup
    public void setUp() throws Exception {
        openAi = Recorded.record("/v1/chat/completions", """
                {"model":"gpt-4o-mini","stream":true,"messages":[{"role":"user","content":"Write a short story about a river."}]}""",
                TOKENS);
        anthropic = Recorded.record("/v1/messages", """
                {"model":"claude-sonnet-4-5","max_tokens":1024,"stream":true,
                "messages":[{"role":"user","content":"Write a short story about a river."}]}""", TOKENS);
        http = new UpstreamHttp("sim", "http://127.0.0.1:9/v1", Duration.ofSeconds(1));
    }

    @TearDown
    public void tearDown() {
        http.close();
    }

    /** OpenAI SSE → canonical chunks → client bytes; per chunk. */
    @Benchmark
    @OperationsPerInvocation(TOKENS)
    public long openAi() {
        return drain(dev.sluice.provider.openai.StreamAccess.decode(http, openAi));
    }

    /**
     * OpenAI SSE → canonical chunks → client bytes as the server writes them for an OpenAI-format
     * upstream: the upstream's own bytes when the decoder kept them ({@link ChunkStream#wire()}); per chunk.
     */
    @Benchmark
    @OperationsPerInvocation(TOKENS)
    public long openAiPassthrough() {
        long bytes = 0;
        try (ChunkStream stream = dev.sluice.provider.openai.StreamAccess.decode(http, openAi)) {
            ChatChunk c;
            while ((c = stream.next()) != null) {
                int wire = stream.wireLength(); // the chunk's bytes are stream.wire()[0, wire)
                bytes += wire >= 0 ? wire : ChatResponseCodec.writeChunk(c).length;
            }
        }
        return bytes;
    }

    /** Anthropic SSE → canonical chunks → client bytes; per chunk. */
    @Benchmark
    @OperationsPerInvocation(TOKENS)
    public long anthropic() {
        return drain(dev.sluice.provider.anthropic.StreamAccess.decode(http, anthropic, clock));
    }

    private static long drain(ChunkStream stream) {
        long bytes = 0;
        try (stream) {
            ChatChunk c;
            while ((c = stream.next()) != null) {
                bytes += ChatResponseCodec.writeChunk(c).length;
            }
        }
        return bytes;
    }
}
