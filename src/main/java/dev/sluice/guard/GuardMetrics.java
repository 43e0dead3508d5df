package dev.sluice.guard;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counters of guardrail triggers by direction, guardrail and action, plus scans run, for the
 * metrics exporter to read ({@link #snapshot()}); e.g. {@code sluice_guardrail_triggers_total{direction,
 * guardrail, action}}. Lock-free on the request path.
 */
public final class GuardMetrics {
    /** One counter's labels. */
    public record Key(String direction, String guardrail, String action) {}

    private final Map<Key, LongAdder> triggers = new ConcurrentHashMap<>();
    private final LongAdder scannedRequests = new LongAdder();
    private final LongAdder blocked = new LongAdder();

    void trigger(String direction, String guardrail, String action) {
        triggers.computeIfAbsent(new Key(direction, guardrail, action), k -> new LongAdder()).increment();
        if (action.equals("block")) {
            blocked.increment();
        }
    }

    void scanned() {
        scannedRequests.increment();
    }

    /** Triggers so far, by labels. */
    public Map<Key, Long> snapshot() {
        Map<Key, Long> out = new TreeMap<>((a, b) -> (a.direction + a.guardrail + a.action)
                .compareTo(b.direction + b.guardrail + b.action));
        triggers.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }

    /** Requests a policy applied to. */
    public long scannedRequests() {
        return scannedRequests.sum();
    }

    /** Requests and streams a guardrail blocked. */
    public long blockedTotal() {
        return blocked.sum();
    }
}
