package dev.sluice.route;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Picks the client headers a provider should receive: exact names, or prefixes written with a
 * trailing '*' (e.g. {@code x-sim-*}, {@code anthropic-beta}). Nothing is forwarded by default.
 */
public final class HeaderForwarder {
    public static final HeaderForwarder NONE = new HeaderForwarder(List.of());
    private final List<String> exact = new ArrayList<>();
    private final List<String> prefixes = new ArrayList<>();

    public HeaderForwarder(List<String> patterns) {
        for (String p : patterns) {
            String lower = p.strip().toLowerCase(Locale.ROOT);
            if (lower.endsWith("*")) {
                prefixes.add(lower.substring(0, lower.length() - 1));
            } else {
                exact.add(lower);
            }
        }
    }

    /** @param headers request headers with lower-case names */
    public Map<String, String> select(Map<String, String> headers) {
        if (exact.isEmpty() && prefixes.isEmpty()) {
            return Map.of();
        }
        Map<String, String> out = new HashMap<>();
        for (Map.Entry<String, String> h : headers.entrySet()) {
            if (matches(h.getKey())) {
                out.put(h.getKey(), h.getValue());
            }
        }
        return out;
    }

    private boolean matches(String name) {
        if (exact.contains(name)) {
            return true;
        }
        for (String prefix : prefixes) {
            if (name.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }
}
