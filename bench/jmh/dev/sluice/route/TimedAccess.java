package dev.sluice.route;

import dev.sluice.api.ChunkStream;

/** Benchmark-only access to the package-private {@link TimedStream}. */
public final class TimedAccess {
    private TimedAccess() {}

    /** {@code upstream} with an idle timeout of {@code idleMillis}, as the router wraps an attempt's stream. */
    public static ChunkStream idle(ChunkStream upstream, Watchdog watchdog, long idleMillis) {
        return new TimedStream(upstream, watchdog, "bench", 0, idleMillis, 0);
    }
}
