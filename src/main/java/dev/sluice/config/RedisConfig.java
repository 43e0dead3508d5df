package dev.sluice.config;

import java.time.Duration;

/**
 * The shared Redis, when configured: limits, budgets and the cache are then shared by every
 * gateway instance.
 *
 * @param url      e.g. {@code redis://127.0.0.1:6379/0}
 * @param timeout  per-command timeout; a slower Redis counts as down
 * @param failOpen when Redis is down: true serves with local state (and logs a warning),
 *                 false refuses requests that need shared state with 503
 * @param leaseTtl how long a concurrency slot stays taken without renewal (renewed every quarter of it
 *                 while its request runs): how soon the slots of a node that died come back
 */
public record RedisConfig(String url, Duration timeout, boolean failOpen, Duration leaseTtl) {
    public static final Duration DEFAULT_LEASE_TTL = Duration.ofSeconds(20);

    public RedisConfig(String url, Duration timeout, boolean failOpen) {
        this(url, timeout, failOpen, DEFAULT_LEASE_TTL);
    }
}
