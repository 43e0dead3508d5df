package dev.sluice.limits;

import dev.sluice.store.Redis;
import dev.sluice.store.RequestLogReader;
import java.time.Clock;
import java.util.Map;
import java.util.function.IntSupplier;

/** Builds the limiter a gateway uses: shared in Redis when configured (with a local fallback), else local. */
public final class Limiters {
    private Limiters() {}

    /**
     * @param redis the shared Redis, or null
     * @param log   the request log, whose spend of the current day and month seeds a local limiter
     * @param liveNodes the live node count (from the membership record), whose share of each limit a
     *                  node keeps to when Redis is down
     */
    public static Limiter create(Redis redis, RequestLogReader log, Clock clock, IntSupplier liveNodes) {
        LocalLimiter local = new LocalLimiter(clock);
        seedSpend(local, log, clock.millis());
        if (redis == null) {
            return local;
        }
        return new FailoverLimiter(new RedisLimiter(redis, clock), local, redis.config().failOpen(), liveNodes);
    }

    /** A restart must not reset budgets: today's and this month's spend come back from the log. */
    private static void seedSpend(LocalLimiter local, RequestLogReader log, long now) {
        Map<String, String> scopes = Map.of("key_id", "key", "team", "team", "end_user", "user");
        for (Bucket.Kind kind : new Bucket.Kind[] {Bucket.Kind.DAILY_USD, Bucket.Kind.MONTHLY_USD}) {
            long since = Periods.start(kind, now);
            for (Map.Entry<String, String> scope : scopes.entrySet()) {
                log.spendSince(scope.getKey(), since).forEach((id, spent) ->
                        local.seedSpend(LimitStage.budget(scope.getValue(), id, kind, 0, now), spent));
            }
        }
    }
}
