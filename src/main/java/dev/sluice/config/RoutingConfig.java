package dev.sluice.config;

import java.time.Duration;

/**
 * Defaults for every model's routing (each model may override strategy, retries and timeouts).
 *
 * @param backoffBase    first retry waits up to this (full jitter), doubling each retry
 * @param backoffMax     the ceiling of a backoff wait
 * @param maxRetryAfter  an upstream's Retry-After is honoured up to this; longer means "not here, try elsewhere"
 */
public record RoutingConfig(String strategy, int retries, Duration backoffBase, Duration backoffMax,
                            Duration maxRetryAfter, TimeoutsConfig timeouts, BreakerConfig breaker) {

    public static RoutingConfig defaults() {
        return new RoutingConfig("weighted", 2, Duration.ofMillis(100), Duration.ofSeconds(5), Duration.ofSeconds(10),
                TimeoutsConfig.NONE, BreakerConfig.defaults());
    }

    /**
     * A circuit breaker per deployment: opens when the failure rate over the last {@code window}
     * calls reaches {@code failureRate}% (after at least {@code minCalls}), skips the deployment
     * for {@code openFor}, then lets {@code halfOpenCalls} probes through and closes if they succeed.
     */
    public record BreakerConfig(boolean enabled, float failureRate, int window, int minCalls, Duration openFor,
                                int halfOpenCalls) {
        public static BreakerConfig defaults() {
            // 80%: a breaker is for outages, not for a degraded upstream that retries still get
            // through (30% random failures would trip a 50% breaker now and then by chance alone)
            return new BreakerConfig(true, 80, 20, 10, Duration.ofSeconds(30), 2);
        }
    }
}
