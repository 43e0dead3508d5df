package dev.sluice.prompts;

import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.LoadingCache;
import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.function.Function;

/**
 * What the request path reads from the shared store about prompts and experiments (a prompt's labels,
 * the splits and shadows running on a subject), kept fresh without making a request wait for the store.
 *
 * <p>No value older than {@code freshness} is ever served (that bound is what other gateway instances'
 * changes rely on); an entry read when it is past half of that is reloaded on a virtual thread, and the
 * read returns the value it has. So under steady traffic the store is asked in the background and no
 * request waits for it; a request after a lull longer than {@code freshness} loads on its own thread, as
 * every such request did before — then, each {@code freshness}, one request per subject ran the store's
 * query itself (two, for a model: splits and shadows): a PostgreSQL round trip, or a wait for SQLite's
 * shared connection, inside that request's latency. {@link #invalidate} drops an entry at once, for
 * changes made through this instance.
 */
public final class FreshCache<K, V> {
    private static final Executor RELOADS = task -> Thread.ofVirtual().name("sluice-fresh-cache").start(task);

    private final LoadingCache<K, V> cache;

    public FreshCache(long maxEntries, Duration freshness, Function<K, V> loader) {
        this(maxEntries, freshness, loader, Ticker.systemTicker(), RELOADS);
    }

    /** For tests: a clock and an executor of their own. */
    FreshCache(long maxEntries, Duration freshness, Function<K, V> loader, Ticker ticker, Executor reloads) {
        this.cache = Caffeine.newBuilder().maximumSize(maxEntries).refreshAfterWrite(freshness.dividedBy(2))
                .expireAfterWrite(freshness).ticker(ticker).executor(reloads)
                .build(loader::apply);
    }

    /** The value: cached, or loaded on the caller when there is none (a failed load throws here). */
    public V get(K key) {
        return cache.get(key);
    }

    public void invalidate(K key) {
        cache.invalidate(key);
    }

    public void invalidateAll() {
        cache.invalidateAll();
    }
}
