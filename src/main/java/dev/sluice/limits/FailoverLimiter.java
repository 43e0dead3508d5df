package dev.sluice.limits;

import io.lettuce.core.RedisException;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shared (Redis) limiter with a way out when Redis is down: fail open falls back to this
 * instance's own limits; fail closed refuses with a 429 asking to retry. Either way the client
 * never sees a 5xx; the log warns (at most every 30 s) and a counter counts the fallbacks.
 */
public final class FailoverLimiter implements Limiter {
    private static final Logger LOG = LoggerFactory.getLogger(FailoverLimiter.class);

    private final Limiter shared;
    private final LocalLimiter local;
    private final boolean failOpen;
    private final AtomicLong fallbacks = new AtomicLong();
    private volatile long lastWarning;

    /** Thrown when Redis is down and the config says to fail closed. */
    public static final class Unavailable extends RuntimeException {
        Unavailable(Throwable cause) {
            super("shared limits are unavailable", cause, false, false);
        }
    }

    public FailoverLimiter(Limiter shared, LocalLimiter local, boolean failOpen) {
        this.shared = shared;
        this.local = local;
        this.failOpen = failOpen;
    }

    /** How many checks could not reach Redis. */
    public long fallbacks() {
        return fallbacks.get();
    }

    @Override
    public Decision acquire(List<Bucket> buckets, String leaseId) {
        try {
            Decision d = shared.acquire(buckets, leaseId);
            // settle through this wrapper, so a Redis outage at settle time is absorbed too
            return new Decision(d.refused(), d.retryAfterMillis(), d.states(), this);
        } catch (RedisException e) {
            down(e);
            if (!failOpen) {
                throw new Unavailable(e);
            }
            return local.acquire(buckets, leaseId);
        }
    }

    @Override
    public void settle(List<Bucket> buckets, String leaseId, double tokenCorrection, double costCorrection) {
        try {
            shared.settle(buckets, leaseId, tokenCorrection, costCorrection);
        } catch (RedisException e) {
            down(e);
        }
    }

    @Override
    public double[] available(List<Bucket> buckets) {
        try {
            return shared.available(buckets);
        } catch (RedisException e) {
            down(e);
            return local.available(buckets);
        }
    }

    @Override
    public double spent(Bucket budget) {
        try {
            return shared.spent(budget);
        } catch (RedisException e) {
            down(e);
            return local.spent(budget);
        }
    }

    @Override
    public void close() {
        shared.close();
    }

    private void down(RedisException e) {
        fallbacks.incrementAndGet();
        long now = System.currentTimeMillis();
        if (now - lastWarning > 30_000) {
            lastWarning = now;
            LOG.warn("Redis is unreachable for shared limits ({}); {}", e.getMessage(),
                    failOpen ? "using this instance's own limits until it is back" : "refusing requests with 429 (fail_open: false)");
        }
    }
}
