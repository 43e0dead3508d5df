package dev.sluice.cache;

import dev.sluice.store.Redis;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.sync.RedisCommands;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The exact cache shared by every gateway instance through Redis. An entry is one string key
 * ({@code <prefix>e:<exact key>}, the answer as JSON, expiring with the answer); tag sets
 * ({@code <prefix>t:all}, {@code t:key:<id>}, {@code t:team:<team>}, {@code t:model:<model>},
 * {@code t:user:<sha-256 of the end user>}) list the entries for invalidation and erasure. A store is one Lua script, so one round trip. Redis being down or
 * slow is a miss, never an error: a cache can always fall back to asking the model.
 */
final class RedisTier {
    private static final Logger LOG = LoggerFactory.getLogger(RedisTier.class);
    private static final String PUT = """
            redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
            for i = 2, #KEYS do
              redis.call('SADD', KEYS[i], KEYS[1])
              redis.call('PEXPIRE', KEYS[i], ARGV[3])
            end
            return 1
            """;
    private static final int DELETE_BATCH = 500;

    private final Redis redis;
    private final String prefix;
    private final long tagTtlMillis;
    private final CacheStats stats;
    private volatile long lastWarningMillis;

    /** @param tagTtlMillis the longest any entry lives, so tag sets never expire before their entries */
    RedisTier(Redis redis, String prefix, long tagTtlMillis, CacheStats stats) {
        this.redis = redis;
        this.prefix = prefix;
        this.tagTtlMillis = tagTtlMillis;
        this.stats = stats;
    }

    CachedAnswer get(String exactKey, long nowMillis) {
        try {
            String json = redis.sync().get(prefix + "e:" + exactKey);
            if (json == null) {
                return null;
            }
            CachedAnswer a = CachedAnswer.fromJson(json.getBytes(StandardCharsets.UTF_8));
            return a.expiredAt(nowMillis) ? null : a;
        } catch (java.io.IOException e) {
            LOG.warn("ignoring an unreadable cache entry in Redis: {}", e.getMessage());
            return null;
        } catch (RuntimeException e) {
            failed("read", e);
            return null;
        }
    }

    void put(CachedAnswer a, long ttlMillis) {
        String entry = prefix + "e:" + a.exactKey();
        List<String> keys = new ArrayList<>(5);
        keys.add(entry);
        keys.add(prefix + "t:all");
        if (a.keyId() != null) {
            keys.add(prefix + "t:key:" + a.keyId());
        }
        if (a.team() != null) {
            keys.add(prefix + "t:team:" + a.team());
        }
        keys.add(prefix + "t:model:" + a.model());
        if (a.endUser() != null) {
            keys.add(userTag(a.endUser()));
        }
        try {
            redis.sync().eval(PUT, ScriptOutputType.INTEGER, keys.toArray(String[]::new),
                    new String(a.toJson(), StandardCharsets.UTF_8), Long.toString(Math.max(1, ttlMillis)),
                    Long.toString(tagTtlMillis));
        } catch (RuntimeException e) {
            failed("write", e);
        }
    }

    void remove(String exactKey) {
        try {
            redis.sync().del(prefix + "e:" + exactKey);
        } catch (RuntimeException e) {
            failed("delete", e);
        }
    }

    /** Deletes matching entries; returns how many existed. */
    long invalidate(Invalidation filter) {
        List<String> tags = new ArrayList<>(3);
        if (filter.keyId() != null) {
            tags.add(prefix + "t:key:" + filter.keyId());
        }
        if (filter.team() != null) {
            tags.add(prefix + "t:team:" + filter.team());
        }
        if (filter.model() != null) {
            tags.add(prefix + "t:model:" + filter.model());
        }
        if (filter.endUser() != null) {
            tags.add(userTag(filter.endUser()));
        }
        if (tags.isEmpty()) {
            tags.add(prefix + "t:all");
        }
        RedisCommands<String, String> r = redis.sync();
        Set<String> members = tags.size() == 1 ? r.smembers(tags.getFirst()) : r.sinter(tags.toArray(String[]::new));
        List<String> batch = new ArrayList<>(DELETE_BATCH);
        long deleted = 0;
        for (String member : members) {
            batch.add(member);
            if (batch.size() == DELETE_BATCH) {
                deleted += deleteBatch(r, batch, tags);
            }
        }
        deleted += deleteBatch(r, batch, tags);
        if (filter.wholeCache()) {
            r.del(prefix + "t:all");
        }
        return deleted;
    }

    /** An end user's tag: hashed, so a user id of any length or shape makes a short, plain key. */
    private String userTag(String user) {
        try {
            byte[] digest = java.security.MessageDigest.getInstance("SHA-256").digest(user.getBytes(StandardCharsets.UTF_8));
            return prefix + "t:user:" + java.util.HexFormat.of().formatHex(digest);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static long deleteBatch(RedisCommands<String, String> r, List<String> batch, List<String> tags) {
        if (batch.isEmpty()) {
            return 0;
        }
        String[] keys = batch.toArray(String[]::new);
        long n = r.del(keys);
        for (String tag : tags) {
            r.srem(tag, keys);
        }
        batch.clear();
        return n;
    }

    private void failed(String what, RuntimeException e) {
        stats.redisErrors.increment();
        long now = System.currentTimeMillis();
        if (now - lastWarningMillis > 30_000) {
            lastWarningMillis = now;
            LOG.warn("Redis cache {} failed, serving without the shared cache: {}", what, e.toString());
        }
    }
}
