package dev.sluice.route;

import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * Exponential backoff with full jitter (AWS's recommendation): the n-th retry waits a uniform
 * random time in [0, min(max, base × 2^n)]. An upstream's Retry-After, when given and not longer
 * than {@code maxRetryAfter}, is waited exactly instead.
 */
public final class Backoff {
    private final Duration base;
    private final Duration max;
    private final Duration maxRetryAfter;
    private final DoubleSupplier random;

    /** @param random uniform in [0, 1); injected so tests can check the spread */
    public Backoff(Duration base, Duration max, Duration maxRetryAfter, DoubleSupplier random) {
        this.base = base;
        this.max = max;
        this.maxRetryAfter = maxRetryAfter;
        this.random = random;
    }

    /** The ceiling of the n-th retry's wait (n from 0). */
    public long ceilingMillis(int retry) {
        long ceiling = base.toMillis() << Math.min(retry, 30);
        return Math.min(ceiling <= 0 ? Long.MAX_VALUE : ceiling, max.toMillis());
    }

    /**
     * How long to wait before retry n, or -1 when the upstream asked for a wait longer than we
     * are willing to hold the client for (so: do not retry there; try elsewhere).
     */
    public long delayMillis(int retry, Duration retryAfter) {
        if (retryAfter != null) {
            return retryAfter.compareTo(maxRetryAfter) > 0 ? -1 : retryAfter.toMillis();
        }
        return (long) (random.getAsDouble() * (ceilingMillis(retry) + 1));
    }
}
