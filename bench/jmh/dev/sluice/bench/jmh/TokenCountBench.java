package dev.sluice.bench.jmh;

import dev.sluice.api.ChatRequest;
import dev.sluice.api.ChatRequestCodec;
import dev.sluice.api.TokenCounter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Prompt token counting (jtokkit, o200k_base) as the limit stage does it before every call:
 * {@code countPrompt} over a chat request whose user message is about 20 or about 1,000 tokens.
 *
 * <p>Run: {@code bench/run jmh TokenCountBench}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class TokenCountBench {
    @Param({"short", "1k"})
    public String prompt;

    private ChatRequest request;
    private String text;

    @Setup
    public void setUp() {
        String sentence = "The river ran past the old mill, where the miller's daughter counted barges at dawn. ";
        text = prompt.equals("short") ? "Summarise the benefits of an LLM gateway in two sentences, please."
                : sentence.repeat(55);
        String body = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"system\",\"content\":\"You are helpful.\"},"
                + "{\"role\":\"user\",\"content\":\"" + text + "\"}]}";
        request = ChatRequestCodec.read(body.getBytes(StandardCharsets.UTF_8));
    }

    @Benchmark
    public int countPrompt() {
        return TokenCounter.countPrompt(request);
    }

    @Benchmark
    public int countText() {
        return TokenCounter.count(text);
    }
}
