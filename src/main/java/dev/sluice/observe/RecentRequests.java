package dev.sluice.observe;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.sluice.pipeline.Caller;
import dev.sluice.pipeline.Exchange;
import dev.sluice.store.FeedbackReader.Rated;
import dev.sluice.api.Json;
import dev.sluice.store.Redis;
import dev.sluice.store.RequestRecord;
import io.lettuce.core.SetArgs;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small in-memory index of recently finished requests (by request id and by trace id), so
 * feedback on a request that just finished is accepted before the request log's batch writer has
 * stored it. Bounded in size and age.
 *
 * <p>Ids are indexed per {@linkplain #scope scope} (the caller's team, or its key when it has
 * none): a client may choose its own {@code x-request-id}, so two teams can use the same id, and
 * one team's request must not hide (or replace) another's.
 */
public final class RecentRequests implements Exchange.CompletionListener {
    private static final Logger LOG = LoggerFactory.getLogger(RecentRequests.class);
    private static final String PREFIX = "sluice:recent:";
    private final Cache<String, Rated> byRequest;
    private final Cache<String, Rated> byTrace;
    private final Duration maxAge;
    /** With several nodes: the index shared through Redis, or null. */
    private final Redis redis;
    private volatile long lastWarning;
    private volatile long lastConnectTry;

    public RecentRequests(int maxEntries, Duration maxAge) {
        this(maxEntries, maxAge, null);
    }

    /**
     * @param redis when set, every node's recent requests are also indexed in Redis (written without
     *              waiting, kept as long as here), so feedback sent to any node finds a request another
     *              node just answered, before that node's writer has stored it
     */
    public RecentRequests(int maxEntries, Duration maxAge, Redis redis) {
        // maintenance on the calling thread (Runnable::run): by default Caffeine hands it to the common pool, and
        // every put (one per finished request) woke a common-pool thread for it (bench/README "hand-offs")
        this.byRequest = Caffeine.newBuilder().maximumSize(maxEntries).expireAfterWrite(maxAge).executor(Runnable::run)
                .build();
        this.byTrace = Caffeine.newBuilder().maximumSize(maxEntries).expireAfterWrite(maxAge).executor(Runnable::run)
                .build();
        this.maxAge = maxAge;
        this.redis = redis;
    }

    /** Whose requests an id is looked up among: the caller's team, or its key when it has none (or nobody's, auth off). */
    public static String scope(Caller caller) {
        return scope(caller.team(), caller.keyId());
    }

    private static String scope(String team, String keyId) {
        return team != null ? "team:" + team : "key:" + keyId;
    }

    /**
     * Forgets requests the store now holds (feedback finds them there), so that an entry normally lives for the
     * writer's flush interval, not for {@code maxAge}. The Redis index is left as it is: other nodes may read it
     * before their own lookup reaches the store.
     */
    public void stored(List<RequestRecord> batch) {
        for (RequestRecord r : batch) {
            String scope = scope(r.team(), r.keyId());
            byRequest.invalidate(key(scope, r.requestId()));
            if (r.traceId() != null) {
                // the trace's entry is its first request: dropped only once that one is stored
                byTrace.asMap().computeIfPresent(key(scope, r.traceId()),
                        (k, first) -> first.requestId().equals(r.requestId()) ? null : first);
            }
        }
    }

    /** How many requests the index holds on this node (by request id). */
    public long size() {
        byRequest.cleanUp();
        return byRequest.estimatedSize();
    }

    @Override
    public void completed(Exchange ex) {
        Rated r = new Rated(ex.requestId(), ex.traceId(), ex.caller().keyId(), ex.caller().team(), ex.requestedModel(),
                ex.caller().user());
        String scope = scope(ex.caller());
        byRequest.put(key(scope, ex.requestId()), r);
        if (ex.traceId() != null) {
            byTrace.asMap().putIfAbsent(key(scope, ex.traceId()), r); // a trace's first request is the one rated by trace id
        }
        if (redis != null && ex.status() < 400) {
            // answered requests only: what users rate; refusals and errors stay in this node's index
            share(scope, r);
        }
    }

    /** Indexes the request in Redis too, without waiting: by request id, by trace id (first wins), by end user. */
    private void share(String scope, Rated r) {
        if (!redis.connected()) {
            // nothing queued in memory while Redis is away (the store has the request soon); at most
            // once a second a request tries to connect, within the command timeout
            long now = System.currentTimeMillis();
            if (now - lastConnectTry < 1000) {
                return;
            }
            lastConnectTry = now;
            try {
                redis.sync().ping();
            } catch (RuntimeException e) {
                warn(e);
                return;
            }
        }
        try {
            String json = Json.MAPPER.writeValueAsString(r);
            long ttl = maxAge.toMillis();
            var async = redis.async();
            String byId = PREFIX + "r:" + key(scope, r.requestId());
            async.set(byId, json, SetArgs.Builder.px(ttl));
            String byTraceKey = r.traceId() == null ? null : PREFIX + "t:" + key(scope, r.traceId());
            if (byTraceKey != null) {
                async.set(byTraceKey, json, SetArgs.Builder.nx().px(ttl));
            }
            if (r.endUser() != null) {
                String mine = PREFIX + "u:" + r.endUser();
                async.sadd(mine, byTraceKey == null ? new String[] {byId} : new String[] {byId, byTraceKey});
                async.pexpire(mine, ttl);
            }
        } catch (IOException | RuntimeException e) {
            warn(e);
        }
    }

    private void warn(Exception e) {
        long now = System.currentTimeMillis();
        if (now - lastWarning > 60_000) {
            lastWarning = now;
            LOG.warn("the recent-requests index in Redis is unavailable ({}); feedback finds requests of other nodes"
                    + " once they are stored", e.getMessage());
        }
    }

    /** Forgets an end user's requests (erasure); returns how many requests went. */
    public long erase(String user) {
        long[] n = {0};
        byRequest.asMap().values().removeIf(r -> {
            boolean theirs = user.equals(r.endUser());
            n[0] += theirs ? 1 : 0;
            return theirs;
        });
        byTrace.asMap().values().removeIf(r -> user.equals(r.endUser()));
        if (redis != null) {
            // every node's entries for the user (this raises when Redis is down: the erasure must not claim it)
            var sync = redis.sync();
            String mine = PREFIX + "u:" + user;
            var keys = sync.smembers(mine);
            long shared = keys.stream().filter(k -> k.startsWith(PREFIX + "r:")).count();
            keys.add(mine);
            sync.del(keys.toArray(new String[0]));
            // this node's entries are in both; other nodes' only in Redis
            n[0] = Math.max(n[0], shared);
        }
        return n[0];
    }

    /** The recent request with this id (or the first of this trace) in the scope, or null. */
    public Rated find(String scope, String id, boolean byTraceId) {
        Rated local = (byTraceId ? byTrace : byRequest).getIfPresent(key(scope, id));
        if (local != null || redis == null) {
            return local;
        }
        try {
            String json = redis.sync().get(PREFIX + (byTraceId ? "t:" : "r:") + key(scope, id));
            return json == null ? null : Json.MAPPER.readValue(json, Rated.class);
        } catch (IOException | RuntimeException e) {
            warn(e);
            return null;
        }
    }

    private static String key(String scope, String id) {
        return scope + '\u0000' + id;
    }
}
