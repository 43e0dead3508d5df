package dev.sluice.sim;

import java.util.ArrayDeque;
import java.util.List;

/**
 * The last {@code limit} requests, oldest first. A plain lock is enough: recording is a pointer
 * push, far cheaper than the HTTP work around it, and it keeps snapshots consistent.
 */
final class RequestLog {
    private final int limit;
    private final ArrayDeque<RecordedRequest> entries;

    RequestLog(int limit) {
        this.limit = limit;
        this.entries = new ArrayDeque<>(Math.min(limit, 1024));
    }

    /** False when recording is off (limit 0), so callers can skip building the record at all. */
    boolean enabled() {
        return limit > 0;
    }

    synchronized void add(RecordedRequest request) {
        if (limit == 0) {
            return;
        }
        if (entries.size() == limit) {
            entries.pollFirst();
        }
        entries.addLast(request);
    }

    synchronized List<RecordedRequest> snapshot() {
        return List.copyOf(entries);
    }

    synchronized void clear() {
        entries.clear();
    }
}
