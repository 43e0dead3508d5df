package dev.sluice.observe;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.sluice.pipeline.Caller;
import dev.sluice.pipeline.Exchange;
import dev.sluice.store.FeedbackReader.Rated;
import java.time.Duration;

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
    private final Cache<String, Rated> byRequest;
    private final Cache<String, Rated> byTrace;

    public RecentRequests(int maxEntries, Duration maxAge) {
        this.byRequest = Caffeine.newBuilder().maximumSize(maxEntries).expireAfterWrite(maxAge).build();
        this.byTrace = Caffeine.newBuilder().maximumSize(maxEntries).expireAfterWrite(maxAge).build();
    }

    /** Whose requests an id is looked up among: the caller's team, or its key when it has none (or nobody's, auth off). */
    public static String scope(Caller caller) {
        return caller.team() != null ? "team:" + caller.team() : "key:" + caller.keyId();
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
        return n[0];
    }

    /** The recent request with this id (or the first of this trace) in the scope, or null. */
    public Rated find(String scope, String id, boolean byTraceId) {
        return (byTraceId ? byTrace : byRequest).getIfPresent(key(scope, id));
    }

    private static String key(String scope, String id) {
        return scope + '\u0000' + id;
    }
}
