package dev.sluice.server.netty;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.api.Json;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.IOException;
import java.io.InputStream;
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
 * A non-streamed upstream answer (the simulator's 16-token chat completion), handed over by the event
 * loop as one piece of a {@link ByteBufQueueInput} and read into a tree: {@code readAllThenParse}
 * (what the client did before: {@code readAllBytes}, then parse the array) against {@code parseStream}
 * (Jackson reads the pieces from its pooled buffer, then the rest is read to the end byte by byte). Run: {@code bench/run jmh UpstreamBodyBench -prof gc}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class UpstreamBodyBench {
    static final byte[] ANSWER = ("{\"id\":\"chatcmpl-sim-5f1c\",\"object\":\"chat.completion\",\"created\":1765000000,"
            + "\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":"
            + "\"An LLM gateway gives one API for many providers, with retries and fallbacks.\"},\"finish_reason\":\"stop\","
            + "\"logprobs\":null}],\"usage\":{\"prompt_tokens\":19,\"completion_tokens\":16,\"total_tokens\":35},"
            + "\"system_fingerprint\":\"fp_sim\"}").getBytes(StandardCharsets.UTF_8);

    private EmbeddedChannel channel;

    @Setup
    public void setUp() {
        channel = new EmbeddedChannel();
    }

    private ByteBufQueueInput arrived() {
        ByteBufQueueInput in = new ByteBufQueueInput(channel, 256 * 1024, 0, null);
        ByteBuf piece = Unpooled.wrappedBuffer(ANSWER);
        in.offer(piece, true);
        return in;
    }

    @Benchmark
    public JsonNode readAllThenParse() throws IOException {
        try (InputStream in = arrived()) {
            return Json.parseUpstream(in.readAllBytes());
        }
    }

    @Benchmark
    public JsonNode parseStream() throws IOException {
        try (InputStream in = arrived()) {
            JsonNode node;
            try (JsonParser p = Json.FACTORY.createParser(in)) {
                p.disable(JsonParser.Feature.AUTO_CLOSE_SOURCE);
                node = Json.MAPPER.readTree(p);
            }
            while (in.read() >= 0) {
                // the rest, as UpstreamHttp does
            }
            return node;
        }
    }
}
