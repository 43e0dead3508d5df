package dev.sluice.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.sluice.api.ChatResponse;
import dev.sluice.config.CacheConfig;
import dev.sluice.embed.Embedder;
import dev.sluice.store.Redis;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cache's storage tiers, looked up in this order: in-process (Caffeine), Redis (shared by
 * instances, when configured), then the on-disk index (Lucene; survives restarts, and holds the
 * embeddings for semantic lookups). Hits in a slower tier are copied into the in-process one.
 */
public final class ResponseCache implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ResponseCache.class);
    /** Nearest neighbours examined per semantic lookup: the closest may fail a guard while the next passes. */
    static final int CANDIDATES = 5;

    /** How many entries an invalidation removed from each tier. */
    public record Deleted(long memory, long index, long redis) {}

    /**
     * What the listing of cached answers shows of one: who and what produced it, when, and its size; not the
     * question or the answer (the cache keeps them as sent, while the request log may keep them redacted).
     *
     * @param semantic whether semantic lookups can find it (it was stored with its question)
     */
    public record Entry(String keyId, String team, String model, String endUser, long createdMillis, long expiresMillis,
                        boolean semantic, int promptTokens, int completionTokens) {}

    /** A cache hit: the answer and how similar its question was (1 for exact). */
    record Hit(CachedAnswer answer, double similarity, boolean exact) {}

    private final CacheConfig config;
    private final Clock clock;
    private final CacheStats stats = new CacheStats();
    private final LocalTier local;
    private final RedisTier redis;
    private final SemanticIndex index;
    private final Embedder embedder;
    private final QuestionGuard guard;
    private final Cache<String, float[]> phraseVectors = Caffeine.newBuilder().maximumSize(10_000).build();

    /**
     * @param redis     the shared Redis, or null
     * @param indexPath where the on-disk index lives, or null for none (the semantic cache is then off)
     */
    public ResponseCache(CacheConfig config, Redis redis, Embedder embedder, Path indexPath, Clock clock) {
        this.config = config;
        this.clock = clock;
        this.embedder = embedder;
        this.local = new LocalTier(config.maxEntries(), clock);
        this.redis = redis != null && config.useRedis()
                ? new RedisTier(redis, config.redisPrefix(), config.maxTtl().toMillis(), stats) : null;
        this.index = indexPath == null ? null
                : new SemanticIndex(indexPath, config.semantic().maxEntries(), clock, stats);
        this.guard = new QuestionGuard(this::phraseSimilarity);
        if (index != null) {
            stats.indexEntries(index::size);
            // load the embedding model now, off the request path (it takes about a second)
            Thread.ofPlatform().name("sluice-embedder-warmup").daemon(true).start(() -> {
                try {
                    embedder.embed("warm up");
                } catch (RuntimeException e) {
                    LOG.warn("the embedding model failed to load; the semantic cache will miss: {}", e.toString());
                }
            });
        }
    }

    public CacheConfig config() {
        return config;
    }

    /** Counters for metrics export. */
    public CacheStats stats() {
        return stats;
    }

    boolean semanticAvailable() {
        return index != null;
    }

    long nowMillis() {
        return clock.millis();
    }

    /** The unexpired answer stored under an exact key, from the fastest tier that has it. */
    Hit exact(String exactKey) {
        CachedAnswer a = local.get(exactKey);
        if (a == null && redis != null) {
            a = redis.get(exactKey, clock.millis());
            if (a != null) {
                local.put(a);
            }
        }
        if (a == null && index != null) {
            SemanticIndex.Candidate c = index.exact(exactKey);
            if (c != null) {
                a = c.answer();
                local.put(a);
            }
        }
        return a == null ? null : new Hit(a, 1.0, true);
    }

    /** The best answer to a question of the same partition that is similar enough and passes every guard. */
    Hit semantic(Fingerprint fp, float[] vector, double threshold) {
        List<SemanticIndex.Candidate> candidates = index.nearest(fp.partition(), vector, CANDIDATES);
        for (SemanticIndex.Candidate c : candidates) {
            if (c.similarity() < threshold) {
                break;
            }
            String reason = guard.check(c.question(), fp.question());
            if (reason == null) {
                return new Hit(c.answer(), Math.min(1.0, c.similarity()), false);
            }
            stats.guardRejections.increment();
            LOG.debug("semantic candidate at {} turned down: {}", c.similarity(), reason);
        }
        return null;
    }

    /** The question's embedding, or null when the model cannot run. */
    float[] embed(String question) {
        try {
            return embedder.embed(question);
        } catch (RuntimeException e) {
            LOG.warn("embedding failed, semantic lookup skipped: {}", e.toString());
            return null;
        }
    }

    void store(Fingerprint fp, float[] vector, ChatResponse response, String keyId, String team, String model,
               String endUser, Duration ttl) {
        long now = clock.millis();
        CachedAnswer a = new CachedAnswer(fp.exactKey(), response, keyId, team, model, endUser, fp.question(), now,
                now + ttl.toMillis());
        local.put(a);
        if (redis != null) {
            redis.put(a, ttl.toMillis());
        }
        if (index != null) {
            try {
                index.add(a, vector == null ? null : fp.partition(), vector);
            } catch (RuntimeException e) {
                LOG.warn("the cache index did not take an entry: {}", e.toString());
            }
        }
        stats.stored(team);
    }

    /**
     * The newest answers in this instance's memory tier matching the filter (null fields match anything): what
     * this instance serves from memory now, not the shared tiers.
     */
    public List<Entry> entries(String keyId, String team, String model, int limit) {
        return local.newest(keyId, team, model, limit).stream().map(a -> new Entry(a.keyId(), a.team(), a.model(),
                a.endUser(), a.createdMillis(), a.expiresMillis(), a.question() != null,
                a.response().usage() == null ? 0 : a.response().usage().promptTokens(),
                a.response().usage() == null ? 0 : a.response().usage().completionTokens())).toList();
    }

    /** Drops the entries matching the filter from every tier. */
    public Deleted invalidate(Invalidation filter) {
        long memory = local.invalidate(filter);
        long onDisk = index == null ? 0 : index.invalidate(filter);
        long shared;
        try {
            shared = redis == null ? 0 : redis.invalidate(filter);
        } catch (RuntimeException e) {
            throw dev.sluice.api.SluiceException.unavailable("Redis did not answer (" + e.getMessage() + "): " + memory
                    + " cached answer(s) were removed in memory and " + onDisk + " on disk, but the shared ones in Redis"
                    + " were not. Retry when Redis is back.");
        }
        LOG.info("cache invalidated ({}): {} in memory, {} on disk, {} in Redis", filter, memory, onDisk, shared);
        return new Deleted(memory, onDisk, shared);
    }

    /** Makes recent stores searchable and runs index maintenance now (tests and benchmarks). */
    void maintain() {
        if (index != null) {
            index.maintain();
        }
    }

    QuestionGuard guard() {
        return guard;
    }

    private double phraseSimilarity(String a, String b) {
        float[] va = phraseVectors.get(a, embedder::embed);
        float[] vb = phraseVectors.get(b, embedder::embed);
        return Embedder.cosine(va, vb);
    }

    @Override
    public void close() {
        if (index != null) {
            index.close();
        }
    }

    /** The default index directory: next to the store file, e.g. {@code sluice.db} → {@code sluice-cache/}. */
    public static Path defaultIndexPath(String storePath) {
        Path store = Path.of(storePath).toAbsolutePath();
        String name = store.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String base = dot > 0 ? name.substring(0, dot) : name;
        return store.resolveSibling(base + "-cache");
    }
}
