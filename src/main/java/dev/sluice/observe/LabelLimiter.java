package dev.sluice.observe;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Keeps metric label values bounded: per label, the first N distinct values seen are kept as
 * they are and every later one becomes {@value #OTHER}, so a flood of new keys, teams or error
 * types cannot blow up the number of series. A value already admitted stays admitted. Thread-safe
 * and allocation-free for values already seen.
 */
public final class LabelLimiter {
    public static final String OTHER = "other";
    /** The value of a label that does not apply (no key, no team). */
    public static final String NONE = "none";
    /** The default bounds of Sluice's labels. */
    public static final Map<String, Integer> DEFAULT_LIMITS = Map.of("key", 100, "team", 50, "error_type", 50,
            "guard", 50, "feedback_name", 50, "prompt", 200, "variant", 50);

    private final Map<String, Label> labels = new ConcurrentHashMap<>();

    private record Label(int limit, Set<String> admitted, AtomicInteger size) {}

    public LabelLimiter(Map<String, Integer> limits) {
        limits.forEach((name, limit) -> {
            if (limit < 1) {
                throw new IllegalArgumentException("label '" + name + "' needs a limit of at least 1, not " + limit);
            }
            labels.put(name, new Label(limit, ConcurrentHashMap.newKeySet(), new AtomicInteger()));
        });
    }

    public static LabelLimiter defaults() {
        return new LabelLimiter(DEFAULT_LIMITS);
    }

    /**
     * The value to record for this label: the value itself while the label has room (or it was
     * admitted before), {@value #OTHER} once the label is full, {@value #NONE} for null or empty.
     * Labels without a configured limit pass through unchanged.
     */
    public String value(String label, String raw) {
        if (raw == null || raw.isEmpty()) {
            return NONE;
        }
        Label l = labels.get(label);
        if (l == null || l.admitted().contains(raw)) {
            return raw;
        }
        // reserve a slot first so concurrent callers never admit more than the limit
        if (l.size().incrementAndGet() > l.limit()) {
            l.size().decrementAndGet();
            return OTHER;
        }
        if (!l.admitted().add(raw)) {
            l.size().decrementAndGet(); // another thread admitted it meanwhile
        }
        return raw;
    }

    /** How many distinct values the label holds (at most its limit). */
    public int size(String label) {
        Label l = labels.get(label);
        return l == null ? 0 : l.admitted().size();
    }
}
