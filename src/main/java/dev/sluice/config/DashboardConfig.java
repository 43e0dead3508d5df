package dev.sluice.config;

import java.time.Duration;

/**
 * The web dashboard at {@code /ui}: off unless enabled. Sessions live in the gateway's memory (one
 * instance's logins are not seen by another: put a load balancer's session affinity in front of
 * several, or log in again).
 *
 * @param enabled      whether {@code /ui} is served at all (404 otherwise)
 * @param sessionTtl   how long a login lasts at most, however active
 * @param idleTimeout  a session unused this long is logged out
 * @param secureCookie always mark the session cookie {@code Secure}; it is also marked when the request
 *                     came over TLS ({@code X-Forwarded-Proto: https} from the proxy that terminated it)
 */
public record DashboardConfig(boolean enabled, Duration sessionTtl, Duration idleTimeout, boolean secureCookie) {
    public static final Duration DEFAULT_SESSION_TTL = Duration.ofHours(12);
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofMinutes(30);
    public static final DashboardConfig OFF = new DashboardConfig(false, DEFAULT_SESSION_TTL, DEFAULT_IDLE_TIMEOUT, false);
}
