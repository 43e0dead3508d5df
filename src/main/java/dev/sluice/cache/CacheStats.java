package dev.sluice.cache;

import java.util.concurrent.atomic.LongAdder;

/**
 * Counters of the response cache since start, for metrics export (the metrics endpoint reads
 * {@link #snapshot()}; nothing here is per request, so reading never slows requests down).
 */
public final class CacheStats {
    final LongAdder hits = new LongAdder();
    final LongAdder semanticHits = new LongAdder();
    final LongAdder misses = new LongAdder();
    final LongAdder bypasses = new LongAdder();
    final LongAdder stores = new LongAdder();
    /** Semantic candidates above the threshold that a false-hit guard turned down. */
    final LongAdder guardRejections = new LongAdder();
    final LongAdder savedPromptTokens = new LongAdder();
    final LongAdder savedCompletionTokens = new LongAdder();
    final LongAdder redisErrors = new LongAdder();
    final LongAdder evictions = new LongAdder();

    /** A consistent-enough copy of every counter. */
    public record Snapshot(long hits, long semanticHits, long misses, long bypasses, long stores, long guardRejections,
                           long savedPromptTokens, long savedCompletionTokens, long redisErrors, long evictions,
                           long indexEntries) {

        /** Hits (exact and semantic) over lookups that could hit (hits + misses). */
        public double hitRate() {
            long lookups = hits + semanticHits + misses;
            return lookups == 0 ? 0 : (double) (hits + semanticHits) / lookups;
        }
    }

    private volatile java.util.function.LongSupplier indexEntries = () -> 0;

    void indexEntries(java.util.function.LongSupplier supplier) {
        this.indexEntries = supplier;
    }

    public Snapshot snapshot() {
        return new Snapshot(hits.sum(), semanticHits.sum(), misses.sum(), bypasses.sum(), stores.sum(),
                guardRejections.sum(), savedPromptTokens.sum(), savedCompletionTokens.sum(), redisErrors.sum(),
                evictions.sum(), indexEntries.getAsLong());
    }
}
