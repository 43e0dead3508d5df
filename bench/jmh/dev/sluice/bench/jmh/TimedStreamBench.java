package dev.sluice.bench.jmh;

import dev.sluice.api.ChatChunk;
import dev.sluice.api.ChunkStream;
import dev.sluice.api.Delta;
import dev.sluice.api.ChunkChoice;
import dev.sluice.route.TimedAccess;
import dev.sluice.route.Watchdog;
import java.util.List;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A forwarded stream with an idle timeout ({@code timeouts: {idle: 60s}}), polled as the SSE pump polls it: per event,
 * one poll that returns the chunk and one that finds nothing (the pump drains until nothing has arrived). What the
 * timeout bookkeeping costs per event; the upstream is a stand-in that alternates a chunk and nothing.
 *
 * <p>Run: {@code bench/run jmh TimedStreamBench -prof gc}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class TimedStreamBench {
    private static final ChatChunk CHUNK = new ChatChunk("c", 1, "m", List.of(new ChunkChoice(0, Delta.text("a"), null)),
            null, null);

    /** A pollable upstream whose polls alternate: a chunk, then nothing yet. */
    static final class Alternating implements ChunkStream {
        boolean ready = true;

        @Override
        public ChatChunk next() {
            return CHUNK;
        }

        @Override
        public boolean pollable() {
            return true;
        }

        @Override
        public ChatChunk poll() {
            ready = !ready;
            return ready ? PENDING : CHUNK;
        }

        @Override
        public void onReady(Runnable r) {
        }

        @Override
        public void close() {
        }
    }

    private Watchdog watchdog;
    private ChunkStream stream;

    @Setup
    public void setUp() {
        watchdog = new Watchdog();
        stream = TimedAccess.idle(new Alternating(), watchdog, 60_000);
    }

    @TearDown
    public void tearDown() {
        stream.close();
        watchdog.close();
    }

    /** One forwarded event: the poll that gets it and the poll that finds nothing more. */
    @Benchmark
    public Object event() {
        ChatChunk c = stream.poll();
        stream.poll();
        return c;
    }
}
