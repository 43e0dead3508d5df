package dev.sluice.bench.jmh;

import dev.sluice.config.RedisConfig;
import dev.sluice.limits.Bucket;
import dev.sluice.limits.Decision;
import dev.sluice.limits.Limiter;
import dev.sluice.limits.LocalLimiter;
import dev.sluice.limits.RedisLimiter;
import dev.sluice.store.Redis;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
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
 * What the limit check costs a request: acquire (check and take every bucket) plus settle
 * (correct estimates, release the concurrency slot), for a request drawing on a key's rpm, tpm,
 * concurrency and daily budget. {@code local} is in-process; {@code redis} is one Lua round trip
 * each to the Redis on 127.0.0.1:6379.
 *
 * <p>Run: {@code bench/run jmh LimiterBench}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class LimiterBench {
    @Param({"local", "redis"})
    public String limiter;

    private Limiter target;
    private Redis redis;
    private List<Bucket> buckets;
    private final AtomicLong ids = new AtomicLong();

    @Setup(Level.Trial)
    public void setUp() {
        Clock clock = Clock.systemUTC();
        if (limiter.equals("redis")) {
            redis = new Redis(new RedisConfig("redis://127.0.0.1:6379/0", Duration.ofSeconds(1), true));
            target = new RedisLimiter(redis, clock);
        } else {
            target = new LocalLimiter(clock);
        }
        String key = "bench-" + System.nanoTime();
        buckets = List.of(
                new Bucket("key:" + key + ":rpm", Bucket.Kind.REQUESTS_PER_MINUTE, "key", key, 1e12, 1, 0),
                new Bucket("key:" + key + ":tpm", Bucket.Kind.TOKENS_PER_MINUTE, "key", key, 1e15, 300, 0),
                new Bucket("key:" + key + ":conc", Bucket.Kind.CONCURRENCY, "key", key, 1e9, 1, 0),
                new Bucket("key:" + key + ":usd:d:bench", Bucket.Kind.DAILY_USD, "key", key, 1e12, 0.001, 86_400_000L));
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (redis != null) {
            redis.close();
        }
    }

    @Benchmark
    public Decision acquireAndSettle() {
        String lease = Long.toString(ids.incrementAndGet());
        Decision d = target.acquire(buckets, lease);
        d.decidedBy().settle(buckets, lease, -20, -0.0002);
        return d;
    }
}
