package dev.sluice.sim;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/** The models {@code GET /v1/models} lists: a fixed few plus every model a request has named. */
final class ModelCatalog {
    static final List<String> FIXED = List.of("gpt-4o", "gpt-4o-mini", "gpt-4.1-mini", "text-embedding-3-small",
            "claude-sonnet-4-5", "claude-haiku-4-5");
    /** Bounds memory when a benchmark sends random model names. */
    private static final int MAX_SEEN = 1000;

    private final Set<String> seen = ConcurrentHashMap.newKeySet();

    void seen(String model) {
        if (seen.size() < MAX_SEEN) {
            seen.add(model);
        }
    }

    /** Fixed ids first, then the seen ones in alphabetical order. */
    List<String> ids() {
        TreeSet<String> extra = new TreeSet<>(seen);
        extra.removeAll(FIXED);
        return java.util.stream.Stream.concat(FIXED.stream(), extra.stream()).toList();
    }
}
