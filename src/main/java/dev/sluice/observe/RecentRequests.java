package dev.sluice.observe;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.sluice.pipeline.Exchange;
import dev.sluice.store.FeedbackReader.Rated;
import java.time.Duration;

/**
 * A small in-memory index of recently finished requests (by request id and by trace id), so
 * feedback on a request that just finished is accepted before the request log's batch writer has
 * stored it. Bounded in size and age.
 */
public final class RecentRequests implements Exchange.CompletionListener {
    private final Cache<String, Rated> byRequest;
    private final Cache<String, Rated> byTrace;

    public RecentRequests(int maxEntries, Duration maxAge) {
        this.byRequest = Caffeine.newBuilder().maximumSize(maxEntries).expireAfterWrite(maxAge).build();
        this.byTrace = Caffeine.newBuilder().maximumSize(maxEntries).expireAfterWrite(maxAge).build();
    }

    @Override
    public void completed(Exchange ex) {
        Rated r = new Rated(ex.requestId(), ex.traceId(), ex.caller().keyId(), ex.caller().team(), ex.requestedModel(),
                ex.caller().user());
        byRequest.put(ex.requestId(), r);
        if (ex.traceId() != null) {
            byTrace.asMap().putIfAbsent(ex.traceId(), r); // a trace's first request is the one rated by trace id
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

    /** The recent request with this id (or the first of this trace), or null. */
    public Rated find(String id, boolean byTraceId) {
        return (byTraceId ? byTrace : byRequest).getIfPresent(id);
    }
}
