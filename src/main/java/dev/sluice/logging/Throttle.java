package dev.sluice.logging;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Rate-limits one kind of log message that requests can trigger: at most {@code perMinute} lines
 * a minute; the first line after a quiet spell says how many were suppressed. One instance per
 * message kind (a static field next to the log call); thread-safe and lock-free.
 */
public final class Throttle {
    private static final long MINUTE_NANOS = 60_000_000_000L;
    private final int perMinute;
    private final AtomicLong windowStart = new AtomicLong(System.nanoTime());
    private final AtomicLong inWindow = new AtomicLong();
    private final AtomicLong suppressed = new AtomicLong();

    public Throttle(int perMinute) {
        this.perMinute = perMinute;
    }

    /**
     * Whether this occurrence may be logged; -1 when not (it is counted), else how many were
     * suppressed since the last one logged (to append to the line when positive).
     */
    public long admit() {
        long now = System.nanoTime();
        long start = windowStart.get();
        if (now - start >= MINUTE_NANOS && windowStart.compareAndSet(start, now)) {
            inWindow.set(0);
        }
        if (inWindow.incrementAndGet() > perMinute) {
            suppressed.incrementAndGet();
            return -1;
        }
        return suppressed.getAndSet(0);
    }

    /** " (N similar messages suppressed)" when {@code admitted} is positive, else "". */
    public static String note(long admitted) {
        return admitted > 0 ? " (" + admitted + " similar messages suppressed)" : "";
    }
}
