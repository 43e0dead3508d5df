package dev.sluice.ui;

import dev.sluice.api.SluiceException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Slows down guessing admin keys at the dashboard's login: failed logins are counted per client
 * address and per key prefix (the key's scheme and the first characters of its secret, so many
 * addresses guessing one key's secret are limited together) over a sliding window. Over either limit, logins from that
 * address or for that prefix are refused with a 429 (without checking the key) until the oldest
 * failure leaves the window. A successful login clears its address's count.
 *
 * <p>Both are in this gateway's memory, bounded to {@link #MAX_TRACKED} addresses and prefixes
 * (entries whose failures all left the window go first; past that, the newest are not tracked
 * rather than letting memory grow). Behind a proxy every client has the proxy's address, so the
 * per-address limit then counts them together: raise {@code dashboard.login_failures_per_ip}.
 */
public final class LoginThrottle {
    static final int MAX_TRACKED = 10_000;
    /** Characters of the secret, after the key's scheme, that make its prefix. */
    static final int SECRET_PREFIX_LENGTH = 5;
    /**
     * The schemes keys start with, longest first. Every admin key made by the API starts with {@code sk-sluice-adm-}:
     * a prefix of fixed length shorter than that would put every key in one bucket, and 30 wrong guesses by anyone
     * would lock every admin out of the dashboard.
     */
    private static final String[] SCHEMES = {"sk-sluice-admin-", "sk-sluice-adm-", "sk-sluice-", "sk-adm-", "sk-"};

    private final Clock clock;
    private final int perAddress;
    private final int perPrefix;
    private final long windowMillis;
    private final Map<String, ArrayDeque<Long>> failures = new ConcurrentHashMap<>();

    /** @param perAddress failures allowed per address in the window (0 = no limit); {@code perPrefix} likewise per key prefix */
    public LoginThrottle(Clock clock, int perAddress, int perPrefix, Duration window) {
        this.clock = clock;
        this.perAddress = perAddress;
        this.perPrefix = perPrefix;
        this.windowMillis = window.toMillis();
    }

    /** Refuses (429 with Retry-After) a login from this address or for this key's prefix while over a limit. */
    public void check(String address, String key) {
        long now = clock.millis();
        long wait = Math.max(waitMillis(addressKey(address), perAddress, now), waitMillis(prefixKey(key), perPrefix, now));
        if (wait > 0) {
            long seconds = (wait + 999) / 1000;
            throw new SluiceException(429, "rate_limit_error", "login_rate_limited", null, "Too many failed logins "
                    + (waitMillis(addressKey(address), perAddress, now) > 0 ? "from this address" : "with this key prefix")
                    + ". Try again in " + (seconds >= 60 ? (seconds / 60) + " min " + (seconds % 60) + " s" : seconds + " s")
                    + ", with the full admin key.", Duration.ofSeconds(seconds), null);
        }
    }

    /** Counts a failed login (a key that is wrong, revoked or expired). */
    public void failed(String address, String key) {
        long now = clock.millis();
        record(addressKey(address), perAddress, now);
        record(prefixKey(key), perPrefix, now);
    }

    /** A successful login from this address: its earlier failures no longer count. */
    public void succeeded(String address) {
        failures.remove(addressKey(address));
    }

    /** Addresses and prefixes tracked now, for tests of the bound. */
    int tracked() {
        return failures.size();
    }

    private static String addressKey(String address) {
        return "ip:" + (address == null ? "unknown" : address);
    }

    static String prefixKey(String key) {
        String k = key == null ? "" : key;
        return "key:" + k.substring(0, Math.min(scheme(k).length() + SECRET_PREFIX_LENGTH, k.length() / 2));
    }

    /** The known scheme the key starts with ({@code sk-sluice-adm-}), or "": no character of the secret. */
    static String scheme(String key) {
        if (key != null) {
            for (String scheme : SCHEMES) {
                if (key.startsWith(scheme)) {
                    return scheme;
                }
            }
        }
        return "";
    }

    /** How long until one more failure is allowed (0 = now). */
    private long waitMillis(String id, int limit, long now) {
        if (limit <= 0) {
            return 0;
        }
        ArrayDeque<Long> times = failures.get(id);
        if (times == null) {
            return 0;
        }
        synchronized (times) {
            expire(times, now);
            return times.size() < limit ? 0 : times.peekFirst() + windowMillis - now;
        }
    }

    private void record(String id, int limit, long now) {
        if (limit <= 0) {
            return;
        }
        if (!failures.containsKey(id) && failures.size() >= MAX_TRACKED) {
            failures.entrySet().removeIf(e -> {
                synchronized (e.getValue()) {
                    expire(e.getValue(), now);
                    return e.getValue().isEmpty();
                }
            });
            if (failures.size() >= MAX_TRACKED) {
                return;
            }
        }
        ArrayDeque<Long> times = failures.computeIfAbsent(id, k -> new ArrayDeque<>());
        synchronized (times) {
            expire(times, now);
            times.addLast(now);
            while (times.size() > limit) {
                times.removeFirst(); // only the newest `limit` failures decide when the next is allowed
            }
        }
    }

    private void expire(ArrayDeque<Long> times, long now) {
        while (!times.isEmpty() && times.peekFirst() <= now - windowMillis) {
            times.removeFirst();
        }
    }
}
