package dev.sluice.bench.jmh;

import dev.sluice.api.ChatMessage;
import dev.sluice.api.ChatRequest;
import dev.sluice.api.Usage;
import dev.sluice.config.MetricsConfig;
import dev.sluice.observe.LabelLimiter;
import dev.sluice.observe.Metrics;
import dev.sluice.pipeline.Attempt;
import dev.sluice.pipeline.Caller;
import dev.sluice.pipeline.Exchange;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What metrics cost: {@code finishRequest} completes one request's {@link Exchange} (model, key,
 * team, usage, cost, an upstream attempt, cache status) with the metrics listener ({@code on}) or
 * without it ({@code off}); the difference is the per-request cost of recording. {@code scrape}
 * renders {@code /metrics} with about 400 label combinations of {@code sluice_requests_total}
 * (4 models × 10 keys × 5 teams × 2 statuses) and the histograms that go with them.
 *
 * <p>Run: {@code bench/run jmh MetricsBench}
 */
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 10, time = 2)
@Fork(1)
public class MetricsBench {
    private static final String[] MODELS = {"gpt-4o-mini", "gpt-4o", "claude-3-5-haiku", "text-embedding-3-small"};
    private static final int KEYS = 10;
    private static final int TEAMS = 5;
    private static final MetricsConfig CONFIG = new MetricsConfig(null, null, MetricsConfig.DEFAULT_EXPORT_INTERVAL, false);

    static ChatRequest[] requests() {
        ChatRequest[] out = new ChatRequest[MODELS.length];
        for (int i = 0; i < MODELS.length; i++) {
            out[i] = new ChatRequest(MODELS[i], List.of(ChatMessage.of("user", "hi")), false, false, null, null,
                    null, null, null, null, 0.0, null, null, 200, null, null, null);
        }
        return out;
    }

    static Caller[] callers() {
        Caller[] out = new Caller[KEYS * TEAMS];
        for (int k = 0; k < KEYS; k++) {
            for (int t = 0; t < TEAMS; t++) {
                out[k * TEAMS + t] = new Caller("key_" + k, "k" + k, "team_" + t, null, Set.of(), Set.of(), null, null);
            }
        }
        return out;
    }

    static void fill(Exchange ex, Caller caller, int status) {
        ex.caller(caller);
        ex.route("sim", ex.requestedModel());
        ex.usage(Usage.of(42, 16));
        // (no cost: since issue 13 only a pipeline settles it, and this bench runs the listener alone)
        ex.addAttempt(new Attempt("sim", ex.requestedModel(), 0, 1, status == 200 ? 200 : 500,
                status == 200 ? null : "server_error"));
        ex.cache("miss", null, null);
        ex.complete(status, status == 200 ? null : "server_error");
    }

    /** One request finishing, with or without the metrics listener. */
    @State(Scope.Thread)
    public static class Finish {
        @Param({"on", "off"})
        public String metrics;

        Metrics target;
        ChatRequest[] requests;
        Caller[] callers;
        long counter;

        @Setup(Level.Trial)
        public void setUp() {
            target = metrics.equals("on") ? Metrics.create(CONFIG, "bench", Set.of(MODELS), LabelLimiter.defaults()) : null;
            requests = requests();
            callers = callers();
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            if (target != null) {
                target.close();
            }
        }
    }

    /** Metrics holding ~400 label combinations of sluice_requests_total. */
    @State(Scope.Benchmark)
    public static class Scraped {
        Metrics metrics;

        @Setup(Level.Trial)
        public void setUp() {
            metrics = Metrics.create(CONFIG, "bench", Set.of(MODELS), LabelLimiter.defaults());
            ChatRequest[] requests = requests();
            for (ChatRequest r : requests) {
                for (Caller caller : callers()) {
                    for (int status : new int[] {200, 502}) {
                        Exchange ex = new Exchange("req_bench", Exchange.Operation.CHAT, Map.of());
                        ex.chat(r);
                        fill(ex, caller, status);
                        metrics.completed(ex);
                    }
                }
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            metrics.close();
        }
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    public Exchange finishRequest(Finish f) {
        long n = f.counter++;
        Exchange ex = new Exchange("req_bench", Exchange.Operation.CHAT, Map.of());
        ex.chat(f.requests[(int) (n & 3)]);
        if (f.target != null) {
            ex.onComplete(f.target);
        }
        fill(ex, f.callers[(int) (n % f.callers.length)], (n & 15) == 0 ? 502 : 200);
        return ex;
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public int scrape(Scraped s) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256 * 1024);
        s.metrics.scrape(out);
        return out.size();
    }
}
