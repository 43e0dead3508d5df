package dev.sluice.limits;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.lettuce.core.RedisException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shared (Redis) limiter with a way out when Redis is down: fail open falls back to this
 * instance's own limits; fail closed refuses with a 429 asking to retry. Either way the client
 * never sees a 5xx; the log warns (at most every 30 s) and a counter counts the fallbacks.
 *
 * <p>Falling back, a node takes only its share of each limit, so the nodes together stay within
 * it rather than at limit × nodes: with {@code n} live nodes (as of the last membership heartbeat
 * Redis answered) a per-minute limit becomes limit / n on each node, a concurrency limit
 * max(1, floor(limit / n)), and a budget 1 / n of what Redis last said was left of it (of the
 * limit minus the spend the node read from the request log at start, if Redis never answered for
 * it). Each outage starts fresh shares; spend during an outage is not added to Redis afterwards.
 */
public final class FailoverLimiter implements Limiter {
    private static final Logger LOG = LoggerFactory.getLogger(FailoverLimiter.class);

    private final Limiter shared;
    private final LocalLimiter local;
    private final boolean failOpen;
    private final IntSupplier liveNodes;
    private final AtomicLong fallbacks = new AtomicLong();
    /** What Redis last said was left of each budget bucket, by bucket id. */
    private final Cache<String, Double> budgetLeft = Caffeine.newBuilder().maximumSize(100_000).build();
    /** Counts outages (a successful Redis call after a fallback ends one): shares are per outage. */
    private final AtomicLong outage = new AtomicLong();
    private volatile boolean inOutage;
    private volatile long lastWarning;

    /** Thrown when Redis is down and the config says to fail closed. */
    public static final class Unavailable extends RuntimeException {
        Unavailable(Throwable cause) {
            super("shared limits are unavailable", cause, false, false);
        }
    }

    public FailoverLimiter(Limiter shared, LocalLimiter local, boolean failOpen) {
        this(shared, local, failOpen, () -> 1);
    }

    /** @param liveNodes the live node count from the membership record (each node's share is 1 / that) */
    public FailoverLimiter(Limiter shared, LocalLimiter local, boolean failOpen, IntSupplier liveNodes) {
        this.shared = shared;
        this.local = local;
        this.failOpen = failOpen;
        this.liveNodes = liveNodes;
    }

    /** How many checks could not reach Redis. */
    public long fallbacks() {
        return fallbacks.get();
    }

    @Override
    public Decision acquire(List<Bucket> buckets, String leaseId) {
        try {
            Decision d = shared.acquire(buckets, leaseId);
            if (inOutage) {
                inOutage = false;
                outage.incrementAndGet();
            }
            for (Decision.State s : d.states()) {
                if (s.bucket().kind().budget()) {
                    budgetLeft.put(s.bucket().id(), s.remaining());
                }
            }
            // settle through this wrapper, so a Redis outage at settle time is absorbed too
            return new Decision(d.refused(), d.retryAfterMillis(), d.states(), this);
        } catch (RedisException e) {
            down(e);
            if (!failOpen) {
                throw new Unavailable(e);
            }
            int n = Math.max(1, liveNodes.getAsInt());
            List<Bucket> share = share(buckets, n);
            Decision d = local.acquire(share, leaseId);
            return new Decision(d.refused(), d.retryAfterMillis(), d.states(), new Share(buckets, share));
        }
    }

    /** This node's share of each bucket with {@code n} live nodes, under ids of the current outage. */
    List<Bucket> share(List<Bucket> buckets, int n) {
        String prefix = "share:" + outage.get() + ":";
        List<Bucket> out = new ArrayList<>(buckets.size());
        for (Bucket b : buckets) {
            double limit = switch (b.kind()) {
                case REQUESTS_PER_MINUTE, TOKENS_PER_MINUTE -> b.limit() / n;
                case CONCURRENCY -> Math.max(1, Math.floor(b.limit() / n));
                case DAILY_USD, MONTHLY_USD -> {
                    Double left = budgetLeft.getIfPresent(b.id());
                    yield Math.max(0, left != null ? left : b.limit() - local.spent(b)) / n;
                }
            };
            out.add(new Bucket(prefix + b.id(), b.kind(), b.scope(), b.subject(), limit, b.amount(), b.ttlMillis()));
        }
        return out;
    }

    /** Settles a request admitted on this node's shares, against the same shares. */
    private final class Share implements Limiter {
        private final List<Bucket> asked;
        private final List<Bucket> share;

        Share(List<Bucket> asked, List<Bucket> share) {
            this.asked = asked;
            this.share = share;
        }

        @Override
        public Decision acquire(List<Bucket> buckets, String leaseId) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void settle(List<Bucket> buckets, String leaseId, double tokenCorrection, double costCorrection) {
            local.settle(share, leaseId, tokenCorrection, costCorrection);
        }

        @Override
        public double spent(Bucket budget) {
            for (int i = 0; i < asked.size(); i++) {
                if (asked.get(i).id().equals(budget.id())) {
                    return local.spent(share.get(i));
                }
            }
            return local.spent(budget);
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
        inOutage = true;
        long now = System.currentTimeMillis();
        if (now - lastWarning > 30_000) {
            lastWarning = now;
            LOG.warn("Redis is unreachable for shared limits ({}); {}", e.getMessage(),
                    failOpen ? "using this node's share of each limit (" + liveNodes.getAsInt() + " live nodes) until it is back" : "refusing requests with 429 (fail_open: false)");
        }
    }
}
