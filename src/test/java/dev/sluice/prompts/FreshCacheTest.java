package dev.sluice.prompts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The request path never waits for a reload of a stale entry; it waits only when there is nothing to serve. */
class FreshCacheTest {
    private final AtomicLong nanos = new AtomicLong();
    private final Queue<Runnable> reloads = new ArrayDeque<>();
    private final AtomicInteger version = new AtomicInteger(1);
    private final AtomicInteger loads = new AtomicInteger();
    private final FreshCache<String, String> cache = new FreshCache<>(10, Duration.ofSeconds(1), k -> {
        loads.incrementAndGet();
        if (version.get() < 0) {
            throw new IllegalStateException("store down");
        }
        return k + "@" + version.get();
    }, nanos::get, reloads::add);

    private void advance(Duration d) {
        nanos.addAndGet(d.toNanos());
    }

    /** Runs what the cache handed to its executor (reloads, and Caffeine's own maintenance). */
    private void runHandedOff() {
        for (Runnable r; (r = reloads.poll()) != null; ) {
            r.run();
        }
    }

    @Test
    void aStaleEntryIsServedWhileItReloadsElsewhere() {
        assertEquals("model:a@1", cache.get("model:a")); // nothing cached: loaded on the caller
        assertEquals(1, loads.get());
        version.set(2);
        advance(Duration.ofMillis(499));
        assertEquals("model:a@1", cache.get("model:a"));
        runHandedOff();
        assertEquals(1, loads.get(), "fresh: no reload");

        advance(Duration.ofMillis(400));
        assertEquals("model:a@1", cache.get("model:a"), "stale: the old value, at once");
        assertEquals(1, loads.get(), "the caller did not load");
        runHandedOff();
        assertEquals(2, loads.get(), "a reload ran on the executor");
        assertEquals("model:a@2", cache.get("model:a"));
    }

    @Test
    void anEntryNobodyReadsExpiresAndIsLoadedOnTheCaller() {
        cache.get("model:a");
        version.set(2);
        advance(Duration.ofMillis(1_001));
        assertEquals("model:a@2", cache.get("model:a"), "older than freshness: never served");
        assertEquals(2, loads.get(), "loaded once more, on the caller");
    }

    @Test
    void invalidateDropsAtOnce() {
        cache.get("model:a");
        version.set(2);
        cache.invalidate("model:a");
        assertEquals("model:a@2", cache.get("model:a"));
    }

    @Test
    void aFailedReloadKeepsTheOldValueUntilItExpires() {
        cache.get("model:a");
        version.set(-1);
        advance(Duration.ofMillis(600));
        assertEquals("model:a@1", cache.get("model:a"));
        runHandedOff(); // the reload fails: Caffeine logs it and keeps the entry
        assertEquals(2, loads.get());
        assertEquals("model:a@1", cache.get("model:a"));
        advance(Duration.ofMillis(500));
        assertThrows(IllegalStateException.class, () -> cache.get("model:a"), "expired, and the load on the caller fails");
    }
}
