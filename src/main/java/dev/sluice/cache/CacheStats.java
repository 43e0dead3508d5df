package dev.sluice.cache;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * Counters of the response cache since start, for the whole organisation and per team (so a
 * team-limited admin sees its own team's figures only). Nothing here is per request, so reading
 * never slows requests down. Teams are created by owners, so the per-team map stays as small as
 * the list of teams.
 */
public final class CacheStats {
    /** The outcome counters of one scope: the organisation or one team. */
    static final class Counters {
        final LongAdder hits = new LongAdder();
        final LongAdder semanticHits = new LongAdder();
        final LongAdder misses = new LongAdder();
        final LongAdder bypasses = new LongAdder();
        final LongAdder stores = new LongAdder();
        final LongAdder savedPromptTokens = new LongAdder();
        final LongAdder savedCompletionTokens = new LongAdder();
    }

    private final Counters org = new Counters();
    private final Map<String, Counters> teams = new ConcurrentHashMap<>();
    /** Semantic candidates above the threshold that a false-hit guard turned down. */
    final LongAdder guardRejections = new LongAdder();
    final LongAdder redisErrors = new LongAdder();
    final LongAdder evictions = new LongAdder();
    private volatile LongSupplier indexEntries = () -> 0;

    /**
     * A consistent-enough copy of every counter. For a team, the organisation-wide figures
     * (guard rejections, Redis errors, evictions, index entries) are -1: not the team's to see.
     */
    public record Snapshot(long hits, long semanticHits, long misses, long bypasses, long stores, long guardRejections,
                           long savedPromptTokens, long savedCompletionTokens, long redisErrors, long evictions,
                           long indexEntries) {

        /** Hits (exact and semantic) over lookups that could hit (hits + misses). */
        public double hitRate() {
            long lookups = hits + semanticHits + misses;
            return lookups == 0 ? 0 : (double) (hits + semanticHits) / lookups;
        }
    }

    void indexEntries(LongSupplier supplier) {
        this.indexEntries = supplier;
    }

    void hit(String team, boolean exact, long savedPrompt, long savedCompletion) {
        for (Counters c : scopes(team)) {
            (exact ? c.hits : c.semanticHits).increment();
            c.savedPromptTokens.add(savedPrompt);
            c.savedCompletionTokens.add(savedCompletion);
        }
    }

    void miss(String team) {
        for (Counters c : scopes(team)) {
            c.misses.increment();
        }
    }

    void bypass(String team) {
        for (Counters c : scopes(team)) {
            c.bypasses.increment();
        }
    }

    void stored(String team) {
        for (Counters c : scopes(team)) {
            c.stores.increment();
        }
    }

    private Counters[] scopes(String team) {
        return team == null ? new Counters[] {org} : new Counters[] {org, teams.computeIfAbsent(team, t -> new Counters())};
    }

    /** The organisation's counters. */
    public Snapshot snapshot() {
        return snapshot(org, guardRejections.sum(), redisErrors.sum(), evictions.sum(), indexEntries.getAsLong());
    }

    /** One team's counters; the organisation-wide ones are -1. */
    public Snapshot snapshot(String team) {
        return snapshot(teams.getOrDefault(team, new Counters()), -1, -1, -1, -1);
    }

    private static Snapshot snapshot(Counters c, long guardRejections, long redisErrors, long evictions,
                                     long indexEntries) {
        return new Snapshot(c.hits.sum(), c.semanticHits.sum(), c.misses.sum(), c.bypasses.sum(), c.stores.sum(),
                guardRejections, c.savedPromptTokens.sum(), c.savedCompletionTokens.sum(), redisErrors, evictions,
                indexEntries);
    }
}
