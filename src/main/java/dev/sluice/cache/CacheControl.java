package dev.sluice.cache;

import dev.sluice.api.SluiceException;
import dev.sluice.config.Durations;
import java.time.Duration;
import java.util.Locale;

/**
 * The per-request cache controls of the {@code x-sluice-cache} request header, comma-separated:
 * {@code no-store} (neither served from nor stored in the cache), {@code refresh} (skip the lookup,
 * call the model, store the fresh answer) and {@code ttl=10m} (keep this answer that long, up to
 * {@code cache.max_ttl}).
 */
record CacheControl(boolean noStore, boolean refresh, Duration ttl) {
    static final String HEADER = "x-sluice-cache";
    static final CacheControl NONE = new CacheControl(false, false, null);

    static CacheControl parse(String header, Duration maxTtl) {
        if (header == null || header.isBlank()) {
            return NONE;
        }
        boolean noStore = false;
        boolean refresh = false;
        Duration ttl = null;
        for (String raw : header.split(",")) {
            String directive = raw.strip().toLowerCase(Locale.ROOT);
            if (directive.isEmpty()) {
                continue;
            }
            if (directive.equals("no-store")) {
                noStore = true;
            } else if (directive.equals("refresh")) {
                refresh = true;
            } else if (directive.startsWith("ttl=")) {
                Duration d = Durations.parse(directive.substring(4));
                if (d == null || d.isZero() || d.isNegative()) {
                    throw bad("'" + raw.strip() + "' is not a TTL; write it like ttl=30s, ttl=10m or ttl=1h");
                }
                if (d.compareTo(maxTtl) > 0) {
                    throw bad("ttl=" + directive.substring(4) + " is longer than the gateway's cache.max_ttl ("
                            + maxTtl.toSeconds() + "s); ask for less");
                }
                ttl = d;
            } else {
                throw bad("unknown directive '" + raw.strip() + "'; use no-store, refresh or ttl=<duration>");
            }
        }
        return new CacheControl(noStore, refresh, ttl);
    }

    private static SluiceException bad(String message) {
        return SluiceException.invalidRequest(HEADER, "The " + HEADER + " header: " + message + ".");
    }
}
