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
 */
public record RedisConfig(String url, Duration timeout, boolean failOpen) {}
