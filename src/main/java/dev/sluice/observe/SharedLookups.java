package dev.sluice.observe;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * A bounded poll for something that may appear shortly (a request the log writer has not stored
 * yet), shared by every caller asking for the same key at the same time: the first caller polls
 * at the given offsets, the others wait for its answer. However many clients ask for one id, it
 * costs one poll; the map holds only keys being polled right now.
 */
final class SharedLookups<T> {
    private final ConcurrentHashMap<String, CompletableFuture<T>> inflight = new ConcurrentHashMap<>();
    private final long[] pollAtMillis;

    /** @param pollAtMillis when to probe, from the first caller's arrival (e.g. {@code 0, 100, 300}) */
    SharedLookups(long... pollAtMillis) {
        this.pollAtMillis = pollAtMillis.clone();
    }

    /** The probe's first non-null answer within the polls, or null; one poll per key at a time. */
    T await(String key, Supplier<T> probe) {
        CompletableFuture<T> mine = new CompletableFuture<>();
        CompletableFuture<T> shared = inflight.putIfAbsent(key, mine);
        if (shared != null) {
            try {
                return shared.join();
            } catch (CompletionException e) {
                throw e.getCause() instanceof RuntimeException r ? r : e;
            }
        }
        try {
            T found = poll(probe);
            mine.complete(found);
            return found;
        } catch (RuntimeException e) {
            mine.completeExceptionally(e);
            throw e;
        } finally {
            inflight.remove(key, mine);
        }
    }

    private T poll(Supplier<T> probe) {
        long start = System.nanoTime();
        for (long at : pollAtMillis) {
            long wait = start + at * 1_000_000 - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            T found = probe.get();
            if (found != null) {
                return found;
            }
        }
        return null;
    }

    /** Keys being polled right now. */
    int inflight() {
        return inflight.size();
    }
}
