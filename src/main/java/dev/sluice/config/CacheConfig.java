package dev.sluice.config;

import java.time.Duration;
import java.util.Map;

/**
 * The response cache: exact (in-process, and Redis when configured) and semantic (an on-disk
 * vector index). Off unless a {@code cache:} section is present.
 *
 * @param scope             who shares cached answers: one virtual key, one team (default), or everyone
 * @param ttl               how long an answer is kept unless the request asks otherwise
 * @param maxTtl            the longest TTL a request may ask for with {@code x-sluice-cache: ttl=...}
 * @param maxEntries        size bound of the in-process exact cache
 * @param onlyDeterministic cache only requests with temperature 0 or a seed
 * @param useRedis          share exact entries through the {@code redis:} section when it is configured
 * @param redisPrefix       prefix of every Redis key the cache writes
 * @param models            per public model overrides
 */
public record CacheConfig(boolean enabled, Scope scope, Duration ttl, Duration maxTtl, int maxEntries,
                          boolean onlyDeterministic, boolean useRedis, String redisPrefix, Semantic semantic,
                          Map<String, ModelRule> models) {

    public enum Scope { KEY, TEAM, GLOBAL }

    /**
     * @param threshold        the cosine similarity from which a question counts as the same
     * @param maxEntries       size bound of the vector index (oldest evicted first)
     * @param maxQuestionChars longer questions are cached exactly only (the embedding model reads ~256 tokens)
     * @param path             the index directory; null means next to the store file
     */
    public record Semantic(boolean enabled, double threshold, int maxEntries, int maxQuestionChars, String path) {}

    /** Overrides for one model; a null field keeps the cache-wide setting. */
    public record ModelRule(Boolean enabled, Duration ttl, Boolean semantic, Double threshold) {}

    /** The effective settings for one model. */
    public record Effective(boolean enabled, Duration ttl, boolean semantic, double threshold) {}

    public static final double DEFAULT_THRESHOLD = 0.86;

    public CacheConfig {
        models = Map.copyOf(models);
    }

    public static CacheConfig off() {
        return new CacheConfig(false, Scope.TEAM, Duration.ofHours(1), Duration.ofDays(7), 10_000, true, true,
                "sluice:cache:", new Semantic(false, DEFAULT_THRESHOLD, 100_000, 1_000, null), Map.of());
    }

    public Effective forModel(String model) {
        ModelRule r = models.get(model);
        if (r == null) {
            return new Effective(enabled, ttl, semantic.enabled(), semantic.threshold());
        }
        return new Effective(enabled && (r.enabled() == null || r.enabled()), r.ttl() == null ? ttl : r.ttl(),
                semantic.enabled() && (r.semantic() == null || r.semantic()),
                r.threshold() == null ? semantic.threshold() : r.threshold());
    }
}
