package dev.sluice.limits;

import dev.sluice.config.LimitsConfig;
import dev.sluice.config.Quota;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * The headroom of a key, team, end user or model under its limits and budgets right now: for each
 * limit, how much is used and how much is left, read from the limiter's own state (Redis when the
 * limits are shared, so every instance's traffic counts) without taking anything.
 */
public final class Headroom {
    private final Limiter limiter;
    private final java.util.function.Supplier<LimitsConfig> limits;
    private final Clock clock;

    /**
     * One limit's state.
     *
     * @param kind          rpm, tpm, concurrency, daily_usd or monthly_usd
     * @param used          requests or tokens in the last minute (refilled continuously), requests in flight, or USD spent in the period
     * @param resetsInMillis how long until the limit is whole again (per-minute limits refill; budgets reset when their UTC period ends)
     */
    public record Usage(String scope, String subject, String kind, double limit, double used, double available,
                        long resetsInMillis) {}

    public Headroom(Limiter limiter, java.util.function.Supplier<LimitsConfig> limits, Clock clock) {
        this.limiter = limiter;
        this.limits = limits;
        this.clock = clock;
    }

    /** A key's limits: its own quota, the config's key defaults filling what it leaves unset. */
    public List<Usage> key(String keyId, Quota own) {
        return of("key", keyId, own.orElse(limits.get().key()));
    }

    public List<Usage> team(String team, Quota own) {
        return of("team", team, own.orElse(limits.get().team()));
    }

    public List<Usage> user(String user) {
        return of("user", user, limits.get().user());
    }

    public List<Usage> model(String model) {
        Quota q = limits.get().models().get(model);
        return q == null ? List.of() : of("model", model, q);
    }

    private List<Usage> of(String scope, String id, Quota quota) {
        long now = clock.millis();
        List<Bucket> buckets = LimitStage.buckets(scope, id, quota, now);
        if (buckets.isEmpty()) {
            return List.of();
        }
        double[] left = limiter.available(buckets);
        List<Usage> out = new ArrayList<>(buckets.size());
        for (int i = 0; i < left.length; i++) {
            Bucket b = buckets.get(i);
            double available = Math.max(0, left[i]);
            double used = Math.max(0, b.limit() - left[i]);
            long resets = switch (b.kind()) {
                case REQUESTS_PER_MINUTE, TOKENS_PER_MINUTE -> (long) Math.ceil(used / b.refillPerMilli());
                case CONCURRENCY -> 0;
                case DAILY_USD, MONTHLY_USD -> Periods.untilEnd(b.kind(), now);
            };
            out.add(new Usage(scope, id, kind(b.kind()), b.limit(), used, available, resets));
        }
        return out;
    }

    private static String kind(Bucket.Kind kind) {
        return switch (kind) {
            case REQUESTS_PER_MINUTE -> "rpm";
            case TOKENS_PER_MINUTE -> "tpm";
            case CONCURRENCY -> "concurrency";
            case DAILY_USD -> "daily_usd";
            case MONTHLY_USD -> "monthly_usd";
        };
    }
}
