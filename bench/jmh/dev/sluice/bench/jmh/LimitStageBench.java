package dev.sluice.bench.jmh;

import dev.sluice.alert.AlertSink;
import dev.sluice.api.ChatRequest;
import dev.sluice.api.ChatRequestCodec;
import dev.sluice.config.LimitsConfig;
import dev.sluice.config.Quota;
import dev.sluice.limits.BudgetAlerts;
import dev.sluice.limits.LimitStage;
import dev.sluice.limits.LocalLimiter;
import dev.sluice.pipeline.Caller;
import dev.sluice.pipeline.Exchange;
import dev.sluice.pipeline.Reply;
import dev.sluice.pricing.PriceCatalog;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
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
 * The limit stage's whole per-request work with an in-process limiter, as the gateway bench's configs give it:
 * {@code tokens} is the default pipeline's key quota (rpm, tpm, concurrency, daily budget: the prompt's tokens are
 * counted, the buckets built, taken and settled), {@code notokens} the same without tpm and budget. One op is a
 * new exchange with the bench's short chat request through {@code handle} and {@code complete} (the settle).
 *
 * <p>Run: {@code bench/run jmh LimitStageBench -prof gc}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class LimitStageBench {
    @Param({"tokens", "notokens"})
    public String quota;

    private LimitStage stage;
    private ChatRequest request;
    private Caller caller;
    private final AtomicLong ids = new AtomicLong();
    private static final Reply ANSWER = new Reply.Chat(null);

    @Setup
    public void setUp() {
        Quota q = quota.equals("tokens")
                ? new Quota(1_000_000_000, 2_000_000_000, 100_000, 1_000_000.0, null)
                : new Quota(1_000_000_000, null, 100_000, null, null);
        LimitsConfig config = new LimitsConfig(q, Quota.NONE, Quota.NONE, Map.of(), 256);
        Clock clock = Clock.systemUTC();
        stage = new LimitStage(new LocalLimiter(clock), config, PriceCatalog.withOverrides(Map.of()), Map.of(),
                new BudgetAlerts(List.of(50, 80, 100), new AlertSink(null), null), clock);
        String body = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":"
                + "\"Summarise the benefits of an LLM gateway in two sentences.\"}],\"temperature\":0}";
        request = ChatRequestCodec.read(body.getBytes(StandardCharsets.UTF_8));
        caller = new Caller("key_bench", "bench", null, null, Set.of(), Set.of(), Quota.NONE, Quota.NONE);
    }

    @Benchmark
    public Exchange handleAndSettle() {
        Exchange ex = new Exchange(Long.toString(ids.incrementAndGet()), Exchange.Operation.CHAT, Map.of());
        ex.chat(request);
        ex.caller(caller);
        stage.handle(ex, e -> ANSWER);
        ex.complete(200, null);
        return ex;
    }
}
