package dev.sluice.cache;

import dev.sluice.api.ChatMessage;
import dev.sluice.api.ChatResponse;
import dev.sluice.api.Choice;
import dev.sluice.api.Usage;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

/**
 * The benchmark's window into the cache's package-private index (compiled with the harness, in the
 * same package as the jar's classes), so the production API stays as small as it is.
 */
public final class BenchAccess implements AutoCloseable {
    private final SemanticIndex index;
    private final long expires = Long.MAX_VALUE / 2;

    public BenchAccess(Path dir, int maxEntries) {
        this.index = new SemanticIndex(dir, maxEntries, Clock.systemUTC(), new CacheStats());
    }

    public void add(String key, String partition, float[] vector) {
        ChatResponse r = new ChatResponse("id", 0, "m",
                List.of(new Choice(0, ChatMessage.of("assistant", "cached answer " + key), "stop", null)), Usage.of(10, 20),
                null, null);
        index.add(new CachedAnswer(key, r, null, null, "m", null, "question " + key, 0, expires), partition, vector);
    }

    /** Makes everything added searchable, merged and committed, as a long-running gateway's index would be. */
    public void settle() {
        index.maintain();
        index.awaitMerges();
    }

    public int segments() {
        return index.segments();
    }

    /** One semantic lookup: the nearest cached questions of a partition. */
    public int nearest(String partition, float[] vector, int k) {
        return index.nearest(partition, vector, k).size();
    }

    public double bestSimilarity(String partition, float[] vector) {
        var c = index.nearest(partition, vector, 1);
        return c.isEmpty() ? -1 : c.getFirst().similarity();
    }

    @Override
    public void close() {
        index.close();
    }
}
