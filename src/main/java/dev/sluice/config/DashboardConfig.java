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
 * @param loginFailuresPerIp        failed logins allowed per client address in {@code loginFailureWindow} (0 = no limit)
 * @param loginFailuresPerKeyPrefix failed logins allowed per key prefix in {@code loginFailureWindow} (0 = no limit)
 * @param loginFailureWindow        the sliding window the failures are counted in
 */
public record DashboardConfig(boolean enabled, Duration sessionTtl, Duration idleTimeout, boolean secureCookie,
                              int loginFailuresPerIp, int loginFailuresPerKeyPrefix, Duration loginFailureWindow) {
    public static final Duration DEFAULT_SESSION_TTL = Duration.ofHours(12);
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofMinutes(30);
    public static final int DEFAULT_LOGIN_FAILURES_PER_IP = 10;
    public static final int DEFAULT_LOGIN_FAILURES_PER_KEY_PREFIX = 30;
    public static final Duration DEFAULT_LOGIN_FAILURE_WINDOW = Duration.ofMinutes(15);
    public static final DashboardConfig OFF = new DashboardConfig(false, DEFAULT_SESSION_TTL, DEFAULT_IDLE_TIMEOUT, false);

    /** With the default login limits. */
    public DashboardConfig(boolean enabled, Duration sessionTtl, Duration idleTimeout, boolean secureCookie) {
        this(enabled, sessionTtl, idleTimeout, secureCookie, DEFAULT_LOGIN_FAILURES_PER_IP,
                DEFAULT_LOGIN_FAILURES_PER_KEY_PREFIX, DEFAULT_LOGIN_FAILURE_WINDOW);
    }
}
