package dev.sluice.quality;

import java.util.concurrent.atomic.AtomicLong;

/** At most {@code max} takes per clock minute; bounds how much sampled work a minute can bring. */
public final class PerMinuteCap {
    private final int max;
    private final AtomicLong minute = new AtomicLong();
    private final AtomicLong taken = new AtomicLong();

    public PerMinuteCap(int max) {
        this.max = max;
    }

    /** Whether one more may be taken in the minute of {@code nowMillis}. */
    public boolean take(long nowMillis) {
        long now = nowMillis / 60_000;
        if (minute.get() != now) {
            minute.set(now);
            taken.set(0);
        }
        return taken.incrementAndGet() <= max;
    }
}
