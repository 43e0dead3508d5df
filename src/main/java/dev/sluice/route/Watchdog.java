package dev.sluice.route;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Fires timeouts for blocked upstream reads (time to first token, idle gaps, total time). A
 * blocking read cannot be interrupted, so on expiry the watchdog closes the stream from its own
 * thread, which makes the blocked read fail; the reader then reports a timeout.
 */
public final class Watchdog implements AutoCloseable {
    private final ScheduledThreadPoolExecutor scheduler;

    public Watchdog() {
        scheduler = new ScheduledThreadPoolExecutor(1, Thread.ofPlatform().name("sluice-watchdog").daemon(true).factory());
        // cancelled timers (the common case: the chunk arrived in time) must not pile up
        scheduler.setRemoveOnCancelPolicy(true);
    }

    /** Runs {@code onExpiry} after {@code millis} unless the returned timer is cancelled first. */
    ScheduledFuture<?> arm(long millis, Runnable onExpiry) {
        return scheduler.schedule(onExpiry, Math.max(0, millis), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
