package dev.sluice.analytics;

import dev.sluice.store.RequestRecord;
import dev.sluice.testing.TestGateway;
import java.util.List;

/** Seeds the request log through the gateway's own writer (the store's write path), for aggregates with known values. */
final class Seed {
    private Seed() {}

    static RequestRecord row(long ts, String requestId, String key, String team, String user, String model, String provider,
                             int status, String errorType, long latencyMs, long ttftMs, int tokensIn, int tokensOut,
                             double cost, String cacheStatus, String tags, String session, String traceId) {
        return new RequestRecord(ts, requestId, key, team, user, "chat", model, provider, model, false, status, errorType,
                tokensIn, tokensOut, ttftMs, latencyMs, 1, null, null, null, cost, cacheStatus, null, null, null, traceId,
                session, tags, null);
    }

    static void write(TestGateway gw, List<RequestRecord> rows) {
        for (RequestRecord r : rows) {
            if (!gw.gateway().writers().requestLog().offer(r)) {
                throw new AssertionError("the request-log queue refused a seed row");
            }
        }
        gw.flushLog();
    }
}
