package dev.sluice.observe.otlp;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.sluice.config.TracingConfig;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * What one OTLP export request and one key may cost: at most {@code maxSpans} spans per request,
 * {@code spansPerMinute} per key (a token bucket refilled continuously, so a key may burst up to
 * a minute's allowance), and at most {@code parallelDecodes} requests decoded at once, whatever
 * their keys. Decoding is what costs memory (several times the body), so the bound on parallel
 * decodes bounds the memory ingest can take.
 */
public final class IngestGate {
    /** How long a request waits for a decode slot before it is told to retry. */
    static final Duration DECODE_WAIT = Duration.ofMillis(250);
    private static final long MINUTE_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final TracingConfig.Ingest limits;
    private final Semaphore decodes;
    private final LongSupplier nanoTime;
    /** Per key; an idle key's bucket is full again after a minute, so it may be forgotten then. */
    private final Cache<String, Bucket> buckets;

    public IngestGate(TracingConfig.Ingest limits) {
        this(limits, System::nanoTime);
    }

    IngestGate(TracingConfig.Ingest limits, LongSupplier nanoTime) {
        this.limits = limits;
        this.decodes = new Semaphore(limits.parallelDecodes());
        this.nanoTime = nanoTime;
        this.buckets = Caffeine.newBuilder().maximumSize(100_000).expireAfterAccess(Duration.ofMinutes(2)).build();
    }

    public int maxSpans() {
        return limits.maxSpans();
    }

    /**
     * Takes {@code spans} from the key's allowance.
     *
     * @param key the sending key's id ({@code null} with auth off: one shared allowance)
     * @return 0 when taken, else the seconds until the allowance has room for them (nothing taken)
     */
    public long take(String key, long spans) {
        Bucket bucket = buckets.get(key == null ? "" : key, k -> new Bucket(limits.spansPerMinute(), nanoTime.getAsLong()));
        return bucket.take(spans, limits.spansPerMinute(), nanoTime.getAsLong());
    }

    /** A decode slot, waiting briefly; false when all are busy (answer 503 with Retry-After). */
    public boolean enterDecode() {
        try {
            return decodes.tryAcquire(DECODE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    public void leaveDecode() {
        decodes.release();
    }

    /** A token bucket of spans, refilled at {@code perMinute} per minute up to {@code perMinute}. */
    private static final class Bucket {
        private double tokens;
        private long updated;

        Bucket(long perMinute, long now) {
            this.tokens = perMinute;
            this.updated = now;
        }

        synchronized long take(long spans, long perMinute, long now) {
            tokens = Math.min(perMinute, tokens + (double) (now - updated) * perMinute / MINUTE_NANOS);
            updated = now;
            if (tokens >= spans) {
                tokens -= spans;
                return 0;
            }
            double missingNanos = (spans - tokens) * MINUTE_NANOS / perMinute;
            return Math.max(1, (long) Math.ceil(missingNanos / 1e9));
        }
    }
}
