package dev.sluice.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.sluice.pipeline.Caller;
import dev.sluice.pipeline.Exchange;
import dev.sluice.store.RequestRecord;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class RecentRequestsTest {
    private static final Caller TEAM_A = new Caller("k1", "key one", "team-a", null, null, java.util.Set.of(), null, null);
    private static final Caller TEAM_B = new Caller("k2", "key two", "team-b", null, null, java.util.Set.of(), null, null);

    private static Exchange finished(String requestId, String traceId, Caller caller) {
        Exchange ex = new Exchange(requestId, Exchange.Operation.CHAT, Map.of());
        ex.caller(caller);
        ex.traceId(traceId);
        ex.complete(200, null);
        return ex;
    }

    private static RequestRecord stored(String requestId, String traceId, Caller caller) {
        return new RequestRecord(0, requestId, caller.keyId(), caller.team(), null, "chat", "m", null, null, false, 200,
                null, null, null, 0, 0, 1, null, null, null, null, null, null, null, null, traceId, null, null, null, null,
                null, null, null, null, null);
    }

    @Test
    @DisplayName("a request the store holds leaves the index; one it does not hold yet, or another team's, stays")
    void storedRequestsLeave() {
        RecentRequests recent = new RecentRequests(1000, Duration.ofMinutes(10));
        recent.completed(finished("req-1", "trace-1", TEAM_A));
        recent.completed(finished("req-2", "trace-1", TEAM_A));
        recent.completed(finished("req-1", "trace-9", TEAM_B));
        String a = RecentRequests.scope(TEAM_A);
        String b = RecentRequests.scope(TEAM_B);
        assertEquals(3, recent.size());

        recent.stored(List.of(stored("req-2", "trace-1", TEAM_A)));
        assertNull(recent.find(a, "req-2", false), "stored: found in the store from now on");
        assertNotNull(recent.find(a, "req-1", false), "not stored yet");
        assertEquals("req-1", recent.find(a, "trace-1", true).requestId(), "the trace's first request is not stored yet");
        assertNotNull(recent.find(b, "req-1", false), "the same id in another team is another request");

        recent.stored(List.of(stored("req-1", "trace-1", TEAM_A)));
        assertNull(recent.find(a, "req-1", false));
        assertNull(recent.find(a, "trace-1", true), "the trace's first request is stored");
        assertNotNull(recent.find(b, "req-1", false));
        assertEquals(1, recent.size());
    }
}
