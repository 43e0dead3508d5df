package dev.sluice.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import java.time.Clock;
import java.util.concurrent.TimeUnit;

/**
 * The in-process exact cache: Caffeine, bounded by entry count (W-TinyLFU eviction) and by each
 * entry's own expiry time. Time comes from the injected clock, so tests move it instead of sleeping.
 */
final class LocalTier {
    private final Cache<String, CachedAnswer> cache;
    private final Clock clock;

    LocalTier(int maxEntries, Clock clock) {
        this.clock = clock;
        this.cache = Caffeine.newBuilder()
                .maximumSize(maxEntries)
                .ticker(() -> TimeUnit.MILLISECONDS.toNanos(clock.millis()))
                .expireAfter(Expiry.creating((String key, CachedAnswer a) -> java.time.Duration.ofMillis(
                        Math.max(0, a.expiresMillis() - clock.millis()))))
                .executor(Runnable::run) // maintenance on the caller: no common-pool thread woken per request
                .build();
    }

    CachedAnswer get(String exactKey) {
        CachedAnswer a = cache.getIfPresent(exactKey);
        return a == null || a.expiredAt(clock.millis()) ? null : a;
    }

    void put(CachedAnswer answer) {
        cache.put(answer.exactKey(), answer);
    }

    void remove(String exactKey) {
        cache.invalidate(exactKey);
    }

    /** Drops matching entries; returns how many. */
    long invalidate(Invalidation filter) {
        long before = cache.estimatedSize();
        if (filter.wholeCache()) {
            cache.invalidateAll();
            cache.cleanUp();
            return before;
        }
        long[] removed = {0};
        cache.asMap().values().removeIf(a -> {
            boolean hit = a.matches(filter);
            if (hit) {
                removed[0]++;
            }
            return hit;
        });
        return removed[0];
    }

    /** The newest unexpired entries matching the filter (null fields match anything), at most {@code limit}. */
    java.util.List<CachedAnswer> newest(String keyId, String team, String model, int limit) {
        long now = clock.millis();
        return cache.asMap().values().stream()
                .filter(a -> !a.expiredAt(now) && (keyId == null || keyId.equals(a.keyId()))
                        && (team == null || team.equals(a.team())) && (model == null || model.equals(a.model())))
                .sorted(java.util.Comparator.comparingLong(CachedAnswer::createdMillis).reversed())
                .limit(limit)
                .toList();
    }

    long size() {
        cache.cleanUp();
        return cache.estimatedSize();
    }
}
